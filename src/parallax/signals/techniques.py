"""Paragraph-level persuasion-technique classifier (SemEval-2023 Task 3, subtask 3, English).

One-vs-rest logistic regression over the same stateless hashed word / char n-gram features as
:mod:`parallax.models.classifiers` (:class:`~parallax.models.classifiers.FeatureSpec`,
:func:`~parallax.models.classifiers.hashed_counts`, :func:`~parallax.models.classifiers.assemble`): one weight
vector per technique plus an "any technique" head, with Platt calibration folded into the
weights and per-head decision thresholds tuned by grouped cross-validation on the training
articles. It complements the span lexicon of :mod:`parallax.signals.loaded`: this model says *which*
techniques a paragraph uses, the lexicon *where* loaded phrases are.

Weights live in ``parallax/models/weights/techniques.json`` (configuration, technique names,
thresholds) and ``techniques.npz`` (plain arrays, loaded with ``allow_pickle=False``); they are
produced by ``scripts/train_techniques.py``, which uses :func:`model_from_arrays` /
:func:`model_to_arrays` of this module so that training and inference cannot drift apart. See
``models/weights/TECHNIQUES_CARD.md`` for data, protocol and dev-set results.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import scipy.sparse as sp

from parallax.models.classifiers import FeatureSpec, assemble, hashed_counts

__all__ = [
    "ANY_TECHNIQUE",
    "TECHNIQUES",
    "TechniqueModel",
    "any_technique",
    "label_paragraphs",
    "load_model",
    "model_available",
    "paragraph_techniques",
]

FORMAT_VERSION = 1
MODEL_NAME = "techniques"

TECHNIQUES: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling-Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration-Minimisation",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "False_Dilemma-No_Choice",
    "Conversation_Killer",
    "Guilt_by_Association",
    "Red_Herring",
    "Appeal_to_Hypocrisy",
)
"""Modelled techniques (SemEval-2023 T3 names with >= 30 training paragraphs), in head order."""

ANY_TECHNIQUE = "any_technique"
"""Name of the extra head: P(the paragraph uses at least one of the 23 techniques)."""


@dataclass(eq=False)
class TechniqueModel:
    """Multi-head linear model over the features of :func:`parallax.models.classifiers.assemble`.

    ``coef`` has one row per head (``techniques`` then :data:`ANY_TECHNIQUE`) and one column per
    entry of ``cols`` (the assembled feature columns with a non-zero IDF; every other column has
    a zero feature value, so it needs no weight).
    """

    spec: FeatureSpec
    techniques: tuple[str, ...]
    idf: dict[str, np.ndarray]
    cols: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    thresholds: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def heads(self) -> tuple[str, ...]:
        """Head names in row order of :attr:`coef`."""
        return (*self.techniques, ANY_TECHNIQUE)

    def logits(self, paragraphs: Sequence[str]) -> np.ndarray:
        """Calibrated logits, shape ``(n, n_heads)``, float64."""
        if isinstance(paragraphs, str):
            raise TypeError("pass a sequence of paragraphs, not a single string")
        texts = list(paragraphs)
        if not texts:
            return np.zeros((0, len(self.heads)), dtype=np.float64)
        x = assemble(hashed_counts(texts, self.spec), texts, self.spec, self.idf)
        x = sp.csr_matrix(x[:, self.cols], dtype=np.float32)
        z = np.asarray(x @ self.coef.T, dtype=np.float64)
        return z + self.intercept.astype(np.float64)

    def predict_proba(self, paragraphs: Sequence[str]) -> np.ndarray:
        """Probabilities in [0, 1], shape ``(n, n_heads)``."""
        z = np.clip(self.logits(paragraphs), -50.0, 50.0)
        return 1.0 / (1.0 + np.exp(-z))


def model_from_arrays(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> TechniqueModel:
    """Rebuild a :class:`TechniqueModel` from its JSON metadata and ``.npz`` arrays.

    Arrays: ``<block>_idf_idx`` (int32 hashed columns with non-zero IDF), ``<block>_idf_val``,
    ``coef`` (``n_heads x n_cols``, columns = word then char ``idf_idx``), ``intercept`` and
    ``thresholds`` (``n_heads``).
    """
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unsupported techniques model format {meta.get('format_version')!r}")
    spec = FeatureSpec.from_json(meta["features"])
    if not spec.use_idf or spec.headline or spec.style:
        raise ValueError("techniques model expects IDF-weighted hashed n-gram blocks only")
    idf: dict[str, np.ndarray] = {}
    cols: list[np.ndarray] = []
    offset = 0
    for block in spec.blocks():
        size = spec.block_size(block)
        idx = arrays[f"{block}_idf_idx"].astype(np.int64)
        dense = np.zeros(size, dtype=np.float32)
        dense[idx] = arrays[f"{block}_idf_val"].astype(np.float32)
        idf[block] = dense
        cols.append(idx + offset)
        offset += size
    techniques = tuple(meta["techniques"])
    coef = arrays["coef"].astype(np.float32)
    n_heads = len(techniques) + 1
    col_idx = np.concatenate(cols)
    if coef.shape != (n_heads, len(col_idx)):
        raise ValueError(f"coef shape {coef.shape} != {(n_heads, len(col_idx))}")
    return TechniqueModel(
        spec=spec,
        techniques=techniques,
        idf=idf,
        cols=col_idx,
        coef=coef,
        intercept=arrays["intercept"].astype(np.float32).reshape(n_heads),
        thresholds=arrays["thresholds"].astype(np.float32).reshape(n_heads),
        meta=meta,
    )


def model_to_arrays(model: TechniqueModel) -> dict[str, np.ndarray]:
    """Plain-array representation of ``model`` (inverse of :func:`model_from_arrays`)."""
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    expected: list[np.ndarray] = []
    for block in model.spec.blocks():
        size = model.spec.block_size(block)
        idx = np.flatnonzero(model.idf[block]).astype(np.int32)
        arrays[f"{block}_idf_idx"] = idx
        arrays[f"{block}_idf_val"] = model.idf[block][idx].astype(np.float32)
        expected.append(idx.astype(np.int64) + offset)
        offset += size
    if not np.array_equal(np.concatenate(expected), model.cols):
        raise ValueError("model.cols must be the non-zero IDF columns in block order")
    arrays["coef"] = np.asarray(model.coef, dtype=np.float16)
    arrays["intercept"] = np.asarray(model.intercept, dtype=np.float32)
    arrays["thresholds"] = np.asarray(model.thresholds, dtype=np.float32)
    return arrays


def _root() -> Any:
    return resources.files("parallax.models") / "weights"


def model_available() -> bool:
    """Whether the packaged technique weights are installed."""
    root = _root()
    return (root / f"{MODEL_NAME}.json").is_file() and (root / f"{MODEL_NAME}.npz").is_file()


@functools.cache
def load_model() -> TechniqueModel:
    """Load (once, then cached) the packaged technique model."""
    if not model_available():
        raise FileNotFoundError(
            "weights of the technique model are missing from parallax/models/weights; "
            "run `python scripts/train_techniques.py`"
        )
    root = _root()
    meta = json.loads((root / f"{MODEL_NAME}.json").read_text(encoding="utf-8"))
    with (root / f"{MODEL_NAME}.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    model = model_from_arrays(meta, arrays)
    if model.techniques != TECHNIQUES:
        raise ValueError("packaged technique model does not match parallax.signals.techniques.TECHNIQUES")
    return model


def paragraph_techniques(paragraphs: Sequence[str]) -> list[dict[str, float]]:
    """P(technique) for every technique in :data:`TECHNIQUES`, one dict per paragraph."""
    probs = load_model().predict_proba(paragraphs)
    return [
        {t: round(float(p), 4) for t, p in zip(TECHNIQUES, row[: len(TECHNIQUES)], strict=True)}
        for row in probs
    ]


def any_technique(paragraphs: Sequence[str]) -> list[float]:
    """P(the paragraph uses at least one persuasion technique), from the dedicated head."""
    probs = load_model().predict_proba(paragraphs)
    return [round(float(p), 4) for p in probs[:, -1]]


def label_paragraphs(paragraphs: Sequence[str]) -> list[list[str]]:
    """Techniques whose probability reaches its tuned threshold, per paragraph (most likely first)."""
    model = load_model()
    probs = model.predict_proba(paragraphs)[:, : len(TECHNIQUES)]
    thr = model.thresholds[: len(TECHNIQUES)].astype(np.float64)
    out: list[list[str]] = []
    for row in probs:
        hits = np.flatnonzero(row >= thr)
        order = hits[np.argsort(-row[hits], kind="stable")]
        out.append([TECHNIQUES[i] for i in order])
    return out

"""Small calibrated linear text classifiers (subjectivity, check-worthiness, clickbait, abuse,
hyperpartisan slant).

The features (:mod:`parallax.models.features`, re-exported here) are stateless: texts are
normalised, hashed into word n-gram and (optionally) char n-gram blocks with
:class:`~sklearn.feature_extraction.text.HashingVectorizer`, re-weighted by a stored IDF vector,
L2-normalised per block and concatenated with a few hand-written headline cues (headlines) or
standardised article style cues (hyperpartisan). A logistic-regression weight vector (Platt
calibration already folded in) maps them to P(positive). Weights live in
``parallax/models/weights/<name>.json`` (configuration, intercept, threshold) and ``<name>.npz``
(plain arrays, loaded with ``allow_pickle=False``); they are produced by
``scripts/train_classifiers.py`` (``scripts/train_hyperpartisan.py`` for ``hyperpartisan``),
which import the feature code through this module so that training and inference cannot drift
apart.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction import FeatureHasher

from .features import (  # noqa: F401  (re-exported: scripts and tests read them here)
    _ARTICLE_RATE_CUES,
    _ARTICLE_RATE_MATCHERS,
    FORMAT_VERSION,
    STYLE_FEATURE_NAMES,
    FeatureSpec,
    _vectorizer,
    article_text,
    assemble,
    char_wb_counts,
    compute_idf,
    embedding_inputs,
    featurize,
    hashed_counts,
    normalize_text,
    partly_quoted,
    style_features,
    truncate,
)
from .hate_contextual import ContextualHate, load_contextual_hate
from .headline_cues import HEADLINE_FEATURE_NAMES, headline_features  # noqa: F401  (re-exported)
from .packaged import packaged_available, read_packaged
from .sentence_cues import SENTENCE_CUE_NAMES, dehumanises_group, sentence_cues  # noqa: F401  (re-exported)

AVAILABLE: tuple[str, ...] = ("subjectivity", "checkworthy", "clickbait", "hate", "hyperpartisan")
"""Names accepted by :func:`load_classifier`."""


class TextClassifier:
    """A binary linear text classifier returning calibrated P(positive)."""

    def __init__(
        self,
        name: str,
        spec: FeatureSpec,
        coef: np.ndarray,
        intercept: float,
        idf: dict[str, np.ndarray],
        threshold: float = 0.5,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Build from plain arrays; ``coef`` spans all feature blocks in :func:`assemble` order."""
        self.name = name
        self.spec = spec
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = float(intercept)
        self.idf = idf
        self.threshold = float(threshold)
        """Decision threshold on P(positive) tuned at training time (see the model card)."""
        self.meta: dict[str, Any] = meta or {}
        self.contextual: ContextualHate | None = None
        """A second stage that reads again the texts this model gives at least its gate
        (:meth:`with_contextual`; the abuse model has one)."""

    def with_contextual(self, second: ContextualHate) -> TextClassifier:
        """This model as the first stage of a cascade: texts it gives at least ``second.gate`` are
        scored by ``second`` instead, and the decision threshold becomes the second stage's."""
        out = copy.copy(self)
        out.contextual = second
        out.threshold = second.threshold
        return out

    def decision_function(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Calibrated logits, shape ``(n,)``; ``vectors`` as in :func:`assemble`."""
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not a single string")
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float64)
        x = featurize(list(texts), self.spec, self.idf, vectors)
        return np.asarray(x @ self.coef, dtype=np.float64) + self.intercept

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """P(positive) for each text, shape ``(n,)``, values in [0, 1].

        ``vectors``: the texts' embeddings of kind ``spec.embedding`` when the caller has them
        (ignored by models without an embedding block)."""
        z = np.clip(self.decision_function(texts, vectors), -50.0, 50.0)
        p = 1.0 / (1.0 + np.exp(-z))
        if self.contextual is not None and len(p):
            p = self.contextual.rescore(list(texts), p)
        # Guideline rule (subjectivity): a sentence partly inside a quotation is reported speech;
        # its probability is capped at the rate such sentences were subjective in the training
        # data (the model's JSON says which, and on what).
        cap = self.meta.get("partly_quoted_cap")
        if cap is not None and len(p):
            quoted = np.fromiter((partly_quoted(t) for t in texts), dtype=bool, count=len(p))
            p = np.where(quoted, np.minimum(p, float(cap)), p)
        # Guideline rule (abuse): an identity group called vermin, a disease, animals… is hate
        # speech; its probability is raised to the rate such texts were abusive in training.
        floor = self.meta.get("dehumanising_floor")
        if floor is not None and len(p):
            hit = np.fromiter((dehumanises_group(t) for t in texts), dtype=bool, count=len(p))
            p = np.where(hit, np.maximum(p, float(floor)), p)
        return p

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Boolean decisions at :attr:`threshold`."""
        return self.predict_proba(texts, vectors) >= self.threshold

    def top_terms(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """Word n-grams of ``text`` with the largest positive contribution to the logit.

        Returns up to ``k`` ``(ngram, contribution)`` pairs sorted by decreasing contribution;
        n-grams that push towards the negative class are omitted.
        """
        spec = self.spec
        if "word" not in spec.blocks():
            return []
        counts = hashed_counts([text], spec)
        row = assemble(counts, [text], spec, self.idf)
        n_word = spec.block_size("word")
        word_row = row[:, :n_word].toarray().ravel()
        grams = sorted(set(_vectorizer(spec, "word").build_analyzer()(normalize_text(text))))
        if not grams:
            return []
        hasher = FeatureHasher(n_features=n_word, input_type="string", alternate_sign=False)
        idx = hasher.transform([[g] for g in grams]).indices
        contrib = self.coef[:n_word][idx] * word_row[idx]
        order = np.argsort(-contrib, kind="stable")[:k]
        return [(grams[i], round(float(contrib[i]), 4)) for i in order if contrib[i] > 0]

    def __repr__(self) -> str:
        return f"TextClassifier(name={self.name!r}, n_features={self.coef.shape[0]})"


def _dense(arrays: dict[str, np.ndarray], prefix: str, size: int, default: float) -> np.ndarray:
    """Rebuild a dense float32 vector stored as ``<prefix>_idx`` / ``<prefix>_val``."""
    out = np.full(size, default, dtype=np.float32)
    out[arrays[f"{prefix}_idx"].astype(np.int64)] = arrays[f"{prefix}_val"].astype(np.float32)
    return out


def classifier_from_arrays(
    meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> TextClassifier:
    """Rebuild a :class:`TextClassifier` from its JSON metadata and ``.npz`` arrays."""
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unsupported model format {meta.get('format_version')!r}")
    spec = FeatureSpec.from_json(meta["features"])
    coefs: list[np.ndarray] = []
    idf: dict[str, np.ndarray] = {}
    for block in spec.blocks():
        size = spec.block_size(block)
        coefs.append(_dense(arrays, f"{block}_coef", size, 0.0))
        if spec.use_idf:
            idf[block] = _dense(arrays, f"{block}_idf", size, float(arrays[f"{block}_idf_default"]))
    if spec.headline:
        coefs.append(arrays["headline_coef"].astype(np.float32))
    if spec.style:
        coefs.append(arrays["style_coef"].astype(np.float32))
        idf["style_center"] = arrays["style_center"].astype(np.float64)
        idf["style_scale"] = arrays["style_scale"].astype(np.float64)
    if spec.cues:
        coefs.append(arrays["cues_coef"].astype(np.float32))
        idf["cues_center"] = arrays["cues_center"].astype(np.float64)
        idf["cues_scale"] = arrays["cues_scale"].astype(np.float64)
    if spec.embedding:
        coefs.append(arrays["embedding_coef"].astype(np.float32))
    return TextClassifier(
        name=meta["name"],
        spec=spec,
        coef=np.concatenate(coefs),
        intercept=float(meta["intercept"]),
        idf=idf,
        threshold=float(meta.get("threshold", 0.5)),
        meta=meta,
    )


def classifier_to_arrays(clf: TextClassifier) -> dict[str, np.ndarray]:
    """Sparse plain-array representation of ``clf`` (inverse of :func:`classifier_from_arrays`).

    Coefficients are stored as float16 (enough for a linear model, halves the file size).
    """
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    for block in clf.spec.blocks():
        size = clf.spec.block_size(block)
        coef = clf.coef[offset : offset + size]
        offset += size
        nz = np.flatnonzero(coef).astype(np.int32)
        arrays[f"{block}_coef_idx"] = nz
        arrays[f"{block}_coef_val"] = coef[nz].astype(np.float16)
        if clf.spec.use_idf:
            idf = clf.idf[block]
            default = 0.0 if bool((idf == 0).any()) else float(idf.max())
            keep = np.flatnonzero(idf != default).astype(np.int32)
            arrays[f"{block}_idf_idx"] = keep
            arrays[f"{block}_idf_val"] = idf[keep].astype(np.float16)
            arrays[f"{block}_idf_default"] = np.asarray(default, dtype=np.float32)
    if clf.spec.headline:
        n_cues = len(HEADLINE_FEATURE_NAMES)
        arrays["headline_coef"] = clf.coef[offset : offset + n_cues].astype(np.float32)
        offset += n_cues
    if clf.spec.style:
        n_style = len(STYLE_FEATURE_NAMES)
        arrays["style_coef"] = clf.coef[offset : offset + n_style].astype(np.float32)
        offset += n_style
        arrays["style_center"] = np.asarray(clf.idf["style_center"], dtype=np.float64)
        arrays["style_scale"] = np.asarray(clf.idf["style_scale"], dtype=np.float64)
    if clf.spec.cues:
        n_cues = len(SENTENCE_CUE_NAMES)
        arrays["cues_coef"] = clf.coef[offset : offset + n_cues].astype(np.float32)
        offset += n_cues
        arrays["cues_center"] = np.asarray(clf.idf["cues_center"], dtype=np.float64)
        arrays["cues_scale"] = np.asarray(clf.idf["cues_scale"], dtype=np.float64)
    if clf.spec.embedding:
        arrays["embedding_coef"] = clf.coef[offset:].astype(np.float32)
    return arrays


# Names of the two classes of each task, positive first, for labelled output.
LABELS: dict[str, tuple[str, str]] = {
    "subjectivity": ("subjective", "objective"),
    "checkworthy": ("checkworthy", "not-checkworthy"),
    "clickbait": ("clickbait", "not-clickbait"),
    "hate": ("abusive", "not-abusive"),
    "hyperpartisan": ("hyperpartisan", "not-hyperpartisan"),
}


def classify_texts(task: str, texts: Sequence[str], threshold: float | None = None) -> list[tuple[str, float]]:
    """(label, P(positive)) per text, labelled at ``threshold`` (default: the model's tuned one)."""
    clf = load_classifier(task)
    probs = clf.predict_proba(list(texts))
    pos, neg = LABELS[task]
    cut = clf.threshold if threshold is None else threshold
    return [(pos if p >= cut else neg, round(float(p), 4)) for p in probs]


def model_available(name: str) -> bool:
    """Whether the packaged weights of classifier ``name`` are installed."""
    return packaged_available(name)


@functools.cache
def load_classifier(name: str, contextual: bool = True) -> TextClassifier:
    """Load (once, then cached) the packaged classifier ``name``; see :data:`AVAILABLE`.

    The abuse model (``hate``) comes with its contextual second stage
    (:mod:`parallax.models.hate_contextual`) when that is installed; ``contextual=False`` gives
    the first stage alone."""
    if name not in AVAILABLE:
        raise KeyError(f"unknown classifier {name!r}; available: {', '.join(AVAILABLE)}")
    found = read_packaged(name)
    if found is None:
        raise FileNotFoundError(
            f"weights for classifier {name!r} are missing from parallax/models/weights; "
            "run `python scripts/train_classifiers.py`"
        )
    meta, arrays = found
    clf = classifier_from_arrays(meta, arrays)
    if name == "hate" and contextual:
        second = load_contextual_hate()
        if second is not None:
            clf = clf.with_contextual(second)
    return clf

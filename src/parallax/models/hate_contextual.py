"""The abuse model's second stage: all-MiniLM-L6-v2 fine-tuned on HateXplain with low-rank adapters.

The first stage is the static-vector linear model (``hate.json`` / ``hate.npz``): cheap, and on
news nearly every sentence is plainly clean. Texts it gives at least ``gate`` are read again by
this model, whose probability replaces the first one; the rest keep the first stage's (below the
gate, far under either threshold). On HateXplain posts no training saw, the contextual model is
what reaches the issue's floor (macro-F1 ≥ 0.70); the linear model alone stops near 0.66 (see
``docs/signals-ood.md`` and ``HATE_CONTEXTUAL_CARD.md``).

Weights: LoRA updates (rank 8) of the six layers' attention and feed-forward matrices and a
linear head on the unit sentence vector, trained by ``scripts/train_hate_contextual.py``, kept
as plain arrays (``hate_contextual.npz``, a few hundred kB) with their settings and figures in
``hate_contextual.json``. The adapted encoder is built once into the encoder cache
(:func:`parallax.models.encoder_build.ensure_built`) and run like the shared encoder: each text
alone, so a text's probability never depends on the batch it comes in.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .encoder_build import Adapter, adapter_from_arrays
from .packaged import read_packaged

STEM = "hate_contextual"  # hate_contextual.npz and .json in models/weights


@dataclass(frozen=True)
class ContextualHate:
    """The fine-tuned second stage: P(abusive) of texts the first stage gave at least ``gate``."""

    adapter: Adapter
    head: np.ndarray  # (384,): weights on the unit sentence vector
    bias: float
    platt: tuple[float, float]  # calibration of the head's logit (fitted on held-out posts)
    gate: float
    threshold: float
    meta: dict[str, Any]

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """The head's uncalibrated logit of each text."""
        from .encoder import get_encoder

        if not len(texts):
            return np.zeros(0)
        vectors = get_encoder(adapter=self.adapter).encode(list(texts))
        return np.asarray(vectors.astype(np.float64) @ self.head + self.bias)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated P(abusive) of each text by the fine-tuned encoder alone."""
        z = self.platt[0] * self.logits(texts) + self.platt[1]
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0))))

    def rescore(self, texts: Sequence[str], first: np.ndarray) -> np.ndarray:
        """The cascade: ``first`` (the linear model's probabilities) where it is under the gate,
        this model's where it is not."""
        out = np.array(first, dtype=np.float64, copy=True)
        todo = np.flatnonzero(out >= self.gate)
        if len(todo):
            out[todo] = self.predict_proba([texts[int(i)] for i in todo])
        return out


@functools.cache
def load_contextual_hate() -> ContextualHate | None:
    """The shipped second stage, loaded once; None when its weights are not in the package."""
    found = read_packaged(STEM)
    if found is None:
        return None
    meta, arrays = found
    adapter = adapter_from_arrays("hate", arrays, float(meta["lora_scale"]))
    return ContextualHate(adapter, arrays["head"].astype(np.float64), float(arrays["bias"][0]),
                          (float(meta["platt"][0]), float(meta["platt"][1])), float(meta["gate"]),
                          float(meta["threshold"]), meta)


__all__ = ["ContextualHate", "adapter_from_arrays", "load_contextual_hate"]

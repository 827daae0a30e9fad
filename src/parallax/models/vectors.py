"""Sentence vectors for the classifier heads: one encoding per sentence, shared by every head.

A head (:class:`parallax.models.classifiers.TextClassifier` with ``spec.embedding`` set) names
the kind of vector it was trained on; :func:`sentence_vectors` gives that kind for a batch of
texts. Each text's vector depends on that text alone (both encoders encode texts one by one), so
results never depend on batching, and a vector can be kept and reused: a small per-process
memo, keyed by kind and text, lets the extract-time heads (subjectivity, check-worthiness) and
the score-time head (abuse) share one encoding of the same sentence without threading arrays
through every stage.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

KINDS: tuple[str, ...] = ("static", "minilm")
"""``static``: :func:`parallax.models.static_encoder.encode_static` (256 dims, thousands of
sentences/s); ``minilm``: :func:`parallax.models.encoder.encode` (384 dims, ~200/s per core)."""

# About 2 batches of the pipeline's sentences (a few hundred articles × ~26 sentences); a
# static vector is 1 KiB, so the memo stays near 30 MiB at most.
_MEMO_SIZE = 30_000
_MEMO: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_LOCK = threading.Lock()


def _encode(texts: Sequence[str], kind: str) -> np.ndarray:
    if kind == "static":
        from .static_encoder import encode_static

        return encode_static(texts)
    if kind == "minilm":
        from .encoder import encode

        return encode(texts)
    raise ValueError(f"unknown sentence-vector kind {kind!r}; known: {', '.join(KINDS)}")


def sentence_vectors(texts: Sequence[str], kind: str = "static") -> np.ndarray:
    """Unit-length float32 vectors of ``texts`` (shape ``(n, dim)``) of ``kind``, in order.

    Texts seen recently in this process are not encoded again.
    """
    if isinstance(texts, str):
        raise TypeError("sentence_vectors() takes a sequence of texts, not one string")
    if kind not in KINDS:
        raise ValueError(f"unknown sentence-vector kind {kind!r}; known: {', '.join(KINDS)}")
    found: dict[int, np.ndarray] = {}
    with _LOCK:
        for i, text in enumerate(texts):
            vec = _MEMO.get((kind, text))
            if vec is not None:
                _MEMO.move_to_end((kind, text))
                found[i] = vec
    todo = sorted({t for i, t in enumerate(texts) if i not in found})
    fresh = dict(zip(todo, _encode(todo, kind), strict=True)) if todo else {}
    with _LOCK:
        for text, vec in fresh.items():
            _MEMO[(kind, text)] = vec
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    rows = [found[i] if i in found else fresh[t] for i, t in enumerate(texts)]
    if not rows:
        dim = 256 if kind == "static" else 384
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack(rows).astype(np.float32, copy=False)

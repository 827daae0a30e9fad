"""Fixed TF-IDF text vectors: hashed terms weighted by a background IDF table.

A corpus-fitted vectorizer changes every vector when one article is added, and over a small
corpus about one event its IDF is degenerate (every article says "Raqqa", so "Raqqa" weighs
nothing). Hashing with an IDF learnt once from a background news corpus gives each article
the same vector whatever else is in the database: incremental and comparable across runs.
Terms never seen in the background (new names and places) get the highest IDF.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from importlib import resources

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

N_FEATURES = 2**18
IDF_FILE = "background_idf.npz"
TOKEN_PATTERN = r"(?u)\b\w[\w'’-]*\w\b|\b\w\b"


@functools.lru_cache(maxsize=1)
def hasher() -> HashingVectorizer:
    """The stateless term hasher shared by training and inference."""
    return HashingVectorizer(
        n_features=N_FEATURES, alternate_sign=False, norm=None, lowercase=True,
        token_pattern=TOKEN_PATTERN, stop_words=sorted(ENGLISH_STOP_WORDS), dtype=np.float32,
    )


@functools.lru_cache(maxsize=1)
def background_idf() -> np.ndarray:
    """IDF per hash bucket (built by scripts/build_background_idf.py)."""
    path = resources.files("parallax.models") / "weights" / IDF_FILE
    with resources.as_file(path) as p, np.load(p, allow_pickle=False) as data:
        idf = np.full(N_FEATURES, float(data["default"]), dtype=np.float32)
        idf[data["index"]] = data["idf"]
    return idf


def tfidf(texts: Sequence[str]) -> sp.csr_matrix:
    """L2-normalised sublinear-TF × background-IDF vectors, one row per text."""
    counts = hasher().transform(texts).tocsr()
    counts.data = 1.0 + np.log(counts.data)
    weighted = counts.multiply(background_idf()).tocsr()
    norms = np.sqrt(weighted.multiply(weighted).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted, dtype=np.float32)

"""How alike two sentences of one story are, as statements of a fact.

Within a story every sentence says "Raqqa", "ISIS" and "forces"; what tells two statements of
one fact apart from two statements of different facts is the story's *less common* wording
("pockets", "hospital", "displaced") and the figures. So, per story:

- words are stemmed (Snowball English: "celebratory" ~ "celebrations", "pockets" ~ "pocket")
  and weighted by an IDF over the story's own *articles* (what most outlets of the story say is
  its common ground), times the background IDF (a word that is rare in the story but common in
  all news, such as "report", stays weak);
- a sentence is read with a little of its neighbours (weight ``CONTEXT_WEIGHT``), because
  news prose spreads one fact over two sentences ("The last black IS flag was at the city
  hospital. The notorious stadium …").

Only pairs that share at least one stem are ever scored (a sparse product), so the cost grows
with the story's vocabulary overlap, not with all pairs.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from parallax.text.textvec import background_idf, hasher

# Share of each neighbouring sentence (same article) mixed into a sentence's vector. 0.3 raised
# the cosine of the Raqqa gold pairs that spread over two sentences (hospital / stadium) from
# 0.14 to 0.18 without raising the best wrong pair (bench/raqqa_claims.py).
CONTEXT_WEIGHT = 0.3
# Rows of the similarity product computed at once: 512 rows against 20,000 sentences is at
# most ~120 MB even if every pair shares a stem.
_PAIR_BLOCK = 512
# Similar pairs one story may hold (about 200 bytes each in the dict, so ~200 MB). A story whose
# sentences nearly all resemble each other (a 20,000-sentence text over a dozen words) has
# 200 million; it is flagged "too large to align" instead (see TooManyPairs).
MAX_PAIRS = 1_000_000


class TooManyPairs(Exception):
    """A story has more similar sentence pairs than ``MAX_PAIRS``: too large to align."""


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "say", "told", "according", "also", "s"}


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of one lower-case word (cached: news vocabulary repeats)."""
    return str(_stemmer().stemWord(word))


def stems(text: str) -> list[str]:
    """Content-word stems of a text, in order (stop words and one-letter tokens dropped)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return [stem(w.split("'")[0]) for w in words if w not in _STOP and len(w) > 1]


_BACKGROUND: dict[str, float] = {}
_BACKGROUND_MAX = 200_000


def _background_weights(word_stems: Sequence[str]) -> dict[str, float]:
    """Background IDF of each stem, remembered per process.

    The background IDF is indexed by hashed surface words; a stem's own hash is close enough to
    rank "hospital" above "report" (stems of common words are common words). Stems not seen
    before are hashed in one call (one call per stem was 8,000 calls for 300 articles)."""
    new = sorted({t for t in word_stems if t not in _BACKGROUND})
    if len(_BACKGROUND) + len(new) > _BACKGROUND_MAX:
        _BACKGROUND.clear()
        new = sorted(set(word_stems))
    if new:
        counts = hasher().transform(new).tocsr()
        idf = background_idf()
        for k, t in enumerate(new):
            idx = counts.indices[counts.indptr[k]:counts.indptr[k + 1]]
            _BACKGROUND[t] = float(idf[idx[0]]) if len(idx) else 1.0
    return {t: _BACKGROUND[t] for t in word_stems}


class StorySpace:
    """Stem vectors of all sentences of one story, and their pairwise similarities."""

    def __init__(self, texts: Sequence[str], article_of: Sequence[str]) -> None:
        self.tokens = [stems(t) for t in texts]
        vocab: dict[str, int] = {}
        # Document frequency over the story's *articles*: what most outlets say ("Raqqa", "SDF")
        # is the story's common ground, not evidence that two sentences state one fact.
        per_article: dict[str, set[str]] = {}
        for toks, art in zip(self.tokens, article_of, strict=True):
            per_article.setdefault(art, set()).update(toks)
            for t in toks:
                vocab.setdefault(t, len(vocab))
        df: Counter[str] = Counter(t for toks in per_article.values() for t in toks)
        n = max(len(per_article), 1)
        background = _background_weights(list(vocab))
        rows, cols, vals = [], [], []
        for i, toks in enumerate(self.tokens):
            for t, c in Counter(toks).items():
                idf = math.log((1 + n) / (1 + df[t])) + 1.0
                rows.append(i)
                cols.append(vocab[t])
                vals.append((1.0 + math.log(c)) * idf * background[t])
        base = sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), max(len(vocab), 1)), dtype=np.float64)
        # Neighbours: the previous and next sentence of the same article.
        nb_rows, nb_cols = [], []
        for i in range(len(texts)):
            for j in (i - 1, i + 1):
                if 0 <= j < len(texts) and article_of[j] == article_of[i]:
                    nb_rows.append(i)
                    nb_cols.append(j)
        mix = sp.identity(len(texts), format="csr") + CONTEXT_WEIGHT * sp.csr_matrix(
            (np.ones(len(nb_rows)), (nb_rows, nb_cols)), shape=(len(texts), len(texts)))
        ctx = (mix @ base).tocsr()
        self.vectors = _normalise(ctx)
        self.vocab, self.df = vocab, df

    def similar_pairs(self, floor: float) -> dict[tuple[int, int], float]:
        """Cosine of every pair (i < j) at or above ``floor`` (pairs sharing no stem are never scored).

        Computed by blocks of rows, keeping only the pairs at or above ``floor``, so memory
        follows the pairs kept, not all pairs that share a stem (a 100,000-sentence text made
        the whole product ask for 74.5 GiB).
        """
        out: dict[tuple[int, int], float] = {}
        transposed = self.vectors.T.tocsc()
        for lo in range(0, self.vectors.shape[0], _PAIR_BLOCK):
            sims = (self.vectors[lo:lo + _PAIR_BLOCK] @ transposed).tocoo()
            rows = sims.row + lo
            keep = (rows < sims.col) & (sims.data >= floor)
            if len(out) + int(keep.sum()) > MAX_PAIRS:
                raise TooManyPairs(f"over {MAX_PAIRS} similar sentence pairs")
            out.update(((int(i), int(j)), float(v))
                       for i, j, v in zip(rows[keep], sims.col[keep], sims.data[keep], strict=True))
        return out

    def shared(self, i: int, j: int) -> set[str]:
        """Stems two sentences share."""
        return set(self.tokens[i]) & set(self.tokens[j])


def _normalise(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(m.multiply(m).sum(axis=1)).A1
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)

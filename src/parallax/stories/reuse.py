"""Reuse: near-duplicate detection (MinHash) and passages shared between articles.

Texts are compared as sets of word shingles (runs of ``SHINGLE`` words). MinHash signatures
estimate the Jaccard similarity of two shingle sets with a fixed-size fingerprint, so
near-duplicates can be found through LSH buckets instead of comparing all pairs. Shared
passages are maximal runs of consecutive shared shingles, reported with character offsets
on both sides.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parallax.stories.groups import DisjointSet

# Eight words in a row are rarely shared by chance ("the Syrian Democratic Forces said on
# Tuesday" is seven), but any copied sentence shares several such runs.
SHINGLE = 8
NUM_PERM = 128
# 32 bands of 4 rows: pairs with Jaccard 0.5 collide in some band with probability ~0.87,
# pairs at 0.2 with ~0.05 (1 - (1 - J^4)^32).
BANDS = 32
# A passage must run this many words to count: shorter overlaps are stock phrases.
MIN_PASSAGE_WORDS = 12
# Estimated Jaccard at or above which two texts are one text reprinted (edits, bylines apart).
NEAR_DUPLICATE_JACCARD = 0.8
# An article whose text is at least this share copied from another is a copy of it.
COPY_COVERAGE = 0.5

_TOKEN = re.compile(r"\w+", re.UNICODE)
_MERSENNE = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(20171017)  # fixed: signatures must match across runs
_A = _rng.randint(1, 1 << 31, size=NUM_PERM, dtype=np.int64).astype(np.uint64)
_B = _rng.randint(0, 1 << 31, size=NUM_PERM, dtype=np.int64).astype(np.uint64)


@dataclass(frozen=True)
class Tokens:
    """Lowercased word tokens of a text with their character spans."""

    words: list[str]
    starts: np.ndarray
    ends: np.ndarray


def tokens(text: str) -> Tokens:
    # Three flat lists rather than a tuple per token: a 10 MB text has 1.7 million tokens.
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _TOKEN.finditer(text):
        words.append(m.group(0).lower())
        starts.append(m.start())
        ends.append(m.end())
    return Tokens(words, np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64))


def shingles(tok: Tokens, n: int = SHINGLE) -> np.ndarray:
    """Hash of every run of ``n`` words (position i covers words i..i+n-1), as uint64."""
    if len(tok.words) < n:
        return np.zeros(0, dtype=np.uint64)
    ids = np.array([zlib.crc32(w.encode("utf-8")) for w in tok.words], dtype=np.uint64)
    h = np.zeros(len(ids) - n + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):  # polynomial rolling hash, wrapping mod 2^64
            h = h * np.uint64(1_000_003) + ids[k:len(ids) - n + 1 + k]
    return h


# Shingles hashed at once by minhash: 65,536 × 128 permutations × 8 bytes = 64 MB.
_MINHASH_BLOCK = 65_536


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint32) of a set of shingle hashes."""
    if len(shingle_hashes) == 0:
        return np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    x = (np.unique(shingle_hashes) % _MERSENNE)[:, None]
    best = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    # By blocks of shingles: one (shingles × NUM_PERM) matrix of a 10 MB text is over 1 GB.
    for lo in range(0, len(x), _MINHASH_BLOCK):
        with np.errstate(over="ignore"):
            perm = (x[lo:lo + _MINHASH_BLOCK] * _A[None, :] + _B[None, :]) % _MERSENNE
        np.minimum(best, perm.min(axis=0), out=best)
    return (best & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets behind two signatures."""
    return float(np.mean(sig_a == sig_b))


def lsh_keys(sig: np.ndarray) -> list[bytes]:
    """One bucket key per band; texts sharing a key are near-duplicate candidates."""
    rows = NUM_PERM // BANDS
    return [bytes([b]) + sig[b * rows:(b + 1) * rows].tobytes() for b in range(BANDS)]


@dataclass(frozen=True)
class Passage:
    """A passage shared by texts A and B: character spans on both sides."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int


def shared_passages(a: Tokens, ha: np.ndarray, b: Tokens, hb: np.ndarray,
                    min_words: int = MIN_PASSAGE_WORDS) -> list[Passage]:
    """Maximal runs of shingles shared in the same order by A and B."""
    where_b: dict[int, list[int]] = defaultdict(list)
    for j, h in enumerate(hb.tolist()):
        where_b[h].append(j)
    # Each shared shingle is a point (i, j); a copied passage is a diagonal run of points.
    diagonals: dict[int, list[int]] = defaultdict(list)
    for i, h in enumerate(ha.tolist()):
        for j in where_b.get(h, ()):
            diagonals[j - i].append(i)
    out: list[Passage] = []
    for offset, starts in diagonals.items():
        runs: list[list[int]] = []
        for i in starts:  # ascending: split into runs of consecutive positions
            if runs and i == runs[-1][1] + 1:
                runs[-1][1] = i
            else:
                runs.append([i, i])
        for first, last_shingle in runs:
            words = last_shingle - first + SHINGLE  # words covered by the run's shingles
            if words >= min_words:
                last = last_shingle + SHINGLE - 1
                out.append(Passage(int(a.starts[first]), int(a.ends[last]),
                                   int(b.starts[first + offset]), int(b.ends[last + offset]), words))
    out.sort(key=lambda p: (p.a_start, p.b_start))
    return out


def coverage(spans: Sequence[tuple[int, int]], length: int) -> float:
    """Share of ``length`` characters covered by the union of ``spans``."""
    if length <= 0:
        return 0.0
    covered, end = 0, 0
    for start, stop in sorted(spans):
        start = max(start, end)
        if stop > start:
            covered += stop - start
            end = stop
    return min(1.0, covered / length)


@dataclass(frozen=True)
class ReuseItem:
    """An article of one story as reuse analysis sees it; ``order`` is its corpus position."""

    id: str
    text: str
    order: int
    published: str | None = None
    copy_of: str | None = None


def _earlier(a: ReuseItem, b: ReuseItem) -> bool:
    """Whether ``a`` came first: by publication date when both are known, else corpus order."""
    if a.published and b.published and a.published[:10] != b.published[:10]:
        return a.published[:10] < b.published[:10]
    return a.order < b.order


def _shared_shingle_groups(ids: list[str], hashes: dict[str, np.ndarray]) -> list[list[str]]:
    """For each shingle in 2 to 50 of the articles, those articles (an inverted index in arrays:
    a dict of sets over a 10 MB text's 1.7 million shingles took 500 MB)."""
    if len(ids) < 2:
        return []
    per = [np.unique(hashes[i]) for i in ids]
    values = np.concatenate(per)
    owner = np.concatenate([np.full(len(p), k, dtype=np.int32) for k, p in enumerate(per)])
    order = np.argsort(values, kind="stable")
    values, owner = values[order], owner[order]
    _, first, counts = np.unique(values, return_index=True, return_counts=True)
    keep = (counts > 1) & (counts <= 50)  # a shingle in over 50 articles is boilerplate, not reuse
    return [[ids[k] for k in owner[s:s + c]] for s, c in zip(first[keep], counts[keep], strict=True)]


def story_reuse(items: Sequence[ReuseItem]) -> dict[str, object]:
    """Shared passages, copies and independent origins among the articles of one story.

    Candidate pairs are articles that share at least one shingle (an inverted index over the
    story's shingles), so articles with nothing in common are never compared. An article is
    a copy of an earlier one when it is a near-duplicate of it (MinHash, at ingest) or when
    at least ``COPY_COVERAGE`` of its text lies in passages shared with it. Independent
    origins are the groups left after joining every copy to its origin.
    """
    toks = {it.id: tokens(it.text) for it in items}
    hashes = {it.id: shingles(toks[it.id]) for it in items}
    by_id = {it.id: it for it in items}
    pairs: set[tuple[str, str]] = set()
    for ids in _shared_shingle_groups([it.id for it in items], hashes):
        ordered = sorted(ids, key=lambda i: by_id[i].order)
        pairs.update((x, y) for k, x in enumerate(ordered) for y in ordered[k + 1:])
    passages: list[dict[str, object]] = []
    copies: dict[str, str] = {it.id: it.copy_of for it in items if it.copy_of and it.copy_of in by_id}
    for a_id, b_id in sorted(pairs):
        a, b = by_id[a_id], by_id[b_id]
        if not _earlier(a, b):
            a, b = b, a
        found = shared_passages(toks[a.id], hashes[a.id], toks[b.id], hashes[b.id])
        for p in found:
            passages.append({"article": b.id, "start": p.b_start, "end": p.b_end, "source": a.id,
                             "source_start": p.a_start, "source_end": p.a_end, "words": p.words})
        if found and b.id not in copies:
            share = coverage([(p.b_start, p.b_end) for p in found], len(b.text))
            if share >= COPY_COVERAGE:
                copies[b.id] = a.id
    sets = DisjointSet(it.id for it in sorted(items, key=lambda i: i.order))
    for copy, origin in sorted(copies.items()):
        sets.union(origin, copy)
    groups = sets.groups()
    return {
        "passages": passages,
        "copies": copies,
        "origins": list(groups.values()),
        "independent_origins": len(groups),
    }

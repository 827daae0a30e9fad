"""Cluster: group articles that tell the same story.

First version: TF-IDF cosine over each article's headline and lead (fixed background IDF,
see textvec), candidate pairs above a threshold merged by average linkage. Deterministic: the same articles in the same
order give the same stories and ids. The similarity is computed block by block (rows of
``_BLOCK_ROWS``) so memory stays bounded; the cost is still quadratic in the corpus, which a
later version replaces with candidate retrieval (ANN over embeddings, entity/time blocking).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .textvec import tfidf
from .types import Story

# Headline plus roughly the first three paragraphs: long enough to hold the event's names
# and places even when the headline is a teaser ("Insane Footage Shows…"), short enough that
# background paragraphs do not join unrelated events.
LEAD_CHARS = 1200
# Minimum mean cosine (average linkage) between two groups for them to merge, over hashed
# unigram TF-IDF with background IDF (textvec). Swept 0.10–0.20 on BASIL + the Raqqa sample:
# 0.18 gave the best BASIL BCubed F1 (0.946; P 0.936, R 0.956) while the five Raqqa articles
# (pairwise 0.16–0.27) still form one story; at 0.20 Raqqa splits in two.
SIMILARITY_THRESHOLD = 0.18
_BLOCK_ROWS = 2048
_SHOUT = re.compile(r"^\s*(?:[A-Z]{2,}[!:]\s*)+|\s*\[(?:video|photos?|watch|pics?)\]\s*$", re.I)


@dataclass(frozen=True)
class ClusterInput:
    """What clustering needs to know of an article."""

    id: str
    title: str
    text: str
    published: str | None = None


def _lead(a: ClusterInput) -> str:
    return f"{a.title}\n{a.title}\n{a.text[:LEAD_CHARS]}"  # the headline counts twice


def average_link(matrix: sp.csr_matrix, pairs: list[tuple[float, int, int]], threshold: float) -> list[int]:
    """Merge along candidate pairs, strongest first, while the mean cosine between the two
    groups stays above the threshold (average linkage restricted to candidate pairs).

    Single linkage chains unrelated events through one shared background paragraph; the
    mean over all cross pairs does not. With unit vectors, the mean cosine between groups
    A and B is dot(sum A, sum B) / (|A| |B|), so each test costs one sparse dot product.
    """
    n = matrix.shape[0]
    parent = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    sums: dict[int, sp.csr_matrix] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def total(root: int) -> sp.csr_matrix:
        if root not in sums:
            rows = members[root]
            sums[root] = sp.csr_matrix(np.ones((1, len(rows)), dtype=np.float32)) @ matrix[rows]
        return sums[root]

    for _, a, b in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        mean = float(total(ra).multiply(total(rb)).sum()) / (len(members[ra]) * len(members[rb]))
        if mean < threshold:
            continue
        keep, gone = min(ra, rb), max(ra, rb)  # the earliest article is the root: stable ids
        parent[gone] = keep
        members[keep].extend(members.pop(gone))
        sums[keep] = total(keep) + total(gone)
        sums.pop(gone, None)
    return [find(i) for i in range(n)]


def story_id(first_article_id: str) -> str:
    """A story is named after its earliest article, so adding articles keeps its id."""
    return "s" + hashlib.sha1(first_article_id.encode()).hexdigest()[:11]


def neutral_title(titles: Sequence[str], sims: np.ndarray | None = None) -> str:
    """The most central headline, stripped of shouting prefixes ("ALERT:") and "[Video]"."""
    if not titles:
        return ""
    scores = sims.mean(axis=1) if sims is not None and len(titles) > 1 else np.zeros(len(titles))
    # Prefer headlines without shouting or exclamation: they are the least sensational.
    # Long headlines pack in quotes and spin; a title is easier to read at up to ~14 words.
    penalty = np.array([(0.5 if _SHOUT.search(t) or "!" in t else 0.0)
                        + (0.2 if len(t.split()) > 14 else 0.0) for t in titles])
    best = int(np.argmax(scores - penalty))
    return _SHOUT.sub("", titles[best]).strip() or titles[best]


def cluster(articles: Sequence[ClusterInput]) -> list[Story]:
    """Group articles into stories; every article lands in exactly one story."""
    n = len(articles)
    if n == 0:
        return []
    matrix = tfidf([_lead(a) for a in articles])
    pairs: list[tuple[float, int, int]] = []
    for lo in range(0, n, _BLOCK_ROWS):
        block = (matrix[lo:lo + _BLOCK_ROWS] @ matrix.T).tocoo()
        keep = (block.data >= SIMILARITY_THRESHOLD) & (block.row + lo < block.col)
        pairs.extend(zip(block.data[keep].tolist(), (block.row[keep] + lo).tolist(),
                         block.col[keep].tolist(), strict=True))
    roots = average_link(matrix, pairs, SIMILARITY_THRESHOLD)
    groups: dict[int, list[int]] = {}
    for i, root in enumerate(roots):
        groups.setdefault(root, []).append(i)
    stories = []
    for root in sorted(groups):
        members = groups[root]
        sims = None
        if len(members) > 1:
            sub = matrix[members]
            sims = (sub @ sub.T).toarray()
        stories.append(Story(
            id=story_id(articles[root].id),
            title=neutral_title([articles[i].title for i in members], sims),
            articles=[articles[i].id for i in members],
            independent_origins=len(members),
        ))
    return stories

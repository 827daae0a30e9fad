"""Align: line up what the articles of one story state, and count who supports each claim.

First version, per story (a story is the block: no pair ever crosses stories):
- claim candidates are sentences that carry a figure, are attributed to a speaker, or that
  the check-worthiness model rates check-worthy;
- two candidates from different articles state the same claim when their TF-IDF cosine is
  high, or when they give the same figure and share some wording;
- a claim backed by two or more articles is corroborated, otherwise single-source.
Copies of one origin are not collapsed yet and disputes are not detected yet (the
alignment issue adds both); ``disputes`` therefore stays empty rather than guessed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .groups import DisjointSet, average_link
from .textvec import tfidf
from .types import Claim, Mention, Quantity, StoryAlignment

# Cosine (background-IDF TF-IDF) above which two sentences are taken to state the same fact.
# Paraphrases across outlets share the names and the figure but little else, so the bar is
# well below near-duplicate level (0.8+) and above same-topic level (~0.15 in one story).
SAME_CLAIM_COSINE = 0.45
# With the same figure (value and unit) much less shared wording is needed; this is also the
# mean similarity a whole group must keep (average linkage).
SAME_FIGURE_COSINE = 0.2
CHECKWORTHY_MIN = 0.5
SUMMARY_MAX_SENTENCES = 6


@dataclass(frozen=True)
class AlignSentence:
    """One sentence of one article, with what alignment needs to know of it."""

    article: str
    outlet: str | None
    index: int
    start: int
    end: int
    text: str
    speaker: str | None
    checkworthy: float
    subjective: bool
    quantities: tuple[Quantity, ...]


def candidates(sentences: Sequence[AlignSentence]) -> list[AlignSentence]:
    """Sentences worth comparing: with a figure, a speaker, or check-worthy; not opinion or questions."""
    return [s for s in sentences
            if (s.quantities or s.speaker or s.checkworthy >= CHECKWORTHY_MIN)
            and not s.subjective and not s.text.rstrip("”\"' ").endswith("?")]


def _figures(s: AlignSentence) -> set[tuple[float, str | None]]:
    return {(q.value, q.unit) for q in s.quantities}


def _claim_id(story: str, mentions: list[Mention]) -> str:
    key = story + "|" + "|".join(f"{m.article}:{m.start}" for m in mentions)
    return "c" + hashlib.sha1(key.encode()).hexdigest()[:11]


def align_story(story_id: str, sentences: Sequence[AlignSentence],
                reuse: Mapping[str, Any] | None = None) -> StoryAlignment:
    """Group the story's claim candidates into claims with status and a digest.

    ``reuse`` (from reuse.story_reuse) tells which articles copy which and which passages
    they share, so that a claim repeated through a copied passage counts once.
    """
    cands = candidates(sentences)
    if not cands:
        return StoryAlignment(story_id, [], [], [], [])
    matrix = tfidf([c.text for c in cands])
    sims = (matrix @ matrix.T).toarray()
    pairs: list[tuple[float, int, int]] = []
    for i in range(len(cands)):
        for j in range(i + 1, len(cands)):
            if cands[i].article == cands[j].article:
                continue
            same_fig = bool(_figures(cands[i]) & _figures(cands[j]))
            if sims[i, j] >= SAME_CLAIM_COSINE or same_fig and sims[i, j] >= SAME_FIGURE_COSINE:
                pairs.append((float(sims[i, j]) + (1.0 if same_fig else 0.0), i, j))
    # Average linkage keeps a group together only while its members, on average, say the same
    # thing: one shared "90 percent" cannot pull "oil revenues cut by 90 percent" into the
    # "90 percent of Raqqa" claim through a chain of pairwise links.
    roots = average_link(matrix, pairs, SAME_FIGURE_COSINE)
    groups: dict[int, list[int]] = {}
    for i, root in enumerate(roots):
        groups.setdefault(root, []).append(i)

    claims: list[Claim] = []
    for members in groups.values():
        arts = {cands[i].article for i in members}
        if len(arts) < 2 and not any(cands[i].checkworthy >= CHECKWORTHY_MIN for i in members):
            continue  # a lone sentence that is not check-worthy is not a claim worth listing
        claims.append(_make_claim(story_id, [cands[i] for i in members], sims[np.ix_(members, members)],
                                  reuse or {}))
    claims.sort(key=lambda c: (-c.independent_origins, c.mentions[0].article, c.mentions[0].start))
    summary, summary_claims = _digest(claims)
    return StoryAlignment(story_id, claims, [], summary, summary_claims)


def _copied_mentions(members: list[AlignSentence], reuse: Mapping[str, Any]) -> tuple[set[int], int]:
    """Indices of mentions taken from another mention's article, and the number of origins.

    A mention is copied when its article is a copy of another mention's article, or when it
    lies in a passage its article shares with another mention's article, over that mention.
    """
    copies: Mapping[str, str] = reuse.get("copies", {})
    sets = DisjointSet(range(len(members)))
    copied: set[int] = set()
    for i, m in enumerate(members):
        for j, o in enumerate(members):
            if i == j or m.article == o.article:
                if m.article == o.article:
                    sets.union(j, i)  # one article stating a claim twice is one origin
                continue
            linked = copies.get(m.article) == o.article or any(
                p["article"] == m.article and p["source"] == o.article
                and p["start"] < m.end and m.start < p["end"]
                and p["source_start"] < o.end and o.start < p["source_end"]
                for p in reuse.get("passages", ()))
            if linked:
                copied.add(i)
                sets.union(j, i)
    return copied, len(sets.groups())


def _make_claim(story: str, members: list[AlignSentence], sims: np.ndarray, reuse: Mapping[str, Any]) -> Claim:
    # Representative wording: the mention closest to all others; ties to the shorter one.
    centrality = sims.mean(axis=1) - 1e-4 * np.array([len(m.text) for m in members])
    rep = members[int(np.argmax(centrality))]
    members = sorted(members, key=lambda m: (m.article, m.start))
    copied, origins = _copied_mentions(members, reuse)
    mentions = [
        Mention(
            article=m.article, sentence=m.index, start=m.start, end=m.end,
            # An attributed statement is reported, not asserted, by the article.
            stance="discusses" if m.speaker else "agrees",
            copied=i in copied,
        )
        for i, m in enumerate(members)
    ]
    outlets = len({m.outlet or m.article for m in members})
    speakers = [m.speaker for m in members if m.speaker]
    shared = set.intersection(*[_figures(m) for m in members]) if all(m.quantities for m in members) else set()
    quantity = None
    kind = "quote" if speakers and any("“" in m.text or '"' in m.text for m in members) else "event"
    if shared:
        value, unit = sorted(shared, key=lambda f: (f[0], f[1] or ""))[0]
        q = next(q for q in rep.quantities if (q.value, q.unit) == (value, unit))
        quantity = {"value": value, "unit": unit, "about": q.about}
        kind = "quantity"
    return Claim(
        id=_claim_id(story, mentions),
        story=story,
        text=rep.text,
        kind=kind,
        mentions=mentions,
        outlets=outlets,
        independent_origins=origins,
        status="corroborated" if origins >= 2 else "single-source",
        quantity=quantity,
        speaker=max(set(speakers), key=speakers.count) if speakers else None,
    )


def _digest(claims: list[Claim]) -> tuple[list[str], list[list[str]]]:
    """Digest from corroborated claims only, best-supported first, each traceable to its id."""
    chosen = [c for c in claims if c.status == "corroborated"][:SUMMARY_MAX_SENTENCES]
    return [c.text for c in chosen], [[c.id] for c in chosen]

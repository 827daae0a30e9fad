"""Clustering new articles against a stored corpus without loading it.

:class:`~parallax.stories.cluster.StoryIndex` keeps every story in memory. Here the stored
stories stay in the database: a new article looks up the stories under its strongest terms
(``StorySource.postings``, the stored postings), and only the few stories that make its
candidate list (at most ``MAX_CANDIDATES`` per lookup) are loaded with their members' vectors.
The cost of a run follows the new articles and the stories they reach, not the corpus.

The result is the same as reloading every stored article into a ``StoryIndex`` and adding the
new ones: stored postings list the stories under a term in the order a reload would (by the
first member holding the term), a term is skipped when stored plus new postings pass
``MAX_POSTINGS``, and ties go to the story with the earlier first article (``rank``).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from parallax.stories.cluster import MAX_POSTINGS, ClusterInput, StoryIndex, _StoryState, item_specifics
from parallax.text.dates import parse_iso


@dataclass(frozen=True)
class StoredMember:
    """A stored article as clustering reads it: its fields, lead vector and corpus position."""

    item: ClusterInput
    idx: np.ndarray
    val: np.ndarray
    seq: int


class StorySource(Protocol):
    """Where the stored stories of one language come from (the database, for ``analyze``)."""

    def postings(self, term: int, limit: int) -> list[str]:
        """Story ids whose members hold ``term``, by the first member holding it (at most ``limit``)."""
        ...

    def members(self, story_id: str) -> list[StoredMember]:
        """The story's members in corpus order."""
        ...

    def story_of(self, article_id: str) -> str | None:
        """The stored story of an article, if it has one."""
        ...


class StoredStoryIndex(StoryIndex):
    """A ``StoryIndex`` over a stored corpus, loading only the stories new articles reach.

    Add the new articles with :meth:`add_new` in corpus order, then call ``merge(touched)`` and
    :meth:`refine` (which moves only new articles); :meth:`stories` then holds the touched stories
    (and the stored ones that were loaded).
    """

    def __init__(self, source: StorySource, threshold: float | None = None,
                 merge_threshold: float | None = None) -> None:
        if threshold is None:
            super().__init__(merge_threshold=merge_threshold)
        else:
            super().__init__(threshold, merge_threshold)
        self.source = source
        self._stored: dict[int, array[int]] = {}  # term -> stored stories (indices), cached per run
        self._loaded: set[int] = set()
        self._seq: dict[str, int] = {}
        self._gone: dict[str, int] = {}  # story id -> slot, for stories merged away in this run
        self.loaded_articles = 0  # stored articles read (for tests and benchmarks)

    def add_new(self, item: ClusterInput, idx: np.ndarray, val: np.ndarray, seq: int) -> str:
        """Assign one new article (its corpus position ``seq``) to a story; return the story id."""
        self._seq[item.id] = seq
        return self.add(item, idx, val)

    def _gone_story(self, k: int) -> None:
        self._gone[self._stories[k].id] = k
        super()._gone_story(k)

    def _new_rank(self, item: ClusterInput) -> int:
        return self._seq[item.id]

    def _slot(self, story: str) -> int:
        """The index of a stored story, made on first sight (not loaded yet)."""
        # A story merged away (or emptied by refine) in this run keeps its empty slot: the stored
        # postings of a term looked up for the first time afterwards still name it, and a fresh
        # slot would load its stored members a second time, beside the story that took them.
        k = self._by_story_id.get(story, self._gone.get(story))
        if k is None:
            k = len(self._stories)
            self._stories.append(_StoryState(story, ""))
            self._by_story_id[story] = k
        return k

    def _posting(self, term: int) -> list[int] | None:
        stored = self._stored.get(term)
        if stored is None:
            # One more than the cap: enough to know that the term blocks nothing.
            stored = array("l", (self._slot(s) for s in self.source.postings(term, MAX_POSTINGS + 1)))
            self._stored[term] = stored
        new = self._postings.get(term, [])
        if len(stored) > MAX_POSTINGS:
            return stored.tolist()  # too common: the caller skips it
        return stored.tolist() + new if new else stored.tolist()

    def _ensure(self, k: int) -> None:
        if k in self._loaded or self._stories[k].members:
            return
        self._loaded.add(k)
        st = self._stories[k]
        members = self.source.members(st.id)
        if not members:
            return
        st.first, st.rank = members[0].item.id, members[0].seq
        for m in members:
            # As StoryIndex._join, but the stored postings already list this story.
            st.members.append(m.item.id)
            st.titles.append(m.item.title)
            for i, v in zip(m.idx.tolist(), m.val.tolist(), strict=True):
                st.total[i] = st.total.get(i, 0.0) + v
            st.specifics.update(item_specifics(m.item))
            day = parse_iso(m.item.published)
            if day:
                st.lo = min(st.lo, day) if st.lo else day
                st.hi = max(st.hi, day) if st.hi else day
            self._story_of[m.item.id] = k
        st.arrays = None
        self.loaded_articles += len(members)

    def _locate(self, article_id: str) -> int | None:
        if article_id not in self._story_of:
            story = self.source.story_of(article_id)
            if story is None:
                return None
            self._ensure(self._slot(story))
        return self._story_of.get(article_id)

"""Incremental runs: place the articles a run added into stories, reading only the stories they reach.

A run adds articles with no story yet. Each is placed against the stored stories through their
stored postings (:class:`parallax.stories.incremental.StoredStoryIndex`), then the touched
stories get a merge pass. Only the touched stories are returned: ``pipeline`` saves their
assignments and re-aligns and re-scores them; every other story keeps its stored analysis.
See docs/incremental.md.
"""

from __future__ import annotations

from parallax.store.database import Store
from parallax.store.stories import StoredStories, unassigned
from parallax.stories.incremental import StoredStoryIndex
from parallax.types import Story


def assign_new_articles(store: Store) -> tuple[list[Story], list[str], int]:
    """Stories touched by the articles without one, and the stored stories merged away.

    Returns (touched stories with all their members, ids of stories absorbed by a merge, number
    of stored articles read). Stories form within one language group.
    """
    indexes: dict[str, StoredStoryIndex] = {}
    touched: set[str] = set()
    for language, member in unassigned(store.db):
        index = indexes.get(language)
        if index is None:
            index = indexes[language] = StoredStoryIndex(StoredStories(store.db, language))
        touched.add(index.add_new(member.item, member.idx, member.val, member.seq))
    merged: dict[str, str] = {}
    for index in indexes.values():
        merged.update(index.merge(touched))
    touched = {merged.get(s, s) for s in touched}
    stories = [s for index in indexes.values() for s in index.stories() if s.id in touched]
    loaded = sum(index.loaded_articles for index in indexes.values())
    return stories, sorted(merged), loaded

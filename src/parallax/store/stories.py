"""The stored side of incremental clustering: story postings, members and unassigned articles.

A run adds articles with no story yet. :func:`assign_new_articles` places each against the stored
stories through their stored postings (:class:`parallax.stories.incremental.StoredStoryIndex`),
then gives the touched stories a merge pass. Only the touched stories are returned: ``pipeline``
saves their assignments and re-aligns and re-scores them; every other story keeps its stored
analysis (docs/incremental.md).

``story_terms`` (migration 005) lists, per language and lead-vector term, the stories whose
members hold the term with the seq of the first such member. :class:`StoredStories` answers
:class:`parallax.stories.incremental.StorySource` from it, so clustering new articles reads the
stories they reach and nothing else.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator

import numpy as np

from parallax.stories.cluster import ClusterInput
from parallax.stories.incremental import StoredMember, StoredStoryIndex
from parallax.types import Story

# Stories whose postings are rewritten per transaction by the backfill of an older database.
_BACKFILL_BATCH = 200


def _member(row: sqlite3.Row) -> StoredMember:
    # An article stored before migration 007 has no specifics: it gives none (never splits a story).
    names = frozenset(json.loads(row["specifics"])) if row["specifics"] else frozenset()
    return StoredMember(ClusterInput(row["id"], row["title"], "", row["published"], row["copy_of"], names),
                        np.frombuffer(row["lead_idx"], dtype=np.int32),
                        np.frombuffer(row["lead_val"], dtype=np.float32), row["seq"])


_MEMBER_COLUMNS = ("a.id, a.seq, a.title, a.published, a.copy_of, a.story_id, a.language, f.lead_idx, f.lead_val, "
                   "f.specifics "
                   "FROM articles a JOIN article_features f ON f.article_id = a.id")


class StoredStories:
    """The stored stories of one language group, read on demand (a ``StorySource``)."""

    def __init__(self, db: sqlite3.Connection, language: str) -> None:
        self.db = db
        self.language = language

    def postings(self, term: int, limit: int) -> list[str]:
        """Story ids under ``term``, by the first member holding it (at most ``limit``)."""
        return [r[0] for r in self.db.execute(
            "SELECT story_id FROM story_terms WHERE language = ? AND term = ? ORDER BY first_seq LIMIT ?",
            (self.language, term, limit))]

    def members(self, story_id: str) -> list[StoredMember]:
        """The story's members with their lead vectors, in corpus order."""
        return [_member(r) for r in self.db.execute(
            f"SELECT {_MEMBER_COLUMNS} WHERE a.story_id = ? ORDER BY a.seq", (story_id,))]

    def story_of(self, article_id: str) -> str | None:
        """The story an article was assigned to, if any."""
        row = self.db.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None


def unassigned(db: sqlite3.Connection) -> Iterator[tuple[str, StoredMember]]:
    """(language group, member) of every article not in a story yet, in corpus order."""
    for row in db.execute(f"SELECT {_MEMBER_COLUMNS} WHERE a.story_id IS NULL ORDER BY a.seq"):
        yield row["language"] or "en", _member(row)


def _terms_rows(db: sqlite3.Connection, story_id: str) -> list[tuple[str, int, str, int]]:
    first: dict[int, int] = {}
    language = "en"
    for row in db.execute("SELECT a.seq, a.language, f.lead_idx FROM articles a JOIN article_features f "
                          "ON f.article_id = a.id WHERE a.story_id = ? ORDER BY a.seq", (story_id,)):
        language = row[1] or "en"
        for term in np.frombuffer(row[2], dtype=np.int32).tolist():
            first.setdefault(term, row[0])
    return [(language, term, story_id, seq) for term, seq in first.items()]


def save_story_terms(db: sqlite3.Connection, stories: Iterable[str], removed: Iterable[str] = ()) -> None:
    """Rewrite the postings of the given stories from their members; drop those of removed stories.

    Call inside the transaction that saves the stories' assignments, so both change together.
    """
    for sid in removed:
        db.execute("DELETE FROM story_terms WHERE story_id = ?", (sid,))
    for sid in stories:
        db.execute("DELETE FROM story_terms WHERE story_id = ?", (sid,))
        db.executemany("INSERT INTO story_terms(language, term, story_id, first_seq) VALUES (?,?,?,?)",
                       _terms_rows(db, sid))


def backfill_story_terms(db: sqlite3.Connection) -> int:
    """Fill ``story_terms`` for stories that have none (a database analysed before migration 005)."""
    todo = [r[0] for r in db.execute(
        "SELECT s.id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_terms t WHERE t.story_id = s.id)")]
    for lo in range(0, len(todo), _BACKFILL_BATCH):
        with db:
            save_story_terms(db, todo[lo:lo + _BACKFILL_BATCH])
    return len(todo)


def assign_new_articles(db: sqlite3.Connection) -> tuple[list[Story], list[str], int]:
    """Stories touched by the articles without one, and the stored stories merged away.

    Returns (touched stories with all their members, ids of stories absorbed by a merge, number
    of stored articles read). Stories form within one language group: unrelated German and
    Spanish articles share function words and names, never a story.
    """
    indexes: dict[str, StoredStoryIndex] = {}
    touched: set[str] = set()
    for language, member in unassigned(db):
        index = indexes.get(language)
        if index is None:
            index = indexes[language] = StoredStoryIndex(StoredStories(db, language))
        touched.add(index.add_new(member.item, member.idx, member.val, member.seq))
    merged: dict[str, str] = {}
    for index in indexes.values():
        merged.update(index.merge(touched))
    touched = {merged.get(s, s) for s in touched}
    for index in indexes.values():
        touched |= index.refine()  # a new article moves to a story it is more alike
    stories = [s for index in indexes.values() for s in index.stories() if s.id in touched]
    loaded = sum(index.loaded_articles for index in indexes.values())
    return stories, sorted(merged), loaded

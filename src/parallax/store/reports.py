"""Reports of a selection of stories, streamed from the database with stored per-story pieces.

What a report covers (``Selection``; see docs/incremental.md):

- ``run`` (the default of ``analyze``): the stories of the articles this run's inputs became
  (new ones and ones already in the database), and the ledger of this run's input units;
- ``stories``: the given story ids; ``since``: the stories analysed at or after a time;
- ``all``: the whole database and its whole ledger.

For ``stories`` and ``since`` the ledger counts the units whose article is in the selection
(articles and their duplicates); rejected units belong to no story, so ``rejected`` is empty.
``corpus.scope`` says which of these a report is. Pieces (each story and each of its articles
in report form) are built once and kept in ``report_stories``/``report_articles`` (migration 005,
whose triggers drop them when the story changes), so a report of N stories reads N stories.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from parallax.report.stream import PIECE_FORMAT, ReportStream, story_piece
from parallax.store.database import Store

# Pieces built per transaction: a kill loses at most this many stories' pieces (rebuilt next time).
PIECE_COMMIT = 50
# Rows per INSERT batch into the temporary selection tables.
_CHUNK = 500


@dataclass
class Selection:
    """Which stories a report covers: ``kind`` is run, stories, since or all."""

    kind: str = "run"
    stories: list[str] = field(default_factory=list)
    since: str | None = None
    run_units: list[str] = field(default_factory=list)  # the run's input unit keys (kind "run")

    def scope(self) -> dict[str, Any]:
        """``corpus.scope`` of the report: what the stories and the ledger counts cover."""
        ledger = {"run": "input units read by this run", "all": "every input unit in the database",
                  "stories": "input units whose article is in the selected stories",
                  "since": "input units whose article is in the selected stories"}[self.kind]
        out: dict[str, Any] = {"selection": self.kind, "ledger": ledger}
        if self.kind == "stories":
            out["stories"] = list(self.stories)
        if self.kind == "since":
            out["since"] = self.since
        return out


class UnknownStory(ValueError):
    """A story id asked for is not in the database."""


def parse_since(value: str) -> str:
    """A date (YYYY-MM-DD) or ISO time as the UTC timestamp text the database compares with."""
    try:
        when = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ValueError(f"--since expects a date (2026-11-30) or an ISO time; got {value!r}") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def _select(db: sqlite3.Connection, sel: Selection) -> None:
    """Fill the temporary table ``report_sel`` with the selected stories and their first seq."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS report_sel (story_id TEXT PRIMARY KEY, first_seq INTEGER)")
    db.execute("DELETE FROM temp.report_sel")
    first = "(SELECT MIN(seq) FROM articles WHERE story_id = s.id)"
    if sel.kind == "all":
        db.execute(f"INSERT INTO temp.report_sel SELECT s.id, {first} FROM stories s")
    elif sel.kind == "since":
        db.execute(f"INSERT INTO temp.report_sel SELECT s.id, {first} FROM stories s WHERE s.updated_at >= ?",
                   (sel.since,))
    elif sel.kind == "stories":
        for sid in sel.stories:
            if db.execute("SELECT 1 FROM stories WHERE id = ?", (sid,)).fetchone() is None:
                raise UnknownStory(f"no story {sid!r} in the database")
        db.executemany(f"INSERT OR IGNORE INTO temp.report_sel SELECT s.id, {first} FROM stories s WHERE s.id = ?",
                       [(s,) for s in sel.stories])
    else:
        _fill_run_units(db, sel.run_units)
        db.execute(f"INSERT OR IGNORE INTO temp.report_sel SELECT s.id, {first} FROM stories s WHERE s.id IN "
                   "(SELECT a.story_id FROM temp.run_units r JOIN inputs i ON i.unit_key = r.unit_key "
                   "JOIN articles a ON a.id = i.article_id)")
    db.execute("DELETE FROM temp.report_sel WHERE first_seq IS NULL")  # a story without articles


def _fill_run_units(db: sqlite3.Connection, keys: list[str]) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS run_units (unit_key TEXT PRIMARY KEY)")
    db.execute("DELETE FROM temp.run_units")
    for lo in range(0, len(keys), _CHUNK):
        db.executemany("INSERT OR IGNORE INTO temp.run_units VALUES (?)", [(k,) for k in keys[lo:lo + _CHUNK]])


def _ledger(store: Store, sel: Selection) -> dict[str, Any]:
    """The ledger part of ``corpus`` for the selection (see the module docstring)."""
    if sel.kind == "all":
        return store.ledger()
    db = store.db
    if sel.kind == "run":
        rows = "FROM temp.run_units r JOIN inputs i ON i.unit_key = r.unit_key"
        rejected = [{"input": r[0], "reason": r[1]} for r in db.execute(
            f"SELECT i.input, i.reason {rows} WHERE i.status = 'rejected' ORDER BY i.seen_at, i.input")]
    else:
        rows = ("FROM inputs i JOIN articles a ON a.id = i.article_id "
                "JOIN temp.report_sel s ON s.story_id = a.story_id")
        rejected = []
    counts = dict(db.execute(f"SELECT i.status, COUNT(*) {rows} GROUP BY i.status").fetchall())
    return {"inputs_seen": sum(counts.values()), "articles": counts.get("article", 0),
            "duplicates": counts.get("duplicate", 0), "rejected": rejected}


def ensure_pieces(store: Store) -> int:
    """Build the missing report pieces of the selected stories; return how many were built."""
    db = store.db
    missing = [r[0] for r in db.execute(
        "SELECT s.story_id FROM temp.report_sel s LEFT JOIN report_stories p ON p.story_id = s.story_id "
        "AND p.format = ? WHERE p.story_id IS NULL ORDER BY s.first_seq", (PIECE_FORMAT,))]
    for lo in range(0, len(missing), PIECE_COMMIT):
        with db:
            for sid in missing[lo:lo + PIECE_COMMIT]:
                row = db.execute("SELECT * FROM stories WHERE id = ?", (sid,)).fetchone()
                story, articles = story_piece(row, db.execute(
                    "SELECT * FROM articles WHERE story_id = ? ORDER BY seq", (sid,)))
                db.execute("DELETE FROM report_articles WHERE story_id = ?", (sid,))
                db.executemany("INSERT OR REPLACE INTO report_articles(article_id, story_id, piece) VALUES (?,?,?)",
                               [(a["id"], sid, json.dumps(a, ensure_ascii=False)) for a in articles])
                db.execute("INSERT OR REPLACE INTO report_stories(story_id, format, piece) VALUES (?,?,?)",
                           (sid, PIECE_FORMAT, json.dumps(story, ensure_ascii=False)))
    return len(missing)


def _story_articles(db: sqlite3.Connection, story: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The story's articles in report form by id, and any other article it refers to (a copy's origin)."""
    out = {r[0]: json.loads(r[1]) for r in db.execute(
        "SELECT p.article_id, p.piece FROM report_articles p JOIN articles a ON a.id = p.article_id "
        "WHERE p.story_id = ? ORDER BY a.seq", (story["id"],))}
    refs = {a.get("copy_of") for a in out.values()} | {r["source"] for a in out.values() for r in a["reuse"]}
    refs |= {m["article"] for c in story["claims"] for m in c["mentions"]}
    for aid in sorted(r for r in refs if isinstance(r, str) and r not in out):
        row = db.execute("SELECT piece FROM report_articles WHERE article_id = ?", (aid,)).fetchone()
        if row is not None:
            out[aid] = json.loads(row[0])
    return out


def stream_report(store: Store, sel: Selection, json_out: IO[str],
                  html_path: Path | None = None) -> dict[str, Any]:
    """Write the selection's report to ``json_out`` (and ``html_path``); return the summary digest."""
    db = store.db
    _select(db, sel)
    ensure_pieces(store)
    writer = ReportStream(json_out, html_path)
    try:
        for (piece,) in db.execute(
                "SELECT p.piece FROM temp.report_sel s JOIN articles a ON a.story_id = s.story_id "
                "JOIN report_articles p ON p.article_id = a.id ORDER BY a.seq"):
            writer.add_article(json.loads(piece))
        for (piece,) in db.execute(
                "SELECT p.piece FROM temp.report_sel s JOIN report_stories p ON p.story_id = s.story_id "
                "ORDER BY s.first_seq"):
            story = json.loads(piece)
            writer.add_story(story, _story_articles(db, story))
        ledger = _ledger(store, sel)
        return writer.finish({**ledger, "scope": sel.scope()})
    finally:
        writer.close()


def write_reports(store: Store, sel: Selection, out_dir: Path | None) -> tuple[dict[str, Any], Path | None,
                                                                              Path | None, str | None]:
    """Write ``report.json`` and ``report.html`` into ``out_dir`` atomically (temp file, rename).

    With ``out_dir`` None nothing is written to disk and the JSON is returned as text instead.
    Returns (digest, json path, html path, json text).
    """
    if out_dir is None:
        buffer = io.StringIO()
        digest = stream_report(store, sel, buffer)
        return digest, None, None, buffer.getvalue()
    out_dir.mkdir(parents=True, exist_ok=True)
    path, html = out_dir / "report.json", out_dir / "report.html"
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        digest = stream_report(store, sel, fh, html)
    tmp.replace(path)
    return digest, path, html, None


def selection_stories(store: Store, sel: Selection) -> list[str]:
    """The story ids a selection covers, in corpus order (for tests and ``--list``)."""
    _select(store.db, sel)
    return [r[0] for r in store.db.execute("SELECT story_id FROM temp.report_sel ORDER BY first_seq")]

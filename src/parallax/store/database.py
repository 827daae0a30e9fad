"""The one module that speaks SQL: a SQLite database in WAL mode with numbered migrations.

WAL lets a web UI read while ``analyze`` writes. Every article is committed together with
its ledger row, so a run killed at any point leaves a consistent database and a re-run
picks up where it stopped (units already in the ledger are skipped).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from parallax.store.stories import backfill_story_terms, save_story_terms
from parallax.text.language import language_group
from parallax.types import Article, Extraction, Features, Rejection, Signals, Story, StoryAlignment

# The stories list's figures of one story (see migration 004): its articles, outlets, dates,
# claims by status and disputes. The migration fills the table once with the same query.
_STORY_STATS = """
INSERT OR REPLACE INTO story_stats
SELECT s.id, COUNT(a.id), COUNT(DISTINCT a.outlet), MIN(a.published), MAX(a.published),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id AND c.status = 'corroborated'),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id AND c.status = 'single-source'),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id AND c.status = 'disputed'),
       COALESCE(json_array_length(s.alignment, '$.disputes'), 0), MIN(a.seq)
FROM stories s JOIN articles a ON a.story_id = s.id WHERE s.id = ? GROUP BY s.id
"""


class UnitStoreError(ValueError):
    """One unit's data could not be stored (a value SQLite refuses); the run goes on."""


# Per-unit faults: the value, not the database, is at fault. Anything else from SQLite (disk
# full, I/O error, not a database, locked) is a fault of the run and propagates.
_UNIT_FAULTS = (sqlite3.InterfaceError, sqlite3.DataError, sqlite3.IntegrityError, ValueError, OverflowError)


def _unit_fault(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "too big" in str(exc)  # SQLITE_TOOBIG: one value over SQLite's size limit
    return isinstance(exc, _UNIT_FAULTS)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("parallax.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """A Parallax database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        if readonly:
            uri = f"file:{self.path}?mode=ro"
            self.db = sqlite3.connect(uri, uri=True, timeout=30)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            # NORMAL is durable across application crashes (kill -9) in WAL mode; only an OS
            # crash can lose the last transactions, never corrupt the file.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        self.db.row_factory = sqlite3.Row

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- schema -----------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply the numbered migrations this database has not had; return the schema version.

        Which migrations ran is recorded in ``schema_migrations`` (one row each), not inferred
        from ``user_version`` alone: a database written by a build that had a later migration
        but not an earlier one (branches merged in another order) still gets the earlier one.
        A database from before that table counts every number up to its ``user_version`` as
        applied (all that can be known of it). ``user_version`` stays the highest number."""
        version = int(self.db.execute("PRAGMA user_version").fetchone()[0])
        known = _migrations()
        with self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                            "(number INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            if self.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == 0:
                self.db.executemany("INSERT INTO schema_migrations VALUES (?, 'before schema_migrations')",
                                    [(n,) for n, _ in known if n <= version])
        applied = {r[0] for r in self.db.execute("SELECT number FROM schema_migrations")}
        for number, sql in known:
            if number in applied:
                continue
            version = max(version, number)
            with self.db:
                self.db.executescript(f"BEGIN;\n{sql}\nINSERT INTO schema_migrations VALUES ({number}, '{_now()}');\n"
                                      f"PRAGMA user_version = {version};\nCOMMIT;")
            if number == 5:
                # Story postings are made from the stored lead vectors (blobs SQL cannot read).
                backfill_story_terms(self.db)
        return version

    # --- ledger ------------------------------------------------------------------------------

    def has_unit(self, unit_key: str) -> bool:
        """Whether the ledger holds this input unit (read by an earlier run)."""
        return self.db.execute("SELECT 1 FROM inputs WHERE unit_key = ?", (unit_key,)).fetchone() is not None

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_rejection(self, rej: Rejection) -> None:
        self.add_rejections([rej])

    def add_rejections(self, rejections: list[Rejection]) -> None:
        """Ledger rows for rejected units, in one transaction (a flood of them stays fast)."""
        if not rejections:
            return
        now = _now()
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO inputs(unit_key, input, status, reason, seen_at) VALUES (?,?,?,?,?)",
                [(r.unit_key or r.input, r.input, "rejected", r.reason, now) for r in rejections],
            )

    def reject_article(self, article_id: str, reason: str) -> None:
        """Turn a stored article (and the units that duplicated it) into rejections."""
        with self.db:
            self.db.execute("DELETE FROM lsh_buckets WHERE article_id = ?", (article_id,))
            self.db.execute("DELETE FROM article_features WHERE article_id = ?", (article_id,))
            self.db.execute("DELETE FROM sentence_vectors WHERE article_id = ?", (article_id,))
            self.db.execute("UPDATE articles SET copy_of = NULL WHERE copy_of = ?", (article_id,))
            self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            self.db.execute("UPDATE inputs SET status = 'rejected', reason = ?, article_id = NULL "
                            "WHERE article_id = ?", (reason, article_id))

    def add_duplicate(self, unit_key: str, input_name: str, article_id: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO inputs(unit_key, input, status, article_id, reason, seen_at) "
                "VALUES (?,?,?,?,?,?)",
                (unit_key, input_name, "duplicate", article_id, f"same content as {article_id}", _now()),
            )

    def add_article(self, article: Article, extraction: Extraction, features: Features,
                    lsh_keys: list[bytes]) -> None:
        """Store an article, its extraction, features and ledger row in one transaction."""
        doc = article.doc
        document = {
            "removed": [asdict(r) for r in doc.removed],
            "comments": doc.comments,
            "sentences": [asdict(s) for s in article.sentences],
            "dates": [asdict(d) for d in article.dates],
            "reuse": doc.reuse,
            "language": doc.language,
            "language_confidence": doc.language_confidence,
            "summary_only": doc.summary_only,
            "decoding": doc.decoding,
        }
        try:
            self._insert_article(article, extraction, features, lsh_keys, document)
        except Exception as exc:
            if _unit_fault(exc):
                raise UnitStoreError(f"could not be stored: {exc}") from exc
            raise

    def _insert_article(self, article: Article, extraction: Extraction, features: Features,
                        lsh_keys: list[bytes], document: dict[str, Any]) -> None:
        doc = article.doc
        with self.db:
            # seq is allocated inside the INSERT, under the write lock: two writers never read
            # the same MAX(seq).
            self.db.execute(
                "INSERT INTO articles(id, seq, input, title, text, outlet, outlet_domain, outlet_evidence, "
                "url, author, published, published_evidence, document, extraction, added_at, copy_of, "
                "copy_similarity, language) VALUES (?,(SELECT COALESCE(MAX(seq), 0) + 1 FROM articles),"
                "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (article.id, doc.input, doc.title, doc.text, doc.outlet.name, doc.outlet.domain,
                 doc.outlet.evidence, doc.url, doc.author, article.published, article.published_evidence,
                 json.dumps(document, ensure_ascii=False), json.dumps(asdict(extraction), ensure_ascii=False),
                 _now(), features.copy_of, features.copy_similarity,
                 language_group(doc.language, doc.language_confidence)),
            )
            self.db.execute(
                "INSERT INTO article_features(article_id, lead_idx, lead_val, minhash, specifics) VALUES (?,?,?,?,?)",
                (article.id, np.asarray(features.lead_idx, dtype=np.int32).tobytes(),
                 np.asarray(features.lead_val, dtype=np.float32).tobytes(),
                 np.asarray(features.minhash, dtype=np.uint32).tobytes(),
                 json.dumps(list(features.specifics), ensure_ascii=False)),
            )
            self.db.executemany("INSERT INTO lsh_buckets(key, article_id) VALUES (?, ?)",
                                [(k, article.id) for k in lsh_keys])
            self.db.execute(
                "INSERT OR IGNORE INTO inputs(unit_key, input, status, article_id, seen_at) VALUES (?,?,?,?,?)",
                (doc.unit_key, doc.input, "article", article.id, _now()),
            )

    def lsh_candidates(self, keys: list[bytes]) -> list[tuple[str, int, np.ndarray]]:
        """Articles sharing an LSH bucket with ``keys``: (id, seq, MinHash signature)."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        rows = self.db.execute(
            f"SELECT DISTINCT a.id, a.seq, f.minhash FROM lsh_buckets b JOIN articles a ON a.id = b.article_id "
            f"JOIN article_features f ON f.article_id = a.id WHERE b.key IN ({marks}) ORDER BY a.seq", keys)
        return [(r[0], r[1], np.frombuffer(r[2], dtype=np.uint32)) for r in rows]

    def lead_vectors(self) -> Iterator[tuple[sqlite3.Row, np.ndarray, np.ndarray]]:
        """Every article's clustering fields (corpus order) with its lead vector (indices, values)."""
        for row in self.db.execute(
                "SELECT a.id, a.seq, a.title, a.published, a.copy_of, a.story_id, a.language, f.lead_idx, f.lead_val "
                "FROM articles a JOIN article_features f ON f.article_id = a.id ORDER BY a.seq"):
            yield row, np.frombuffer(row["lead_idx"], dtype=np.int32), np.frombuffer(row["lead_val"], dtype=np.float32)

    def ledger_details(self) -> dict[str, Any]:
        """The ledger for ``parallax ledger``: counts, and each reason with the units behind it."""
        counts = dict(self.db.execute("SELECT status, COUNT(*) FROM inputs GROUP BY status").fetchall())
        groups: dict[str, list[str]] = {}
        for r in self.db.execute("SELECT input, reason FROM inputs WHERE status != 'article' "
                                 "ORDER BY status, reason, seen_at, input"):
            reason = r["reason"] or ""
            if reason.startswith("same content as "):
                reason = "duplicate of an article already read"
            groups.setdefault(reason, []).append(r["input"])
        return {
            "inputs_seen": sum(counts.values()),
            "articles": counts.get("article", 0),
            "duplicates": counts.get("duplicate", 0),
            "rejected": counts.get("rejected", 0),
            "reasons": [{"reason": k, "count": len(v), "units": v}
                        for k, v in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))],
        }

    def ledger(self) -> dict[str, Any]:
        """Counts of the input ledger and the list of rejections, in input order."""
        counts = dict(self.db.execute("SELECT status, COUNT(*) FROM inputs GROUP BY status").fetchall())
        rejected = [
            {"input": r["input"], "reason": r["reason"]}
            for r in self.db.execute(
                "SELECT input, reason FROM inputs WHERE status='rejected' ORDER BY seen_at, input")
        ]
        return {
            "inputs_seen": sum(counts.values()),
            "articles": counts.get("article", 0),
            "duplicates": counts.get("duplicate", 0),
            "rejected": rejected,
        }

    # --- articles ---------------------------------------------------------------------------

    def iter_articles(self, where: str = "", params: tuple[Any, ...] = ()) -> Iterator[sqlite3.Row]:
        yield from self.db.execute(f"SELECT * FROM articles {where} ORDER BY seq", params)

    def article(self, article_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row

    def articles_by_id(self, ids: list[str]) -> dict[str, sqlite3.Row]:
        """Full rows of the given articles."""
        out: dict[str, sqlite3.Row] = {}
        for lo in range(0, len(ids), 500):  # SQLite caps the number of bound parameters
            chunk = ids[lo:lo + 500]
            marks = ",".join("?" * len(chunk))
            out.update((r["id"], r) for r in self.db.execute(f"SELECT * FROM articles WHERE id IN ({marks})", chunk))
        return out

    def unscored_ids(self) -> list[str]:
        """Ids of the articles without signals (a run's new ones), in corpus order."""
        return [r[0] for r in self.db.execute("SELECT id FROM articles WHERE signals IS NULL ORDER BY seq")]

    def set_signals(self, signals: list[Signals]) -> None:
        with self.db:
            self.db.executemany(
                "UPDATE articles SET signals = ? WHERE id = ?",
                [(json.dumps(asdict(s), ensure_ascii=False), s.article_id) for s in signals],
            )

    # --- stories ----------------------------------------------------------------------------

    def save_story_assignments(self, stories: list[Story], removed: list[str] | tuple[str, ...] = ()) -> None:
        """Commit which article belongs to which story; their analysis is pending (NULL) until
        :meth:`save_story_result`, so a run killed while aligning resumes with the rest."""
        now = _now()
        with self.db:
            self.db.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in removed])
            self.db.executemany(
                "INSERT INTO stories(id, title, independent_origins, alignment, reuse, updated_at) "
                "VALUES (?,?,?,NULL,NULL,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                "independent_origins=excluded.independent_origins, alignment=NULL, reuse=NULL, "
                "updated_at=excluded.updated_at",
                [(s.id, s.title, s.independent_origins, now) for s in stories],
            )
            self.db.executemany("UPDATE articles SET story_id = ? WHERE id = ?",
                                [(s.id, a) for s in stories for a in s.articles])
            self.db.executemany("DELETE FROM story_stats WHERE story_id = ?", [(s,) for s in removed])
            self.db.executemany(_STORY_STATS, [(s.id,) for s in stories])
            # The postings the next run clusters against change with the assignments, atomically.
            save_story_terms(self.db, [s.id for s in stories], removed)

    def pending_stories(self) -> list[tuple[str, list[str]]]:
        """Stories whose analysis is not saved yet: (id, article ids in corpus order)."""
        out: dict[str, list[str]] = {}
        for r in self.db.execute("SELECT s.id, a.id AS article FROM stories s JOIN articles a ON a.story_id = s.id "
                                 "WHERE s.alignment IS NULL ORDER BY a.seq"):
            out.setdefault(r["id"], []).append(r["article"])
        return sorted(out.items(), key=lambda kv: kv[0])

    def save_story_result(self, story_id: str, independent_origins: int, alignment: StoryAlignment,
                          reuse: dict[str, Any], vectors: dict[tuple[str, int], bytes] | None = None,
                          model: str = "") -> None:
        """Save one story's alignment and reuse, and the sentence vectors it encoded (one
        transaction per story)."""
        with self.db:
            self.db.execute(
                "UPDATE stories SET independent_origins = ?, alignment = ?, reuse = ?, updated_at = ? WHERE id = ?",
                (independent_origins, json.dumps(asdict(alignment), ensure_ascii=False),
                 json.dumps(reuse, ensure_ascii=False), _now(), story_id))
            self.db.execute(_STORY_STATS, (story_id,))  # claim counts follow the new alignment
            if vectors:
                self.db.executemany(
                    "INSERT OR IGNORE INTO sentence_vectors(article_id, start, model, vector) VALUES (?,?,?,?)",
                    [(a, s, model, v) for (a, s), v in sorted(vectors.items())])

    def sentence_vectors(self, article_ids: list[str], model: str) -> dict[tuple[str, int], bytes]:
        """Stored sentence vectors of these articles under encoder ``model``, by (article, start)."""
        out: dict[tuple[str, int], bytes] = {}
        for lo in range(0, len(article_ids), 500):
            chunk = article_ids[lo:lo + 500]
            marks = ",".join("?" * len(chunk))
            out.update(((r[0], r[1]), r[2]) for r in self.db.execute(
                f"SELECT article_id, start, vector FROM sentence_vectors WHERE model = ? AND article_id IN ({marks})",
                [model, *chunk]))
        return out

    def prune_sentence_vectors(self, keep_model: str, before: str | None = None, everything: bool = False) -> int:
        """Delete stored sentence vectors (a cache: a story re-aligned later encodes its sentences
        again, with the same result) and return how many. Always those of encoder builds other
        than ``keep_model``; with ``before`` (an ISO date or time) those of articles whose story
        was last aligned before it; with ``everything`` all of them."""
        with self.db:
            if everything:
                return self.db.execute("DELETE FROM sentence_vectors").rowcount
            gone = self.db.execute("DELETE FROM sentence_vectors WHERE model != ?", (keep_model,)).rowcount
            if before is not None:
                gone += self.db.execute(
                    "DELETE FROM sentence_vectors WHERE article_id IN (SELECT a.id FROM articles a "
                    "JOIN stories s ON s.id = a.story_id WHERE s.updated_at < ?)", (before,)).rowcount
            return gone

    def vacuum(self) -> None:
        """Give the space of deleted rows back to the file system (needs no other open reader)."""
        self.db.execute("VACUUM")

    def stories(self) -> list[sqlite3.Row]:
        return list(self.db.execute(
            "SELECT s.*, MIN(a.seq) AS first_seq FROM stories s JOIN articles a ON a.story_id = s.id "
            "GROUP BY s.id ORDER BY first_seq"))


@contextmanager
def run_lock(db_path: str | Path, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the database's run lock (``DB.lock``) so that two runs writing one database take
    turns: the second waits (``waiting`` is told once why) until the first ends. Readers take
    no lock. The lock is released by the kernel when the holder dies, even by ``kill -9``."""
    path = Path(f"{db_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            if waiting:
                waiting(f"another run (pid {holder or '?'}) is writing {db_path}; waiting for it to finish")
            while True:  # poll, so that Ctrl-C stays responsive while waiting
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        # Unlock explicitly: worker processes forked during the run (the process pool) share this
        # open file, and closing our descriptor alone would leave the lock held until they exit
        # (a `watch` keeps its workers between runs, and its next run would wait for itself).
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def ensure_current(path: str | Path) -> int:
    """Apply pending migrations to the database at ``path`` (only if any); return its version.

    Readers open databases read-only and never migrate; a reader of a database written by an
    older version calls this once first (it writes only the schema and its derived tables).
    """
    with sqlite3.connect(path, timeout=30) as probe:
        version = int(probe.execute("PRAGMA user_version").fetchone()[0])
    probe.close()
    if version >= max(n for n, _ in _migrations()):
        return version
    with Store(path) as store:
        return store.migrate()

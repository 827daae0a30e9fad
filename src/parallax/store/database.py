"""The one module that speaks SQL: a SQLite database in WAL mode with numbered migrations.

WAL lets a web UI read while ``analyze`` writes. Every article is committed together with
its ledger row, so a run killed at any point leaves a consistent database and a re-run
picks up where it stopped (units already in the ledger are skipped).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

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
        """Apply pending numbered migrations; return the schema version."""
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, sql in _migrations():
            if number > version:
                with self.db:
                    self.db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
                version = number
        return int(version)

    # --- ledger ------------------------------------------------------------------------------

    def known_units(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT unit_key FROM inputs")}

    def has_article(self, article_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_rejection(self, rej: Rejection) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO inputs(unit_key, input, status, reason, seen_at) VALUES (?,?,?,?,?)",
                (rej.unit_key or rej.input, rej.input, "rejected", rej.reason, _now()),
            )

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
        }
        with self.db:
            seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
            self.db.execute(
                "INSERT INTO articles(id, seq, input, title, text, outlet, outlet_domain, outlet_evidence, "
                "url, author, published, published_evidence, document, extraction, added_at, copy_of, "
                "copy_similarity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (article.id, seq, doc.input, doc.title, doc.text, doc.outlet.name, doc.outlet.domain,
                 doc.outlet.evidence, doc.url, doc.author, article.published, article.published_evidence,
                 json.dumps(document, ensure_ascii=False), json.dumps(asdict(extraction), ensure_ascii=False),
                 _now(), features.copy_of, features.copy_similarity),
            )
            self.db.execute(
                "INSERT INTO article_features(article_id, lead_idx, lead_val, minhash) VALUES (?,?,?,?)",
                (article.id, np.asarray(features.lead_idx, dtype=np.int32).tobytes(),
                 np.asarray(features.lead_val, dtype=np.float32).tobytes(),
                 np.asarray(features.minhash, dtype=np.uint32).tobytes()),
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
                "SELECT a.id, a.seq, a.title, a.published, a.copy_of, a.story_id, f.lead_idx, f.lead_val "
                "FROM articles a JOIN article_features f ON f.article_id = a.id ORDER BY a.seq"):
            yield row, np.frombuffer(row["lead_idx"], dtype=np.int32), np.frombuffer(row["lead_val"], dtype=np.float32)

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

    def articles_without_signals(self) -> list[sqlite3.Row]:
        return list(self.iter_articles("WHERE signals IS NULL"))

    def set_signals(self, signals: list[Signals]) -> None:
        with self.db:
            self.db.executemany(
                "UPDATE articles SET signals = ? WHERE id = ?",
                [(json.dumps(asdict(s), ensure_ascii=False), s.article_id) for s in signals],
            )

    # --- stories ----------------------------------------------------------------------------

    def save_stories(self, stories: list[Story], alignments: dict[str, StoryAlignment],
                     reuse: dict[str, dict[str, Any]], removed: list[str] | tuple[str, ...] = ()) -> None:
        """Insert or update stories (assignments, alignment, reuse); delete merged-away ones."""
        now = _now()
        with self.db:
            self.db.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in removed])
            self.db.executemany(
                "INSERT INTO stories(id, title, independent_origins, alignment, reuse, updated_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET title=excluded.title, "
                "independent_origins=excluded.independent_origins, alignment=excluded.alignment, "
                "reuse=excluded.reuse, updated_at=excluded.updated_at",
                [(s.id, s.title, s.independent_origins,
                  json.dumps(asdict(alignments[s.id]), ensure_ascii=False) if s.id in alignments else None,
                  json.dumps(reuse.get(s.id), ensure_ascii=False), now) for s in stories],
            )
            self.db.executemany(
                "UPDATE articles SET story_id = ? WHERE id = ?",
                [(s.id, a) for s in stories for a in s.articles],
            )
            self.db.executemany("DELETE FROM story_stats WHERE story_id = ?", [(s,) for s in removed])
            self.db.executemany(_STORY_STATS, [(s.id,) for s in stories])

    def stories(self) -> list[sqlite3.Row]:
        return list(self.db.execute(
            "SELECT s.*, MIN(a.seq) AS first_seq FROM stories s JOIN articles a ON a.story_id = s.id "
            "GROUP BY s.id ORDER BY first_seq"))


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

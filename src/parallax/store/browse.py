"""Read-only queries for browsing a database (the web app): paged, and each served by an index.

Every function takes a connection opened by :class:`~parallax.store.database.Store` (rows by
name) and returns rows or plain values; none writes. The stories list reads ``story_stats``
and search reads the FTS5 tables of migration 004, so a page costs the same on a database of
100,000 articles as on five.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from parallax.report.render import SIGNAL_KEYS

# Sort orders of the stories list. Undated stories go last whatever the direction. Each has an
# index of the same terms in migration 004: change both together.
STORY_SORTS = {
    "newest": "st.last_published IS NULL, st.last_published DESC, st.first_seq DESC",
    "oldest": "st.first_published IS NULL, st.first_published ASC, st.first_seq",
    "articles": "st.article_count DESC, st.first_seq",
    "disputes": "st.disputes DESC, st.article_count DESC, st.first_seq",
    "corroborated": "st.corroborated DESC, st.article_count DESC, st.first_seq",
    "corpus": "st.first_seq",
}
# Private-use characters around search hits in snippets: the page escapes the snippet, then
# turns these into marks, so an article's own text can never become markup.
HIT_START, HIT_END = "\ue000", "\ue001"
_PHRASE = re.compile(r'"([^"]+)"|([\w][\w\'’-]*)', re.UNICODE)

_LIGHT = ("a.id, a.seq, a.title, a.outlet, a.outlet_domain, a.published, a.input, a.url, a.author, "
          "a.story_id, a.copy_of, a.copy_similarity")


def _scores() -> str:
    """``scores``: a JSON array of the body signals' scores in SIGNAL_KEYS order, then the slant's
    direction. One json_extract with several paths parses the signals once, not once per path."""
    paths = ", ".join(f"'$.body.{k}.score'" for k in SIGNAL_KEYS)
    return f"json_extract(a.signals, {paths}, '$.body.slant.details.direction') AS scores"


def corpus_counts(db: sqlite3.Connection) -> dict[str, int]:
    """Input ledger counts, stories and named outlets (without listing the rejections)."""
    counts = dict(db.execute("SELECT status, COUNT(*) FROM inputs GROUP BY status").fetchall())
    return {
        "inputs_seen": sum(counts.values()),
        "articles": counts.get("article", 0),
        "duplicates": counts.get("duplicate", 0),
        "rejected": counts.get("rejected", 0),
        "stories": db.execute("SELECT COUNT(*) FROM story_stats").fetchone()[0],
        "outlets": db.execute("SELECT COUNT(DISTINCT outlet) FROM articles WHERE outlet IS NOT NULL").fetchone()[0],
    }


def list_stories(db: sqlite3.Connection, sort: str = "newest", outlet: str | None = None,
                 date_from: str | None = None, date_to: str | None = None, disputed: bool = False,
                 limit: int = 50, offset: int = 0) -> tuple[list[sqlite3.Row], int]:
    """One page of stories with their figures, and how many stories match the filters.

    ``date_from``/``date_to`` (ISO dates) keep stories whose span of publication meets the range.
    """
    where, params = [], []
    if outlet is not None:
        where.append("st.story_id IN (SELECT story_id FROM articles WHERE outlet = ?)")
        params.append(outlet)
    if date_from:
        where.append("substr(st.last_published, 1, 10) >= ?")
        params.append(date_from)
    if date_to:
        where.append("substr(st.first_published, 1, 10) <= ?")
        params.append(date_to)
    if disputed:
        where.append("st.disputes > 0")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    total = db.execute(f"SELECT COUNT(*) FROM story_stats st {clause}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT st.*, s.title, s.independent_origins FROM story_stats st JOIN stories s ON s.id = st.story_id "
        f"{clause} ORDER BY {STORY_SORTS.get(sort, STORY_SORTS['newest'])} LIMIT ? OFFSET ?",
        [*params, limit, offset]).fetchall()
    return rows, int(total)


def story_outlets(db: sqlite3.Connection, story_ids: list[str]) -> dict[str, list[tuple[str | None, int]]]:
    """Each story's outlets with their article counts, most articles first (None: unknown)."""
    out: dict[str, list[tuple[str | None, int]]] = {s: [] for s in story_ids}
    if not story_ids:
        return out
    marks = ",".join("?" * len(story_ids))
    for r in db.execute(f"SELECT story_id, outlet, COUNT(*) AS n FROM articles WHERE story_id IN ({marks}) "
                        f"GROUP BY story_id, outlet ORDER BY story_id, n DESC, outlet", story_ids):
        out[r["story_id"]].append((r["outlet"], r["n"]))
    return out


def story(db: sqlite3.Connection, story_id: str) -> sqlite3.Row | None:
    """The story's row (alignment and reuse JSON) with its figures, or None."""
    row: sqlite3.Row | None = db.execute(
        "SELECT s.*, st.first_published, st.last_published, st.article_count FROM stories s "
        "LEFT JOIN story_stats st ON st.story_id = s.id WHERE s.id = ?", (story_id,)).fetchone()
    return row


def stories_by_ids(db: sqlite3.Connection, story_ids: list[str]) -> list[sqlite3.Row]:
    """Story rows (alignment and reuse JSON) of the given ids."""
    rows: list[sqlite3.Row] = []
    for lo in range(0, len(story_ids), 500):  # SQLite caps the number of bound parameters
        chunk = story_ids[lo:lo + 500]
        rows += db.execute(f"SELECT * FROM stories WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return rows


def story_articles(db: sqlite3.Connection, story_id: str) -> list[sqlite3.Row]:
    """A story's articles in corpus order: metadata, signal scores and cited sources, no text."""
    return db.execute(
        f"SELECT {_LIGHT}, {_scores()}, "
        f"json_extract(a.extraction, '$.cited_sources') AS cited FROM articles a "
        f"WHERE a.story_id = ? ORDER BY a.seq", (story_id,)).fetchall()


def article(db: sqlite3.Connection, article_id: str) -> sqlite3.Row | None:
    """The article's full row, or None."""
    row: sqlite3.Row | None = db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row


def article_labels(db: sqlite3.Connection, article_ids: list[str]) -> dict[str, sqlite3.Row]:
    """Id, title, outlet, input and story of the given articles (for links)."""
    out: dict[str, sqlite3.Row] = {}
    for lo in range(0, len(article_ids), 500):
        chunk = article_ids[lo:lo + 500]
        out.update((r["id"], r) for r in db.execute(
            f"SELECT id, title, outlet, input, story_id, published FROM articles "
            f"WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def list_outlets(db: sqlite3.Connection, limit: int = 100, offset: int = 0) -> tuple[list[sqlite3.Row], int]:
    """Outlets with their article and story counts, most articles first; unknown outlets as None."""
    total = db.execute("SELECT COUNT(*) FROM (SELECT DISTINCT outlet FROM articles)").fetchone()[0]
    rows = db.execute(
        "SELECT outlet, COUNT(*) AS articles, COUNT(DISTINCT story_id) AS stories FROM articles "
        "GROUP BY outlet ORDER BY outlet IS NULL, articles DESC, outlet LIMIT ? OFFSET ?",
        (limit, offset)).fetchall()
    return rows, int(total)


def outlet_articles(db: sqlite3.Connection, outlet: str | None, limit: int = 50,
                    offset: int = 0) -> tuple[list[sqlite3.Row], int]:
    """One page of an outlet's articles, latest added first, with scores and cited sources."""
    cond = "a.outlet IS NULL" if outlet is None else "a.outlet = ?"
    params: list[Any] = [] if outlet is None else [outlet]
    total = db.execute(f"SELECT COUNT(*) FROM articles a WHERE {cond}", params).fetchone()[0]
    rows = db.execute(
        f"SELECT {_LIGHT}, {_scores()}, "
        f"json_extract(a.extraction, '$.cited_sources') AS cited FROM articles a WHERE {cond} "
        f"ORDER BY a.seq DESC LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    return rows, int(total)


def fts_query(text: str) -> str:
    """A safe FTS5 query from what a reader typed: "quoted phrases" stay phrases, other words
    must all appear; FTS5 operators and punctuation lose their meaning. Empty if nothing is left."""
    parts = []
    for m in _PHRASE.finditer(text):
        phrase = m.group(1) if m.group(1) is not None else m.group(2)
        words = re.findall(r"\w+", phrase, re.UNICODE)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " ".join(parts)


def search_articles(db: sqlite3.Connection, query: str, limit: int = 20,
                    offset: int = 0) -> tuple[list[sqlite3.Row], int]:
    """Articles matching an FTS5 query (from :func:`fts_query`), best first, with a snippet.

    bm25 weights: a hit in the headline counts 5 times, in a speaker's name twice, in the body once.
    """
    total = db.execute("SELECT COUNT(*) FROM article_fts WHERE article_fts MATCH ?", (query,)).fetchone()[0]
    # Rank first, then cut snippets for the page's rows only: in one query SQLite would build
    # the snippet of every match before sorting (20 ms for a common word in 2,600 articles).
    rows = db.execute(
        f"SELECT a.id, a.title, a.outlet, a.published, a.story_id, a.input, "
        f"snippet(article_fts, 1, '{HIT_START}', '{HIT_END}', '…', 24) AS snippet, "
        f"snippet(article_fts, 2, '{HIT_START}', '{HIT_END}', '…', 8) AS speakers "
        f"FROM article_fts JOIN articles a ON a.seq = article_fts.rowid WHERE article_fts MATCH ? "
        f"AND article_fts.rowid IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ? "
        f"ORDER BY bm25(article_fts, 5.0, 1.0, 2.0) LIMIT ? OFFSET ?) "
        f"ORDER BY bm25(article_fts, 5.0, 1.0, 2.0)", (query, query, limit, offset)).fetchall()
    return rows, int(total)


def search_claims(db: sqlite3.Connection, query: str, limit: int = 20,
                  offset: int = 0) -> tuple[list[sqlite3.Row], int]:
    """Claims whose wording or speaker matches an FTS5 query, best first, with their story."""
    total = db.execute("SELECT COUNT(*) FROM claim_fts WHERE claim_fts MATCH ?", (query,)).fetchone()[0]
    rows = db.execute(
        "SELECT c.claim_id, c.story_id, c.text, c.speaker, c.status, c.independent_origins, s.title AS story_title "
        "FROM claim_fts JOIN claims c ON c.id = claim_fts.rowid JOIN stories s ON s.id = c.story_id "
        "WHERE claim_fts MATCH ? ORDER BY bm25(claim_fts, 1.0, 2.0) LIMIT ? OFFSET ?",
        (query, limit, offset)).fetchall()
    return rows, int(total)

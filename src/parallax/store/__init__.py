"""Store: the only package that speaks SQL.

A SQLite database in WAL mode (readers work while ``analyze`` writes) with numbered migrations
in ``migrations/``. Takes and gives the plain dataclasses of :mod:`parallax.types` and rows;
only ``pipeline``, ``query`` and the web app use it, never a stage.

Modules:
- ``database``: :class:`~parallax.store.database.Store` (articles, ledger, stories, features,
  alignments, signals).
- ``stories``: stored story postings and the placing of a run's new articles (incremental runs).
- ``reports``: reports of a selection of stories (a run's, some, all), streamed from stored
  per-story pieces.
- ``browse``: read-only, paged queries for the web app (stories list with its figures, a
  story's articles, outlets, full-text search over articles and claims).
"""

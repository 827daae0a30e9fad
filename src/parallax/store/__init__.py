"""Store: the only package that speaks SQL.

A SQLite database in WAL mode (readers work while ``analyze`` writes) with numbered migrations
in ``migrations/``. Takes and gives the plain dataclasses of :mod:`parallax.types` and rows;
only ``pipeline`` and ``query`` use it, never a stage.

Modules:
- ``database``: :class:`~parallax.store.database.Store` (articles, ledger, stories, features,
  alignments, signals).
"""

"""Ingest: turn what a user hands over (files, folders, stdin) into units.

Takes paths (or ``-`` for JSONL on stdin) and :class:`~parallax.ingest.readers.IngestOptions`;
gives, lazily and in a stable order, one :class:`~parallax.types.RawDocument` per input unit
(a file, or a record of a container) or a :class:`~parallax.types.Rejection` with its reason.
Nothing is parsed further here: cleaning is the next stage.

Modules:
- ``readers``: walking inputs, format sniffing, and the readers for text, Markdown, HTML, JSON,
  JSONL and CSV (gzipped too).
- ``records``: record fields by name (nested paths, known export shapes) and ``--field`` overrides.
- ``feeds``: RSS, Atom (defusedxml: no entity expansion, no external entities) and JSON Feed.
- ``warc``: WARC and WARC.gz response records (warcio), truncated records reported with offsets.
- ``decode``: per-unit charset (declared, UTF-8, ``--encoding``, detected); stray bytes counted.
- ``limits``: the per-input limits (line, record, records per file, decompressed bytes, JSON
  depth), checked while reading, and the bounded line, CSV-record and JSON readers.
- ``walk``: walking a folder without following links out of it; skipped entries with reasons.
- ``watch``: polling a folder for new, complete files (rename-into-place or settled size and time).
"""

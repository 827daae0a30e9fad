"""Ingest: turn files, folders and stdin into input units.

Every unit read becomes either a :class:`RawDocument` or a :class:`Rejection` with a reason,
so the ledger ``inputs_seen == articles + duplicates + rejected`` can always be checked.
A file is one unit, except container formats (``.jsonl``, ``.json`` lists, ``.csv``) where
each record is one unit. Reading never raises on bad input.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from parallax.ingest import feeds, records, warc
from parallax.ingest.decode import decode_unit, file_charset
from parallax.ingest.feeds import FEED_EXT
from parallax.ingest.limits import (
    CountingReader,
    LimitExceeded,
    Limits,
    bounded_lines,
    csv_records,
    json_array_items,
    over,
    parse_json,
    size_text,
)
from parallax.ingest.records import DEFAULT_FIELDS, unit_key
from parallax.ingest.walk import SKIPPED, display_name, special_kind, walk
from parallax.ingest.warc import WARC_EXT
from parallax.types import RawDocument, Rejection

# One article is a few kB to a few hundred kB of HTML; anything over this is not an article
# but a dump or a mistake, and parsing it would stall the run. Containers are streamed record
# by record, so the limit applies to a record there, not to the file.
MAX_UNIT_BYTES = 10 * 1024 * 1024

TEXT_EXT = {".txt", ".text", ".md", ".markdown"}
HTML_EXT = {".html", ".htm", ".xhtml"}
JSON_EXT = {".json"}
JSONL_EXT = {".jsonl", ".ndjson"}
CSV_EXT = {".csv", ".tsv"}
SUPPORTED = TEXT_EXT | HTML_EXT | JSON_EXT | JSONL_EXT | CSV_EXT


@dataclass
class IngestOptions:
    """How inputs are read. ``fields`` maps a role (title, text, url…) to a field name."""

    fields: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None  # force a legacy encoding for files that are not UTF-8
    max_unit_bytes: int = 0  # 0: limits.unit_bytes (MAX_UNIT_BYTES unless changed)
    limits: Limits = field(default_factory=Limits.from_env)  # see ingest/limits.py

    def __post_init__(self) -> None:
        if not self.max_unit_bytes:
            self.max_unit_bytes = self.limits.unit_bytes


class UnitError(Exception):
    """A problem with one input unit; its message becomes the rejection reason."""


def iter_inputs(
    inputs: Iterable[str | os.PathLike[str]],
    options: IngestOptions | None = None,
    stdin: IO[bytes] | None = None,
) -> Iterator[RawDocument | Rejection]:
    """Yield one RawDocument or Rejection per input unit, folders walked in sorted order."""
    opts = options or IngestOptions()
    for item in inputs:
        if str(item) == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_jsonl(stream, "stdin", opts)
            continue
        path = Path(item)
        if path.is_dir():
            for sub, skipped in walk(path):
                if skipped:
                    name = display_name(sub.name)
                    yield Rejection(name, skipped, unit_key(name, skipped.encode()))
                else:
                    yield from read_file(sub, opts)
        elif path.exists():
            yield from read_file(path, opts)
        else:
            yield Rejection(str(item), "no such file or folder")


def _format_of(path: Path) -> tuple[str, bool]:
    """Return (extension without .gz, gzipped?)."""
    suffixes = [s.lower() for s in path.suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    return (suffixes[-1] if suffixes else ""), gz


def read_file(path: Path, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    """Read one file into units; never raises for bad content."""
    name = display_name(path.name)
    ext, gz = _format_of(path)
    try:
        st = path.stat()
        size = st.st_size
        kind = special_kind(st.st_mode)
        if kind:
            reason = f"{SKIPPED}not a regular file ({kind})"
            yield Rejection(name, reason, unit_key(name, reason.encode()))
            return
        if size == 0:
            yield Rejection(name, "empty file", unit_key(name, b""))
            return
        if ext in WARC_EXT or (ext not in SUPPORTED | FEED_EXT and warc.sniff_warc(_head(path, gz))):
            with path.open("rb") as fh:  # warcio reads gzip members itself and reports their offsets
                yield from warc.read_warc(fh, name, opts.max_unit_bytes, opts.encoding)
            return
        if ext in FEED_EXT or (ext not in SUPPORTED and feeds.sniff_feed(_head(path, gz))):
            with _open_binary(path, gz) as fh:
                yield from feeds.read_xml_feed(fh, name, opts.fields, opts.max_unit_bytes)
            return
        if ext in JSONL_EXT | CSV_EXT:
            with _open_binary(path, gz, opts) as fh:
                if ext in JSONL_EXT:
                    yield from _read_jsonl(fh, name, opts)
                else:
                    yield from _read_csv(fh, name, opts, delimiter="\t" if ext == ".tsv" else ",")
            return
        limit, limit_name = ((opts.limits.json_file_bytes, "json_file_bytes") if ext in JSON_EXT
                             else (opts.max_unit_bytes, "unit_bytes"))
        raw = _read_bounded(path, gz, limit, limit_name, opts)
        key = unit_key(name, raw)
        if not raw.strip():
            yield Rejection(name, "empty file", key)
            return
        if ext not in SUPPORTED:
            ext = _sniff(raw)
            if not ext:
                yield Rejection(name, f"unsupported file type {path.suffix or '(none)'!r}", key)
                return
        if not raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text is full of NUL bytes
            _check_text_bytes(raw)
        if ext in JSON_EXT:
            yield from _read_json(raw, name, opts)
        elif ext in HTML_EXT:
            m = _META_CHARSET.search(raw[:4096])
            decoded = decode_unit(raw, m.group(1).decode("ascii") if m else None, opts.encoding)
            yield RawDocument(input=name, unit_key=key, format="html", text="", html=decoded.text,
                              decoding=decoded.info())
        else:
            fmt = "markdown" if ext in (".md", ".markdown") else "txt"
            decoded = decode_unit(raw, None, opts.encoding)
            yield RawDocument(input=name, unit_key=key, format=fmt, text=decoded.text, decoding=decoded.info())
    except (UnitError, LimitExceeded) as exc:
        yield Rejection(name, str(exc), unit_key(name, str(exc).encode()))
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Rejection(name, f"cannot read file: {exc}", unit_key(name, str(exc).encode()))
    except Exception as exc:  # a reader bug on one odd file must not end the run
        reason = f"could not be read: {exc!r}"[:500]
        yield Rejection(name, reason, unit_key(name, reason.encode()))


def _head(path: Path, gz: bool) -> bytes:
    """The first bytes of a file (decompressed), for sniffing its format."""
    with _open_binary(path, gz) as fh:
        return fh.read(4096)


def _open_binary(path: Path, gz: bool, opts: IngestOptions | None = None) -> IO[bytes]:
    if gz:
        limit = (opts or IngestOptions()).limits.decompressed_bytes
        return io.BufferedReader(CountingReader(gzip.open(path, "rb"), limit))  # type: ignore[arg-type]
    return path.open("rb")


def _read_bounded(path: Path, gz: bool, limit: int, limit_name: str, opts: IngestOptions) -> bytes:
    with _open_binary(path, gz, opts) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        if gz:
            raise over(limit_name, f"decompressed past {size_text(limit)}")
        raise over(limit_name, f"too large for one article ({path.stat().st_size / 1e6:.1f} MB; "
                   "split it into one file per article or use JSONL)")
    return data


def _sniff(raw: bytes) -> str:
    head = raw[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return ".html"
    if head.startswith((b"{", b"[")):
        return ".json"
    return ""


# Control characters other than tab/newline/CR/form feed do not occur in text files.
_BINARY_CTRL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _check_text_bytes(raw: bytes) -> None:
    sample = raw[:8192]
    if b"\x00" in sample or len(_BINARY_CTRL.findall(sample)) > len(sample) * 0.01:
        raise UnitError("binary file, not text")


_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)


# --- records -------------------------------------------------------------------------------


def record_to_unit(
    record: Any, container: str, position: int, raw: bytes, opts: IngestOptions
) -> RawDocument | Rejection:
    """Map one JSON/CSV record to a RawDocument using the field mapping (see ``records``)."""
    return records.record_to_unit(record, container, position, raw, opts.fields, opts.max_unit_bytes)


def _too_many(name: str, limit: int) -> Rejection:
    exc = over("records", f"stopped after {limit} records; the rest of the file is not read")
    unit = f"{name}#rest"
    return Rejection(unit, str(exc), unit_key(unit, str(exc).encode()))


def _read_jsonl(stream: IO[bytes], name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    limits = opts.limits
    records = 0
    seen_any = False
    for lineno, line in bounded_lines(stream, limits.line_bytes):
        unit = f"{name}#{lineno}"
        seen_any = seen_any or line is None or bool(line.strip())
        if line is None:
            exc = over("line_bytes", f"line {lineno} is longer than {size_text(limits.line_bytes)}")
            yield Rejection(unit, str(exc), unit_key(unit, str(exc).encode()))
            continue
        if not line.strip():
            continue
        records += 1
        if records > limits.records:
            yield _too_many(name, limits.records)
            return
        decoded = decode_unit(line, None, opts.encoding)
        try:
            record = parse_json(decoded.text, limits.json_depth)
        except json.JSONDecodeError as exc:
            yield Rejection(unit, f"line {lineno}: invalid JSON ({exc.msg})", unit_key(unit, line))
            continue
        except (ValueError, LimitExceeded) as exc:
            yield Rejection(unit, f"line {lineno}: {exc}", unit_key(unit, line))
            continue
        unit_out = record_to_unit(record, name, lineno, line, opts)
        if isinstance(unit_out, RawDocument) and (decoded.replaced or decoded.evidence != "valid UTF-8"):
            unit_out.decoding = decoded.info()
        yield unit_out
    if records == 0 and not seen_any:
        yield Rejection(name, "no records (only blank lines)", unit_key(name, b"no-records"))


def _read_json(raw: bytes, name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    try:
        text = decode_unit(raw, None, opts.encoding).text
    except LookupError as exc:
        raise UnitError(f"unknown encoding {opts.encoding!r}") from exc
    if text.lstrip(" \t\r\n").startswith("["):
        yield from _read_json_list(text, name, opts)  # streamed: one record parsed at a time
        return
    # An object is parsed whole: bound how many objects and lists that can make (a wrapper
    # {"articles": [{}, {}, …]} of millions), counting brackets as an upper bound.
    containers = text.count("{") + text.count("[")
    if containers > 4 * opts.limits.records + 1000:
        raise over("records", f"{containers} JSON objects and lists, too many to parse at once; use JSONL")
    try:
        data = parse_json(text, opts.limits.json_depth)
    except json.JSONDecodeError as exc:
        raise UnitError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except ValueError as exc:
        raise UnitError(str(exc)) from exc
    feed = feeds.json_feed(data)
    if feed is not None:
        for i, rec in enumerate(feed[0], start=1):
            if i > opts.limits.records:
                yield _too_many(name, opts.limits.records)
                return
            raw_rec = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
            yield records.record_to_unit(rec, name, i, raw_rec, opts.fields, opts.max_unit_bytes, feed[1])
        return
    if isinstance(data, dict) and not any(
        k in data for k in DEFAULT_FIELDS["text"] + DEFAULT_FIELDS["html"] + tuple(opts.fields.values())
    ):
        # A wrapper object such as {"articles": [...]}: use its first list of objects.
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if lists else data
    if isinstance(data, list):
        if not data:
            raise UnitError("empty JSON list: no records")
        for i, rec in enumerate(data, start=1):
            if i > opts.limits.records:
                yield _too_many(name, opts.limits.records)
                return
            raw_rec = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
            yield record_to_unit(rec, name, i, raw_rec, opts)
    else:
        unit = record_to_unit(data, name, 1, raw, opts)
        if isinstance(unit, RawDocument):
            unit.input = name  # a single-object file is named after the file alone
        yield unit


def _read_json_list(text: str, name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    count = 0
    try:
        for count, rec in enumerate(json_array_items(text, opts.limits.json_depth), start=1):
            if count > opts.limits.records:
                yield _too_many(name, opts.limits.records)
                return
            raw_rec = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
            yield record_to_unit(rec, name, count, raw_rec, opts)
    except json.JSONDecodeError as exc:
        where = f"after record {count}: " if count else ""
        raise UnitError(f"invalid JSON {where}at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except ValueError as exc:
        raise UnitError(str(exc)) from exc
    if count == 0:
        raise UnitError("empty JSON list: no records")


def _read_csv(
    stream: IO[bytes], name: str, opts: IngestOptions, delimiter: str
) -> Iterator[RawDocument | Rejection]:
    limits = opts.limits
    csv.field_size_limit(max(limits.line_bytes, opts.max_unit_bytes))
    # The file's legacy charset, once, from its first megabyte; then each record is decoded on
    # its own, so a bad byte costs one row at most.
    legacy = None if opts.encoding else file_charset(stream)
    # Records are cut from the byte stream with their size bounded (limits.csv_records), then
    # decoded and parsed one at a time: an oversized quoted field is one rejection and the
    # reader never loses its place.
    chunks = csv_records(stream, limits.line_bytes)
    header: list[str] | None = None
    rowno = 0
    produced = 0  # units yielded: a header followed by blank rows only still leaves a trace
    for lineno, chunk in chunks:
        if chunk is None:
            rowno += 1
            unit = f"{name}#row{rowno}"
            exc = over("line_bytes", f"CSV record at line {lineno} is longer than {size_text(limits.line_bytes)}")
            if header is None:
                yield Rejection(name, f"unreadable CSV header: {exc}", unit_key(name, b"header"))
                return
            yield Rejection(unit, str(exc), unit_key(unit, str(exc).encode()))
            produced += 1
            continue
        try:
            decoded = decode_unit(chunk, None, opts.encoding or legacy)
            rows = list(csv.reader(io.StringIO(decoded.text, newline=""), delimiter=delimiter))
        except (csv.Error, UnicodeDecodeError, LookupError) as exc:
            rowno += 1
            if header is None:
                yield Rejection(name, f"unreadable CSV header: {exc}", unit_key(name, b"header"))
                return
            unit = f"{name}#row{rowno}"
            hint = "; pass --encoding" if isinstance(exc, UnicodeDecodeError) else ""
            yield Rejection(unit, f"malformed CSV row {rowno} (line {lineno}): {exc}{hint}", unit_key(unit, chunk))
            produced += 1
            continue
        for row in rows:
            rowno += 1
            if header is None:
                header = row
                continue
            if not any(cell.strip() for cell in row):
                continue
            if rowno - 1 > limits.records:
                yield _too_many(name, limits.records)
                return
            produced += 1
            raw = json.dumps(row, ensure_ascii=False).encode("utf-8", "surrogatepass")
            if len(row) != len(header):
                unit = f"{name}#row{rowno}"
                yield Rejection(
                    unit,
                    f"malformed CSV row {rowno}: {len(row)} fields, header has {len(header)}",
                    unit_key(unit, raw),
                )
                continue
            made = record_to_unit(dict(zip(header, row, strict=True)), name, rowno, raw, opts)
            if isinstance(made, RawDocument) and (decoded.replaced or decoded.evidence not in ("valid UTF-8", "ascii")):
                made.decoding = decoded.info()
            yield made
    if header is None:
        yield Rejection(name, "empty CSV file", unit_key(name, b""))
    elif not produced:
        yield Rejection(name, "CSV file has a header but no rows", unit_key(name, b"header-only"))

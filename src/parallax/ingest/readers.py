"""Ingest: turn files, folders and stdin into input units.

Every unit read becomes either a :class:`RawDocument` or a :class:`Rejection` with a reason,
so the ledger ``inputs_seen == articles + duplicates + rejected`` can always be checked.
A file is one unit, except container formats (``.jsonl``, ``.json`` lists, ``.csv``) where
each record is one unit. Reading never raises on bad input.
"""

from __future__ import annotations

import csv
import gzip
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
from parallax.ingest.decode import LineDecoder, decode_unit
from parallax.ingest.feeds import FEED_EXT
from parallax.ingest.records import DEFAULT_FIELDS, unit_key
from parallax.ingest.warc import WARC_EXT
from parallax.types import RawDocument, Rejection

# One article is a few kB to a few hundred kB of HTML; anything over this is not an article
# but a dump or a mistake, and parsing it would stall the run. Containers are streamed record
# by record, so the limit applies to a record there, not to the file.
MAX_UNIT_BYTES = 10 * 1024 * 1024
# A whole .json file must be loaded to be parsed; keep that bounded too.
MAX_JSON_FILE_BYTES = 256 * 1024 * 1024

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
    max_unit_bytes: int = MAX_UNIT_BYTES


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
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
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
    name = path.name
    ext, gz = _format_of(path)
    try:
        size = path.stat().st_size
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
            with _open_binary(path, gz) as fh:
                if ext in JSONL_EXT:
                    yield from _read_jsonl(fh, name, opts)
                else:
                    yield from _read_csv(fh, name, opts, delimiter="\t" if ext == ".tsv" else ",")
            return
        limit = MAX_JSON_FILE_BYTES if ext in JSON_EXT else opts.max_unit_bytes
        raw = _read_bounded(path, gz, limit)
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
    except UnitError as exc:
        yield Rejection(name, str(exc), unit_key(name, str(exc).encode()))
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Rejection(name, f"cannot read file: {exc}", unit_key(name, str(exc).encode()))


def _head(path: Path, gz: bool) -> bytes:
    """The first bytes of a file (decompressed), for sniffing its format."""
    with _open_binary(path, gz) as fh:
        return fh.read(4096)


def _open_binary(path: Path, gz: bool) -> IO[bytes]:
    if gz:
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def _read_bounded(path: Path, gz: bool, limit: int) -> bytes:
    with _open_binary(path, gz) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        total = path.stat().st_size
        raise UnitError(
            f"too large for one article ({total / 1e6:.1f} MB on disk, limit "
            f"{limit / 1e6:.0f} MB); split it into one file per article or use JSONL"
        )
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


def _read_jsonl(stream: IO[bytes], name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        unit = f"{name}#{lineno}"
        decoded = decode_unit(line, None, opts.encoding)
        try:
            record = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            yield Rejection(unit, f"line {lineno}: invalid JSON ({exc.msg})", unit_key(unit, line))
            continue
        unit_out = record_to_unit(record, name, lineno, line, opts)
        if isinstance(unit_out, RawDocument) and (decoded.replaced or decoded.evidence != "valid UTF-8"):
            unit_out.decoding = decoded.info()
        yield unit_out


def _read_json(raw: bytes, name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    try:
        data = json.loads(decode_unit(raw, None, opts.encoding).text)
    except json.JSONDecodeError as exc:
        raise UnitError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    feed = feeds.json_feed(data)
    if feed is not None:
        for i, rec in enumerate(feed[0], start=1):
            raw_rec = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8")
            yield records.record_to_unit(rec, name, i, raw_rec, opts.fields, opts.max_unit_bytes, feed[1])
        return
    if isinstance(data, dict) and not any(
        k in data for k in DEFAULT_FIELDS["text"] + DEFAULT_FIELDS["html"] + tuple(opts.fields.values())
    ):
        # A wrapper object such as {"articles": [...]}: use its first list of objects.
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if lists else data
    if isinstance(data, list):
        for i, rec in enumerate(data, start=1):
            raw_rec = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8")
            yield record_to_unit(rec, name, i, raw_rec, opts)
    else:
        unit = record_to_unit(data, name, 1, raw, opts)
        if isinstance(unit, RawDocument):
            unit.input = name  # a single-object file is named after the file alone
        yield unit


def _read_csv(
    stream: IO[bytes], name: str, opts: IngestOptions, delimiter: str
) -> Iterator[RawDocument | Rejection]:
    text = LineDecoder(stream, opts.encoding)  # each line decoded alone: a bad byte costs nothing more
    csv.field_size_limit(opts.max_unit_bytes)
    reader = csv.reader(iter(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        yield Rejection(name, "empty CSV file", unit_key(name, b""))
        return
    except (csv.Error, UnicodeDecodeError) as exc:
        yield Rejection(name, f"unreadable CSV header: {exc}", unit_key(name, b"header"))
        return
    rowno = 1
    while True:
        rowno += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            unit = f"{name}#row{rowno}"
            yield Rejection(unit, f"not valid UTF-8 ({exc.reason}); pass --encoding", unit_key(unit, b""))
            return  # the decoder cannot resynchronise: the rest of the file is unreadable
        except csv.Error as exc:
            unit = f"{name}#row{rowno}"
            yield Rejection(unit, f"malformed CSV row {rowno}: {exc}", unit_key(unit, str(exc).encode()))
            continue
        if not any(cell.strip() for cell in row):
            continue
        raw = json.dumps(row, ensure_ascii=False).encode("utf-8")
        if len(row) != len(header):
            text.take()
            unit = f"{name}#row{rowno}"
            yield Rejection(
                unit,
                f"malformed CSV row {rowno}: {len(row)} fields, header has {len(header)}",
                unit_key(unit, raw),
            )
            continue
        decoding = text.take()
        made = record_to_unit(dict(zip(header, row, strict=True)), name, rowno, raw, opts)
        if decoding and isinstance(made, RawDocument):
            made.decoding = decoding
        yield made

"""Ingest: turn files, folders and stdin into input units.

Every unit read becomes either a :class:`RawDocument` or a :class:`Rejection` with a reason,
so the ledger ``inputs_seen == articles + duplicates + rejected`` can always be checked.
A file is one unit, except container formats (``.jsonl``, ``.json`` lists, ``.csv``) where
each record is one unit. Reading never raises on bad input.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
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

# Default record field names, tried in order; ``--field role=name`` overrides.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading"),
    "text": ("text", "content", "body", "articleBody", "article"),
    "html": ("html", "raw_html"),
    "url": ("url", "link", "uri"),
    "outlet": ("outlet", "source", "domain", "site", "site_name", "publisher"),
    "published": ("published", "date", "published_at", "publish_date", "pubdate", "datetime"),
    "author": ("author", "byline", "authors"),
    "id": ("id", "key", "uid"),
}


@dataclass
class IngestOptions:
    """How inputs are read. ``fields`` maps a role (title, text, url…) to a field name."""

    fields: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None  # force a legacy encoding for files that are not UTF-8
    max_unit_bytes: int = MAX_UNIT_BYTES


class UnitError(Exception):
    """A problem with one input unit; its message becomes the rejection reason."""


def _sha(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def unit_key(name: str, raw: bytes) -> str:
    """Stable identity of an input unit: the same name and bytes give the same key."""
    return _sha(name.encode("utf-8") + b"\0" + raw)[:20]


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
        _check_text_bytes(raw)
        if ext in JSON_EXT:
            yield from _read_json(raw, name, opts)
        elif ext in HTML_EXT:
            html = _decode_html(raw, opts)
            yield RawDocument(input=name, unit_key=key, format="html", text="", html=html)
        else:
            fmt = "markdown" if ext in (".md", ".markdown") else "txt"
            yield RawDocument(input=name, unit_key=key, format=fmt, text=_decode(raw, opts))
    except UnitError as exc:
        yield Rejection(name, str(exc), unit_key(name, str(exc).encode()))
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Rejection(name, f"cannot read file: {exc}", unit_key(name, str(exc).encode()))


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


def _decode(raw: bytes, opts: IngestOptions) -> str:
    if opts.encoding:
        try:
            return raw.decode(opts.encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise UnitError(f"cannot decode as {opts.encoding}: {exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnitError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 or pass --encoding"
        ) from exc


_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)


def _decode_html(raw: bytes, opts: IngestOptions) -> str:
    """Decode HTML honouring a BOM or <meta charset>, else UTF-8."""
    if not opts.encoding and not raw.startswith(b"\xef\xbb\xbf"):
        m = _META_CHARSET.search(raw[:4096])
        if m:
            declared = m.group(1).decode("ascii").lower()
            if declared not in ("utf-8", "utf8"):
                try:
                    return raw.decode(declared)
                except (UnicodeDecodeError, LookupError):
                    pass  # a wrong declaration: fall back to UTF-8 and its clear error
    return _decode(raw, opts)


# --- records -------------------------------------------------------------------------------


def _pick(record: dict[str, Any], role: str, opts: IngestOptions) -> str | None:
    names = (opts.fields[role],) if role in opts.fields else DEFAULT_FIELDS[role]
    lowered = {str(k).lower(): v for k, v in record.items()}
    for name in names:
        value = record.get(name, lowered.get(name.lower()))
        if value is None or value == "":
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        return str(value)
    return None


def _field_name(record: dict[str, Any], role: str, opts: IngestOptions) -> str | None:
    names = (opts.fields[role],) if role in opts.fields else DEFAULT_FIELDS[role]
    lowered = {str(k).lower(): k for k in record}
    for name in names:
        if record.get(name) not in (None, ""):
            return name
        key = lowered.get(name.lower())
        if key is not None and record.get(key) not in (None, ""):
            return str(key)
    return None


def record_to_unit(
    record: Any, container: str, position: int, raw: bytes, opts: IngestOptions
) -> RawDocument | Rejection:
    """Map one JSON/CSV record to a RawDocument using the field mapping."""
    rec_id = _pick(record, "id", opts) if isinstance(record, dict) else None
    name = f"{container}#{rec_id or position}"
    key = unit_key(name, raw)
    if not isinstance(record, dict):
        return Rejection(name, f"record is a {type(record).__name__}, expected an object", key)
    if len(raw) > opts.max_unit_bytes:
        return Rejection(name, f"record too large ({len(raw) / 1e6:.1f} MB)", key)
    text = _pick(record, "text", opts)
    html = _pick(record, "html", opts)
    if not (text and text.strip()) and not html:
        tried = opts.fields.get("text") or ", ".join(DEFAULT_FIELDS["text"])
        return Rejection(name, f"record has no text (looked for fields: {tried})", key)
    evidence = {}
    meta: dict[str, str | None] = {}
    for role in ("title", "url", "outlet", "published", "author"):
        meta[role] = _pick(record, role, opts)
        fname = _field_name(record, role, opts)
        if fname:
            evidence[role] = f"metadata field {fname!r}"
    return RawDocument(
        input=name,
        unit_key=key,
        format="html" if html and not text else "record",
        text=text or "",
        html=html if html and not text else None,
        title=meta["title"],
        url=meta["url"],
        outlet=meta["outlet"],
        published=meta["published"],
        author=meta["author"],
        evidence=evidence,
    )


def _read_jsonl(stream: IO[bytes], name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    for lineno, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        unit = f"{name}#{lineno}"
        try:
            text = line.decode("utf-8-sig") if lineno == 1 else line.decode("utf-8")
            record = json.loads(text)
        except UnicodeDecodeError as exc:
            yield Rejection(unit, f"line {lineno}: not valid UTF-8 ({exc.reason})", unit_key(unit, line))
            continue
        except json.JSONDecodeError as exc:
            yield Rejection(unit, f"line {lineno}: invalid JSON ({exc.msg})", unit_key(unit, line))
            continue
        yield record_to_unit(record, name, lineno, line, opts)


def _read_json(raw: bytes, name: str, opts: IngestOptions) -> Iterator[RawDocument | Rejection]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UnitError(f"not valid UTF-8 (offset {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise UnitError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    if isinstance(data, dict) and not any(
        k in data for k in DEFAULT_FIELDS["text"] + DEFAULT_FIELDS["html"] + tuple(opts.fields.values())
    ):
        # A wrapper object such as {"articles": [...]}: use its first list of objects.
        lists = [v for v in data.values() if isinstance(v, list)]
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
    text = io.TextIOWrapper(stream, encoding=opts.encoding or "utf-8-sig", newline="")
    csv.field_size_limit(opts.max_unit_bytes)
    reader = csv.reader(text, delimiter=delimiter)
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
            unit = f"{name}#row{rowno}"
            yield Rejection(
                unit,
                f"malformed CSV row {rowno}: {len(row)} fields, header has {len(header)}",
                unit_key(unit, raw),
            )
            continue
        yield record_to_unit(dict(zip(header, row, strict=True)), name, rowno, raw, opts)

"""Web archives: WARC and WARC.gz (as Common Crawl's CC-News publishes them), via warcio.

Each HTTP ``response`` record is one input unit: an HTML response becomes a page; any other
response (an image, a 404, a redirect) a rejection saying what it was. Request, metadata and
warcinfo records describe the crawl, not pages, and are skipped. Records are streamed: memory
is bounded by one record. A record cut short (a truncated download) is a rejection with its
offset — warcio itself passes a truncated gzip member without a word (its issue #138), so the
bytes read are checked against the record's Content-Length, and bytes left over after the last
whole record are reported too.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from typing import IO

from parallax.ingest import records
from parallax.ingest.decode import decode_unit
from parallax.types import RawDocument, Rejection

WARC_EXT = {".warc", ".arc"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_.:-]+)", re.I)


def sniff_warc(head: bytes) -> bool:
    """Whether the first (decompressed) bytes open a WARC record."""
    return head.lstrip()[:8].upper().startswith(b"WARC/")


def read_warc(stream: IO[bytes], name: str, max_bytes: int, fallback: str | None = None
              ) -> Iterator[RawDocument | Rejection]:
    """Yield one unit per response record of a WARC (gzipped or not)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    it = ArchiveIterator(stream)
    end = 0
    try:
        for record in it:
            offset = it.offset  # start of this record (get_record_offset() would skip its content)
            if record.rec_type != "response":
                continue
            unit = f"{name}@{offset}"
            uri = record.rec_headers.get_header("WARC-Target-URI")
            content = record.content_stream().read(max_bytes + 1)
            if len(content) > max_bytes:
                yield _reject(unit, f"response too large for one article (over {max_bytes / 1e6:.0f} MB)", uri)
                continue
            if getattr(record.raw_stream, "limit", 0) > 0:
                yield _reject(unit, f"truncated WARC record at offset {offset}: "
                                    f"{record.raw_stream.limit} bytes of its Content-Length missing", uri)
                continue
            status = record.http_headers.get_statuscode() if record.http_headers else None
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else None) or ""
            if status and status != "200":
                yield _reject(unit, f"HTTP status {status}, not a page", uri)
                continue
            if not ctype.lower().startswith(_HTML_TYPES):
                yield _reject(unit, f"response is {ctype.split(';')[0] or 'of no type'}, not HTML", uri)
                continue
            header = _CHARSET.search(ctype)
            meta = _META_CHARSET.search(content[:4096])
            declared = header.group(1) if header else meta.group(1).decode("ascii", "replace") if meta else None
            decoded = decode_unit(content, declared, fallback)
            yield RawDocument(
                input=unit, unit_key=records.unit_key(unit, content), format="html", text="",
                html=decoded.text, url=uri, evidence={"url": "WARC-Target-URI"} if uri else {},
                decoding=decoded.info(),
            )
        end = it.offset  # end of the last whole record
    except (ArchiveLoadFailed, AttributeError, ValueError, EOFError, OSError, zlib.error) as exc:
        # warcio fails this way on a record cut inside its headers (or a corrupt gzip member).
        at = getattr(it, "offset", 0)
        yield _reject(f"{name}@{at}", f"truncated WARC record at offset {at}: {type(exc).__name__}", None)
        return
    size = _size(stream)
    if size is not None and end < size:
        yield _reject(f"{name}@{end}", f"truncated WARC record at offset {end}: "
                                       f"{size - end} bytes that are not a whole record", None)


def _size(stream: IO[bytes]) -> int | None:
    """Size of the underlying file in the offsets warcio reports (compressed bytes for .gz)."""
    try:
        pos = stream.tell()
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(pos)
        return size
    except (OSError, AttributeError, ValueError):
        return None


def _reject(unit: str, reason: str, uri: str | None) -> Rejection:
    return Rejection(unit, f"{reason} ({uri})" if uri else reason, records.unit_key(unit, reason.encode()))

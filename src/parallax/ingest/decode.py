"""Bytes → text for one input unit, keeping what can be kept.

Order: a byte-order mark; the declared charset (HTTP header, ``<meta charset>``) when the
bytes decode under it; UTF-8; the user's ``--encoding`` (a fallback for files that are not
UTF-8, so UTF-8 files in the same run stay right); UTF-8 with a few stray bytes when the unit
is UTF-8 otherwise; else the charset charset-normalizer detects. Bytes that still do not
decode become U+FFFD and their count is recorded, so a few bad bytes never lose a unit.
"""

from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass
from typing import Any

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Detection on a few bytes is a guess; below this many non-ASCII bytes Western exports are
# far more often cp1252 than anything charset-normalizer would propose.
_DETECT_MIN_NON_ASCII = 16
_LEGACY_DEFAULT = "cp1252"
_state = threading.local()


def _count_replace(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    _state.replaced = getattr(_state, "replaced", 0) + (exc.end - exc.start)
    return "\ufffd", exc.end


codecs.register_error("parallax-count", _count_replace)


@dataclass
class Decoded:
    """Text of a unit and how it was decoded (``replaced``: stray bytes turned into U+FFFD)."""

    text: str
    encoding: str
    evidence: str
    replaced: int = 0

    def info(self) -> dict[str, Any]:
        """JSON form for the report and the ledger."""
        return {"encoding": self.encoding, "evidence": self.evidence, "replaced_bytes": self.replaced}


def _normal(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_replacing(raw: bytes, encoding: str) -> tuple[str, int]:
    """Decode with U+FFFD for bytes that do not decode; return (text, bytes replaced)."""
    _state.replaced = 0
    text = raw.decode(encoding, errors="parallax-count")
    return text, _state.replaced


def decode_unit(raw: bytes, declared: str | None = None, fallback: str | None = None) -> Decoded:
    """Decode one unit's bytes (see the module docstring for the order)."""
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            text, bad = decode_replacing(raw, enc)
            return Decoded(text, "utf-8" if enc == "utf-8-sig" else enc, "byte-order mark", bad)
    declared_norm = _normal(declared) if declared else None
    if declared_norm:
        try:
            return Decoded(raw.decode(declared_norm), declared_norm, "declared charset")
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(raw.decode("utf-8"), "utf-8", "valid UTF-8")
    except UnicodeDecodeError:
        pass
    fallback_norm = _normal(fallback) if fallback else None
    if fallback_norm:
        try:
            return Decoded(raw.decode(fallback_norm), fallback_norm, "--encoding")
        except UnicodeDecodeError:
            pass
    text, bad = decode_replacing(raw, "utf-8")
    multibyte = len(_UTF8_MULTIBYTE.findall(raw))
    # A UTF-8 page with a few stray bytes (a pasted cp1252 quote) has many valid multi-byte
    # sequences and few bad bytes; a legacy file has none or a handful matching by chance.
    if multibyte > bad or (declared_norm == "utf-8" and multibyte > 0):
        return Decoded(text, "utf-8", "UTF-8 with stray bytes", bad)
    if fallback_norm:
        text, bad = decode_replacing(raw, fallback_norm)
        return Decoded(text, fallback_norm, "--encoding", bad)
    return _detect(raw)


def _detect(raw: bytes) -> Decoded:
    non_ascii = sum(1 for b in raw if b >= 0x80)
    if non_ascii >= _DETECT_MIN_NON_ASCII:
        from charset_normalizer import from_bytes

        results = from_bytes(raw[:200_000])
        best = results.best()
        if best is not None and best.encoding:
            # charset-normalizer breaks ties by table order, so French cp1252 text comes out as
            # cp1250 ("élčves"). Among equally good readings, Western European wins: it is what
            # legacy news exports are in.
            tied = {enc for m in results if m.chaos <= best.chaos and m.coherence >= best.coherence
                    for enc in m.could_be_from_charset}
            enc = "cp1252" if _LEGACY_DEFAULT in tied else (_normal(best.encoding) or best.encoding)
            text, bad = decode_replacing(raw, enc)
            return Decoded(text, enc, "detected (charset-normalizer)", bad)
    text, bad = decode_replacing(raw, _LEGACY_DEFAULT)
    return Decoded(text, _LEGACY_DEFAULT, "not UTF-8: read as Windows-1252", bad)


# CSV and JSONL files are decoded line by line, but their charset is guessed once, on this much
# of the file: one line is too little for detection to be reliable.
_LINE_SAMPLE_BYTES = 1 << 20


def file_charset(stream: Any) -> str | None:
    """The legacy charset of a file, from its first megabyte (None: UTF-8, or not seekable)."""
    try:
        pos = stream.tell()
        sample = stream.read(_LINE_SAMPLE_BYTES)
        stream.seek(pos)
    except (OSError, AttributeError, ValueError):
        return None
    cut = sample.rfind(b"\n")  # whole lines only: never a character cut in two
    decoded = decode_unit(sample[:cut + 1] if cut > 0 else sample)
    return decoded.encoding if decoded.evidence.startswith(("detected", "not UTF-8")) else None

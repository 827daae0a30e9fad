"""Limits on what one input may cost, checked *while* reading, and bounded readers.

Parallax reads untrusted files. Each limit below caps the memory or time a single input can
take; past a limit the unit (or the rest of a file) becomes a rejection whose reason names the
limit and how to raise it, and the run goes on. Every limit can be changed with
``--limit NAME=VALUE`` or the environment variable ``PARALLAX_LIMIT_<NAME>`` (sizes take
``KB``/``MB``/``GB``); docs/reliability.md lists them.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per-input limits. Sizes in bytes."""

    # One article (a file, or the text of one record). A news article is a few kB to a few
    # hundred kB of HTML; 10 MB is a dump or a mistake, and cleaning it would stall the run.
    unit_bytes: int = 10 * _MB
    # One JSONL line or one CSV record (quoted fields may span lines), before it is parsed:
    # read in bounded pieces so a 2 GB line costs no more memory than this.
    line_bytes: int = 16 * _MB
    # Records of one container file: a flood of empty records ("{}" a million times in 3 kB of
    # gzip) would otherwise cost minutes and a ledger row each.
    records: int = 200_000
    # Bytes decompressed from one .gz file: a gzip bomb stops here, whatever its size on disk.
    decompressed_bytes: int = 1024 * _MB
    # Nesting of a JSON value. Articles nest a handful of levels; "[[[[…" 200,000 deep is an
    # attack on the parser's recursion, refused before it is parsed.
    json_depth: int = 64
    # A whole .json file is parsed at once (JSONL streams); its parsed form takes a few times
    # its size in memory, so this keeps one file well under 1 GB.
    json_file_bytes: int = 100 * _MB

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults, overridden by ``PARALLAX_LIMIT_<NAME>`` variables."""
        env = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"PARALLAX_LIMIT_{f.name.upper()}")
            if raw:
                values[f.name] = parse_size(raw, f.name)
        return cls(**values)

    def replace(self, settings: dict[str, str]) -> Limits:
        """A copy with ``{name: value}`` settings applied (``ValueError`` for a bad one)."""
        names = {f.name for f in dataclasses.fields(self)}
        values = {}
        for name, raw in settings.items():
            if name not in names:
                raise ValueError(f"unknown limit {name!r}; limits are: {', '.join(sorted(names))}")
            values[name] = parse_size(raw, name)
        return dataclasses.replace(self, **values)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(k|kb|m|mb|g|gb)?\s*$", re.I)
_UNITS = {"": 1, "k": 1024, "kb": 1024, "m": _MB, "mb": _MB, "g": 1024 * _MB, "gb": 1024 * _MB}


def parse_size(raw: str, name: str = "limit") -> int:
    """``"20MB"`` → 20971520; plain numbers are taken as they are (bytes or a count)."""
    m = _SIZE.match(raw)
    if not m:
        raise ValueError(f"{name}: expected a number such as 500, 20MB or 1GB, got {raw!r}")
    value = int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()])
    if value <= 0:
        raise ValueError(f"{name}: must be positive, got {raw!r}")
    return value


def size_text(n: int) -> str:
    """A byte count as a user reads it in a limit message."""
    return f"{n / _MB:.0f} MB" if n >= _MB else f"{n} bytes"


class LimitExceeded(Exception):
    """Reading went past a limit; the message is the rejection reason."""


def over(limit: str, what: str) -> LimitExceeded:
    """The error for going past ``limit``; ``what`` says what happened, the reason how to raise it."""
    return LimitExceeded(f"{what} (limit {limit}; raise it with --limit {limit}=…)")


class CountingReader(io.RawIOBase):
    """A binary stream that raises :class:`LimitExceeded` once more than ``limit`` bytes came out.

    Wraps a gzip stream so a bomb is stopped by what it decompresses to, not its size on disk.
    """

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        self.inner, self.limit, self.count = inner, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise over("decompressed_bytes", f"decompressed past {size_text(self.limit)}")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


# Lines are read in pieces of at most this much once one is found to be too long, so skipping
# a 2 GB line holds 1 MB at a time.
_SKIP_CHUNK = _MB


def bounded_lines(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each line; ``None`` for a line longer than ``max_bytes``.

    A long line is consumed in 1 MB pieces and dropped, never held whole.
    """
    lineno = 0
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= max_bytes or line.endswith(b"\n") and len(line) == max_bytes + 1:
            yield lineno, line
            continue
        while not line.endswith(b"\n"):
            line = stream.readline(_SKIP_CHUNK)
            if not line:
                break
        yield lineno, None


def csv_records(stream: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(first line number, bytes)`` of each CSV record; ``None`` for one over ``max_bytes``.

    A record ends at a newline outside quotes (an even number of ``"`` so far: a doubled
    quote counts twice and keeps the parity). An oversized record is skipped to its end, so a
    quoted 100 MB field spanning thousands of lines is one rejection, not one per line. A
    stray quote inside an unquoted field joins lines up to the next stray quote; the csv
    module then splits that chunk into its rows again.
    """
    parts: list[bytes] = []
    size = 0
    start = 0
    odd = False
    oversized = False
    for lineno, line in bounded_lines(stream, max_bytes):
        if not parts and not oversized:
            start = lineno
        if line is None:
            oversized = True  # a line too long ends inside or outside quotes: we cannot tell
            parts, size = [], 0
            odd = False
            yield start, None
            oversized = False
            continue
        odd ^= line.count(b'"') % 2 == 1
        if not oversized:
            size += len(line)
            if size > max_bytes:
                oversized, parts, size = True, [], 0
            else:
                parts.append(line)
        if not odd:
            yield start, None if oversized else b"".join(parts)
            parts, size, oversized = [], 0, False
    if parts or oversized:
        yield start, None if oversized else b"".join(parts)


def json_depth_over(value: Any, limit: int) -> bool:
    """Whether a parsed JSON value nests deeper than ``limit`` (iterative, stops early)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def parse_json(text: str | bytes, depth: int) -> Any:
    """``json.loads`` that raises :class:`LimitExceeded` or ``ValueError``, never anything else.

    Catches what ``json`` raises besides ``JSONDecodeError``: ``RecursionError`` for deep
    nesting and ``ValueError`` for an integer of more than 4,300 digits.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise over("json_depth", f"JSON nested deeper than {depth} levels") from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # e.g. "Exceeds the limit (4300 digits) for integer string conversion"
        raise ValueError(f"invalid JSON ({str(exc).split(';')[0]})") from None
    if json_depth_over(value, depth):
        raise over("json_depth", f"JSON nested deeper than {depth} levels")
    return value


_WS = re.compile(r"[ \t\n\r]*")


def json_array_items(text: str, depth: int) -> Iterator[Any]:
    """The elements of a top-level JSON array, parsed one at a time.

    Only one element is held parsed at once, so ``[{}, {}, …]`` with millions of elements
    costs the memory of its text, not of millions of objects. Raises what :func:`parse_json`
    raises, after yielding the elements before the fault.
    """
    decoder = json.JSONDecoder()
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if not text.startswith("[", pos):
        raise json.JSONDecodeError("Expecting '['", text, pos)
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text.startswith("]", pos):
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if pos != len(text):
            raise json.JSONDecodeError("Extra data", text, pos)
        return
    while True:
        try:
            value, pos = decoder.raw_decode(text, pos)
        except RecursionError:
            raise over("json_depth", f"JSON nested deeper than {depth} levels") from None
        except json.JSONDecodeError:
            raise
        except ValueError as exc:
            raise ValueError(f"invalid JSON ({str(exc).split(';')[0]})") from None
        if json_depth_over(value, depth - 1):
            raise over("json_depth", f"JSON nested deeper than {depth} levels")
        yield value
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if text.startswith("]", pos):
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if pos != len(text):
                raise json.JSONDecodeError("Extra data", text, pos)
            return
        raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)

"""The bounded readers, limit settings, the terminal-safe summary and hash-seed independence."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parallax.cli import safe
from parallax.extract.names import full_names
from parallax.ingest.limits import (
    CountingReader,
    LimitExceeded,
    Limits,
    bounded_lines,
    csv_records,
    parse_json,
    parse_size,
)
from parallax.types import Entity

ROOT = Path(__file__).resolve().parents[2]


def test_bounded_lines_drop_long_lines_without_holding_them() -> None:
    data = b"short\n" + b"x" * 5000 + b"\nafter\nlast"
    assert list(bounded_lines(io.BytesIO(data), 100)) == [(1, b"short\n"), (2, None), (3, b"after\n"), (4, b"last")]
    # a line of exactly the limit (plus its newline) is kept
    assert list(bounded_lines(io.BytesIO(b"abcd\n"), 4)) == [(1, b"abcd\n")]


def test_csv_records_keep_quoted_newlines_and_skip_oversized_fields() -> None:
    data = b'h1,h2\n"a\nb",c\n"' + b"long\n" * 100 + b'",d\ne,f\n'
    got = list(csv_records(io.BytesIO(data), 64))
    assert got == [(1, b"h1,h2\n"), (2, b'"a\nb",c\n'), (4, None), (105, b"e,f\n")]


def test_counting_reader_stops_a_bomb() -> None:
    reader = io.BufferedReader(CountingReader(io.BytesIO(b"a" * 10_000), 4096))  # type: ignore[arg-type]
    with pytest.raises(LimitExceeded, match="decompressed_bytes"):
        reader.read()


def test_parse_json_turns_every_failure_into_value_or_limit_errors() -> None:
    with pytest.raises(LimitExceeded, match="json_depth"):
        parse_json("[" * 100_000 + "]" * 100_000, 64)
    with pytest.raises(LimitExceeded, match="json_depth"):
        parse_json("[" * 70 + "]" * 70, 64)
    with pytest.raises(ValueError, match="invalid JSON"):
        parse_json('{"id": ' + "9" * 5000 + "}", 64)
    assert parse_json('{"a": [1, {"b": 2}]}', 3) == {"a": [1, {"b": 2}]}


def test_limits_from_env_and_settings() -> None:
    limits = Limits.from_env({"PARALLAX_LIMIT_LINE_BYTES": "2MB", "PARALLAX_LIMIT_RECORDS": "10"})
    assert limits.line_bytes == 2 * 1024 * 1024 and limits.records == 10
    assert limits.replace({"json_depth": "5"}).json_depth == 5
    assert parse_size("1.5kb") == 1536
    with pytest.raises(ValueError, match="unknown limit"):
        limits.replace({"nope": "1"})
    with pytest.raises(ValueError, match="expected a number"):
        parse_size("lots")


def test_cli_rejects_a_bad_limit(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("T\n\nBody text here.\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(tmp_path / "a.txt"), "--limit",
                           "records=many", "--out", str(tmp_path / "o")], capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, timeout=120)
    assert proc.returncode == 2 and b"records" in proc.stderr and b"Traceback" not in proc.stderr


def test_safe_shows_terminal_escapes() -> None:
    assert safe("a\x1b[2Jb\x1b]0;PWNED\x07c\u009bd\nnext") == "a\\x1b[2Jb\\x1b]0;PWNED\\x07c\\x9bd\nnext"


def test_full_names_do_not_depend_on_set_order() -> None:
    ents = [Entity(0, 11, "James Foley", "PERSON"), Entity(20, 31, "Diane Foley", "PERSON"),
            Entity(40, 45, "Foley", "PERSON")]
    assert full_names(ents)["Foley"] == full_names(list(reversed(ents)))["Foley"]
    code = ("from parallax.extract.names import full_names; from parallax.types import Entity; "
            "print(full_names([Entity(0, 11, 'James Foley', 'PERSON'), Entity(20, 31, 'Diane Foley', 'PERSON'), "
            "Entity(40, 45, 'Foley', 'PERSON')])['Foley'])")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": str(seed)}
                           ).stdout.strip() for seed in range(6)}
    assert len(seen) == 1, seen

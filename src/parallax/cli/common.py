"""What every command shares: the one-line error and exit, database errors, terminal-safe text."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import click

EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print ``parallax: error: MESSAGE`` on stderr and exit with ``code``."""
    click.echo(f"parallax: error: {message}", err=True)
    sys.exit(code)


def db_error(db: Path, exc: sqlite3.Error) -> str:
    """One line for a database fault of the run (disk full, not a database, unreadable)."""
    text = str(exc)
    if "full" in text:
        return (f"database {db}: the disk is full; free space and run again "
                "(everything committed before is kept)")
    if "not a database" in text:
        return f"--db {db} is not a Parallax (SQLite) database"
    return f"database {db}: {one_line(text)}"


def one_line(text: str) -> str:
    """``text`` on one line, at most 500 characters (for error messages)."""
    return " ".join(text.split())[:500]


# Control characters (C0 but tab and newline, DEL, C1) of titles and names from untrusted
# inputs: printed raw, "\x1b[2J" clears the user's terminal and "\x1b]0;…\x07" retitles it.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text from an input made safe to print on a terminal: control characters shown as ``\\x1b``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

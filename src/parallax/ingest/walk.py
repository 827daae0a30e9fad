"""Walking an input folder without leaving it, and naming what cannot be read.

A folder is walked without following symbolic links out of it: a link to a file inside the
folder is read (it is an input the user put there), a link that points outside (``passwd.txt
-> /etc/passwd``), dangles, loops, or points to a folder is skipped, and so is anything that is
not a regular file (a FIFO would block the run, a device could be endless). Each skipped entry
is reported, so it appears in the ledger with its reason.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

SKIPPED = "skipped: "


def display_name(name: str) -> str:
    """A file name safe to print and store: bytes that are not UTF-8 shown as ``\\xff``."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def special_kind(mode: int) -> str | None:
    """What a non-regular file is ("FIFO", "socket", "device"), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """``(path, None)`` for each file to read under ``root``, ``(path, reason)`` for each skipped.

    Sorted by path, as ``sorted(root.rglob("*"))`` would be, so ids and order are stable.
    """
    base = os.path.realpath(root)
    found: list[tuple[Path, str | None]] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            found.append((folder, f"{SKIPPED}cannot list folder ({exc.strerror or exc})"))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    found.append((path, _link_reason(path, base)))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                else:
                    kind = special_kind(entry.stat(follow_symlinks=False).st_mode)
                    found.append((path, f"{SKIPPED}not a regular file ({kind})" if kind else None))
            except OSError as exc:
                found.append((path, f"{SKIPPED}cannot read entry ({exc.strerror or exc})"))
    found.sort(key=lambda item: item[0])
    yield from found


def _link_reason(path: Path, base: str) -> str | None:
    """None when the link may be read (a regular file inside ``base``), else why it is skipped."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{SKIPPED}symbolic link loop"
        return f"{SKIPPED}dangling symbolic link (target missing)"
    target = os.path.realpath(path)
    if os.path.commonpath([base, target]) != base:
        return f"{SKIPPED}symbolic link to outside the input folder, not followed"
    if stat.S_ISDIR(st.st_mode):
        return f"{SKIPPED}symbolic link to a folder, not followed (its files are read where they are)"
    kind = special_kind(st.st_mode)
    return f"{SKIPPED}symbolic link to a {kind}, not followed" if kind else None

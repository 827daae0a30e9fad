"""Watching a folder: which files are complete and new, poll after poll (``parallax watch``).

Polling, no dependency: each :meth:`Watcher.poll` walks the folder (as ``walk`` does: sorted,
links out of it not followed) and hands out the files that are ready and not handed out before.

A file is *ready* when it is not being written. Two conventions, both safe:

- **rename into place** (preferred): write ``name.part`` (or ``.partial``, ``.tmp``,
  ``.crdownload``, ``.download``, or a name starting with ``.``) and rename it when complete.
  Such names are never read; a rename is atomic, so the final name appears complete.
- **settle**: any other file is read once its size and modification time have stayed the same
  for two polls and at least ``settle`` seconds. A writer that pauses longer than that mid-file
  can still be read early: use the rename convention for slow writers.

A file rewritten later (new size or time) is handed out again; what it holds that the database
already has is skipped by the ledger, as for ``analyze``. The watcher keeps one small entry per
file in the folder, never file contents.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from parallax.ingest.walk import walk

# Names of files still being written under the rename-into-place convention (lower case).
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".download")
# Seconds a file's size and time must stay unchanged before it is read (see the docstring):
# long enough for a copy over a slow network share to show progress, short enough to feel live.
DEFAULT_SETTLE = 2.0
# Seconds between polls.
DEFAULT_INTERVAL = 2.0

Signature = tuple[int, int]  # (size, mtime in ns)


def is_partial(path: Path) -> bool:
    """Whether the name says the file is still being written (rename-into-place convention)."""
    name = path.name.lower()
    return name.startswith(".") or name.endswith(PARTIAL_SUFFIXES)


@dataclass
class Watcher:
    """The state of one watched folder across polls."""

    folder: Path
    settle: float = DEFAULT_SETTLE
    clock: Callable[[], float] = time.time
    # Paths never read (the run's own output folder and database, should they lie inside).
    ignore: tuple[Path, ...] = ()
    _last: dict[Path, Signature] = field(default_factory=dict)  # seen at the previous poll
    _done: dict[Path, Signature] = field(default_factory=dict)  # handed out, with the signature then

    def poll(self) -> list[Path]:
        """The files that became ready since the last poll, in path order."""
        now = self.clock()
        current: dict[Path, Signature] = {}
        ready: list[Path] = []
        for path, skipped in walk(self.folder):
            if skipped or is_partial(path) or any(part.startswith(".") for part in
                                                  path.relative_to(self.folder).parts[:-1]):
                continue
            if self.ignore and self._ignored(path):
                continue
            try:
                st = path.stat()
            except OSError:  # removed between the walk and now
                continue
            sig = (st.st_size, st.st_mtime_ns)
            current[path] = sig
            if self._done.get(path) == sig:
                continue
            if self._last.get(path) == sig and now - st.st_mtime_ns / 1e9 >= self.settle:
                ready.append(path)
                self._done[path] = sig
        self._last = current
        for gone in [p for p in self._done if p not in current]:
            del self._done[gone]
        return ready

    def _ignored(self, path: Path) -> bool:
        real = path.resolve()
        for root in self.ignore:
            base = root.resolve()
            if real == base or base in real.parents:
                return True
            # The database's companions: p.db-wal, p.db-shm, p.db.lock.
            if real.parent == base.parent and real.name.startswith((base.name + "-", base.name + ".")):
                return True
        return False

    def pending(self) -> int:
        """Files seen at the last poll that are not handed out yet (still settling)."""
        return sum(1 for p, sig in self._last.items() if self._done.get(p) != sig)

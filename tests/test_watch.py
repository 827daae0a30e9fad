"""``parallax watch``: new files are analysed as they appear, never before they are complete."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from parallax.ingest.watch import Watcher, is_partial

HARBOUR = ("Storm closes Lisbon harbour for two days\n\nThe Lisbon port authority closed the harbour on Monday "
           "after a storm damaged two cranes, a spokesman said. \"Nobody was hurt,\" said harbour master "
           "Rui Costa.\n\nShips waited offshore until Wednesday, when the cranes were repaired.\n")
ZOO = ("Zebras escape from Raqqa zoo\n\nA herd of zebras escaped from the zoo in Raqqa on Tuesday, keepers "
       "said. \"They ran north,\" said keeper Amina Zorlu.\n\nThe city is calm, and the zebras came back "
       "by evening.\n")


class _Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_file_is_handed_out_once_it_has_settled(tmp_path: Path) -> None:
    clock = _Clock()
    watcher = Watcher(tmp_path, settle=1.0, clock=clock)
    (tmp_path / "a.txt").write_text("half")
    (tmp_path / "b.txt.part").write_text("being written")
    (tmp_path / ".hidden.txt").write_text("editor swap file")
    assert watcher.poll() == []  # first sight: not known to be stable yet
    clock.now += 0.5
    assert watcher.poll() == []  # unchanged, but written less than a second ago
    with open(tmp_path / "a.txt", "a") as fh:
        fh.write(" and the rest")  # still being written: size and time change
    clock.now = time.time() + 2
    assert watcher.poll() == []
    clock.now += 2
    assert watcher.poll() == [tmp_path / "a.txt"]
    assert watcher.poll() == []  # handed out once
    (tmp_path / "b.txt.part").rename(tmp_path / "b.txt")  # rename into place: complete
    clock.now = time.time() + 2
    assert watcher.poll() == []
    clock.now += 1
    assert watcher.poll() == [tmp_path / "b.txt"]
    assert is_partial(Path("x.jsonl.gz.tmp")) and not is_partial(Path("x.jsonl.gz"))


def test_the_watchers_own_output_is_not_read(tmp_path: Path) -> None:
    clock = _Clock()
    out = tmp_path / "out"
    out.mkdir()
    for name in ("out/report.json", "out/parallax.db", "p.db", "p.db-wal", "p.db.lock", "news.txt"):
        (tmp_path / name).write_text("x")
    watcher = Watcher(tmp_path, settle=0.0, clock=clock, ignore=(out, tmp_path / "p.db"))
    watcher.poll()
    clock.now += 1
    assert watcher.poll() == [tmp_path / "news.txt"]


def _articles(db: Path) -> dict[str, str]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            rows = dict(con.execute("SELECT input, text FROM articles"))
        con.close()
        return rows
    except sqlite3.Error:
        return {}


def _reported(out: Path, name: str) -> bool:
    try:
        return f'"input": "{name}"' in (out / "report.json").read_text(encoding="utf-8")
    except OSError:
        return False


def test_watch_analyses_new_files_and_stops_on_sigterm(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    cmd = [sys.executable, "-m", "parallax.cli", "watch", str(inbox), "--out", str(out),
           "--interval", "0.2", "--settle", "1.0", "--max-polls", "3000"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        # Renamed into place once complete.
        (inbox / "harbour.txt.part").write_text(HARBOUR[:60], encoding="utf-8")
        time.sleep(1.5)  # longer than --settle: only the name keeps it from being read
        (inbox / "harbour.txt.part").write_text(HARBOUR, encoding="utf-8")
        (inbox / "harbour.txt.part").rename(inbox / "harbour.txt")
        # Written in pieces, each within --settle of the last: read only when complete.
        with open(inbox / "zoo.txt", "w", encoding="utf-8") as fh:
            for k in range(0, len(ZOO), 40):
                fh.write(ZOO[k:k + 40])
                fh.flush()
                time.sleep(0.3)
        deadline = time.time() + 120
        while time.time() < deadline and not _reported(out, "zoo.txt") and proc.poll() is None:
            time.sleep(0.2)
        arts = _articles(out / "parallax.db")
        assert set(arts) == {"harbour.txt", "zoo.txt"}, arts
        assert arts["harbour.txt"].endswith("repaired.") and arts["zoo.txt"].endswith("by evening.")
        assert _reported(out, "zoo.txt")  # each batch writes the report of its stories
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr and b"watch stopped" in stderr
    assert b"new articles" in stdout
    with sqlite3.connect(out / "parallax.db") as con:
        ledger = con.execute("SELECT input, status FROM inputs ORDER BY input").fetchall()
    con.close()
    assert ledger == [("harbour.txt", "article"), ("zoo.txt", "article")]  # nothing read early


def test_watch_once_reads_what_is_there_and_exits(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    os.utime(inbox / "harbour.txt", (time.time() - 10, time.time() - 10))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "watch", str(inbox), "--out", str(out),
                           "--interval", "0.1", "--settle", "0.5", "--once", "--quiet"],
                          env=env, capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert set(_articles(out / "parallax.db")) == {"harbour.txt"}

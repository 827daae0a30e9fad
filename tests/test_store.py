"""The database: WAL, migrations, reads during writes, and survival of kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from parallax.store.database import Store


def test_wal_and_migrations(tmp_path: Path) -> None:
    with Store(tmp_path / "p.db") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        version = store.migrate()
        assert version >= 1 and store.migrate() == version  # idempotent
    con = sqlite3.connect(tmp_path / "p.db")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"inputs", "articles", "stories"} <= tables


def test_reader_sees_committed_rows_while_writer_holds_a_transaction(tmp_path: Path) -> None:
    with Store(tmp_path / "p.db") as store:
        store.db.execute("BEGIN IMMEDIATE")
        store.db.execute("INSERT INTO inputs(unit_key, input, status, reason, seen_at) "
                         "VALUES ('k', 'x', 'rejected', 'r', 'now')")
        with Store(tmp_path / "p.db", readonly=True) as reader:  # does not block on the writer
            assert reader.ledger()["inputs_seen"] == 0
        store.db.commit()


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:04d}.txt").write_text(
            f"Report number {i} on the harbour\n\nThe harbour authority said on Monday that ship {i} "
            f"docked after a storm. Crews unloaded {i * 3 + 7} containers of grain and timber.\n")


def test_kill_9_mid_run_loses_nothing(tmp_path: Path) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    _corpus(corpus, 400)
    cmd = [sys.executable, "-m", "parallax.cli", "analyze", str(corpus), "--out", str(out), "--quiet"]
    proc = subprocess.Popen(cmd, start_new_session=True)
    db = out / "parallax.db"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
                if con.execute("SELECT COUNT(*) FROM inputs").fetchone()[0] > 0:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db) as con:  # the killed run left a readable, consistent database
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        partial = con.execute("SELECT COUNT(*) FROM inputs").fetchone()[0]
        assert partial == con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        ledger = store.ledger()
    assert ledger["inputs_seen"] == 400 == ledger["articles"] + ledger["duplicates"] + len(ledger["rejected"])
    assert ledger["articles"] == 400


def test_migration_from_version_1_keeps_data(tmp_path: Path) -> None:
    from importlib import resources

    first = (resources.files("parallax.store") / "migrations" / "001_init.sql").read_text(encoding="utf-8")
    con = sqlite3.connect(tmp_path / "old.db")
    con.executescript(first + "\nPRAGMA user_version = 1;")
    con.execute("INSERT INTO inputs(unit_key, input, status, reason, seen_at) VALUES ('k', 'x', 'rejected', 'r', 't')")
    con.commit()
    con.close()
    with Store(tmp_path / "old.db") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] >= 2
        assert store.ledger()["rejected"] == [{"input": "x", "reason": "r"}]
        cols = {r[1] for r in store.db.execute("PRAGMA table_info(articles)")}
        assert {"copy_of", "copy_similarity"} <= cols


def test_a_migration_missing_under_a_later_version_is_applied(tmp_path: Path) -> None:
    """Which migrations ran is recorded, not inferred from user_version: a database stamped
    with the latest version but lacking one migration (a build from a branch that had a later
    migration and not this one) gets it; a database from before the record counts every number
    up to its version as applied."""
    from parallax.store.database import _migrations

    latest = _migrations()[-1][0]
    with Store(tmp_path / "p.db") as store:
        assert store.migrate() == latest
        assert [r[0] for r in store.db.execute("SELECT number FROM schema_migrations ORDER BY 1")] == \
            [n for n, _ in _migrations()]
    con = sqlite3.connect(tmp_path / "p.db")
    con.executescript("DROP TABLE sentence_vectors; DELETE FROM schema_migrations WHERE number = 6;")
    con.close()
    with Store(tmp_path / "p.db") as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == latest
        assert store.db.execute("SELECT COUNT(*) FROM sentence_vectors").fetchone()[0] == 0  # re-created
        assert store.db.execute("SELECT 1 FROM schema_migrations WHERE number = 6").fetchone()
    # Before the record: user_version says what ran.
    con = sqlite3.connect(tmp_path / "p.db")
    con.executescript("DROP TABLE schema_migrations;")
    con.close()
    with Store(tmp_path / "p.db") as store:
        assert store.migrate() == latest
        rows = store.db.execute("SELECT COUNT(*) FROM schema_migrations WHERE applied_at = "
                                "'before schema_migrations'").fetchone()[0]
        assert rows == len(_migrations())


def test_run_lock_is_released_while_a_forked_worker_lives(tmp_path: Path) -> None:
    """A process forked during a run (a pool worker that `watch` keeps between runs) shares the
    lock's open file; leaving the run must still release the lock, or the next run waits for it."""
    import multiprocessing

    from parallax.store.database import run_lock

    db = tmp_path / "p.db"
    ctx = multiprocessing.get_context("fork")
    with run_lock(db):
        worker = ctx.Process(target=time.sleep, args=(30,))
        worker.start()
    try:
        def waiting(message: str) -> None:
            raise AssertionError(f"the next run would wait: {message}")

        with run_lock(db, waiting):
            pass
    finally:
        worker.kill()
        worker.join()

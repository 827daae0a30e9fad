"""Runs killed with ``kill -9`` resume to the same database; a full disk is one line; two writers
on one database take turns; readers work while a run writes."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYL = ["ka", "lo", "mir", "ta", "ven", "dor", "sa", "ri", "bel", "nu", "qua", "zen", "pol", "gra", "tes", "vin"]
TEMPLATES = [
    "{P} said on Tuesday that {n} {thing} had been {done} in {place}.",
    "Officials in {place} confirmed that the {thing} near the {site} was {done} overnight.",
    "“We will not allow the {thing} to continue,” {P} told reporters in {place}.",
    "According to {org}, at least {n} people were {done} after the {site} closed.",
    "The {org} spokesman {P} said the {thing} would be reviewed by the council.",
    "Residents of {place} described long queues outside the {site} on Monday.",
    "{org} estimated that {n} {thing} remain in the area around {place}.",
]


def make_corpus(folder: Path, n: int, seed: int = 7) -> None:
    """``n`` articles in stories of 2–5 (invented names, so it runs from a bare clone)."""
    folder.mkdir(parents=True, exist_ok=True)
    pick = random.Random(seed)
    i = group = 0
    while i < n:
        r = random.Random(group)

        def word() -> str:
            return "".join(r.choice(SYL) for _ in range(r.randint(2, 3)))  # noqa: B023

        person, place, org = f"{word().title()} {word().title()}", word().title(), word().upper()[:4]
        thing, site, done = word(), word(), word() + "ed"
        for _ in range(r.randint(2, 5)):
            if i >= n:
                break
            lines = [TEMPLATES[j].format(P=person, n=r.randint(2, 900), thing=thing, done=done, place=place,
                                         site=site, org=org)
                     for j in pick.sample(range(len(TEMPLATES)), pick.randint(4, 7))]
            (folder / f"a{i:04d}.txt").write_text(f"{place} {thing} {done} as {org} responds\n\n"
                                                  + "\n\n".join(lines) + "\n", encoding="utf-8")
            i += 1
        group += 1


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}


def _analyze(inputs: list[Path], out: Path, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "parallax.cli", "analyze", *map(str, inputs), "--out", str(out),
                             "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(**env))


def snapshot(db: Path) -> dict[str, Any]:
    """What a run must reproduce: ledger, articles with extraction and signals, stories."""
    con = sqlite3.connect(db)
    try:
        return {
            "inputs": sorted(con.execute("SELECT unit_key, input, status, article_id, reason FROM inputs")),
            "articles": sorted(con.execute("SELECT id, seq, story_id, extraction, signals, copy_of FROM articles")),
            "stories": sorted(con.execute("SELECT id, title, independent_origins, alignment, reuse FROM stories")),
        }
    finally:
        con.close()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


@pytest.mark.crash
def test_twenty_kills_resume_to_the_uninterrupted_result(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 300)
    ref = _analyze([corpus], tmp_path / "ref")
    assert ref.wait(timeout=600) == 0, ref.stderr.read() if ref.stderr else ""
    want = snapshot(tmp_path / "ref" / "parallax.db")
    rng = random.Random(13)
    kills, orphans, rounds = 0, [], 0
    while kills < 20:  # rounds: if a run completes before the 20th kill, the next round starts afresh
        out = tmp_path / f"killed{rounds}"
        while kills < 20:
            # A smaller batch and other hash seeds than the reference: results depend on neither.
            proc = _analyze([corpus], out, PARALLAX_BATCH_SIZE="40", PYTHONHASHSEED=str(kills + 1))
            time.sleep(rng.uniform(1.0, 4.5))
            workers = _children(proc.pid)
            if proc.poll() is not None:
                break  # finished before the kill: this round is complete
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            kills += 1
            orphans += workers
        last = _analyze([corpus], out, PYTHONHASHSEED="99")
        assert last.wait(timeout=600) == 0
        con = sqlite3.connect(out / "parallax.db")
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
        got = snapshot(out / "parallax.db")
        assert len(got["inputs"]) == len(want["inputs"]) == 300  # nothing lost, nothing doubled
        assert got["inputs"] == want["inputs"]
        assert got["articles"] == want["articles"]
        assert got["stories"] == want["stories"]
        rounds += 1
    time.sleep(1.0)
    alive = [p for p in orphans if Path(f"/proc/{p}").exists()
             and "parallax" in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")]
    assert not alive, f"worker processes outlived their killed parent: {alive}"


def test_two_writers_take_turns_and_readers_keep_working(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    make_corpus(a, 20, seed=1)
    make_corpus(b, 20, seed=2)
    for p in b.iterdir():
        p.rename(b / f"b{p.name}")
    out = tmp_path / "out"
    first = _analyze([a], out)
    time.sleep(1.0)
    second = _analyze([b], out)
    reads = 0
    while first.poll() is None or second.poll() is None:  # a reader while they write
        if (out / "parallax.db").exists():
            led = subprocess.run([sys.executable, "-m", "parallax.cli", "ledger", "--out", str(out), "--json"],
                                 capture_output=True, env=_env(), timeout=120)
            if led.returncode == 0:
                json.loads(led.stdout)
                reads += 1
        time.sleep(1.5)
    err = second.stderr.read().decode() if second.stderr else ""
    assert first.returncode == 0 and second.returncode == 0, err
    assert "Traceback" not in err
    assert reads >= 1
    con = sqlite3.connect(out / "parallax.db")
    counts = dict(con.execute("SELECT status, COUNT(*) FROM inputs GROUP BY status").fetchall())
    seqs = [r[0] for r in con.execute("SELECT seq FROM articles ORDER BY seq")]
    con.close()
    assert counts == {"article": 40}
    assert seqs == list(range(1, 41))


def test_database_faults_are_one_line(tmp_path: Path) -> None:
    make_corpus(tmp_path / "in", 2)
    cases = {"folder": tmp_path / "dbdir", "not-a-db": tmp_path / "junk.db"}
    cases["folder"].mkdir()
    cases["not-a-db"].write_bytes(b"this is not a database" * 100)
    for what, db in cases.items():
        proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(tmp_path / "in"), "--db", str(db),
                               "--out", str(tmp_path / "o")], capture_output=True, env=_env(), timeout=300)
        err = proc.stderr.decode()
        assert proc.returncode != 0 and "Traceback" not in err and err.count("\n") == 1, (what, err)
    (tmp_path / "x.csv").write_text("title,text\na,b\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(tmp_path / "x.csv"),
                           "--encoding", "no-such-codec", "--out", str(tmp_path / "o")],
                          capture_output=True, env=_env(), timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr.decode() and b"no-such-codec" in proc.stderr


def test_disk_full_is_one_line_and_keeps_what_was_committed(tmp_path: Path) -> None:
    if not shutil.which("unshare") or sys.platform != "linux":
        pytest.skip("needs Linux unshare to mount a small tmpfs")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"this machine does not allow a user mount namespace: {probe.stderr.decode().strip()}")
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 120)
    mnt = tmp_path / "small"
    mnt.mkdir()
    # A 1.5 MB tmpfs, private to this command: the database outgrows it part-way through.
    script = (f"mount -t tmpfs -o size=1500k tmpfs {mnt} && "
              f"{sys.executable} -m parallax.cli analyze {corpus} --out {mnt}/out -q; echo rc=$?; "
              f"cp {mnt}/out/parallax.db {tmp_path}/after.db 2>/dev/null; "
              f"cp {mnt}/out/parallax.db-wal {tmp_path}/after.db-wal 2>/dev/null; true")
    proc = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, env=_env(PARALLAX_BATCH_SIZE="20"), timeout=600)
    err, out = proc.stderr.decode(), proc.stdout.decode()
    if "mount" in err and "rc=" not in out:
        pytest.skip(f"mounting a tmpfs is not permitted here: {err.strip()}")
    assert "rc=1" in out, (out, err)
    assert "Traceback" not in err and err.strip().count("\n") == 0, err
    assert "disk is full" in err
    con = sqlite3.connect(tmp_path / "after.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    con.close()
    assert stored > 0  # what was committed before the disk filled is there
    # With space, the same database completes the run.
    again = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(corpus), "--db",
                            str(tmp_path / "after.db"), "--out", str(tmp_path / "o2"), "-q"],
                           capture_output=True, env=_env(), timeout=600)
    assert again.returncode == 0, again.stderr.decode()
    con = sqlite3.connect(tmp_path / "after.db")
    assert con.execute("SELECT COUNT(*) FROM inputs").fetchone()[0] == 120
    con.close()

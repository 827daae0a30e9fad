"""Where the work runs changes nothing: one process, a pool of processes and a Dask LocalCluster
give the same database and report, whatever the batch size and hash seed, and a worker killed
mid-run loses and doubles nothing (its tasks run again; the main process is the only writer)."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parallax.engine.executors import FAULT_ENV, DaskEngine, PoolEngine, SerialEngine, make_engine
from parallax.pipeline import analyze

ROOT = Path(__file__).resolve().parents[1]
RAQQA = ROOT / "examples" / "raqqa-2017"
SYL = ["ka", "lo", "mir", "ta", "ven", "dor", "sa", "ri", "bel", "nu", "qua", "zen"]
LINES = [
    "{P} said on Tuesday that {n} {thing}s had been {done} in {place}.",
    "Officials in {place} confirmed that the {thing} near the {site} was {done} overnight.",
    "“We will not allow the {thing} to continue,” {P} told reporters in {place}.",
    "According to {org}, at least {n} people were {done} after the {site} closed.",
    "{org} estimated that {n} {thing}s remain in the area around {place}, {P} said.",
    "Residents of {place} described long queues outside the {site} on Monday.",
]


def _corpus(folder: Path, stories: int = 12) -> None:
    """Stories of 2–4 articles (invented names: runs from a bare clone), plus an exact copy (a
    duplicate), a near copy, an empty file (a rejection) and a German article (not scored)."""
    folder.mkdir()
    pick = random.Random(3)
    i = 0
    for group in range(stories):
        r = random.Random(group)

        def word() -> str:
            return "".join(r.choice(SYL) for _ in range(r.randint(2, 3)))  # noqa: B023

        names = {"P": f"{word().title()} {word().title()}", "place": word().title(), "org": word().upper()[:4],
                 "thing": word(), "site": word(), "done": word() + "ed"}
        for _ in range(r.randint(2, 4)):
            body = [line.format(n=pick.randint(2, 900), **names) for line in pick.sample(LINES, pick.randint(3, 6))]
            title = f"{names['place']} {names['thing']} {names['done']} as {names['org']} responds"
            (folder / f"a{i:03d}.txt").write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
            i += 1
    first = (folder / "a000.txt").read_text(encoding="utf-8")
    (folder / "z-copy.txt").write_text(first, encoding="utf-8")
    (folder / "z-near.txt").write_text(first + "\nA spokesman declined to comment.\n", encoding="utf-8")
    (folder / "z-empty.txt").write_text("", encoding="utf-8")
    (folder / "z-german.txt").write_text(
        "Neue Brücke in Dresden eröffnet\n\nDie Stadt Dresden hat am Montag eine neue Brücke über die Elbe "
        "eröffnet. Der Bürgermeister sagte, die Bauarbeiten hätten drei Jahre gedauert. Viele Anwohner "
        "kamen zur Eröffnung und feierten mit Musik und Reden bis in den Abend.\n", encoding="utf-8")


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    con = sqlite3.connect(db)
    try:
        return {
            "stories": con.execute("SELECT id, title, independent_origins, alignment, reuse FROM stories "
                                   "ORDER BY id").fetchall(),
            "articles": con.execute("SELECT id, seq, story_id, copy_of, extraction, signals FROM articles "
                                    "ORDER BY seq").fetchall(),
            "inputs": con.execute("SELECT unit_key, status, reason, article_id FROM inputs "
                                  "ORDER BY unit_key").fetchall(),
        }
    finally:
        con.close()


def _report(out: Path) -> dict[str, Any]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    report.pop("generated_at", None)
    return report


def _check_ledger(report: dict[str, Any]) -> None:
    c = report["corpus"]
    rejected = c["rejected"] if isinstance(c["rejected"], int) else len(c["rejected"])
    assert c["inputs_seen"] == c["articles"] + c["duplicates"] + rejected


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The inputs and the reference: everything in this process, one batch size."""
    base = tmp_path_factory.mktemp("parallel")
    _corpus(base / "in")
    inputs = [base / "in", RAQQA]
    mp = pytest.MonkeyPatch()
    mp.setenv("PARALLAX_BATCH_SIZE", "7")
    try:
        analyze(inputs, out_dir=base / "serial", engine=SerialEngine())
    finally:
        mp.undo()
    report = _report(base / "serial")
    _check_ledger(report)
    c = report["corpus"]
    assert c["duplicates"] >= 1 and c["rejected"] and c["articles"] > 30, c
    return {"base": base, "inputs": inputs, "report": report, "tables": _tables(base / "serial" / "parallax.db")}


def test_a_pool_with_a_worker_killed_gives_the_same_database(corpus: dict[str, Any], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_BATCH_SIZE", "5")
    monkeypatch.setenv(FAULT_ENV, str(tmp_path))  # the first task of a worker kills it, once
    engine = PoolEngine(2)
    try:
        analyze(corpus["inputs"], out_dir=tmp_path / "out", engine=engine)
    finally:
        engine.close()
    assert (tmp_path / "exited").exists(), "no worker was killed: the test tested nothing"
    assert _report(tmp_path / "out") == corpus["report"]
    assert _tables(tmp_path / "out" / "parallax.db") == corpus["tables"]


def test_a_dask_local_cluster_with_a_worker_killed_gives_the_same_database(
        corpus: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PARALLAX_BATCH_SIZE", "16")
    monkeypatch.setenv(FAULT_ENV, str(tmp_path))  # the workers inherit it when they start
    engine = DaskEngine(workers=2)
    try:
        assert engine.workers == 2
        analyze(corpus["inputs"], out_dir=tmp_path / "out", engine=engine)
    finally:
        engine.close()
    assert (tmp_path / "exited").exists(), "no worker was killed: the test tested nothing"
    report = _report(tmp_path / "out")
    _check_ledger(report)
    assert report == corpus["report"]
    assert _tables(tmp_path / "out" / "parallax.db") == corpus["tables"]


def test_the_cli_pool_under_another_hash_seed_gives_the_same_report(corpus: dict[str, Any], tmp_path: Path) -> None:
    seed = "4242" if os.environ.get("PYTHONHASHSEED") != "4242" else "17"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": seed, "PARALLAX_BATCH_SIZE": "11"}
    env.pop(FAULT_ENV, None)
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", *map(str, corpus["inputs"]),
                           "--out", str(tmp_path / "out"), "--quiet", "--processes", "2"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert _report(tmp_path / "out") == corpus["report"]
    assert _tables(tmp_path / "out" / "parallax.db") == corpus["tables"]


def test_make_engine_picks_the_engine_the_options_ask_for() -> None:
    assert isinstance(make_engine(processes=1), SerialEngine)
    pool = make_engine(processes=3)
    assert isinstance(pool, PoolEngine) and pool.workers == 3
    pool.close()


def test_the_cli_refuses_two_engines(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(RAQQA), "--out", str(tmp_path / "o"),
                           "--workers", "2", "--processes", "2"], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "one of --processes, --workers and --scheduler" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_a_scheduler_nobody_answers_is_one_clear_error() -> None:
    with pytest.raises(RuntimeError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        DaskEngine(scheduler="tcp://127.0.0.1:9", connect_timeout="2s")

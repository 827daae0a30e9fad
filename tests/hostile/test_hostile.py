"""Hostile inputs, each alone and all mixed with good articles: nothing ends the run, everything
is accounted for with the expected outcome, and the good articles all come out as articles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile_cases import LIMITS_ENV, Case, cases, good_articles

from parallax.pipeline import analyze
from parallax.store.database import Store

ROOT = Path(__file__).resolve().parents[2]
CASES = cases()


@pytest.fixture()
def limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in LIMITS_ENV.items():
        monkeypatch.setenv(k, v)


def _ledger(db: Path) -> dict[str, tuple[str, str]]:
    with Store(db, readonly=True) as store:
        return {r["input"]: (r["status"], r["reason"] or "") for r in store.db.execute(
            "SELECT input, status, reason FROM inputs")}


def _check(case: Case, ledger: dict[str, tuple[str, str]], report: dict[str, Any]) -> None:
    for unit, status, reason in case.expect:
        assert unit in ledger, f"{case.name}: {unit!r} left no ledger entry ({sorted(ledger)[:20]})"
        got_status, got_reason = ledger[unit]
        if status:
            assert got_status == status, f"{case.name}: {unit} is {got_status} ({got_reason}), expected {status}"
        assert reason.lower() in got_reason.lower(), f"{case.name}: {unit} reason {got_reason!r} lacks {reason!r}"
    by_input = {a["input"]: a for a in report["articles"]}
    flags = {s["id"]: s.get("flag") for s in report["stories"]}
    for unit in case.flagged:
        full = f"{case.name}_{unit}"
        assert flags[by_input[full]["story"]], f"{case.name}: story of {full} is not flagged"


def test_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_alone(case: Case, tmp_path: Path, limits: None) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    case.write(folder)
    result = analyze([folder], out_dir=tmp_path / "out", write=False)
    c = result.report["corpus"]
    assert c["inputs_seen"] == c["articles"] + c["duplicates"] + len(c["rejected"])
    _check(case, _ledger(result.db_path), result.report)


def test_all_cases_mixed_with_good_articles(tmp_path: Path) -> None:
    """One folder, every hostile case and 20 good articles, through the CLI: exit 0, no traceback,
    the report written, every good article an article, every case as expected."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for case in CASES:
        case.write(folder)
    good = good_articles(folder)
    out = tmp_path / "out"
    env = {**os.environ, **LIMITS_ENV, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(folder), "--out", str(out)],
                          capture_output=True, env=env, timeout=600)
    stderr = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr
    assert b"\x1b" not in proc.stdout and b"\x07" not in proc.stdout  # escapes shown, never sent
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (out / "report.html").stat().st_size > 0
    c = report["corpus"]
    assert c["inputs_seen"] == c["articles"] + c["duplicates"] + len(c["rejected"])
    ledger = _ledger(out / "parallax.db")
    assert all(ledger[g][0] == "article" for g in good), [ledger[g] for g in good]
    for case in CASES:
        _check(case, ledger, report)
    # The ledger command reads it back, grouped by reason.
    led = subprocess.run([sys.executable, "-m", "parallax.cli", "ledger", "--out", str(out), "--json"],
                         capture_output=True, env=env, timeout=120)
    data = json.loads(led.stdout)
    assert data["inputs_seen"] == c["inputs_seen"]
    assert sum(g["count"] for g in data["reasons"]) == data["duplicates"] + data["rejected"]

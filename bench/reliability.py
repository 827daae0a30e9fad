"""Reliability benchmark: hostile inputs, kills, peak memory, fuzzing.

Runs (all from generated inputs, so it works in a bare clone):

1. every hostile case of tests/hostile/hostile_cases.py alone (its own database), then all of
   them mixed with 20 good articles in one folder, each through the CLI: a case passes when it
   is accounted for as expected; a run without report.json counts as "runs without a report";
2. ``--kills`` ``kill -9`` at random points of a run over 300 generated articles, resumed each
   time, compared with an uninterrupted run: units lost and doubled;
3. peak memory (max RSS of the process) of one run on each of the largest single inputs at the
   DEFAULT limits (a text just under 10 MB without punctuation, a 20,000-sentence text, a
   gzip bomb, a 200 MB JSONL line);
4. hypothesis fuzzing of each reader for ``--fuzz-seconds``: iterations per reader.

Usage: ``python bench/reliability.py [--kills 20] [--fuzz-seconds 20]``; writes
bench/results/reliability.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "hostile"))
from hostile_cases import LIMITS_ENV, cases, good_articles  # noqa: E402
from test_crash import make_corpus  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "reliability.json"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}


# Runs the CLI as its child and reports the child's peak RSS: a fresh measuring process per run,
# because RUSAGE_CHILDREN keeps the maximum over every child ever waited for.
_MEASURE = ("import resource, subprocess, sys; "
            "p = subprocess.run([sys.executable, '-m', 'parallax.cli'] + sys.argv[1:]); "
            "sys.stderr.write(f'\\nPEAK_KB={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n'); "
            "sys.exit(p.returncode)")


def _cli(args: list[str], env: dict[str, str], timeout: int = 1800) -> tuple[int, str, int]:
    """(exit code, stderr, peak RSS in MB) of one CLI run."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, env=env, timeout=timeout)
    err = proc.stderr.decode("utf-8", "replace")
    err, _, peak = err.rpartition("\nPEAK_KB=")
    return proc.returncode, err, int(peak.strip() or 0) // 1024


def _ledger(db: Path) -> dict[str, tuple[str, str]]:
    con = sqlite3.connect(db)
    try:
        return {r[0]: (r[1], r[2] or "") for r in con.execute("SELECT input, status, reason FROM inputs")}
    finally:
        con.close()


def _passes(case: Any, ledger: dict[str, tuple[str, str]]) -> bool:
    return all(unit in ledger and (not status or ledger[unit][0] == status)
               and reason.lower() in ledger[unit][1].lower() for unit, status, reason in case.expect)


def hostile(tmp: Path) -> dict[str, Any]:
    env = _env(**LIMITS_ENV)
    tried = passed = no_report = tracebacks = 0
    failed = []
    for case in cases():
        folder, out = tmp / "alone" / case.name, tmp / "alone-out" / case.name
        folder.mkdir(parents=True)
        case.write(folder)
        rc, err, _ = _cli(["analyze", str(folder), "--out", str(out), "-q"], env)
        tried += 1
        no_report += not (out / "report.json").exists()
        tracebacks += "Traceback" in err
        ok = rc == 0 and _passes(case, _ledger(out / "parallax.db"))
        passed += ok
        if not ok:
            failed.append(case.name)
    mixed, out = tmp / "mixed", tmp / "mixed-out"
    mixed.mkdir()
    for case in cases():
        case.write(mixed)
    good = good_articles(mixed)
    rc, err, peak = _cli(["analyze", str(mixed), "--out", str(out), "-q"], env)
    ledger = _ledger(out / "parallax.db") if (out / "parallax.db").exists() else {}
    mixed_ok = sum(_passes(c, ledger) for c in cases())
    return {"cases_tried": tried, "cases_passed": passed, "failed": failed, "runs_without_report": no_report
            + (not (out / "report.json").exists()), "tracebacks": tracebacks + ("Traceback" in err),
            "mixed": {"exit": rc, "cases_passed": mixed_ok, "good_articles": len(good),
                      "good_as_articles": sum(ledger.get(g, ("",))[0] == "article" for g in good), "peak_mb": peak}}


def _snapshot(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        return {"inputs": sorted(con.execute("SELECT unit_key, status, article_id FROM inputs")),
                "articles": sorted(con.execute("SELECT id, story_id, extraction, signals FROM articles")),
                "stories": sorted(con.execute("SELECT id, alignment, reuse FROM stories")),
                "integrity": con.execute("PRAGMA integrity_check").fetchone()[0]}
    finally:
        con.close()


def kills(tmp: Path, n: int) -> dict[str, Any]:
    corpus = tmp / "corpus"
    make_corpus(corpus, 300)
    _cli(["analyze", str(corpus), "--out", str(tmp / "ref"), "-q"], _env())
    rng, done, rounds = random.Random(5), 0, []
    want = _snapshot(tmp / "ref" / "parallax.db")
    while done < n:  # a round ends when a run completes; the next starts on a fresh database
        out = tmp / f"killed{len(rounds)}"
        while done < n:
            proc = subprocess.Popen([sys.executable, "-m", "parallax.cli", "analyze", str(corpus), "--out", str(out),
                                     "-q"], env=_env(PARALLAX_BATCH_SIZE="40", PYTHONHASHSEED=str(done + 1)),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(1.0, 5.0))
            if proc.poll() is not None:
                break
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            done += 1
        _cli(["analyze", str(corpus), "--out", str(out), "-q"], _env())
        got = _snapshot(out / "parallax.db")
        keys = [k for k, _, _ in got["inputs"]]
        rounds.append({"units_lost": 300 - len(set(keys)), "doubled": len(keys) - len(set(keys)),
                       "integrity_check": got["integrity"], "equal_to_uninterrupted": got == want})
    return {"kills": done, "rounds": len(rounds), "units": 300,
            "units_lost": sum(r["units_lost"] for r in rounds), "doubled": sum(r["doubled"] for r in rounds),
            "integrity_check": "ok" if all(r["integrity_check"] == "ok" for r in rounds) else "failed",
            "equal_to_uninterrupted": all(r["equal_to_uninterrupted"] for r in rounds)}


def peaks(tmp: Path) -> dict[str, Any]:
    rng = random.Random(3)
    words = ["council", "budget", "mayor", "road", "school", "vote", "city", "plan", "tax", "park"]
    made = {
        "text_9.9MB_no_punctuation.txt": ("Huge\n\n" + " ".join(rng.choice(words) for _ in range(1_750_000)))
        .encode()[:9_900_000],
        "text_19999_sentences.txt": ("Many\n\n" + " ".join(" ".join(rng.choice(words) for _ in range(6)).capitalize()
                                                          + "." for _ in range(19_999))).encode(),
        "gzip_bomb.jsonl.gz": gzip.compress(b"{\"text\": \"" + b"a" * (300 * 1024 * 1024) + b"\"}\n"),
        "line_200MB.jsonl": b"{\"text\": \"" + b"b" * (200 * 1024 * 1024) + b"\"}\n",
        "flood_1M_records.jsonl.gz": gzip.compress(b"{}\n" * 1_000_000),
        "deep_200k.json": b"[" * 200_000 + b"]" * 200_000,
    }
    out: dict[str, Any] = {}
    for name, data in made.items():
        folder = tmp / "peak" / name
        folder.mkdir(parents=True)
        (folder / name).write_bytes(data)
        t0 = time.perf_counter()
        rc, err, peak = _cli(["analyze", str(folder), "--out", str(tmp / "peak-out" / name), "-q"], _env())
        out[name] = {"exit": rc, "peak_mb": peak, "seconds": round(time.perf_counter() - t0, 1),
                     "traceback": "Traceback" in err}
    return out


def _fuzz_reader(tmp: Path, ext: str, counts: dict[str, int]) -> Any:
    """A hypothesis test of 100 examples feeding random bytes to the reader of ``ext``."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from parallax.ingest.readers import IngestOptions, iter_inputs

    @settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.binary(max_size=4000))
    def run(data: bytes) -> None:
        path = tmp / f"f{ext}"
        path.write_bytes(gzip.compress(data) if ext.endswith(".gz") else data)
        assert list(iter_inputs([str(path)], IngestOptions()))
        counts[ext] += 1

    return run


def fuzz(seconds: float) -> dict[str, int]:
    """Iterations of random bytes through each reader in ``seconds`` each."""
    counts: dict[str, int] = {}
    tmp = Path(tempfile.mkdtemp())
    for ext in [".txt", ".html", ".json", ".jsonl", ".csv", ".tsv", ".txt.gz", ".jsonl.gz"]:
        counts[ext] = 0

        run = _fuzz_reader(tmp, ext, counts)
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            try:
                run()
            except Exception as exc:  # a failure is a finding: report it rather than stop the bench
                counts[f"{ext} failures"] = counts.get(f"{ext} failures", 0) + 1
                print(f"fuzz {ext}: {exc!r}"[:300])
                break
    shutil.rmtree(tmp, ignore_errors=True)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--fuzz-seconds", type=float, default=20.0)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        result = {"hostile": hostile(tmp), "kills": kills(tmp, args.kills), "peak_memory": peaks(tmp),
                  "fuzz_iterations": fuzz(args.fuzz_seconds)}
    h, k = result["hostile"], result["kills"]
    largest = max(v["peak_mb"] for v in result["peak_memory"].values())
    result["summary"] = {"cases_tried": h["cases_tried"], "cases_passed": h["cases_passed"], "kills": k["kills"],
                         "units_lost": k["units_lost"], "doubled": k["doubled"],
                         "runs_without_report": h["runs_without_report"], "peak_mb_largest_input": largest,
                         "peak_floor_mb": 1024}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"{'cases tried / passed':32} {h['cases_tried']} / {h['cases_passed']}  (mixed: "
          f"{h['mixed']['cases_passed']} passed, {h['mixed']['good_as_articles']}/{h['mixed']['good_articles']} good)")
    print(f"{'kills':32} {k['kills']}  (integrity {k['integrity_check']}, equal {k['equal_to_uninterrupted']})")
    print(f"{'units lost / doubled':32} {k['units_lost']} / {k['doubled']}")
    print(f"{'runs without a report':32} {h['runs_without_report']}")
    for name, v in result["peak_memory"].items():
        print(f"  peak {name:30} {v['peak_mb']:>6} MB  {v['seconds']:>6} s  exit {v['exit']}")
    print(f"{'peak memory, largest input':32} {largest} MB (floor 1024 MB)")
    for ext, n in result["fuzz_iterations"].items():
        print(f"  fuzz {ext:12} {n} iterations")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""Cost curve: one ``parallax analyze`` run over 1k, 10k (and, if asked, 100k) articles.

For each size, a gzipped JSONL of that many articles (the real articles of
``bench/scale_incremental.py``: the bench corpus, ECB+, SemEval-2023 task 3 and PTC; past
those, pseudo-articles of 8-25 real sentences, counted in the results) is analysed into an empty
database by the CLI in a fresh process, with the default engine (a pool of one worker per CPU).
The parent samples the resident memory of the client process and of each worker twice a second.

What it answers (issue #17): does a run's time grow linearly with its articles, and does
memory per process stay flat as the corpus grows?

Usage: ``python bench/cost_curve.py [--sizes 1000,10000] [--processes N]``; writes
``bench/results/cost_curve.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
from scale_incremental import _pseudo, _records  # noqa: E402

RESULTS = BENCH / "results" / "cost_curve.json"


def _corpus(size: int, real: list[dict[str, Any]], path: Path) -> int:
    """Write ``size`` articles (real first, then pseudo-articles) to a JSONL.gz; return how many are real."""
    records = real[:size] + (_pseudo(real, size - len(real)) if size > len(real) else [])
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return min(size, len(real))


def run_size(inputs: Path, out: Path, processes: int | None) -> dict[str, Any]:
    """One CLI run in a fresh process; wall time and sampled peak RSS of client and workers."""
    import psutil

    cmd = [sys.executable, "-m", "parallax.cli", "analyze", str(inputs), "--out", str(out), "--quiet"]
    if processes:
        cmd += ["--processes", str(processes)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, "TQDM_DISABLE": "1"})
    client = psutil.Process(proc.pid)
    peak_client = 0
    peak_worker: dict[int, int] = {}
    while proc.poll() is None:
        try:
            peak_client = max(peak_client, client.memory_info().rss)
            for child in client.children(recursive=True):
                with contextlib.suppress(psutil.Error):  # a worker that ended meanwhile
                    peak_worker[child.pid] = max(peak_worker.get(child.pid, 0), child.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.5)
    wall = time.perf_counter() - t0
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise RuntimeError(f"analyze failed (exit {proc.returncode}): {stderr[-2000:]}")
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    corpus = report["corpus"]
    mib = 1024 * 1024
    return {
        "wall_s": round(wall, 1),
        "articles": corpus["articles"], "inputs_seen": corpus["inputs_seen"], "stories": corpus["stories"],
        "peak_rss_client_mib": round(peak_client / mib),
        "peak_rss_worker_mib": round(max(peak_worker.values(), default=0) / mib),
        "processes_seen": len(peak_worker),
        "db_mib": round((out / "parallax.db").stat().st_size / mib),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated")
    parser.add_argument("--processes", type=int, default=None, help="worker processes (default: one per CPU)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    real = _records()
    results: dict[str, Any] = {"real_articles": len(real), "sizes": {},
                               "note": "sizes past the real articles are filled with pseudo-articles of 8-25 "
                                       "real sentences (mostly stories of one article: cheap to align)"}
    with tempfile.TemporaryDirectory(prefix="parallax-cost-") as tmp:
        for size in [int(s) for s in args.sizes.split(",")]:
            path = Path(tmp) / f"articles-{size}.jsonl.gz"
            n_real = _corpus(size, real, path)
            run = run_size(path, Path(tmp) / f"out-{size}", args.processes)
            run.update({"real": n_real, "articles_per_s": round(run["articles"] / run["wall_s"], 2),
                        "loadavg_after": os.getloadavg()[0]})
            results["sizes"][str(size)] = run
            print(f"{size:>7} articles ({n_real} real): {run['wall_s']:8.1f} s  {run['articles_per_s']:6.2f} art/s  "
                  f"client {run['peak_rss_client_mib']} MiB  worker {run['peak_rss_worker_mib']} MiB  "
                  f"db {run['db_mib']} MiB", flush=True)
    results["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["machine"] = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Incremental runs at scale: what adding 240 articles costs, into an empty database and a full one.

``bench_incremental()`` builds databases of real articles (bench/corpus plus ECB+, SemEval-2023
task 3 and PTC articles from the shared data; past those, pseudo-articles of real sentences,
said so in the results), then times ``analyze`` adding the same 240 held-out articles into a
copy of each, in a fresh child process, with its peak RSS (``resource.getrusage`` of the child
and its workers). The question (issue #17): does a run cost what its own work costs, or grow
with the database? Optionally (``--baseline SRC``) the same with another checkout's code.

The machine is shared: timings are noisy; each point is repeated (``--repeat``) and the median
and range are reported.

Usage: ``python bench/scale_incremental.py [--sizes 1000,4000] [--repeat 3] [--baseline ../main/src]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO / "scripts"))
from datapath import data_root  # noqa: E402

CORPUS = BENCH / "corpus" / "articles.jsonl"
RESULTS = BENCH / "results" / "scale_incremental.json"
ADD = 240
CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from parallax.pipeline import analyze
r = analyze([sys.argv[1]], out_dir=Path(sys.argv[2]), db_path=Path(sys.argv[3]))
wall = time.perf_counter() - t0
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("@@" + json.dumps({"wall_s": wall, "maxrss_mib": max(own, kids) / 1024,
      "timings": {k: round(v, 3) for k, v in r.timings.items()}, "new_articles": r.new_articles,
      "stories_reported": r.counts.get("stories")}))
"""


def _records() -> list[dict[str, Any]]:
    """Real articles: the throughput corpus, then other news sets of the shared data."""
    out = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    data = data_root()
    ecb = data / "ecbplus" / "docs.jsonl"
    if ecb.exists():
        for line in ecb.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            out.append({"id": f"ecb-{doc['id']}", "title": "", "text": doc["text"]})
    for folder in ("semeval2023_t3_en/train-articles", "semeval2023_t3_en/dev-articles",
                   "semeval2023_t3_en/test-articles", "ptc_semeval2020_t11/train-articles",
                   "ptc_semeval2020_t11/dev-articles"):
        for path in sorted((data / folder).glob("*.txt")):
            title, _, body = path.read_text(encoding="utf-8").partition("\n")
            out.append({"id": f"{folder.split('/')[0]}-{path.stem}", "title": title.strip(), "text": body.strip()})
    seen: set[str] = set()
    unique = []
    for r in out:
        if r["text"].strip() and r["text"] not in seen:
            seen.add(r["text"])
            unique.append(r)
    return unique


def _pseudo(real: list[dict[str, Any]], n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Pseudo-articles of 8-25 real sentences each (for sizes past the real articles)."""
    rng = random.Random(seed)
    sentences = [s.strip() + "." for r in real for s in r["text"].replace("\n", " ").split(". ") if len(s) > 40]
    out = []
    for i in range(n):
        picked = rng.sample(sentences, rng.randint(8, 25))
        out.append({"id": f"pseudo-{i}", "title": picked[0][:90], "text": " ".join(picked[1:])})
    return out


def _write(records: list[dict[str, Any]], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def _child(src: Path, inputs: Path, out: Path, db: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(inputs), str(out), str(db)],
                          capture_output=True, text=True, env=env, timeout=7200)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    line = next(x for x in proc.stdout.splitlines() if x.startswith("@@"))
    return dict(json.loads(line[2:]))


def _summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall_s"] for r in runs]
    rss = [r["maxrss_mib"] for r in runs]
    return {"wall_s_median": round(statistics.median(walls), 2), "wall_s_range": [round(min(walls), 2),
                                                                                 round(max(walls), 2)],
            "maxrss_mib_median": round(statistics.median(rss), 1), "maxrss_mib_range": [round(min(rss), 1),
                                                                                       round(max(rss), 1)],
            "runs": runs}


def bench_incremental(sizes: list[int], repeat: int, baseline: Path | None, work: Path,
                      n_add: int = ADD) -> dict[str, Any]:
    """Time and peak RSS of adding ``n_add`` articles to an empty database and to databases of ``sizes``."""
    src = REPO / "src"
    real = _records()
    rng = random.Random(17)
    add_idx = set(rng.sample(range(len(real)), n_add))
    add = [r for i, r in enumerate(real) if i in add_idx]
    base = [r for i, r in enumerate(real) if i not in add_idx]
    if max(sizes) > len(base):
        base += _pseudo(real, max(sizes) - len(base))
    add_file = _write(add, work / "add.jsonl")
    results: dict[str, Any] = {"real_articles": len(real), "added": n_add, "sizes": {}, "builds": {}}
    db = work / "grow.db"
    have = 0
    for size in [0] + sorted(sizes):
        if size > have:  # grow the database (itself an incremental run per step)
            part = _write(base[have:size], work / f"base-{have}-{size}.jsonl")
            t0 = time.perf_counter()
            built = _child(src, part, work / "build-out", db)
            results["builds"][str(size)] = {**built, "from": have, "seconds": round(time.perf_counter() - t0, 1)}
            print(f"built {size}: {built['wall_s']:.0f} s, {built['maxrss_mib']:.0f} MiB", flush=True)
            have = size
        for label, code in [("parallax", src)] + ([("baseline", baseline)] if baseline else []):
            runs = []
            for k in range(repeat):
                target = work / f"run-{size}-{label}-{k}.db"
                if size:
                    shutil.copy(db, target)
                runs.append(_child(code, add_file, work / f"out-{size}-{label}-{k}", target))
                target.unlink(missing_ok=True)
                for extra in ("-wal", "-shm"):
                    Path(f"{target}{extra}").unlink(missing_ok=True)
            point = _summary(runs)
            results["sizes"].setdefault(str(size), {})[label] = point
            RESULTS.write_text(json.dumps({**results, "partial": True}, indent=1) + "\n", encoding="utf-8")
            print(f"{label:9} +{n_add} into {size:>6}: {point['wall_s_median']:7.1f} s  "
                  f"{point['maxrss_mib_median']:7.0f} MiB  (runs {[round(r['wall_s'], 1) for r in runs]})",
                  flush=True)
    return results


def check_same_stories(db: Path, add_file: Path, baseline: Path, work: Path) -> dict[str, Any]:
    """Add the same articles to two copies of ``db``, with this code and with ``baseline`` (which
    reloads every stored article to cluster); return whether every article got the same story."""
    got = {}
    for label, code in (("parallax", REPO / "src"), ("baseline", baseline)):
        target = work / f"check-{label}.db"
        shutil.copy(db, target)
        run = _child(code, add_file, work / f"check-out-{label}", target)
        with sqlite3.connect(target) as con:
            got[label] = dict(con.execute("SELECT id, story_id FROM articles"))
        con.close()
        got[label + "_run"] = run
    differ = sorted(a for a in got["parallax"] if got["parallax"][a] != got["baseline"].get(a))
    return {"articles": len(got["parallax"]), "same_story_for_every_article": not differ,
            "differing": differ[:20], "wall_s": {k: got[k + "_run"]["wall_s"] for k in ("parallax", "baseline")},
            "maxrss_mib": {k: got[k + "_run"]["maxrss_mib"] for k in ("parallax", "baseline")}}


REPORT_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t = time.perf_counter()
if sys.argv[1] == "stream":
    from parallax.pipeline import report_only
    from parallax.store.reports import Selection
    n = report_only(Path(sys.argv[2]), Path(sys.argv[3]), Selection("all")).counts["stories"]
else:  # the whole report in memory, as analyze did before
    from parallax.report.render import build_report, write_report
    from parallax.store.database import Store
    with Store(sys.argv[2]) as s:
        rep = build_report(s.ledger(), s.iter_articles("WHERE story_id IS NOT NULL"), s.stories())
        write_report(rep, Path(sys.argv[3]))
        n = len(rep["stories"])
print("@@" + json.dumps({"wall_s": round(time.perf_counter() - t, 1), "stories": n,
      "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_report_all(db: Path, baseline: Path, work: Path) -> dict[str, Any]:
    """Peak RSS and time of a report of the whole database: streamed (this code) vs in memory (baseline)."""
    out: dict[str, Any] = {}
    for mode, code in (("stream", REPO / "src"), ("in_memory", baseline)):
        target = work / f"report-{mode}.db"
        shutil.copy(db, target)
        env = {**os.environ, "PYTHONPATH": str(code)}
        proc = subprocess.run([sys.executable, "-c", REPORT_CHILD, mode, str(target), str(work / f"rep-{mode}")],
                              capture_output=True, text=True, env=env, timeout=3600, check=True)
        out[mode] = json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("@@"))[2:])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,4000", help="database sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, default=None, help="src/ of another checkout to compare")
    parser.add_argument("--add", type=int, default=ADD, help="articles added per timed run")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp folder)")
    parser.add_argument("--check-db", type=Path, default=None,
                        help="only compare story assignments with --baseline after adding --add-file to this database")
    parser.add_argument("--add-file", type=Path, default=None)
    parser.add_argument("--report-db", type=Path, default=None,
                        help="only time a whole-database report of this database, streamed vs --baseline")
    args = parser.parse_args()
    if args.report_db:
        work = args.work or Path(tempfile.mkdtemp(prefix="parallax-report-"))
        print(json.dumps(bench_report_all(args.report_db, args.baseline, work), indent=1))
        return 0
    if args.check_db:
        work = args.work or Path(tempfile.mkdtemp(prefix="parallax-check-"))
        print(json.dumps(check_same_stories(args.check_db, args.add_file, args.baseline, work), indent=1))
        return 0
    if not CORPUS.exists():
        subprocess.run([sys.executable, str(BENCH / "build_corpus.py")], check=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="parallax-scale-"))
    t0 = time.time()
    res = bench_incremental([int(s) for s in args.sizes.split(",")], args.repeat, args.baseline, work, args.add)
    res["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    res["machine"] = f"{os.cpu_count()} CPUs, shared with other sessions: timings are noisy"
    res["total_s"] = round(time.time() - t0)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

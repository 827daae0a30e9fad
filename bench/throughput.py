"""End-to-end throughput benchmark for the Parallax pipeline.

Runs ``parallax.pipeline.analyze`` on the benchmark corpus (``bench/build_corpus.py``; built
first if missing) in a fresh subprocess per run, plus a cold-start ``parallax analyze
examples/raqqa-2017`` run, prints an aligned table and writes ``bench/results/throughput.json``.

``--naive N`` (default 300) also times, in the same run, a naive peer pipeline on an N-article
subset: spaCy's full en_core_web_sm (tagger, parser, NER) on every article, MiniLM
(``parallax.models.encoder.encode``) on every sentence, and scikit-learn's
AgglomerativeClustering over the mean sentence vector of each article; and Parallax (with the
engine ``parallax analyze`` uses: a pool of one process per CPU) on the same subset, for the
ratio of their articles/s. Both timings include loading the models.

Usage: ``python bench/throughput.py [--n N] [--repeat R] [--html] [--skip-cold] [--naive N]
[--engine auto|serial]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
CORPUS = BENCH / "corpus" / "articles.jsonl"
RESULTS = BENCH / "results" / "throughput.json"
RAQQA = REPO / "examples" / "raqqa-2017"
STAGES = ("ingest", "clean", "segment", "extract", "cluster", "reuse", "align", "score", "report", "store")
PREP = ("ingest", "clean", "segment")
FLOOR_PREP_RATE = 50.0  # articles/s, ingest+clean+segment
FLOOR_COLD_S = 20.0  # seconds, `parallax analyze examples/raqqa-2017` from a cold process
FLOOR_NAIVE_RATIO = 8.0  # Parallax articles/s over the naive peer's, same subset (issue #17)
# Cosine distance under which the naive peer's average-linkage clustering joins two articles: a
# plausible setting for mean MiniLM vectors (it changes the clustering, not the time it takes).
NAIVE_DISTANCE = 0.35

Run = dict[str, Any]


def child_main(inputs: list[str], out_dir: str) -> int:
    """Child process: import + run the pipeline once, print one JSON line on stdout.

    ``$PARALLAX_BENCH_ENGINE``: ``serial`` (default: everything in this process) or ``auto``
    (what ``parallax analyze`` does: a pool of one process per CPU).
    """
    t0 = time.perf_counter()
    from parallax.engine.executors import SerialEngine, make_engine
    from parallax.pipeline import analyze

    t_import = time.perf_counter() - t0
    engine = make_engine() if os.environ.get("PARALLAX_BENCH_ENGINE") == "auto" else SerialEngine()
    t1 = time.perf_counter()
    result = analyze(inputs=inputs, out_dir=Path(out_dir), db_path=None, progress=None, engine=engine)
    t_analyze = time.perf_counter() - t1
    engine.close()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    payload = {
        "import_s": t_import,
        "analyze_s": t_analyze,
        "timings": {k: float(v) for k, v in dict(result.timings).items()},
        "counts": {k: v for k, v in dict(result.counts).items() if isinstance(v, int)},  # not "languages"
        "maxrss_kib": max(own, kids),
    }
    print("@@RESULT@@" + json.dumps(payload))
    return 0


def naive_main(path: str, n: int) -> int:
    """Child process: the naive peer pipeline on the first ``n`` records of ``path``."""
    import numpy as np
    import spacy
    from sklearn.cluster import AgglomerativeClustering

    from parallax.extract.ner import SPACY_MODEL
    from parallax.models.encoder import encode

    lines = Path(path).read_text(encoding="utf-8").splitlines()[:n]
    t0 = time.perf_counter()
    nlp = spacy.load(SPACY_MODEL)  # the full pipeline: tagger, parser, lemmatizer, NER
    texts = [f"{r.get('title') or ''}\n\n{r.get('text') or ''}" for r in map(json.loads, lines)]
    vectors, entities, sentences = [], 0, 0
    stage = {"spacy": 0.0, "encode": 0.0, "cluster": 0.0}
    t = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    stage["spacy"] = time.perf_counter() - t
    t = time.perf_counter()
    for doc in docs:
        sents = [s.text for s in doc.sents if s.text.strip()] or [doc.text or " "]
        vecs = encode(sents)
        sentences += len(sents)
        entities += len(doc.ents)
        mean = vecs.mean(axis=0)
        vectors.append(mean / (np.linalg.norm(mean) or 1.0))
    stage["encode"] = time.perf_counter() - t
    t = time.perf_counter()
    labels = AgglomerativeClustering(n_clusters=None, distance_threshold=NAIVE_DISTANCE, metric="cosine",
                                     linkage="average").fit_predict(np.vstack(vectors))
    stage["cluster"] = time.perf_counter() - t
    wall = time.perf_counter() - t0
    print("@@RESULT@@" + json.dumps({"wall_s": wall, "n": len(texts), "articles_per_s": len(texts) / wall,
                                     "stage_s": stage, "sentences": sentences, "entities": entities,
                                     "clusters": int(labels.max()) + 1}))
    return 0


def naive_compare(n: int, work: Path, timeout: float) -> dict[str, Any]:
    """The naive peer and Parallax (``parallax analyze``'s engine) on the same n articles."""
    path, n = subset(n, work)
    wall, rc, output, _ = run_child([sys.executable, str(Path(__file__).resolve()), "--naive-child", str(path),
                                     str(n)], timeout)
    lines = [ln for ln in output.splitlines() if ln.startswith("@@RESULT@@")]
    if rc != 0 or not lines:
        sys.stderr.write(output[-4000:])
        raise SystemExit(f"naive peer failed (exit {rc})")
    naive = json.loads(lines[-1].removeprefix("@@RESULT@@"))
    os.environ["PARALLAX_BENCH_ENGINE"] = "auto"
    try:
        ours = pipeline_run([path], timeout)
    finally:
        os.environ.pop("PARALLAX_BENCH_ENGINE", None)
    ours_rate = n / ours["analyze_s"]
    return {"n": n, "naive": naive, "parallax_analyze_s": ours["analyze_s"], "parallax_articles_per_s": ours_rate,
            "parallax_stage_s": ours["timings"], "ratio": ours_rate / naive["articles_per_s"],
            "floor": FLOOR_NAIVE_RATIO}


def run_child(cmd: list[str], timeout: float) -> tuple[float, int, str, int]:
    """Run *cmd*; return (wall seconds, exit code, combined output, child ru_maxrss in KiB)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", TQDM_DISABLE="1")
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        log.seek(0)
        return wall, proc.returncode, log.read(), int(usage.ru_maxrss)


def pipeline_run(inputs: list[Path], timeout: float) -> Run:
    with tempfile.TemporaryDirectory(prefix="parallax-bench-") as tmp:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", str(Path(tmp) / "out")]
        cmd += [str(p) for p in inputs]
        wall, rc, output, maxrss = run_child(cmd, timeout)
    lines = [ln for ln in output.splitlines() if ln.startswith("@@RESULT@@")]
    if rc != 0 or not lines:
        sys.stderr.write(output[-4000:])
        raise SystemExit(f"pipeline child failed (exit {rc}); output tail above")
    run: Run = json.loads(lines[-1].removeprefix("@@RESULT@@"))
    run["process_wall_s"] = wall
    run["maxrss_kib"] = max(run["maxrss_kib"], maxrss)
    return run


def cold_run(timeout: float) -> Run:
    exe = Path(sys.executable).with_name("parallax")
    base = [str(exe)] if exe.exists() else [sys.executable, "-m", "parallax.cli"]
    with tempfile.TemporaryDirectory(prefix="parallax-cold-") as tmp:
        cmd = [*base, "analyze", str(RAQQA), "--out", str(Path(tmp) / "out"), "--quiet"]
        wall, rc, output, maxrss = run_child(cmd, timeout)
    if rc != 0:
        sys.stderr.write(output[-4000:])
        raise SystemExit(f"cold-start run failed (exit {rc}): {' '.join(cmd)}")
    return {"wall_s": wall, "maxrss_kib": maxrss}


def subset(n: int | None, work: Path) -> tuple[Path, int]:
    """Evenly spaced (stratified over the three source sets) first-n subset of the corpus."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    if n is None or n >= len(lines):
        return CORPUS, len(lines)
    picked = [lines[i * len(lines) // n] for i in range(n)]
    path = work / f"articles-{n}.jsonl"
    path.write_text("\n".join(picked) + "\n", encoding="utf-8")
    return path, n


def summarize(runs: list[Run], n_inputs: int) -> dict[str, Any]:
    med = statistics.median
    seen = {k for r in runs for k in r["timings"]}
    order = [s for s in STAGES if s in seen] + sorted(seen - set(STAGES))
    stages = {s: med([r["timings"].get(s, 0.0) for r in runs]) for s in order}
    prep = med([sum(r["timings"].get(s, 0.0) for s in PREP) for r in runs])
    analyze_s = med([r["analyze_s"] for r in runs])
    return {
        "n_inputs": n_inputs,
        "counts": runs[-1]["counts"],
        "analyze_s": analyze_s,
        "import_s": med([r["import_s"] for r in runs]),
        "process_wall_s": med([r["process_wall_s"] for r in runs]),
        "articles_per_s": n_inputs / analyze_s if analyze_s else None,
        "articles_per_s_process": n_inputs / med([r["process_wall_s"] for r in runs]),
        "stage_s": stages,
        "stage_articles_per_s": {k: (n_inputs / v if v else None) for k, v in stages.items()},
        "prep_s": prep,
        "prep_articles_per_s": n_inputs / prep if prep else None,
        "peak_rss_mib": max(r["maxrss_kib"] for r in runs) / 1024,
        "runs": runs,
    }


def fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def table(configs: dict[str, dict[str, Any]], cold: dict[str, Any] | None) -> str:
    rows: list[tuple[str, ...]] = [("config", "metric", "seconds", "articles/s", "floor", "ok")]

    def add(a: str, b: str, secs: float | None = None, rate: float | None = None, *rest: str) -> None:
        rows.append((a, b, fmt(secs, ".3f"), fmt(rate, ".1f"), *rest, "", "")[:6])

    for name, s in configs.items():
        c = s["counts"]
        keys = {"inputs_seen": "in", "articles": "art", "duplicates": "dup", "rejected": "rej"}
        keys["stories"] = "stories"
        add(name, " ".join(f"{v}={c.get(k, '?')}" for k, v in keys.items()))
        for stage, secs in s["stage_s"].items():
            add("", f"  {stage}", secs, s["stage_articles_per_s"][stage])
        ok = "PASS" if (s["prep_articles_per_s"] or 0) >= FLOOR_PREP_RATE else "FAIL"
        add("", "ingest+clean+segment", s["prep_s"], s["prep_articles_per_s"], ">= 50/s", ok)
        add("", "analyze() end to end", s["analyze_s"], s["articles_per_s"])
        add("", "process (incl. import)", s["process_wall_s"], s["articles_per_s_process"])
        add("", "import parallax.pipeline", s["import_s"])
        add("", f"peak RSS {s['peak_rss_mib']:.0f} MiB")
    if cold:
        ok = "PASS" if cold["wall_s"] < FLOOR_COLD_S else "FAIL"
        add("raqqa-2017 cold", "parallax analyze (wall)", cold["wall_s"], None, "< 20 s", ok)
        add("", f"peak RSS {cold['peak_rss_mib']:.0f} MiB")
    rows = [tuple("" if c == "-" and i in (2, 3) else c for i, c in enumerate(r)) for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    out = []
    for j, r in enumerate(rows):
        cells = [c.rjust(w) if i in (2, 3) else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
        if j == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine_info() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            res = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return res.stdout.strip() if res.returncode == 0 else None

    cpu_model = None
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model,
        "mem_total_gib": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain")),
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[2:], argv[1])
    if argv[:1] == ["--naive-child"]:
        return naive_main(argv[1], int(argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=None, help="subset size (default: all)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration")
    parser.add_argument("--html", action="store_true", help="also run on the HTML pages")
    parser.add_argument("--skip-cold", action="store_true", help="skip the raqqa cold start")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per-run limit (s)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON path")
    parser.add_argument("--naive", type=int, default=300, help="naive-peer subset size (0: skip)")
    parser.add_argument("--engine", choices=("serial", "auto"), default="serial",
                        help="main runs: everything in one process, or parallax analyze's pool")
    args = parser.parse_args(argv)
    os.environ["PARALLAX_BENCH_ENGINE"] = args.engine
    html_dir = CORPUS.parent / "html"
    if not CORPUS.exists() or (args.html and not html_dir.is_dir()):
        cmd = [sys.executable, str(BENCH / "build_corpus.py")] + (["--html"] if args.html else [])
        subprocess.run(cmd, check=True)
    configs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="parallax-subset-") as work:
        inputs, n_inputs = subset(args.n, Path(work))
        plan: list[tuple[str, list[Path], int]] = [(f"jsonl n={n_inputs}", [inputs], n_inputs)]
        if args.html:
            pages = sorted(html_dir.glob("*.html"))
            if args.n is not None:
                pages = [pages[i * len(pages) // args.n] for i in range(min(args.n, len(pages)))]
            page_dir = Path(work) / "html"
            page_dir.mkdir()
            for page in pages:
                shutil.copy2(page, page_dir / page.name)
            plan.append((f"html n={len(pages)}", [page_dir], len(pages)))
        for name, paths, n in plan:
            runs = []
            for i in range(args.repeat):
                print(f"[{name}] run {i + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
                runs.append(pipeline_run(paths, args.timeout))
            configs[name] = summarize(runs, n)
    naive: dict[str, Any] | None = None
    if args.naive:
        with tempfile.TemporaryDirectory(prefix="parallax-naive-") as work:
            print(f"[naive peer vs parallax] n={args.naive} ...", file=sys.stderr, flush=True)
            naive = naive_compare(args.naive, Path(work), args.timeout)
    cold: dict[str, Any] | None = None
    if not args.skip_cold and RAQQA.is_dir():
        colds = []
        for i in range(args.repeat):
            print(f"[raqqa cold] run {i + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
            colds.append(cold_run(args.timeout))
        cold = {
            "wall_s": statistics.median(c["wall_s"] for c in colds),
            "peak_rss_mib": max(c["maxrss_kib"] for c in colds) / 1024,
            "runs": colds,
        }
    print(table(configs, cold))
    if naive:
        ok = "PASS" if naive["ratio"] >= FLOOR_NAIVE_RATIO else "FAIL"
        print(f"\nnaive peer (spaCy full + MiniLM per sentence + agglomerative), n={naive['n']}: "
              f"{naive['naive']['articles_per_s']:.2f} articles/s ({naive['naive']['wall_s']:.1f} s); "
              f"parallax {naive['parallax_articles_per_s']:.2f} articles/s: ratio {naive['ratio']:.2f}x "
              f"(floor {FLOOR_NAIVE_RATIO:.0f}x) {ok}")
    report = {
        "machine": machine_info(),
        "n_articles": n_inputs,
        "repeat": args.repeat,
        "floors": {"prep_articles_per_s": FLOOR_PREP_RATE, "raqqa_cold_s": FLOOR_COLD_S},
        "engine": args.engine,
        "configs": configs,
        "raqqa_cold": cold,
        "naive_peer": naive,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

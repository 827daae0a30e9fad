#!/usr/bin/env python
"""Train Parallax's paragraph-level persuasion-technique classifier (SemEval-2023 T3, subtask 3).

Usage::

    python scripts/train_techniques.py [--data DIR]

Data: ``/work/shared/data/semeval2023_t3_en`` (English; ``{train,dev}-subtask-3-paragraphs.tsv``
+ ``{train,dev}-labels-subtask-3.tsv``). The test gold is not public and is never used.

Method
------
* Labels: the 23 techniques of subtask 3; the single typo label ``Appeal_to_Fear-Prejudi-čce``
  is mapped to ``Appeal_to_Fear-Prejudice``. Techniques with fewer than ``MIN_TRAIN`` (30)
  training paragraphs get no head (they still count as misses in the official-style
  micro-F1). An extra head predicts "any technique" (>= 1 gold label, dropped ones included).
* Features: :func:`parallax.models.classifiers.hashed_counts` + :func:`~parallax.models.classifiers.assemble`
  (IDF, per-block L2); columns whose n-gram occurs in fewer than ``MIN_DF`` training
  paragraphs get IDF 0 (dropped), which keeps the stored weight matrix small.
* Model: one L2 logistic regression per head (liblinear, dual, ``class_weight="balanced"``).
* Protocol (train only): 5-fold ``GroupKFold`` by article; IDF refitted inside every fold. The
  feature spec is chosen by out-of-fold micro-F1 (per-head C and thresholds tuned on the same
  OOF predictions, identical treatment for every spec); per head, C maximises OOF average
  precision. A Platt scaling fitted on OOF decision values is folded into each head, and each
  head's threshold maximises its OOF F1. The final heads are refitted on all of train.
* Evaluation: the shipped model is reloaded through :mod:`parallax.signals.techniques` and scored once
  on dev (micro-F1 over all gold labels = official subtask-3 metric; macro-F1 over modelled
  techniques; per technique; "any technique" F1).

Writes ``src/parallax/models/weights/techniques.{json,npz}``, ``TECHNIQUES_CARD.md`` and
``bench/results/techniques.json``. Deterministic (GroupKFold, liblinear with fixed seed).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from datapath import data_root  # noqa: E402

from parallax.models import classifiers as C  # noqa: E402
from parallax.signals import techniques as T  # noqa: E402

DEFAULT_DATA = data_root() / "semeval2023_t3_en"
PTC_DIR = data_root() / "ptc_semeval2020_t11"
MODELS_DIR = ROOT / "src" / "parallax" / "models" / "weights"
CARD_PATH = MODELS_DIR / "TECHNIQUES_CARD.md"
RESULTS_PATH = ROOT / "bench" / "results" / "techniques.json"

SEED = 13
N_FOLDS = 5
MIN_TRAIN = 30
MIN_DF = 2
ALIASES = {"Appeal_to_Fear-Prejudi-čce": "Appeal_to_Fear-Prejudice"}
C_GRID = (0.25, 0.5, 1.0, 2.0, 4.0)
SPECS: dict[str, C.FeatureSpec] = {
    "word12": C.FeatureSpec(word_bits=18, word_ngrams=(1, 2)),
    "word13": C.FeatureSpec(word_bits=18, word_ngrams=(1, 3)),
    "word12+char35": C.FeatureSpec(
        word_bits=18, word_ngrams=(1, 2), char_bits=18, char_ngrams=(3, 5), char_weight=1.0
    ),
}
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
PUBLISHED = {
    "source": "semeval2023_t3_en/MANIFEST.md (literature memory, official hidden English test)",
    "ST3_micro_F1_best_test": {"team": "APatt", "micro_F1": 0.376},
    "caveat": "published numbers are on the official test set; ours are on the public dev set",
}


# ---------------------------------------------------------------------------------- data


def load_split(data_dir: Path, split: str) -> tuple[list[str], list[str], list[list[str]]]:
    """(article ids, paragraph texts, gold technique lists) in label-file order."""
    texts: dict[tuple[str, str], str] = {}
    with open(data_dir / f"{split}-subtask-3-paragraphs.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            texts[(parts[0], parts[1])] = "\t".join(parts[2:])
    arts: list[str] = []
    paras: list[str] = []
    gold: list[list[str]] = []
    with open(data_dir / f"{split}-labels-subtask-3.tsv", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            labels = parts[2].split(",") if len(parts) > 2 else []
            arts.append(parts[0])
            paras.append(texts[(parts[0], parts[1])])
            gold.append(sorted({ALIASES.get(x, x) for x in labels if x}))
    return arts, paras, gold


def label_matrix(gold: list[list[str]], techniques: tuple[str, ...]) -> np.ndarray:
    """Binary ``(n, n_techniques + 1)`` targets; the last column is "any technique"."""
    y = np.zeros((len(gold), len(techniques) + 1), dtype=np.int8)
    index = {t: i for i, t in enumerate(techniques)}
    for r, labels in enumerate(gold):
        for t in labels:
            if t in index:
                y[r, index[t]] = 1
        y[r, -1] = int(bool(labels))
    return y


# ------------------------------------------------------------------------------ features


def idf_for(counts: dict[str, sp.csr_matrix], rows: np.ndarray) -> dict[str, np.ndarray]:
    """Smoothed IDF on ``rows`` with columns of document frequency < MIN_DF zeroed."""
    out = {}
    for block, mat in counts.items():
        sub = mat[rows]
        idf = C.compute_idf(sub)
        df = np.bincount(sub.indices, minlength=sub.shape[1])
        idf[df < MIN_DF] = 0.0
        out[block] = idf
    return out


def matrix(
    counts: dict[str, sp.csr_matrix], texts: list[str], rows: np.ndarray,
    spec: C.FeatureSpec, idf: dict[str, np.ndarray],
) -> sp.csr_matrix:
    return C.assemble({b: m[rows] for b, m in counts.items()}, [texts[i] for i in rows], spec, idf)


def kept_columns(spec: C.FeatureSpec, idf: dict[str, np.ndarray]) -> np.ndarray:
    cols, offset = [], 0
    for block in spec.blocks():
        cols.append(np.flatnonzero(idf[block]).astype(np.int64) + offset)
        offset += spec.block_size(block)
    return np.concatenate(cols)


def fit_lr(x: sp.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    lr = LogisticRegression(
        C=c, solver="liblinear", dual=True, class_weight="balanced", max_iter=3000,
        random_state=SEED,
    )
    return lr.fit(x, y)


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


# ------------------------------------------------------------------------------- metrics


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def best_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    scores = [f1(int(((p >= t) & (y == 1)).sum()), int(((p >= t) & (y == 0)).sum()),
                 int(((p < t) & (y == 1)).sum())) for t in THRESHOLD_GRID]
    i = int(np.argmax(scores))
    return float(THRESHOLD_GRID[i]), float(scores[i])


def evaluate(
    gold: list[list[str]], pred: list[list[str]], p_any: np.ndarray, any_threshold: float,
    techniques: tuple[str, ...],
) -> dict[str, Any]:
    """Official-style micro-F1 (all gold labels, unmodelled ones count as misses), macro-F1 over
    modelled techniques, per-technique P/R/F1/support and "any technique" F1."""
    tp = fp = fn = 0
    per: dict[str, dict[str, Any]] = {}
    all_labels = sorted({t for g in gold for t in g} | set(techniques))
    for t in all_labels:
        a = sum(1 for g, p in zip(gold, pred, strict=True) if t in g and t in p)
        b = sum(1 for g, p in zip(gold, pred, strict=True) if t not in g and t in p)
        c = sum(1 for g, p in zip(gold, pred, strict=True) if t in g and t not in p)
        tp, fp, fn = tp + a, fp + b, fn + c
        per[t] = {
            "P": round(a / (a + b), 4) if a + b else 0.0,
            "R": round(a / (a + c), 4) if a + c else 0.0,
            "F1": round(f1(a, b, c), 4),
            "support": a + c,
            "modelled": t in techniques,
        }
    y_any = np.array([bool(g) for g in gold])
    h_any = p_any >= any_threshold
    any_tp = int((y_any & h_any).sum())
    any_fp = int((~y_any & h_any).sum())
    any_fn = int((y_any & ~h_any).sum())
    derived = np.array([bool(p) for p in pred])
    return {
        "n_paragraphs": len(gold),
        "micro_P": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "micro_R": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "micro_F1": round(f1(tp, fp, fn), 4),
        "macro_F1_modelled": round(float(np.mean([per[t]["F1"] for t in techniques])), 4),
        "macro_F1_all_gold_labels": round(
            float(np.mean([v["F1"] for t, v in per.items() if v["support"]])), 4
        ),
        "any_technique_F1": round(f1(any_tp, any_fp, any_fn), 4),
        "any_technique_P": round(any_tp / (any_tp + any_fp), 4) if any_tp + any_fp else 0.0,
        "any_technique_R": round(any_tp / (any_tp + any_fn), 4) if any_tp + any_fn else 0.0,
        "any_technique_AP": round(float(average_precision_score(y_any, p_any)), 4),
        "any_from_labels_F1": round(
            f1(int((y_any & derived).sum()), int((~y_any & derived).sum()),
               int((y_any & ~derived).sum())), 4
        ),
        "per_technique": per,
    }


def predict_labels(probs: np.ndarray, thresholds: np.ndarray, techniques: tuple[str, ...]) -> list[list[str]]:
    n_t = len(techniques)
    return [[techniques[j] for j in np.flatnonzero(row[:n_t] >= thresholds[:n_t])] for row in probs]


# ------------------------------------------------------------------------------ training


def cv_oof(
    counts: dict[str, sp.csr_matrix], texts: list[str], spec: C.FeatureSpec, y: np.ndarray,
    groups: np.ndarray, log: Any,
) -> dict[float, np.ndarray]:
    """OOF decision values per C, shape ``(n, n_heads)``."""
    n = len(texts)
    oof = {c: np.zeros(y.shape, dtype=np.float64) for c in C_GRID}
    for k, (tr, te) in enumerate(GroupKFold(N_FOLDS).split(np.arange(n), groups=groups)):
        idf = idf_for(counts, tr)
        cols = kept_columns(spec, idf)
        x_tr = matrix(counts, texts, tr, spec, idf)[:, cols]
        x_te = matrix(counts, texts, te, spec, idf)[:, cols]
        for c in C_GRID:
            for h in range(y.shape[1]):
                oof[c][te, h] = fit_lr(x_tr, y[tr, h], c).decision_function(x_te)
        log(f"    fold {k + 1}/{N_FOLDS} done ({x_tr.shape[1]} columns)")
    return oof


def select_heads(oof: dict[float, np.ndarray], y: np.ndarray) -> list[dict[str, Any]]:
    """Per head: C by OOF average precision, Platt on its OOF values, F1-optimal threshold."""
    heads = []
    for h in range(y.shape[1]):
        aps = {c: float(average_precision_score(y[:, h], oof[c][:, h])) for c in C_GRID}
        c_best = max(C_GRID, key=lambda c: (round(aps[c], 4), -c))
        z = oof[c_best][:, h]
        a, b = platt(z, y[:, h])
        p = sigmoid(a * z + b)
        thr, f1_oof = best_threshold(y[:, h], p)
        heads.append({"C": c_best, "AP": aps, "platt": (a, b), "threshold": thr,
                      "oof_F1": f1_oof, "oof_prob": p})
    return heads


def oof_micro(heads: list[dict[str, Any]], y: np.ndarray, gold: list[list[str]],
              techniques: tuple[str, ...]) -> dict[str, Any]:
    probs = np.stack([h["oof_prob"] for h in heads], axis=1)
    thr = np.array([h["threshold"] for h in heads])
    pred = predict_labels(probs, thr, techniques)
    res = evaluate(gold, pred, probs[:, -1], thr[-1], techniques)
    return {k: v for k, v in res.items() if k != "per_technique"}


def ptc_ids() -> set[str]:
    out: set[str] = set()
    for sub in ("train-articles", "dev-articles"):
        d = PTC_DIR / sub
        if d.is_dir():
            out |= {p.stem.removeprefix("article") for p in d.glob("article*.txt")}
    return out


def gate_metrics(data_dir: Path | str = DEFAULT_DATA) -> dict[str, Any]:
    """Score the *shipped* model on dev (fast: one featurisation, < 20 s)."""
    model = T.load_model()
    _, texts, gold = load_split(Path(data_dir), "dev")
    probs = model.predict_proba(texts)
    pred = predict_labels(probs, model.thresholds, model.techniques)
    return evaluate(gold, pred, probs[:, -1], float(model.thresholds[-1]), model.techniques)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--specs", default=",".join(SPECS), help="comma-separated SPECS keys")
    args = ap.parse_args()
    t0 = time.time()

    def log(msg: str) -> None:
        print(f"[{time.time() - t0:6.1f}s] {msg}", flush=True)

    arts, texts, gold = load_split(args.data, "train")
    dev_arts, dev_texts, dev_gold = load_split(args.data, "dev")
    counts_tr = Counter(t for g in gold for t in g)
    techniques = tuple(t for t, n in counts_tr.most_common() if n >= MIN_TRAIN)
    dropped = {t: n for t, n in counts_tr.most_common() if n < MIN_TRAIN}
    if techniques != T.TECHNIQUES:
        raise SystemExit(f"technique list drifted from parallax.signals.techniques.TECHNIQUES: {techniques}")
    y = label_matrix(gold, techniques)
    groups = np.array(arts)
    log(f"train {len(texts)} paragraphs / {len(set(arts))} articles; {len(techniques)} heads "
        f"+ any; dropped {dropped}")

    spec_results: dict[str, Any] = {}
    best_key, best_heads, best_score = "", [], -1.0
    for key in args.specs.split(","):
        spec = SPECS[key]
        log(f"spec {key}: {spec}")
        counts = C.hashed_counts(texts, spec)
        oof = cv_oof(counts, texts, spec, y, groups, log)
        heads = select_heads(oof, y)
        summary = oof_micro(heads, y, gold, techniques)
        spec_results[key] = {"features": spec.to_json(), "oof": summary,
                             "C": [h["C"] for h in heads]}
        log(f"  OOF micro-F1 {summary['micro_F1']:.4f} macro {summary['macro_F1_modelled']:.4f} "
            f"any {summary['any_technique_F1']:.4f}")
        if summary["micro_F1"] > best_score:
            best_key, best_heads, best_score = key, heads, summary["micro_F1"]

    spec = SPECS[best_key]
    log(f"chosen spec {best_key}; refitting on all train")
    counts = C.hashed_counts(texts, spec)
    rows = np.arange(len(texts))
    idf = idf_for(counts, rows)
    cols = kept_columns(spec, idf)
    x = matrix(counts, texts, rows, spec, idf)[:, cols]
    coef = np.zeros((y.shape[1], len(cols)), dtype=np.float32)
    intercept = np.zeros(y.shape[1], dtype=np.float32)
    for h, head in enumerate(best_heads):
        lr = fit_lr(x, y[:, h], head["C"])
        a, b = head["platt"]
        coef[h] = lr.coef_[0] * a
        intercept[h] = lr.intercept_[0] * a + b
    thresholds = np.array([h["threshold"] for h in best_heads], dtype=np.float32)
    meta: dict[str, Any] = {
        "name": T.MODEL_NAME,
        "format_version": T.FORMAT_VERSION,
        "task": "SemEval-2023 Task 3 subtask 3 (English): paragraph persuasion techniques",
        "techniques": list(techniques),
        "any_head": T.ANY_TECHNIQUE,
        "dropped_techniques": dropped,
        "features": spec.to_json(),
        "min_df": MIN_DF,
        "heads": [
            {"name": name, "C": h["C"], "threshold": h["threshold"],
             "platt": [round(h["platt"][0], 6), round(h["platt"][1], 6)],
             "oof_F1": round(h["oof_F1"], 4), "train_positives": int(y[:, i].sum())}
            for i, (name, h) in enumerate(zip((*techniques, T.ANY_TECHNIQUE), best_heads,
                                              strict=True))
        ],
        "trained_by": "scripts/train_techniques.py",
    }
    model = T.TechniqueModel(spec, techniques, idf, cols, coef, intercept, thresholds, meta)
    arrays = T.model_to_arrays(model)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    (MODELS_DIR / f"{T.MODEL_NAME}.json").write_text(json.dumps(meta, indent=1) + "\n",
                                                      encoding="utf-8")
    np.savez_compressed(MODELS_DIR / f"{T.MODEL_NAME}.npz", **arrays)  # type: ignore[arg-type]
    T.load_model.cache_clear()
    log(f"saved ({len(cols)} columns); evaluating the shipped model on dev")

    t1 = time.time()
    dev = gate_metrics(args.data)
    gate_s = time.time() - t1
    model = T.load_model()
    t2 = time.time()
    for _ in range(3):
        model.predict_proba(dev_texts)
    speed = 3 * len(dev_texts) / (time.time() - t2)
    t3 = time.time()
    for p in dev_texts[:300]:
        model.predict_proba([p])
    speed_single = 300 / (time.time() - t3)

    ptc = ptc_ids()
    dev_ids, train_ids = set(dev_arts), set(arts)
    overlap = {
        "train_articles": len(train_ids),
        "train_articles_in_PTC": len(train_ids & ptc),
        "dev_articles": len(dev_ids),
        "dev_articles_in_PTC": len(dev_ids & ptc),
        "dev_articles_in_train": len(dev_ids & train_ids),
    }
    results = {
        "model": T.MODEL_NAME,
        "data": str(args.data),
        "protocol": (f"{N_FOLDS}-fold GroupKFold by article on train only; spec by OOF micro-F1; "
                     "per-head C by OOF AP, Platt + F1-optimal threshold on OOF; dev scored once"),
        "chosen_spec": best_key,
        "spec_search": spec_results,
        "dropped_techniques": dropped,
        "dev": dev,
        "overlap": overlap,
        "speed_paragraphs_per_s_batch": round(speed, 1),
        "speed_paragraphs_per_s_single": round(speed_single, 1),
        "gate_metrics_seconds": round(gate_s, 2),
        "model_bytes": {
            "json": (MODELS_DIR / f"{T.MODEL_NAME}.json").stat().st_size,
            "npz": (MODELS_DIR / f"{T.MODEL_NAME}.npz").stat().st_size,
        },
        "published": PUBLISHED,
        "train_seconds": round(time.time() - t0, 1),
    }
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    CARD_PATH.write_text(card(results, meta), encoding="utf-8")
    log(f"dev micro-F1 {dev['micro_F1']} macro {dev['macro_F1_modelled']} "
        f"any {dev['any_technique_F1']}; {speed:.0f} paragraphs/s; gate {gate_s:.1f}s")
    for t, v in dev["per_technique"].items():
        log(f"  {t:34s} F1 {v['F1']:.3f} P {v['P']:.3f} R {v['R']:.3f} n={v['support']}"
            f"{'' if v['modelled'] else ' (not modelled)'}")


def card(res: dict[str, Any], meta: dict[str, Any]) -> str:
    dev = res["dev"]
    ov = res["overlap"]
    lines = [
        "# Persuasion techniques per paragraph (`techniques`)",
        "",
        "Generated by `scripts/train_techniques.py`; do not edit by hand.",
        "",
        "## Data",
        "- SemEval-2023 Task 3, subtask 3, English (`/work/shared/data/semeval2023_t3_en`, "
        "see its MANIFEST.md): train "
        f"{ov['train_articles']} articles / 9,498 paragraphs, dev {ov['dev_articles']} articles "
        f"/ {dev['n_paragraphs']:,} paragraphs. Test gold is not public and was not used.",
        "- Licence: released to registered participants for research; not verified.",
        f"- Overlap: {ov['train_articles_in_PTC']} of {ov['train_articles']} train articles are "
        "PTC (SemEval-2020 T11) articles, the corpus of the span lexicon "
        f"(`parallax.signals.loaded`); {ov['dev_articles_in_PTC']} of {ov['dev_articles']} dev articles "
        f"are PTC articles and {ov['dev_articles_in_train']} are train articles, so the dev "
        "numbers below involve no PTC or train article.",
        f"- Techniques with < {MIN_TRAIN} training paragraphs have no head (their gold labels "
        "still count as misses in micro-F1): "
        + ", ".join(f"{t} ({n})" for t, n in meta["dropped_techniques"].items())
        + ". The one typo label `Appeal_to_Fear-Prejudi-čce` is mapped to "
        "`Appeal_to_Fear-Prejudice`.",
        "",
        "## Model",
        f"- Features: `FeatureSpec` {res['chosen_spec']} = `{json.dumps(meta['features'])}`; "
        f"n-grams in < {MIN_DF} training paragraphs dropped (IDF 0).",
        "- One-vs-rest L2 logistic regression (liblinear, balanced class weights), one head per "
        f"technique ({len(meta['techniques'])}) + an `any_technique` head; Platt scaling folded "
        "into the weights; per-head thresholds. Stored as plain arrays (`techniques.npz`: "
        "coef matrix heads x kept columns (float16), intercepts, thresholds, IDF).",
        "",
        "## Protocol",
        f"- {res['protocol']}.",
        "- Spec search (OOF, train): "
        + "; ".join(f"{k}: micro-F1 {v['oof']['micro_F1']}, macro {v['oof']['macro_F1_modelled']}"
                    for k, v in res["spec_search"].items()) + ".",
        "",
        "## Results (dev, shipped model, scored once)",
        f"- micro-F1 (official subtask-3 metric, all gold labels): **{dev['micro_F1']}** "
        f"(P {dev['micro_P']}, R {dev['micro_R']}).",
        f"- macro-F1 over the {len(meta['techniques'])} modelled techniques: "
        f"{dev['macro_F1_modelled']}; over all labels present in dev gold: "
        f"{dev['macro_F1_all_gold_labels']}.",
        f"- any technique: F1 {dev['any_technique_F1']} (P {dev['any_technique_P']}, "
        f"R {dev['any_technique_R']}, AP {dev['any_technique_AP']}); derived from the labels "
        f"instead: F1 {dev['any_from_labels_F1']}.",
        "- Reference: best published English *test* micro-F1 ≈ 0.376 (APatt) [literature "
        "memory]; test and dev differ, so this is context, not a comparison.",
        f"- Speed: {res['speed_paragraphs_per_s_batch']} paragraphs/s batched, "
        f"{res['speed_paragraphs_per_s_single']} one at a time (shared 2-core CPU box).",
        "",
        "| technique | train n | dev n | P | R | F1 | threshold |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    heads = {h["name"]: h for h in meta["heads"]}
    for t, v in dev["per_technique"].items():
        h = heads.get(t)
        lines.append(
            f"| {t} | {h['train_positives'] if h else meta['dropped_techniques'].get(t, 0)} | "
            f"{v['support']} | {v['P']} | {v['R']} | {v['F1']} | "
            f"{h['threshold'] if h else 'not modelled'} |"
        )
    lines += [
        "",
        "## Limitations",
        "- Bag-of-n-gram paragraph model: it sees no article context, so Repetition (an "
        "article-level phenomenon) and argument-structure techniques (Red_Herring, "
        "Causal_Oversimplification, Conversation_Killer) are weak; rare techniques have noisy "
        "thresholds.",
        "- Train articles are 2017-2019 English PTC news (mostly opinion); dev is a different "
        "article set with a genre shift (more reporting) and shorter paragraphs (median 112 vs "
        "197 chars): OOF micro-F1 on train (0.39) overstates dev (0.22); expect low recall on "
        "new text.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Train Parallax's linear text classifiers reproducibly.

Usage::

    python scripts/train_classifiers.py [--only NAME] [--data-dir /work/shared/data]

For each model: pick the feature configuration and C (dev set or 5-fold CV, never the
evaluation split), fit the final logistic regression, fold a Platt calibration fitted on
out-of-fold decision values into the weights, tune a decision threshold on the same
out-of-fold predictions, save plain arrays to ``src/parallax/models/weights/``, reload them through
the inference code and evaluate on the held-out split. Writes ``MODEL_CARD.md`` and
``bench/results/classifiers.json`` and prints a table. Deterministic (fixed seeds, liblinear
with a fixed random_state).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from datapath import data_root  # noqa: E402

from parallax.models import classifiers as C  # noqa: E402

MODELS_DIR = ROOT / "src" / "parallax" / "models" / "weights"
RESULTS_PATH = ROOT / "bench" / "results" / "classifiers.json"
N_FOLDS = 5

csv.field_size_limit(1 << 30)


from classifier_card import fmt_spec, print_table, write_model_card  # noqa: E402
from classifier_data import (  # noqa: E402
    SEED,
    Split,
    accuracy,
    hatexplain_halves,
    load_checkworthy,
    load_clickbait,
    load_davidson,
    load_hatexplain_val,
    load_news_sentences,
    load_subjectivity,
    macro_f1,
    pos_f1,
    weighted_f1,
)

Metric = Callable[[np.ndarray, np.ndarray, float], float]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


class Features:
    """Hashed counts of a fixed text list for one FeatureSpec; IDF fitted on chosen rows."""

    def __init__(self, texts: Sequence[str], spec: C.FeatureSpec) -> None:
        self.texts, self.spec = list(texts), spec
        self.counts = C.hashed_counts(self.texts, spec)

    def idf(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        if not self.spec.use_idf:
            return {}
        return {b: C.compute_idf(m[rows]) for b, m in self.counts.items()}

    def matrix(self, rows: np.ndarray, idf: dict[str, np.ndarray]) -> sp.csr_matrix:
        counts = {b: m[rows] for b, m in self.counts.items()}
        return C.assemble(counts, [self.texts[i] for i in rows], self.spec, idf)


def fit_lr(
    x: sp.csr_matrix, y: np.ndarray, c: float, sample_weight: np.ndarray | None = None
) -> LogisticRegression:
    # Dual coordinate descent: n_features (2^18-2^19) >> n_samples, ~4x faster than primal.
    lr = LogisticRegression(
        C=c, solver="liblinear", dual=True, class_weight="balanced", max_iter=3000,
        random_state=SEED,
    )
    return lr.fit(x, y, sample_weight=sample_weight)


@dataclass
class Aux:
    """Extra fit-only rows (indices into the text list), each tied to a parent row: a fold fits
    on an auxiliary row only when its parent is in that fold's training part, and auxiliary
    rows are never scored, calibrated on or used for IDF."""

    rows: np.ndarray
    parent: np.ndarray


Fold = tuple[np.ndarray, np.ndarray, sp.csr_matrix, sp.csr_matrix]


def fold_matrices(
    feats: Features, y: np.ndarray, rows: np.ndarray, mask: np.ndarray,
    strata: np.ndarray | None = None, aux: Aux | None = None,
) -> list[Fold]:
    """Stratified folds over ``rows`` (on ``y``, or on ``strata`` when given): (held-out
    positions, training text indices, X_train, X_test), IDF per fold."""
    out = []
    skf = StratifiedKFold(N_FOLDS, shuffle=True, random_state=SEED)
    for tr, te in skf.split(rows, (y if strata is None else strata)[rows]):
        idf = feats.idf(rows[tr])
        fit_idx = rows[tr]
        if aux is not None:
            fit_idx = np.concatenate([fit_idx, aux.rows[np.isin(aux.parent, rows[tr])]])
        out.append((te, fit_idx, feats.matrix(fit_idx, idf) @ mask,
                    feats.matrix(rows[te], idf) @ mask))
    return out


def oof_decisions(
    folds: list[Fold], y: np.ndarray, c: float, weight: np.ndarray | None = None
) -> np.ndarray:
    """Out-of-fold decision values (positions follow the ``rows`` used for ``folds``);
    ``y`` and ``weight`` are indexed like the text list."""
    z = np.zeros(sum(len(te) for te, _, _, _ in folds))
    for te, fit_idx, x_tr, x_te in folds:
        sw = None if weight is None else weight[fit_idx]
        z[te] = fit_lr(x_tr, y[fit_idx], c, sw).decision_function(x_te)
    return z


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def best_threshold(y: np.ndarray, p: np.ndarray, metric: Metric) -> float:
    grid = np.round(np.arange(0.10, 0.901, 0.01), 2)
    scores = [metric(y, p, float(t)) for t in grid]
    return float(grid[int(np.argmax(scores))])


@dataclass
class ModelConfig:
    name: str
    positive: str
    specs: list[C.FeatureSpec]
    cs: list[float]
    metric: Metric
    metric_name: str
    tune_threshold: bool
    fixed_cues: dict[str, float] = field(default_factory=dict)
    """Headline cues excluded from fitting and given a fixed calibrated-logit contribution."""
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    """Candidate per-text sample weightings (name -> weight per text), selected like C;
    empty = unweighted."""
    select: Callable[[np.ndarray, np.ndarray], dict[str, float]] | None = None
    """Selection score from (y_fit, OOF decisions): a dict whose "score" is maximised (other
    keys are logged); default: ``metric`` of sigmoid(decision) at 0.5."""


def _fixed(spec: C.FeatureSpec, cfg: ModelConfig, n_cols: int) -> tuple[sp.dia_matrix, np.ndarray]:
    """Column mask hiding fixed cues from the fit, and the fixed (calibrated) weight vector."""
    keep = np.ones(n_cols, dtype=np.float32)
    w = np.zeros(n_cols, dtype=np.float64)
    if spec.headline:
        base = n_cols - len(C.HEADLINE_FEATURE_NAMES)
        for cue, logit in cfg.fixed_cues.items():
            col = base + C.HEADLINE_FEATURE_NAMES.index(cue)
            keep[col], w[col] = 0.0, logit / spec.headline_weight
    return sp.diags(keep), w


def train_model(
    cfg: ModelConfig, texts: list[str], y: np.ndarray, fit_rows: np.ndarray,
    dev_rows: np.ndarray | None, log: Callable[[str], None],
    strata: np.ndarray | None = None, aux: Aux | None = None,
) -> tuple[C.TextClassifier, dict[str, Any]]:
    """Select (spec, C[, weighting]) on ``dev_rows`` (fit on ``fit_rows`` minus dev) or by CV
    over ``fit_rows``; then fit on ``fit_rows`` with OOF Platt calibration + threshold.

    ``strata`` (CV folds) and ``aux`` (fit-only rows) are used only with CV selection."""
    grid: list[dict[str, Any]] = []
    oof_cache: dict[tuple[int, float, str], np.ndarray] = {}
    feats_cache: dict[int, Features] = {}
    y_fit = y[fit_rows]
    weights: dict[str, np.ndarray | None] = dict(cfg.weights) or {"": None}
    for si, spec in enumerate(cfg.specs):
        feats_cache[si] = feats = Features(texts, spec)
        n_cols = feats.matrix(fit_rows[:1], feats.idf(fit_rows[:1])).shape[1]
        mask, _ = _fixed(spec, cfg, n_cols)
        if dev_rows is not None:
            tr = np.setdiff1d(fit_rows, dev_rows)
            idf = feats.idf(tr)
            x_tr, x_dev = feats.matrix(tr, idf) @ mask, feats.matrix(dev_rows, idf) @ mask
        else:
            folds = fold_matrices(feats, y, fit_rows, mask, strata, aux)
        for wn, weight in weights.items():
            for c in cfg.cs:
                extra: dict[str, float] = {}
                if dev_rows is not None:
                    z = fit_lr(x_tr, y[tr], c).decision_function(x_dev)
                    score = cfg.metric(y[dev_rows], sigmoid(z), 0.5)
                else:
                    z = oof_cache[(si, c, wn)] = oof_decisions(folds, y, c, weight)
                    if cfg.select is None:
                        score = cfg.metric(y_fit, sigmoid(z), 0.5)
                    else:
                        extra = cfg.select(y_fit, z)
                        score = extra.pop("score")
                entry: dict[str, Any] = {"spec": si, "C": c}
                if wn:
                    entry["weight"] = wn
                grid.append({**entry, "score": round(score, 4),
                             **{k: round(v, 4) for k, v in extra.items()}})
                tag = f" weight {wn}" if wn else ""
                log(f"  [{cfg.name}] spec {si}{tag} C={c:g}: {cfg.metric_name}={score:.4f}"
                    + "".join(f" {k}={v:.4f}" for k, v in extra.items()))
    best = max(grid, key=lambda g: (g["score"], -g["C"]))
    si, c, wn = best["spec"], best["C"], best.get("weight", "")
    spec, feats, weight = cfg.specs[si], feats_cache[si], weights[wn]
    idf = feats.idf(fit_rows)
    fit_idx = fit_rows if aux is None else np.concatenate([fit_rows, aux.rows])
    x_fit = feats.matrix(fit_idx, idf)
    mask, w_fixed = _fixed(spec, cfg, x_fit.shape[1])
    z_oof = oof_cache.get((si, c, wn))
    if z_oof is None:
        z_oof = oof_decisions(fold_matrices(feats, y, fit_rows, mask, strata, aux), y, c, weight)
    a, b = platt(z_oof, y_fit)
    p_oof = sigmoid(a * z_oof + b + x_fit[: len(fit_rows)] @ w_fixed)
    threshold = best_threshold(y_fit, p_oof, cfg.metric) if cfg.tune_threshold else 0.5
    lr = fit_lr(x_fit @ mask, y[fit_idx], c, None if weight is None else weight[fit_idx])
    coef = lr.coef_[0] * a + w_fixed
    clf = C.TextClassifier(cfg.name, spec, coef, float(lr.intercept_[0] * a + b), idf, threshold)
    info = {
        "positive": cfg.positive,
        "features": spec.to_json(),
        "C": c,
        "class_weight": "balanced",
        "solver": "liblinear (dual)",
        "platt": {"a": round(a, 5), "b": round(b, 5)},
        "threshold": threshold,
        "fixed_cues_logit": cfg.fixed_cues,
        "selection": {
            "metric": cfg.metric_name,
            "candidate_specs": [fmt_spec(sp_.to_json()) for sp_ in cfg.specs],
            "best": best,
            "grid": grid,
        },
        "oof": {
            cfg.metric_name + "@0.5": round(cfg.metric(y_fit, p_oof, 0.5), 4),
            cfg.metric_name + "@threshold": round(cfg.metric(y_fit, p_oof, threshold), 4),
            "roc_auc": round(float(roc_auc_score(y_fit, p_oof)), 4),
        },
        "n_fit": int(len(fit_rows)),
        "n_fit_positive": int(y_fit.sum()),
    }
    return clf, info


def save_and_reload(clf: C.TextClassifier, meta: dict[str, Any]) -> C.TextClassifier:
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    arrays = C.classifier_to_arrays(clf)
    full_meta = {
        "format_version": C.FORMAT_VERSION,
        "name": clf.name,
        "features": clf.spec.to_json(),
        "intercept": clf.intercept,
        "threshold": clf.threshold,
        **meta,
    }
    np.savez_compressed(MODELS_DIR / f"{clf.name}.npz", **arrays)
    (MODELS_DIR / f"{clf.name}.json").write_text(json.dumps(full_meta, indent=1) + "\n")
    with np.load(MODELS_DIR / f"{clf.name}.npz", allow_pickle=False) as npz:
        loaded = {k: npz[k] for k in npz.files}
    return C.classifier_from_arrays(full_meta, loaded)


def binary_report(y: np.ndarray, p: np.ndarray, t: float) -> dict[str, float]:
    pred = p >= t
    return {
        "threshold": t,
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
        "weighted_f1": round(float(f1_score(y, pred, average="weighted")), 4),
        "positive_f1": round(float(f1_score(y, pred)), 4),
        "negative_f1": round(float(f1_score(1 - y, ~pred)), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "n": int(len(y)),
        "n_positive": int(y.sum()),
    }


# --------------------------------------------------------------------------- per-model drivers

WORD = C.FeatureSpec(word_bits=18, word_ngrams=(1, 2))
WORD_CHAR = C.FeatureSpec(word_bits=18, char_bits=18, char_ngrams=(2, 5))

SOURCES = {
    "subjectivity": (
        "CheckThat! 2024 Task 2 subjectivity, English (`checkthat_subjectivity_en`, "
        "CLEF CheckThat! lab release via rabrie10/AI-project) — licence CC BY-NC-SA 4.0"
    ),
    "checkworthy": (
        "CheckThat! 2024 Task 1 check-worthiness, English (`checkthat24_checkworthy_en`, "
        "official files vendored in isyufeng/FactFinders) — repo MIT; CheckThat! research "
        "data terms apply (not verified)"
    ),
    "clickbait": (
        "Chakraborty et al. 2016 'Stop Clickbait' headlines (`clickbait_chakraborty`, "
        "bhargaviparanjape/clickbait) — licence MIT; label = publisher"
    ),
    "hate": (
        "Davidson et al. 2017 tweets (`davidson_hate`, t-davidson/hate-speech-and-offensive-"
        "language) — licence MIT; news-body sentences from BASIL and FNC-1 train bodies as "
        "non-abusive examples (research use); half of HateXplain val (`hatexplain`, MIT / CC BY "
        "4.0) for training, the other half for evaluation"
    ),
}


def run_subjectivity(data: Path, log: Callable[[str], None]) -> tuple[C.TextClassifier, dict]:
    s = load_subjectivity(data)
    return run_dev_protocol(
        ModelConfig("subjectivity", "sentence is subjective/opinion (SUBJ)",
                    [WORD, WORD_CHAR], [0.3, 1.0, 3.0, 10.0], macro_f1, "macro_f1", True),
        s["train_en"], s["dev_en"], s["dev_test_en"], ("train_en", "dev_en", "dev_test_en"), log,
    )


def run_checkworthy(data: Path, log: Callable[[str], None]) -> tuple[C.TextClassifier, dict]:
    s = load_checkworthy(data)
    return run_dev_protocol(
        ModelConfig("checkworthy", "sentence contains a check-worthy factual claim (Yes)",
                    [WORD, WORD_CHAR], [1.0, 3.0, 10.0], pos_f1, "positive_f1", True),
        s["train"], s["dev"], s["dev-test"], ("train", "dev", "dev-test"), log,
    )


def run_dev_protocol(
    cfg: ModelConfig, train: Split, dev: Split, test: Split, names: tuple[str, str, str],
    log: Callable[[str], None],
) -> tuple[C.TextClassifier, dict]:
    texts = train.texts + dev.texts
    y = np.concatenate([train.labels, dev.labels])
    fit_rows = np.arange(len(texts))
    dev_rows = np.arange(len(train.texts), len(texts))
    clf, info = train_model(cfg, texts, y, fit_rows, dev_rows, log)
    clf = save_and_reload(clf, {"positive": cfg.positive})
    p = clf.predict_proba(test.texts)
    info["protocol"] = (
        f"(spec, C) selected on {names[1]} (fit on {names[0]}); final model fit on "
        f"{names[0]}+{names[1]}; Platt + threshold from 5-fold OOF on {names[0]}+{names[1]}; "
        f"evaluated once on {names[2]}"
    )
    info["eval"] = {
        names[2]: binary_report(test.labels, p, clf.threshold),
        names[2] + "@0.5": binary_report(test.labels, p, 0.5),
    }
    info["primary"] = {
        "metric": cfg.metric_name, "split": names[2],
        "value": info["eval"][names[2]][cfg.metric_name],
    }
    return clf, info


def run_clickbait(data: Path, log: Callable[[str], None]) -> tuple[C.TextClassifier, dict]:
    s = load_clickbait(data)["all"]
    specs = [C.FeatureSpec(word_bits=18, char_bits=18, char_ngrams=(2, 5), headline=True)]
    # Cues the data cannot estimate get a fixed prior (calibrated logit) instead of a fit:
    # the dataset has no media tags, and its clickbait headlines had '?' stripped (43 of 16k
    # clickbait vs 117 of 16k news headlines keep one), which would teach a wrong sign.
    cfg = ModelConfig("clickbait", "headline is clickbait-style (publisher label)",
                      specs, [10.0, 30.0], accuracy, "accuracy", False,
                      fixed_cues={"question_mark": 1.0, "media_tag": 1.5})
    rows = np.arange(len(s.texts))
    clf, info = train_model(cfg, s.texts, s.labels, rows, None, log)
    clf = save_and_reload(clf, {"positive": cfg.positive,
                                "headline_features": list(C.HEADLINE_FEATURE_NAMES)})
    hl = clf.coef[-len(C.HEADLINE_FEATURE_NAMES):]
    info["headline_feature_weights"] = {
        n: round(float(w) * clf.spec.headline_weight, 3)
        for n, w in zip(C.HEADLINE_FEATURE_NAMES, hl, strict=True)
    }
    info["protocol"] = (
        "(spec, C) selected by stratified 5-fold CV accuracy on all 32,000 headlines; final "
        "model fit on all; Platt from the same OOF decisions; threshold 0.5"
    )
    info["eval"] = {"5-fold CV (OOF)": info["oof"]}
    info["primary"] = {"metric": "accuracy", "split": "5-fold CV",
                       "value": info["oof"]["accuracy@0.5"]}
    return clf, info


# HateXplain weighting candidates for `hate`: (weight of a train50 post, weight of its rationale
# snippet relative to the post; 0 = snippets unused).
HATE_WEIGHTINGS = {"hx1": (1.0, 0.0), "hx5+rat": (5.0, 1.0), "hx10+rat": (10.0, 1.0),
                   "hx30+rat": (30.0, 1.0)}
HATE_C = [30.0]
DAVIDSON_OOF_FLOOR = 0.949
"""Selection constraint: out-of-fold Davidson weighted F1 (the held-out gate is 0.95; the
unweighted model's OOF value, 0.951, is 0.004 below its held-out 0.956)."""
NEWS_OOF_CEILING = 0.0015
"""Selection constraint: share of out-of-fold news sentences flagged (unweighted model: 0.001)."""


def run_hate(data: Path, log: Callable[[str], None]) -> tuple[C.TextClassifier, dict]:
    d = load_davidson(data)
    tr, te = d["train80"], d["test20"]
    news = load_news_sentences(data)
    hx_halves = hatexplain_halves(load_hatexplain_val(data))
    hx_tr = hx_halves["train50"]
    texts = tr.texts + news["train80"].texts + hx_tr.texts
    labels = np.concatenate([tr.labels, news["train80"].labels, hx_tr.labels])
    source = np.repeat([0, 1, 2], [len(tr.texts), len(news["train80"].texts), len(hx_tr.texts)])
    rows = np.arange(len(texts))
    # Rationale snippets (tokens most annotators marked as what makes a post abusive) are extra
    # abusive rows tied to their post, so a CV fold never trains on a held-out post's snippet.
    hx0 = len(texts) - len(hx_tr.texts)
    snip = [(hx0 + i, r) for i, r in enumerate(hx_tr.extra["rationale"]) if r]
    aux = Aux(np.arange(len(texts), len(texts) + len(snip)), np.array([i for i, _ in snip]))
    texts += [r for _, r in snip]
    labels = np.concatenate([labels, np.ones(len(snip), dtype=int)])
    src_all = np.concatenate([source, np.full(len(snip), 3)])
    weights = {name: np.select([src_all == 2, src_all == 3], [w, w * w_snip], 1.0)
               for name, (w, w_snip) in HATE_WEIGHTINGS.items()}

    def select(y_fit: np.ndarray, z: np.ndarray) -> dict[str, float]:
        """HateXplain train50 OOF macro-F1 at the threshold the final model would get (Platt +
        pooled macro-F1 threshold), subject to the Davidson and news constraints."""
        a, b = platt(z, y_fit)
        p = sigmoid(a * z + b)
        t = best_threshold(y_fit, p, macro_f1)
        hx, dav, nws = (source == k for k in (2, 0, 1))
        out = {"hx_macro_f1": macro_f1(y_fit[hx], p[hx], t),
               "hx_roc_auc": float(roc_auc_score(y_fit[hx], p[hx])),
               "davidson_weighted_f1": weighted_f1(y_fit[dav], p[dav], t),
               "news_flagged": float((p[nws] >= t).mean()), "threshold": t}
        ok = out["davidson_weighted_f1"] >= DAVIDSON_OOF_FLOOR and out["news_flagged"] <= NEWS_OOF_CEILING
        return {"score": out["hx_macro_f1"] if ok else out["hx_macro_f1"] - 1.0, **out}

    cfg = ModelConfig("hate", "text is abusive: hate speech OR offensive (Davidson classes 0/1)",
                      [WORD_CHAR], HATE_C, macro_f1, "macro_f1", True,
                      weights=weights, select=select)
    clf, info = train_model(cfg, texts, labels, rows, None, log,
                            strata=np.concatenate([source * 2 + labels[rows], [0] * len(snip)]),
                            aux=aux)
    info["hatexplain_weighting"] = {
        "candidates": {n: {"post": w, "rationale_snippet": w * ws}
                       for n, (w, ws) in HATE_WEIGHTINGS.items()},
        "chosen": info["selection"]["best"]["weight"],
        "rationale_snippets": len(snip),
        "selection_rule": (
            "max out-of-fold HateXplain train50 macro-F1 (Platt + pooled macro-F1 threshold) "
            f"subject to out-of-fold Davidson weighted F1 >= {DAVIDSON_OOF_FLOOR} and news "
            f"sentences flagged <= {NEWS_OOF_CEILING}; folds stratified on source x label"),
    }
    clf = save_and_reload(clf, {"positive": cfg.positive})
    p = clf.predict_proba(te.texts)
    p_news = clf.predict_proba(news["test20"].texts)
    info["news_sentences"] = {
        "train": len(news["train80"].texts), "held_out": len(news["test20"].texts),
        "held_out_flagged_share": round(float((p_news >= clf.threshold).mean()), 4),
    }
    hx = hx_halves["test50"]
    p_hx = clf.predict_proba(hx.texts)
    # 3-class reference (not shipped): multinomial LR on the same features and C.
    feats = Features(tr.texts + te.texts, clf.spec)
    n_tr = len(tr.texts)
    idf = feats.idf(np.arange(n_tr))
    lr3 = OneVsRestClassifier(LogisticRegression(
        C=info["C"], solver="liblinear", dual=True, class_weight="balanced", max_iter=3000,
        random_state=SEED))
    lr3.fit(feats.matrix(np.arange(n_tr), idf), tr.extra["class3"])
    pred3 = lr3.predict(feats.matrix(np.arange(n_tr, n_tr + len(te.texts)), idf))
    y3 = te.extra["class3"]
    info["protocol"] = (
        "Davidson split 80/20 stratified on the 3-way class (train_test_split, random_state=0), plus "
        "15,000 news-body sentences (BASIL, FNC-1 train bodies; 80 % added to training as "
        "non-abusive, 20 % held out to measure how often reporting is flagged), plus a stratified half of "
        "HateXplain val (the other half held out: `hatexplain_val` below is that half) with its "
        "posts up-weighted and its majority-marked rationale tokens added as extra abusive snippets; "
        "(weighting, C) selected by 5-fold CV (folds stratified on source x label) on the training "
        "parts, maximising OOF HateXplain macro-F1 subject to OOF Davidson weighted F1 and news "
        "flag-rate constraints; final fit on them; Platt + "
        "threshold from OOF; evaluated on the Davidson 20 % and the held-out half of HateXplain val "
        "(majority label; hatespeech/offensive -> abusive, normal -> not)"
    )
    info["eval"] = {
        "davidson_test20": binary_report(te.labels, p, clf.threshold),
        "davidson_test20@0.5": binary_report(te.labels, p, 0.5),
        "hatexplain_val": binary_report(hx.labels, p_hx, clf.threshold),  # held-out half
        "hatexplain_val@0.5": binary_report(hx.labels, p_hx, 0.5),
        "davidson_test20_3class_reference": {
            "weighted_f1": round(float(f1_score(y3, pred3, average="weighted")), 4),
            "macro_f1": round(float(f1_score(y3, pred3, average="macro")), 4),
            "per_class_f1": {
                n: round(float(v), 4) for n, v in zip(
                    ("hate", "offensive", "neither"), f1_score(y3, pred3, average=None),
                    strict=True)
            },
            "note": "separate one-vs-rest LR, same features/C; not shipped",
        },
    }
    info["primary"] = {"metric": "weighted_f1 (binary)", "split": "davidson_test20",
                       "value": info["eval"]["davidson_test20"]["weighted_f1"]}
    return clf, info


RUNNERS = {
    "subjectivity": run_subjectivity,
    "checkworthy": run_checkworthy,
    "clickbait": run_clickbait,
    "hate": run_hate,
}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", choices=sorted(RUNNERS), action="append")
    ap.add_argument("--data-dir", type=Path,
                    default=data_root())
    args = ap.parse_args(argv)
    names = args.only or list(RUNNERS)
    results: dict[str, Any] = {}
    if RESULTS_PATH.exists():  # keep other models' results when running --only
        results = json.loads(RESULTS_PATH.read_text()).get("models", {})
    for name in names:
        t0 = time.time()
        clf, info = RUNNERS[name](args.data_dir, lambda s: print(s, flush=True))
        info["train_seconds"] = round(time.time() - t0, 1)
        info["file_bytes"] = sum((MODELS_DIR / f"{name}.{ext}").stat().st_size
                                 for ext in ("json", "npz"))
        results[name] = info
        print(f"{name}: done in {info['train_seconds']} s, {info['file_bytes']} bytes", flush=True)
    results = {n: results[n] for n in RUNNERS if n in results}
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps({"models": results}, indent=1) + "\n")
    write_model_card(results, SOURCES, MODELS_DIR / "MODEL_CARD.md")
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fitting machinery shared by ``scripts/train_classifiers.py`` (and ``train_hyperpartisan.py``):
cached features, liblinear logistic regression, out-of-fold Platt calibration and threshold,
saving plain arrays and reloading them through the inference code."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from classifier_card import fmt_spec  # noqa: E402
from classifier_data import SEED  # noqa: E402

from parallax.models import classifiers as C  # noqa: E402
from parallax.models.vectors import sentence_vectors  # noqa: E402

MODELS_DIR = ROOT / "src" / "parallax" / "models" / "weights"
N_FOLDS = 5

Metric = Callable[[np.ndarray, np.ndarray, float], float]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


class Features:
    """Hashed counts (and sentence cues / vectors, when the spec has them) of a fixed text list
    for one FeatureSpec; IDF and cue standardisation fitted on chosen rows."""

    def __init__(self, texts: Sequence[str], spec: C.FeatureSpec) -> None:
        self.texts, self.spec = list(texts), spec
        self.counts = C.hashed_counts(self.texts, spec)
        self.cues = C.sentence_cues(C.truncate(self.texts, spec)) if spec.cues else None
        self.vectors = sentence_vectors(self.texts, spec.embedding) if spec.embedding else None

    def idf(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        out = {b: C.compute_idf(m[rows]) for b, m in self.counts.items()} if self.spec.use_idf else {}
        if self.cues is not None:
            scale = self.cues[rows].std(axis=0)
            out["cues_center"] = self.cues[rows].mean(axis=0)
            out["cues_scale"] = np.where(scale > 1e-6, scale, 1.0)  # a cue never seen: inert
        return out

    def matrix(self, rows: np.ndarray, idf: dict[str, np.ndarray]) -> sp.csr_matrix:
        counts = {b: m[rows] for b, m in self.counts.items()}
        return C.assemble(counts, [self.texts[i] for i in rows], self.spec, idf,
                          None if self.vectors is None else self.vectors[rows],
                          None if self.cues is None else self.cues[rows])


def fit_lr(
    x: sp.csr_matrix, y: np.ndarray, c: float, sample_weight: np.ndarray | None = None
) -> LogisticRegression:
    # Dual coordinate descent when n_features (2^18-2^19) >> n_samples, ~4x faster than primal;
    # primal for the dense-only heads (a few hundred columns).
    lr = LogisticRegression(
        C=c, solver="liblinear", dual=x.shape[1] > x.shape[0], class_weight="balanced", max_iter=3000,
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


def add_to_json(name: str, extra: dict[str, Any]) -> None:
    """Add keys (the ``evaluation`` block) to a saved model's JSON, after its evaluation."""
    path = MODELS_DIR / f"{name}.json"
    meta = json.loads(path.read_text())
    meta.update(extra)
    path.write_text(json.dumps(meta, indent=1) + "\n")


def fit_decide(
    feats: Features, y: np.ndarray, fit_rows: np.ndarray, eval_rows: Sequence[np.ndarray], c: float,
    weight: np.ndarray | None = None, extra_fit: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Fit on ``fit_rows`` (statistics from them; plus fit-only ``extra_fit`` rows) and return
    the decision values of each of ``eval_rows``: one selection-phase model."""
    idf = feats.idf(fit_rows)
    rows = fit_rows if extra_fit is None else np.concatenate([fit_rows, extra_fit])
    lr = fit_lr(feats.matrix(rows, idf), y[rows], c, None if weight is None else weight[rows])
    return [lr.decision_function(feats.matrix(r, idf)) for r in eval_rows]

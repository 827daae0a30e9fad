#!/usr/bin/env python
"""Train the ``hyperpartisan`` article classifier (SemEval-2019 Task 4, by-article) reproducibly.

Usage::

    python scripts/train_hyperpartisan.py [--data-dir /work/shared/data]

Data: ``hyperpartisan_semeval19/train_byarticle.jsonl`` (645 articles, 238 hyperpartisan); the
official test split is never read. Input text = ``title + "\\n" + body``
(:func:`parallax.models.classifiers.article_text`). Features: hashed word 1-2-grams + char_wb n-grams
(tf-idf, L2 per block) + standardised article style cues (:func:`parallax.models.classifiers.
style_features`); model: L2 logistic regression (liblinear, fixed random_state) with Platt
calibration folded into the weights; decision threshold = the calibrated probability at the
regression's own decision boundary (``sigmoid(b)``), i.e. accuracy-selected decision 0 (Platt's
intercept moves the 0.5 boundary and cost ~0.5-1 point of CV accuracy).

Protocol (all folds fixed by ``SEED``):

1. *Selection*: every candidate (feature spec, C) is scored by stratified 10-fold CV accuracy;
   the best one is shipped. Its score is optimistic (it is the maximum over the grid).
2. *Nested estimate*: the same outer 10 folds; inside each outer training set a separate
   stratified 5-fold CV picks (spec, C) and fits the Platt calibration; the refitted model is
   scored once on the outer test fold (decision 0, as shipped). This is the number to quote
   as held-out. Caveat: the grid and the decision rule were themselves chosen after comparing
   a few procedures on these same outer folds (see ``EXPLORATION``).
3. *Publisher-grouped check*: the shipped configuration under 10-fold CV grouped by URL domain
   (no publisher in both train and test), since random folds share publishers.

Writes ``src/parallax/models/weights/hyperpartisan.{json,npz}``, the ``hyperpartisan`` section of
``MODEL_CARD.md`` and ``bench/results/hyperpartisan.json``. :func:`gate_metrics` is a quick
check of the shipped model for CI.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from datapath import data_root  # noqa: E402

from parallax.models import classifiers as C  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
# The same model file format, sigmoid and hashed-count cache as the other classifiers.
from train_classifiers import Features as BaseFeatures  # noqa: E402
from train_classifiers import save_and_reload, sigmoid  # noqa: E402

MODELS_DIR = ROOT / "src" / "parallax" / "models" / "weights"
RESULTS_PATH = ROOT / "bench" / "results" / "hyperpartisan.json"
DATA_SUBDIR = "hyperpartisan_semeval19"
NAME = "hyperpartisan"
SEED = 0
OUTER_FOLDS = 10
INNER_FOLDS = 5
POSITIVE = "article is hyperpartisan (one-sided, extreme slant; SemEval-2019 by-article label)"
SOURCE = (
    "SemEval-2019 Task 4 Hyperpartisan News Detection, by-article training set "
    "(`hyperpartisan_semeval19/train_byarticle.jsonl`, 645 articles, official Webis release "
    "files vendored in akalamaras/COM3610-Hyperpartisan-News-Detection) — licence: research use "
    "(SemEval-2019 Task 4 / Zenodo), not verified"
)

_BASE = C.FeatureSpec(word_bits=18, word_ngrams=(1, 2), char_bits=18, char_ngrams=(3, 5), style=True,
                      max_chars=20000)
CANDIDATE_SPECS: list[C.FeatureSpec] = [dataclasses.replace(_BASE, style_weight=sw) for sw in (0.07, 0.1)]
CANDIDATE_CS: list[float] = [10.0, 30.0]
EXPLORATION = (
    "Before this protocol was fixed, ~60 single-configuration variants were scored by 10-fold CV "
    "on the same folds (char n-gram ranges 1-4..3-7 and analyzers, word 1-1/1-3, hash bits 20, "
    "block and style weights, C 3-100, class_weight=balanced, no IDF, case-preserving chars, "
    "first 1,500-8,000 characters only, word-only / char-only averaging, 16 extra style cues, "
    "VADER lexicon rates, a propaganda-paragraph transfer score, static MiniLM (model2vec) "
    "embeddings): none beat the shipped family by more than fold noise (all 0.79-0.826). "
    "4 whole procedures were scored by nested CV on these outer folds (old grid char 2-5/3-6 "
    "and the char 3-5 grid, each with Platt@0.5 and decision-0 rules: 0.817 / 0.819 / 0.812 / "
    "0.820); the shipped one is the best of those 4, so its nested estimate is mildly optimistic."
)


# --------------------------------------------------------------------------- data


@dataclasses.dataclass
class Articles:
    texts: list[str]
    labels: np.ndarray
    domains: list[str]


def load_hyperpartisan(data: Path) -> Articles:
    """The 645 by-article training articles as ``title + "\\n" + body`` with 0/1 labels."""
    path = data / DATA_SUBDIR / "train_byarticle.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return Articles(
        texts=[C.article_text(r["title"], r["text"]) for r in rows],
        labels=np.array([int(bool(r["hyperpartisan"])) for r in rows]),
        domains=[urlparse(r["url"]).netloc.lower().removeprefix("www.") for r in rows],
    )


# --------------------------------------------------------------------------- features / fitting


class Features(BaseFeatures):
    """Hashed counts plus raw style cues; statistics (IDF, style centring) fitted on chosen rows."""

    def __init__(self, texts: Sequence[str], spec: C.FeatureSpec) -> None:
        super().__init__(texts, spec)
        self.style = C.style_features(C.truncate(self.texts, spec)) if spec.style else None

    def matrix(self, rows: np.ndarray, idf: dict[str, np.ndarray]) -> sp.csr_matrix:
        """``C.assemble`` output for ``rows``, with the style cues taken from the cache."""
        counts = {b: m[rows] for b, m in self.counts.items()}
        x = C.assemble(counts, [], dataclasses.replace(self.spec, style=False), idf)
        if self.style is None:
            return x
        z = (self.style[rows] - idf["style_center"]) / idf["style_scale"] * self.spec.style_weight
        return sp.csr_matrix(sp.hstack([x, sp.csr_matrix(z)], format="csr"), dtype=np.float32)

    def with_spec(self, spec: C.FeatureSpec) -> Features:
        """Same counts under a spec that differs only in block / style weights."""
        other = object.__new__(Features)
        other.texts, other.spec, other.counts, other.style = self.texts, spec, self.counts, self.style
        return other

    def stats(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        out = self.idf(rows)
        if self.style is not None:
            out["style_center"] = self.style[rows].mean(axis=0)
            scale = self.style[rows].std(axis=0)
            out["style_scale"] = np.where(scale > 1e-6, scale, 1.0)
        return out


def fit_lr(x: sp.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    # No class weighting: the shipped decision (decision 0) targets accuracy, the task metric.
    lr = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=5000, random_state=SEED)
    return lr.fit(x, y)


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


def oof_decisions(
    feats: Features, y: np.ndarray, rows: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]],
    cs: Sequence[float],
) -> dict[float, np.ndarray]:
    """Out-of-fold decision values over ``rows`` (positions into ``rows``) for each C."""
    z = {c: np.zeros(len(rows)) for c in cs}
    for tr, te in folds:
        st = feats.stats(rows[tr])
        x_tr, x_te = feats.matrix(rows[tr], st), feats.matrix(rows[te], st)
        for c in cs:
            z[c][te] = fit_lr(x_tr, y[rows[tr]], c).decision_function(x_te)
    return z


def stratified(y: np.ndarray, n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    return list(StratifiedKFold(n, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def fold_scores(y: np.ndarray, pred: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
                ) -> dict[str, Any]:
    accs = [float(accuracy_score(y[te], pred[te])) for _, te in folds]
    f1s = [float(f1_score(y[te], pred[te], average="macro")) for _, te in folds]
    return {
        "accuracy_mean": round(float(np.mean(accs)), 4),
        "accuracy_std": round(float(np.std(accs)), 4),
        "accuracy_min": round(min(accs), 4),
        "accuracy_max": round(max(accs), 4),
        "macro_f1_mean": round(float(np.mean(f1s)), 4),
        "macro_f1_std": round(float(np.std(f1s)), 4),
        "per_fold_accuracy": [round(a, 4) for a in accs],
        "pooled_accuracy": round(float(accuracy_score(y, pred)), 4),
        "pooled_macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
    }


def _fmt(spec: C.FeatureSpec) -> str:
    return (f"word {spec.word_ngrams[0]}-{spec.word_ngrams[1]}g + char_wb "
            f"{spec.char_ngrams[0]}-{spec.char_ngrams[1]}g + style x{spec.style_weight}")


class Grid:
    """All candidate (spec, C) feature sets, sharing hashed counts between equal n-gram specs."""

    def __init__(self, texts: list[str], log: Callable[[str], None]) -> None:
        base: dict[tuple[int, int], Features] = {}
        self.feats: list[Features] = []
        for spec in CANDIDATE_SPECS:
            if spec.char_ngrams not in base:
                t0 = time.time()
                base[spec.char_ngrams] = Features(texts, spec)
                log(f"  hashed char {spec.char_ngrams}: {time.time() - t0:.1f} s")
            self.feats.append(base[spec.char_ngrams].with_spec(spec))

    def select(self, y: np.ndarray, rows: np.ndarray, folds: list[tuple[np.ndarray, np.ndarray]]
               ) -> tuple[list[dict[str, Any]], dict[tuple[int, float], np.ndarray]]:
        """CV accuracy (at decision 0) of every candidate over ``rows``; OOF decisions kept."""
        grid, oof = [], {}
        for si, feats in enumerate(self.feats):
            for c, z in oof_decisions(feats, y, rows, folds, CANDIDATE_CS).items():
                oof[(si, c)] = z
                grid.append({"spec": si, "C": c,
                             "accuracy": float(np.mean((z > 0) == y[rows]))})
        return grid, oof


def _best(grid: list[dict[str, Any]]) -> dict[str, Any]:
    # Ties: smaller C, then the earlier (simpler) spec.
    return max(grid, key=lambda g: (round(g["accuracy"], 6), -g["C"], -g["spec"]))


# --------------------------------------------------------------------------- protocol


def nested_cv(grid: Grid, y: np.ndarray, outer: list[tuple[np.ndarray, np.ndarray]],
              log: Callable[[str], None]) -> dict[str, Any]:
    """Outer 10-fold; (spec, C) + Platt chosen by an inner 5-fold CV on each outer train set."""
    p = np.zeros(len(y))
    pred = np.zeros(len(y), dtype=bool)
    chosen = []
    for k, (tr, te) in enumerate(outer):
        inner = stratified(y[tr], INNER_FOLDS, SEED + 1 + k)
        inner_grid, inner_oof = grid.select(y, tr, inner)
        best = _best(inner_grid)
        si, c = best["spec"], best["C"]
        a, b = platt(inner_oof[(si, c)], y[tr])
        assert a > 0, "Platt slope must be positive for P >= sigmoid(b) <=> decision >= 0"
        feats = grid.feats[si]
        st = feats.stats(tr)
        z = fit_lr(feats.matrix(tr, st), y[tr], c).decision_function(feats.matrix(te, st))
        p[te] = sigmoid(a * z + b)
        pred[te] = z >= 0  # the shipped rule: P >= sigmoid(b), i.e. decision 0
        chosen.append({"spec": si, "C": c, "inner_accuracy": round(best["accuracy"], 4)})
        log(f"  nested fold {k}: spec{si} C={c:g} inner={best['accuracy']:.4f} "
            f"outer={np.mean(pred[te] == y[te]):.4f}")
    out = fold_scores(y, pred, outer)
    out.update({
        "accuracy_platt_0.5": round(float(np.mean((p >= 0.5) == y)), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "chosen_per_fold": chosen,
    })
    return out


def grouped_cv(feats: Features, y: np.ndarray, domains: list[str], c: float) -> dict[str, Any]:
    """Shipped configuration, 10-fold CV with no URL domain in both train and test."""
    groups = np.array(domains)
    sgkf = StratifiedGroupKFold(OUTER_FOLDS, shuffle=True, random_state=SEED)
    folds = list(sgkf.split(np.zeros(len(y)), y, groups))
    rows = np.arange(len(y))
    z = oof_decisions(feats, y, rows, folds, [c])[c]
    out = fold_scores(y, z > 0, folds)
    out["roc_auc"] = round(float(roc_auc_score(y, z)), 4)
    out["n_domains"] = len(set(domains))
    return out


def speed(clf: C.TextClassifier, texts: list[str]) -> dict[str, float]:
    clf.predict_proba(texts[:5])  # warm caches
    t0 = time.perf_counter()
    clf.predict_proba(texts)
    batch = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts[:100]:
        clf.predict_proba([t])
    single = (time.perf_counter() - t0) / 100
    return {"batch_articles_per_s": round(len(texts) / batch, 1),
            "single_ms_per_article": round(single * 1000, 2),
            "n_articles": len(texts),
            "mean_chars": round(float(np.mean([len(t) for t in texts])), 0)}


# --------------------------------------------------------------------------- CI gate


def gate_metrics(data: Path, cv: bool = False) -> dict[str, float]:
    """Quick checks of the *shipped* model for a CI quality gate.

    - ``hyperpartisan_train_accuracy`` / ``hyperpartisan_train_roc_auc``: the packaged model
      (``load_classifier("hyperpartisan")``, at its threshold) on the 645 training articles
      (resubstitution, ~8-10 s; catches feature-code / weight drift, not generalisation).
    - with ``cv=True`` also ``hyperpartisan_cv10_accuracy``: stratified 10-fold CV accuracy
      (seed 0, decision 0) re-fitting the shipped spec and C (~25-40 s on 2 busy cores).
    """
    arts = load_hyperpartisan(data)
    clf = C.load_classifier(NAME)
    p = clf.predict_proba(arts.texts)
    out = {
        "hyperpartisan_train_accuracy": round(float(np.mean((p >= clf.threshold) == arts.labels)), 4),
        "hyperpartisan_train_roc_auc": round(float(roc_auc_score(arts.labels, p)), 4),
    }
    if not cv:
        return out
    feats = Features(arts.texts, clf.spec)
    rows = np.arange(len(arts.labels))
    z = oof_decisions(feats, arts.labels, rows, stratified(arts.labels, OUTER_FOLDS, SEED),
                      [float(clf.meta["C"])])[float(clf.meta["C"])]
    out["hyperpartisan_cv10_accuracy"] = round(float(np.mean((z > 0) == arts.labels)), 4)
    return out


# --------------------------------------------------------------------------- reporting


def write_model_card_section(r: dict[str, Any]) -> None:
    sel, nest, grp = r["selection"], r["nested_cv"], r["publisher_grouped_cv"]
    best = sel["best"]
    lines = [
        f"## `{NAME}` — P({POSITIVE})",
        "",
        "Generated by `scripts/train_hyperpartisan.py` (do not edit by hand; "
        "`scripts/train_classifiers.py` rewrites this file without this section — rerun "
        "`train_hyperpartisan.py` afterwards).",
        "",
        f"- Training data: {SOURCE}",
        "- Input: `title + \"\\n\" + body` (`parallax.models.classifiers.article_text`); first "
        f"{r['features']['max_chars']} characters used",
        f"- Fit set: {r['n_fit']} articles ({r['n_fit_positive']} hyperpartisan); "
        "the official 628-article test split was not used",
        f"- Features: {r['features_text']}",
        f"- Style cues ({len(C.STYLE_FEATURE_NAMES)}, standardised on the fit set): "
        + ", ".join(C.STYLE_FEATURE_NAMES),
        f"- Hyperparameters: C={r['C']}, no class weighting, solver=liblinear (dual); Platt "
        f"a={r['platt']['a']}, b={r['platt']['b']} (from the 10-fold OOF decisions); decision "
        f"threshold={r['threshold']} ({r['threshold_rule']})",
        f"- Protocol: {r['protocol']}",
        f"- How this protocol was chosen: {r['exploration']}",
        "- Selection grid (stratified 10-fold CV accuracy, seed 0): "
        + ", ".join(f"spec{g['spec']}/C={g['C']:g}: {g['accuracy']:.4f}" for g in sel["grid"]),
        "- Candidate specs: " + "; ".join(f"spec{i} = {d}" for i, d in enumerate(sel["specs"])),
        "",
        "| estimate | accuracy mean ± std (min–max over folds) | macro-F1 mean ± std | ROC-AUC |",
        "|---|---|---|---|",
        f"| selection CV (optimistic: best of {len(sel['grid'])} on these folds), "
        f"spec{best['spec']}/C={best['C']:g} | {sel['scores']['accuracy_mean']} ± "
        f"{sel['scores']['accuracy_std']} ({sel['scores']['accuracy_min']}–"
        f"{sel['scores']['accuracy_max']}) | {sel['scores']['macro_f1_mean']} ± "
        f"{sel['scores']['macro_f1_std']} | {sel['oof_roc_auc']} |",
        f"| **nested CV (10 outer × 5 inner folds; held-out estimate; best of 4 procedures, "
        f"see above)** | "
        f"**{nest['accuracy_mean']} ± {nest['accuracy_std']}** ({nest['accuracy_min']}–"
        f"{nest['accuracy_max']}) | {nest['macro_f1_mean']} ± {nest['macro_f1_std']} | "
        f"{nest['roc_auc']} |",
        f"| publisher-grouped 10-fold ({grp['n_domains']} URL domains), shipped config | "
        f"{grp['accuracy_mean']} ± {grp['accuracy_std']} ({grp['accuracy_min']}–"
        f"{grp['accuracy_max']}) | {grp['macro_f1_mean']} ± {grp['macro_f1_std']} | "
        f"{grp['roc_auc']} |",
        "",
        f"Per-fold nested accuracy: {nest['per_fold_accuracy']} (at Platt P >= 0.5 instead of "
        f"decision 0: {nest['accuracy_platt_0.5']}). Reference: best official "
        "test-set accuracy in SemEval-2019 Task 4 was 0.822 (different, publisher-disjoint "
        "data; not comparable to CV on the training set).",
        "",
        f"Inference: {r['speed']['batch_articles_per_s']} articles/s batched, "
        f"{r['speed']['single_ms_per_article']} ms per single article (mean "
        f"{r['speed']['mean_chars']:.0f} chars). Style-cue weights (logit per standard "
        f"deviation): {json.dumps(r['style_feature_weights'])}",
        "",
        "Caveats: 645 articles from a few hundred outlets; random folds share publishers, so "
        "part of what the n-grams learn is outlet style (compare the grouped row). Labels are "
        "about the article's slant, not its truth; do not use it to judge individual authors.",
        "",
    ]
    card = MODELS_DIR / "MODEL_CARD.md"
    text = card.read_text() if card.exists() else "# Parallax linear text classifiers — model card\n"
    start = text.find(f"## `{NAME}`")
    if start >= 0:
        end = text.find("\n## ", start + 1)
        text = text[:start] + (text[end + 1:] if end >= 0 else "")
    text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    card.write_text(text)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path,
                    default=data_root())
    args = ap.parse_args(argv)

    def log(s: str) -> None:
        print(s, flush=True)

    t_start = time.time()
    arts = load_hyperpartisan(args.data_dir)
    y = arts.labels
    rows = np.arange(len(y))
    grid = Grid(arts.texts, log)
    outer = stratified(y, OUTER_FOLDS, SEED)

    log("selection: stratified 10-fold CV")
    sel_grid, oof = grid.select(y, rows, outer)
    for g in sel_grid:
        log(f"  spec{g['spec']} ({_fmt(CANDIDATE_SPECS[g['spec']])}) C={g['C']:g}: "
            f"acc={g['accuracy']:.4f}")
    best = _best(sel_grid)
    si, c = best["spec"], best["C"]
    spec, feats = CANDIDATE_SPECS[si], grid.feats[si]
    z_oof = oof[(si, c)]
    sel_scores = fold_scores(y, z_oof > 0, outer)

    log("nested CV")
    nested = nested_cv(grid, y, outer, log)
    log("publisher-grouped CV")
    grouped = grouped_cv(feats, y, arts.domains, c)

    a, b = platt(z_oof, y)
    assert a > 0
    threshold = round(float(sigmoid(np.array(b))), 4)  # calibrated P at decision 0
    p_oof = sigmoid(a * z_oof + b)
    st = feats.stats(rows)
    lr = fit_lr(feats.matrix(rows, st), y, c)
    clf = C.TextClassifier(NAME, spec, lr.coef_[0] * a, float(lr.intercept_[0] * a + b), st,
                           threshold)
    reloaded = save_and_reload(clf, {"positive": POSITIVE, "C": c,
                                     "style_features": list(C.STYLE_FEATURE_NAMES),
                                     "input": "title + '\\n' + body (article_text)"})
    diff = float(np.max(np.abs(reloaded.predict_proba(arts.texts) - clf.predict_proba(arts.texts))))
    log(f"reload max |dp| = {diff:.2e}")
    n_style = len(C.STYLE_FEATURE_NAMES)
    style_w = reloaded.coef[-n_style:] * spec.style_weight
    results: dict[str, Any] = {
        "name": NAME,
        "positive": POSITIVE,
        "data": SOURCE,
        "n_fit": int(len(y)),
        "n_fit_positive": int(y.sum()),
        "features": spec.to_json(),
        "features_text": (
            f"word {spec.word_ngrams[0]}-{spec.word_ngrams[1]}-grams (2^{spec.word_bits} hashed) "
            f"+ char_wb {spec.char_ngrams[0]}-{spec.char_ngrams[1]}-grams (2^{spec.char_bits} "
            "hashed); log-scaled tf x IDF (stored); L2 norm per block; + "
            f"{n_style} standardised style cues (weight {spec.style_weight})"
        ),
        "C": c,
        "platt": {"a": round(a, 5), "b": round(b, 5)},
        "threshold": threshold,
        "threshold_rule": "calibrated probability at the regression's decision 0 (sigmoid(b)); "
                          "selection and nested CV score decision 0",
        "protocol": (
            f"stratified {OUTER_FOLDS}-fold CV (shuffle, random_state={SEED}) selects (spec, C) "
            f"by accuracy over {len(sel_grid)} candidates; final model fit on all 645; Platt from "
            "the selected candidate's OOF decisions, decision threshold at the calibrated "
            "probability of decision 0; nested estimate: same outer folds, "
            f"(spec, C) and Platt chosen by an inner stratified {INNER_FOLDS}-fold CV "
            f"(random_state={SEED}+1+fold) inside each outer training set, scored at decision 0"
        ),
        "exploration": EXPLORATION,
        "selection": {
            "metric": "accuracy (decision 0)",
            "specs": [_fmt(s) for s in CANDIDATE_SPECS],
            "grid": [{**g, "accuracy": round(g["accuracy"], 4)} for g in sel_grid],
            "best": {**best, "accuracy": round(best["accuracy"], 4)},
            "scores": sel_scores,
            "oof_roc_auc": round(float(roc_auc_score(y, z_oof)), 4),
            "oof_calibrated": {
                "accuracy@0.5": round(float(np.mean((p_oof >= 0.5) == y)), 4),
                "accuracy@threshold": round(float(np.mean((p_oof >= threshold) == y)), 4),
                "brier": round(float(brier_score_loss(y, p_oof)), 4),
            },
            "note": "optimistic: the reported candidate is the best of the grid on these folds",
        },
        "nested_cv": nested,
        "publisher_grouped_cv": grouped,
        "primary": {"metric": "accuracy", "split": "nested 10-fold CV (train_byarticle)",
                    "value": nested["accuracy_mean"]},
        "style_feature_weights": {
            n: round(float(w), 3) for n, w in zip(C.STYLE_FEATURE_NAMES, style_w, strict=True)
        },
        "speed": speed(reloaded, arts.texts),
        "reload_max_abs_diff": diff,
    }
    results["file_bytes"] = sum((MODELS_DIR / f"{NAME}.{ext}").stat().st_size
                                for ext in ("json", "npz"))
    results["train_seconds"] = round(time.time() - t_start, 1)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n")
    write_model_card_section(results)
    log(f"selection CV: acc {sel_scores['accuracy_mean']} ± {sel_scores['accuracy_std']}, "
        f"macro-F1 {sel_scores['macro_f1_mean']} (spec{si}, C={c:g})")
    log(f"nested CV:    acc {nested['accuracy_mean']} ± {nested['accuracy_std']}, "
        f"macro-F1 {nested['macro_f1_mean']}")
    log(f"grouped CV:   acc {grouped['accuracy_mean']} ± {grouped['accuracy_std']}, "
        f"macro-F1 {grouped['macro_f1_mean']}")
    log(f"speed: {results['speed']}; {results['file_bytes']} bytes; "
        f"{results['train_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the ``hyperpartisan`` article classifier (SemEval-2019 Task 4, by-article) reproducibly.

Usage::

    python scripts/train_hyperpartisan.py [--data-dir /work/shared/data]

Data: ``hyperpartisan_semeval19/train_byarticle.jsonl`` (645 articles, 238 hyperpartisan, 272
publishers by URL domain); the official test split is never read. Input text = ``title + "\\n" +
body`` (:func:`parallax.models.classifiers.article_text`). Features: hashed word 1-2-grams +
char_wb 3-5-grams (tf-idf, L2 per block) + standardised article style cues + (candidates) the
MiniLM vector of the title and lead (first ``LEAD_CHARS`` characters, one encoder pass per
article); model: L2 logistic regression (liblinear, fixed random_state) with Platt calibration
folded into the weights; decision threshold = the calibrated probability at the regression's own
decision boundary (``sigmoid(b)``).

Why publishers are kept apart: the official by-article test set comes from other publishers than
the training set. Random folds share publishers between training and test folds, so they reward
learning each outlet's house style: the previous model scored 0.820 in random nested CV and 0.779
on the official test. Here every choice is made, and the out-of-distribution figure measured,
with folds grouped by publisher (registrable URL domain, :func:`publisher`): a validation fold's
publishers never appear in its training folds.

Protocol (all folds fixed by ``SEED``):

1. *Selection*: every candidate (feature spec, C) is scored by publisher-grouped stratified
   10-fold CV accuracy (decision 0); the best one is shipped (optimistic: max over the grid).
   The same candidates under random folds are reported beside it, for comparison only.
2. *Nested estimates* of the whole procedure (spec, C and Platt chosen by an inner
   publisher-grouped 5-fold CV inside each outer training set, scored once on the outer fold at
   decision 0): outer folds grouped by publisher = **out-of-distribution**; outer folds random
   (publishers shared) = **in-distribution**.
3. *BASIL* (other outlets, other years, other labels): ROC-AUC of P(hyperpartisan) separating
   articles annotated as leaning (left / liberal / right / conservative relative stance) from
   centre ones; a proxy only (leaning is not "hyperpartisan"), never used to choose anything.
   The 20 BASIL triplets held out for claim scoring are left out.

Writes ``src/parallax/models/weights/hyperpartisan.{json,npz}`` (with the ``"evaluation"``
block read by ``parallax classify --about``), the ``hyperpartisan`` section of ``MODEL_CARD.md``
and ``bench/results/hyperpartisan.json``. :func:`gate_metrics` is a quick check of the shipped
model for CI.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, balanced_accuracy_score, brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from datapath import data_root  # noqa: E402

from parallax.models import classifiers as C  # noqa: E402
from parallax.models import vectors  # noqa: E402
from parallax.models.vectors import sentence_vectors  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from hyperpartisan_data import load_basil_leaning, load_hyperpartisan, publisher  # noqa: E402, F401

# The same model file format, sigmoid and hashed-count cache as the other classifiers.
from train_classifiers import Features as BaseFeatures  # noqa: E402
from train_classifiers import save_and_reload, sigmoid  # noqa: E402

MODELS_DIR = ROOT / "src" / "parallax" / "models" / "weights"
RESULTS_PATH = ROOT / "bench" / "results" / "hyperpartisan.json"
NAME = "hyperpartisan"
SEED = 0
OUTER_FOLDS = 10
INNER_FOLDS = 5
POSITIVE = "article is hyperpartisan (one-sided, extreme slant; SemEval-2019 by-article label)"
SOURCE = (
    "SemEval-2019 Task 4 Hyperpartisan News Detection, by-article training set "
    "(`hyperpartisan_semeval19/train_byarticle.jsonl`, 645 articles, official Webis release "
    "files vendored in akalamaras/COM3610-Hyperpartisan-News-Detection) — licence: research use "
    "(SemEval-2019 Task 4 / Zenodo), not verified; sentence encoder all-MiniLM-L6-v2 "
    "(Apache-2.0, see ENCODER_CARD.md)"
)
# 256 word pieces (the encoder's limit) are ~1,100-1,400 characters of news English: the title
# and the first two or three paragraphs. Cutting first keeps the vector memo small.
LEAD_CHARS = 1500

_BASE = C.FeatureSpec(word_bits=18, word_ngrams=(1, 2), char_bits=18, char_ngrams=(3, 5), style=True,
                      style_weight=0.07, max_chars=20000)
_LEAD = dataclasses.replace(_BASE, embedding="minilm", embedding_chars=LEAD_CHARS)
# The embedding block is unit length beside two unit-length n-gram blocks; its weight sets how
# much the meaning of the lead counts against outlet-specific wording (see EXPLORATION).
CANDIDATE_SPECS: list[C.FeatureSpec] = [
    _BASE,
    dataclasses.replace(_LEAD, embedding_weight=0.5),
    dataclasses.replace(_LEAD, embedding_weight=0.7),
]
CANDIDATE_CS: list[float] = [10.0, 30.0]
EXPLORATION = (
    "Before this protocol was fixed, variants were compared on these articles by stratified "
    "10-fold CV (seeds 0-2, then seed 0) and publisher-grouped 10-fold CV (seeds 0-2, mean), "
    "C 3-30: the previous shipped family (word 1-2 + char_wb 3-5 + style; ~60 variants of it had "
    "been tried before under random folds) 0.810-0.817 random / 0.790-0.792 grouped; + the "
    "static (model2vec-style) vector of the whole article 0.792-0.793 grouped; + the mean of its "
    "sentences' static vectors 0.789-0.796; + the MiniLM vector of title + lead at weight 0.3 / "
    "0.5 / 0.7 / 1.0: 0.803 / 0.815 / 0.809-0.811 / 0.802-0.805 grouped (0.828-0.833 random at "
    "0.5); MiniLM + static together 0.805-0.809; class_weight=balanced 0.790-0.803 (balanced "
    "accuracy no higher either). Then, with MiniLM x0.5: char n-grams at half weight 0.808-0.810, "
    "no char n-grams 0.800-0.803, style x0.15 0.800, MiniLM x0.4 0.807-0.808 grouped. The grid "
    "below is the best of these and its neighbours; the nested estimates cover the grid, not "
    "this exploration, which used the same articles (so they are mildly optimistic)."
)


# --------------------------------------------------------------------------- data


# --------------------------------------------------------------------------- features / fitting


class Features(BaseFeatures):
    """Hashed counts, raw style cues and lead vectors; statistics fitted on chosen rows."""

    def __init__(self, texts: Sequence[str], spec: C.FeatureSpec) -> None:
        super().__init__(texts, spec)
        self.style = C.style_features(C.truncate(self.texts, spec)) if spec.style else None
        self.emb: np.ndarray | None = None
        self._need_embedding()

    def _need_embedding(self) -> None:
        if self.spec.embedding and self.emb is None:
            self.emb = sentence_vectors(C.embedding_inputs(self.texts, self.spec), self.spec.embedding)

    def matrix(self, rows: np.ndarray, idf: dict[str, np.ndarray]) -> sp.csr_matrix:
        """``C.assemble`` output for ``rows``, with style cues and vectors taken from the cache."""
        counts = {b: m[rows] for b, m in self.counts.items()}
        parts = [C.assemble(counts, [], dataclasses.replace(self.spec, style=False, embedding=""), idf)]
        if self.style is not None:
            z = (self.style[rows] - idf["style_center"]) / idf["style_scale"] * self.spec.style_weight
            parts.append(sp.csr_matrix(z))
        if self.spec.embedding:
            assert self.emb is not None
            parts.append(sp.csr_matrix(self.emb[rows].astype(np.float64) * self.spec.embedding_weight))
        return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)

    def with_spec(self, spec: C.FeatureSpec) -> Features:
        """Same counts (and cached vectors) under a spec differing only in weights / embedding."""
        # A shallow copy keeps every cached block, including ones the base class adds later (a
        # field-by-field copy missed the sentence cues of classifier_fit.Features).
        other = copy.copy(self)
        other.spec = spec
        other._need_embedding()
        self.emb = other.emb  # computed once, shared by every candidate
        return other

    def stats(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        out = self.idf(rows)
        if self.style is not None:
            out["style_center"] = self.style[rows].mean(axis=0)
            scale = self.style[rows].std(axis=0)
            out["style_scale"] = np.where(scale > 1e-6, scale, 1.0)
        return out


def fit_lr(x: sp.csr_matrix, y: np.ndarray, c: float) -> LogisticRegression:
    # No class weighting: the shipped decision (decision 0) targets accuracy, the task metric
    # (balanced weighting did not raise balanced accuracy on held-out publishers either).
    lr = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=5000, random_state=SEED)
    return lr.fit(x, y)


def platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(lr.coef_[0, 0]), float(lr.intercept_[0])


Folds = list[tuple[np.ndarray, np.ndarray]]


def oof_decisions(feats: Features, y: np.ndarray, rows: np.ndarray, folds: Folds,
                  cs: Sequence[float]) -> dict[float, np.ndarray]:
    """Out-of-fold decision values over ``rows`` (positions into ``rows``) for each C."""
    z = {c: np.zeros(len(rows)) for c in cs}
    for tr, te in folds:
        st = feats.stats(rows[tr])
        x_tr, x_te = feats.matrix(rows[tr], st), feats.matrix(rows[te], st)
        for c in cs:
            z[c][te] = fit_lr(x_tr, y[rows[tr]], c).decision_function(x_te)
    return z


def stratified(y: np.ndarray, n: int, seed: int) -> Folds:
    return list(StratifiedKFold(n, shuffle=True, random_state=seed).split(np.zeros(len(y)), y))


def grouped(y: np.ndarray, groups: np.ndarray, n: int, seed: int) -> Folds:
    """Stratified folds with no group (publisher) on both sides of any split."""
    sgkf = StratifiedGroupKFold(n, shuffle=True, random_state=seed)
    return list(sgkf.split(np.zeros(len(y)), y, groups))


def fold_scores(y: np.ndarray, pred: np.ndarray, folds: Folds) -> dict[str, Any]:
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
        # The official test set is balanced (314 / 314): its accuracy is a balanced accuracy.
        "pooled_balanced_accuracy": round(float(balanced_accuracy_score(y, pred)), 4),
    }


def _fmt(spec: C.FeatureSpec) -> str:
    emb = f" + MiniLM(title+lead {spec.embedding_chars} chars) x{spec.embedding_weight}" if spec.embedding else ""
    return (f"word {spec.word_ngrams[0]}-{spec.word_ngrams[1]}g + char_wb "
            f"{spec.char_ngrams[0]}-{spec.char_ngrams[1]}g + style x{spec.style_weight}{emb}")


class Grid:
    """All candidate (spec, C) feature sets, sharing hashed counts, style cues and vectors."""

    def __init__(self, texts: list[str], log: Callable[[str], None]) -> None:
        t0 = time.time()
        first = Features(texts, dataclasses.replace(CANDIDATE_SPECS[0], embedding=""))
        log(f"  hashed n-grams + style: {time.time() - t0:.1f} s")
        assert all(dataclasses.replace(s, embedding="", embedding_weight=1.0, embedding_chars=0)
                   == dataclasses.replace(first.spec, embedding_weight=1.0, embedding_chars=0)
                   for s in CANDIDATE_SPECS), "candidates may differ only in their embedding block"
        t0 = time.time()
        self.feats = [first.with_spec(spec) for spec in CANDIDATE_SPECS]
        log(f"  lead vectors: {time.time() - t0:.1f} s")

    def select(self, y: np.ndarray, rows: np.ndarray, folds: Folds
               ) -> tuple[list[dict[str, Any]], dict[tuple[int, float], np.ndarray]]:
        """CV accuracy (at decision 0) of every candidate over ``rows``; OOF decisions kept."""
        grid, oof = [], {}
        for si, feats in enumerate(self.feats):
            for c, z in oof_decisions(feats, y, rows, folds, CANDIDATE_CS).items():
                oof[(si, c)] = z
                grid.append({"spec": si, "C": c, "accuracy": float(np.mean((z > 0) == y[rows]))})
        return grid, oof


def _best(grid: list[dict[str, Any]]) -> dict[str, Any]:
    # Ties: smaller C, then the earlier (simpler) spec.
    return max(grid, key=lambda g: (round(g["accuracy"], 6), -g["C"], -g["spec"]))


# --------------------------------------------------------------------------- protocol


def nested_cv(grid: Grid, y: np.ndarray, groups: np.ndarray, outer: Folds,
              log: Callable[[str], None]) -> dict[str, Any]:
    """The whole shipped procedure inside each outer training set: (spec, C) + Platt chosen by
    an inner publisher-grouped 5-fold CV, then scored once on the outer fold (decision 0)."""
    p = np.zeros(len(y))
    pred = np.zeros(len(y), dtype=bool)
    chosen = []
    for k, (tr, te) in enumerate(outer):
        inner = grouped(y[tr], groups[tr], INNER_FOLDS, SEED + 1 + k)
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
        log(f"  fold {k}: spec{si} C={c:g} inner={best['accuracy']:.4f} "
            f"outer={np.mean(pred[te] == y[te]):.4f}")
    out = fold_scores(y, pred, outer)
    out.update({
        "accuracy_platt_0.5": round(float(np.mean((p >= 0.5) == y)), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
        "chosen_per_fold": chosen,
    })
    return out


def speed(clf: C.TextClassifier, texts: list[str]) -> dict[str, float]:
    clf.predict_proba(texts[:5])  # warm caches (and load the encoder)
    t0 = time.perf_counter()
    clf.predict_proba(texts)
    batch = time.perf_counter() - t0
    singles = texts[-100:]
    vectors._MEMO.clear()  # so that each single article pays its encoder pass, as a new one would
    t0 = time.perf_counter()
    for t in singles:
        clf.predict_proba([t])
    single = (time.perf_counter() - t0) / len(singles)
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
      (seed 0, decision 0) re-fitting the shipped spec and C, and
      ``hyperpartisan_publisher_cv10_accuracy``: the same with folds grouped by publisher
      (~1-2 min on 2 busy cores).
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
    zg = oof_decisions(feats, arts.labels, rows, grouped(arts.labels, np.array(arts.domains), OUTER_FOLDS, SEED),
                       [float(clf.meta["C"])])[float(clf.meta["C"])]
    out["hyperpartisan_publisher_cv10_accuracy"] = round(float(np.mean((zg > 0) == arts.labels)), 4)
    return out


# --------------------------------------------------------------------------- reporting


def evaluation_block(r: dict[str, Any]) -> dict[str, Any]:
    """The model's ``"evaluation"`` block (format in :mod:`parallax.models.cards`)."""
    data = "SemEval-2019 Task 4 by-article training set (645 articles, 272 publishers)"
    ind, ood, basil = r["nested_cv"], r["nested_publisher_cv"], r["basil"]
    return {
        "protocol": ("features and C chosen by publisher-grouped stratified 10-fold CV accuracy on the "
                     "645 training articles (no publisher on both sides of a split); figures below are "
                     "nested: that choice and the Platt calibration redone inside each outer training "
                     "set. Official test set (other publishers, balanced) never read."),
        "in_distribution": [
            {"data": data, "split": "nested 10-fold CV, random folds (publishers shared across folds)",
             "metric": "accuracy", "value": ind["pooled_accuracy"], "n": r["n_fit"]},
        ],
        "out_of_distribution": [
            {"data": data, "split": "nested 10-fold CV, folds grouped by publisher (URL domain)",
             "metric": "accuracy", "value": ood["pooled_accuracy"], "n": r["n_fit"]},
            {"data": data, "split": "same publisher-grouped folds; balanced accuracy (the official test "
             "set is balanced, 314/314)", "metric": "balanced_accuracy",
             "value": ood["pooled_balanced_accuracy"], "n": r["n_fit"]},
            {"data": "BASIL (Fox / NYT / HuffPost, 2010-2019; 20 held-out triplets left out)",
             "split": "all; label = annotated leaning (left/liberal/right/conservative) vs centre, "
             "a proxy: leaning is not hyperpartisan", "metric": "roc_auc",
             "value": basil["roc_auc"], "n": basil["n"]},
        ],
    }


def write_model_card_section(r: dict[str, Any]) -> None:
    sel, ind, ood, basil = r["selection"], r["nested_cv"], r["nested_publisher_cv"], r["basil"]
    best = sel["best"]

    def row(name: str, d: dict[str, Any]) -> str:
        return (f"| {name} | {d['pooled_accuracy']} ({d['accuracy_mean']} ± {d['accuracy_std']} over folds, "
                f"{d['accuracy_min']}–{d['accuracy_max']}) | {d['pooled_balanced_accuracy']} | "
                f"{d['pooled_macro_f1']} | {d.get('roc_auc', '')} |")

    lines = [
        f"## `{NAME}` — P({POSITIVE})",
        "",
        "Generated by `scripts/train_hyperpartisan.py` (do not edit by hand; "
        "`scripts/train_classifiers.py` rewrites this file without this section — rerun "
        "`train_hyperpartisan.py` afterwards).",
        "",
        f"- Training data: {SOURCE}",
        "- Input: `title + \"\\n\" + body` (`parallax.models.classifiers.article_text`); first "
        f"{r['features']['max_chars']} characters for the n-grams and style cues, first "
        f"{LEAD_CHARS} (title + lead) for the MiniLM vector",
        f"- Fit set: {r['n_fit']} articles ({r['n_fit_positive']} hyperpartisan, {r['n_publishers']} "
        "publishers by registrable URL domain); the official 628-article test split was not used",
        f"- Features: {r['features_text']}",
        f"- Style cues ({len(C.STYLE_FEATURE_NAMES)}, standardised on the fit set): "
        + ", ".join(C.STYLE_FEATURE_NAMES),
        f"- Hyperparameters: C={r['C']}, no class weighting, solver=liblinear (dual); Platt "
        f"a={r['platt']['a']}, b={r['platt']['b']} (from the publisher-grouped OOF decisions); "
        f"decision threshold={r['threshold']} ({r['threshold_rule']})",
        f"- Protocol: {r['protocol']}",
        f"- How this protocol was chosen: {r['exploration']}",
        "- Selection grid (10-fold CV accuracy, seed 0; grouped by publisher = used / random = "
        "shown only): " + ", ".join(
            f"spec{g['spec']}/C={g['C']:g}: {g['accuracy']:.4f} / {h['accuracy']:.4f}"
            for g, h in zip(sel["grid"], sel["grid_random"], strict=True)),
        "- Candidate specs: " + "; ".join(f"spec{i} = {d}" for i, d in enumerate(sel["specs"])),
        "",
        "| estimate (645 articles) | accuracy pooled (mean ± std over folds, min–max) | balanced acc. "
        "| macro-F1 | ROC-AUC |",
        "|---|---|---|---|---|",
        row(f"selection CV, publisher-grouped (optimistic: best of {len(sel['grid'])}), "
            f"spec{best['spec']}/C={best['C']:g}", {**sel["scores"], "roc_auc": sel["oof_roc_auc"]}),
        row("**in-distribution**: nested CV, random outer folds", ind),
        row("**out-of-distribution**: nested CV, outer folds grouped by publisher", ood),
        "",
        f"BASIL (other outlets and years; {basil['n']} articles, {basil['n_leaning']} annotated as "
        f"leaning): ROC-AUC {basil['roc_auc']} for leaning vs centre (previous model: "
        f"{basil.get('previous_model_roc_auc', 'n/a')}); a proxy, never used for a choice. "
        "Reference: best official test-set accuracy in SemEval-2019 Task 4 was 0.822 (other "
        "publishers, balanced classes; the previous model of this project scored 0.779 there while "
        "its random-fold nested CV said 0.820). The official test set is scored by the maintainers, "
        "not here.",
        "",
        f"Inference: {r['speed']['batch_articles_per_s']} articles/s batched, "
        f"{r['speed']['single_ms_per_article']} ms per single article including its MiniLM pass "
        f"(mean {r['speed']['mean_chars']:.0f} chars). Style-cue weights (logit per standard "
        f"deviation): {json.dumps(r['style_feature_weights'])}",
        "",
        "Caveats: 645 articles; 34 publishers have both labels, most have one, so even grouped folds "
        "partly reward knowing which kind of outlet writes which way. Labels are about the "
        "article's slant, not its truth; do not use it to judge individual authors.",
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


def basil_check(clf: C.TextClassifier, data: Path) -> dict[str, Any]:
    """ROC-AUC of P(hyperpartisan) for BASIL leaning vs centre articles (see the module doc)."""
    texts, labels = load_basil_leaning(data)
    p = clf.predict_proba(texts)
    return {"n": len(labels), "n_leaning": int(labels.sum()),
            "roc_auc": round(float(roc_auc_score(labels, p)), 4),
            "mean_p_leaning": round(float(p[labels == 1].mean()), 4),
            "mean_p_centre": round(float(p[labels == 0].mean()), 4)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=data_root())
    args = ap.parse_args(argv)

    def log(s: str) -> None:
        print(s, flush=True)

    t_start = time.time()
    arts = load_hyperpartisan(args.data_dir)
    y, groups = arts.labels, np.array(arts.domains)
    rows = np.arange(len(y))
    previous = C.load_classifier(NAME)
    basil_previous = basil_check(previous, args.data_dir)["roc_auc"]
    grid = Grid(arts.texts, log)
    folds_grp = grouped(y, groups, OUTER_FOLDS, SEED)
    folds_rnd = stratified(y, OUTER_FOLDS, SEED)

    log("selection: publisher-grouped 10-fold CV (random folds alongside, for comparison)")
    sel_grid, oof = grid.select(y, rows, folds_grp)
    rnd_grid, _ = grid.select(y, rows, folds_rnd)
    for g, h in zip(sel_grid, rnd_grid, strict=True):
        log(f"  spec{g['spec']} ({_fmt(CANDIDATE_SPECS[g['spec']])}) C={g['C']:g}: "
            f"grouped {g['accuracy']:.4f}  random {h['accuracy']:.4f}")
    best = _best(sel_grid)
    si, c = best["spec"], best["C"]
    spec, feats = CANDIDATE_SPECS[si], grid.feats[si]
    z_oof = oof[(si, c)]
    sel_scores = fold_scores(y, z_oof > 0, folds_grp)

    log("nested CV, random outer folds (in-distribution)")
    nested_rnd = nested_cv(grid, y, groups, folds_rnd, log)
    log("nested CV, publisher-grouped outer folds (out-of-distribution)")
    nested_grp = nested_cv(grid, y, groups, folds_grp, log)

    a, b = platt(z_oof, y)
    assert a > 0
    threshold = round(float(sigmoid(np.array(b))), 4)  # calibrated P at decision 0
    p_oof = sigmoid(a * z_oof + b)
    st = feats.stats(rows)
    lr = fit_lr(feats.matrix(rows, st), y, c)
    clf = C.TextClassifier(NAME, spec, lr.coef_[0] * a, float(lr.intercept_[0] * a + b), st, threshold)
    n_style = len(C.STYLE_FEATURE_NAMES)
    n_emb = clf.coef.shape[0] - sum(spec.block_size(bl) for bl in spec.blocks()) - n_style
    style_w = clf.coef[len(clf.coef) - n_emb - n_style:len(clf.coef) - n_emb] * spec.style_weight
    results: dict[str, Any] = {
        "name": NAME,
        "positive": POSITIVE,
        "data": SOURCE,
        "n_fit": int(len(y)),
        "n_fit_positive": int(y.sum()),
        "n_publishers": len(set(arts.domains)),
        "features": spec.to_json(),
        "features_text": (
            f"word {spec.word_ngrams[0]}-{spec.word_ngrams[1]}-grams (2^{spec.word_bits} hashed) "
            f"+ char_wb {spec.char_ngrams[0]}-{spec.char_ngrams[1]}-grams (2^{spec.char_bits} "
            "hashed); log-scaled tf x IDF (stored); L2 norm per block; + "
            f"{n_style} standardised style cues (weight {spec.style_weight})"
            + (f"; + MiniLM vector of the first {spec.embedding_chars} characters (title + lead), "
               f"weight {spec.embedding_weight}" if spec.embedding else "")
        ),
        "C": c,
        "platt": {"a": round(a, 5), "b": round(b, 5)},
        "threshold": threshold,
        "threshold_rule": "calibrated probability at the regression's decision 0 (sigmoid(b)); "
                          "selection and nested CV score decision 0",
        "protocol": (
            f"publisher-grouped stratified {OUTER_FOLDS}-fold CV (StratifiedGroupKFold by registrable "
            f"URL domain, shuffle, random_state={SEED}) selects (spec, C) by accuracy over "
            f"{len(sel_grid)} candidates; final model fit on all 645; Platt from the selected "
            "candidate's grouped OOF decisions, decision threshold at the calibrated probability of "
            "decision 0; nested estimates: (spec, C) and Platt chosen by an inner publisher-grouped "
            f"{INNER_FOLDS}-fold CV (random_state={SEED}+1+fold) inside each outer training set, "
            "outer folds random (in-distribution) or publisher-grouped (out-of-distribution), "
            "scored at decision 0"
        ),
        "exploration": EXPLORATION,
        "selection": {
            "metric": "accuracy (decision 0), publisher-grouped 10-fold CV",
            "specs": [_fmt(sp_) for sp_ in CANDIDATE_SPECS],
            "grid": [{**g, "accuracy": round(g["accuracy"], 4)} for g in sel_grid],
            "grid_random": [{**g, "accuracy": round(g["accuracy"], 4)} for g in rnd_grid],
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
        # ``nested_cv`` (random outer folds) keeps its key: bench/signals.py reads it.
        "nested_cv": nested_rnd,
        "nested_publisher_cv": nested_grp,
        "primary": {"metric": "accuracy", "split": "nested 10-fold CV grouped by publisher (train_byarticle)",
                    "value": nested_grp["pooled_accuracy"]},
        "style_feature_weights": {
            n: round(float(w), 3) for n, w in zip(C.STYLE_FEATURE_NAMES, style_w, strict=True)
        },
    }
    reloaded = save_and_reload(clf, {"positive": POSITIVE, "C": c, "data": SOURCE,
                                     "style_features": list(C.STYLE_FEATURE_NAMES),
                                     "input": "title + '\\n' + body (article_text)"})
    diff = float(np.max(np.abs(reloaded.predict_proba(arts.texts) - clf.predict_proba(arts.texts))))
    log(f"reload max |dp| = {diff:.2e}")
    results["basil"] = {**basil_check(reloaded, args.data_dir), "previous_model_roc_auc": basil_previous}
    results["evaluation"] = evaluation_block(results)
    # Written again with the evaluation block (it needs the reloaded model's BASIL score).
    reloaded = save_and_reload(clf, {"positive": POSITIVE, "C": c, "data": SOURCE,
                                     "style_features": list(C.STYLE_FEATURE_NAMES),
                                     "input": "title + '\\n' + body (article_text)",
                                     "evaluation": results["evaluation"]})
    results["speed"] = speed(reloaded, arts.texts)
    results["reload_max_abs_diff"] = diff
    results["file_bytes"] = sum((MODELS_DIR / f"{NAME}.{ext}").stat().st_size for ext in ("json", "npz"))
    results["train_seconds"] = round(time.time() - t_start, 1)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps(results, indent=1) + "\n")
    write_model_card_section(results)
    for name, d in (("selection CV (grouped)", sel_scores), ("nested, random folds", nested_rnd),
                    ("nested, by publisher", nested_grp)):
        log(f"{name:24s} acc {d['pooled_accuracy']} (mean {d['accuracy_mean']} ± {d['accuracy_std']}), "
            f"balanced {d['pooled_balanced_accuracy']}, macro-F1 {d['pooled_macro_f1']}")
    log(f"chosen: spec{si} C={c:g}; BASIL ROC-AUC {results['basil']['roc_auc']} (previous {basil_previous})")
    log(f"speed: {results['speed']}; {results['file_bytes']} bytes; {results['train_seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Train the token tagger that filters the PTC lexicon's technique spans (SemEval-2020 Task 11).

Reproducible and deterministic (numpy + scipy L-BFGS from zero, fixed orders, no randomness).
Uses the lexicon code of ``scripts/train_loaded_lexicon.py`` (imported, unchanged); run that
script first (the shipped lexicon must match the one rebuilt here).

Method
------
* Tokens and gold: the tokens of ``train_loaded_lexicon.py`` (``[A-Za-z0-9]+`` joined by
  internal ``'``/``-``, lowercased).  A token is *inside* when all its characters are covered by
  a merged SI gold span.
* Features (``parallax.signals.loaded_tagger.featurize``, shared with inference): word at offsets -2..2,
  bigrams (i-1,i) and (i,i+1), word shapes, character class touching the token, the lexicon
  match covering the token (technique, weight bin, neighbours), in-quotation flag, sentence
  features (``!``/``?``, first/second person, all-caps word, length bin, title line, position in
  article) and token position in sentence.  Vocabularies (words and bigrams seen at least twice)
  come from the training articles of each fit only.
* Lexicon features without leakage: the lexicon (``train_loaded_lexicon`` with its CV-chosen
  setting ``min_weight=0.3, min_articles=2, mode=expand``) is rebuilt inside every fit.  The
  tagger's own training articles get *cross-fitted* lexicon matches (5 inner folds: lexicon
  learnt on the other four fifths); the articles it is scored on get the lexicon learnt on all
  its training articles, as at inference, where the shipped lexicon never saw the article.
* Model: L2 logistic regression on token inside/outside (L-BFGS).  Spans: the lexicon's spans
  (unchanged offsets, labels and weights), kept iff the maximum token log-odds inside the span
  exceeds ``tau_long`` (spans of long-span techniques, grown to the sentence) or ``tau_short``.
* Selection: ``l2``, ``tau_short``, ``tau_long`` by 5-fold CV by article (fold k = sorted train
  ids[k::5], as for the lexicon) inside the nine tenths only, on the official PTC SI
  partial-overlap F1 (scorer of ``train_loaded_lexicon.py``).  The chosen setting is refit on
  the nine tenths and scored once on the held-out tenth (the lexicon's 37 articles), then refit
  on all 371 articles for the shipped model.

Tried in development (same CV, not kept): decoding the tagger's own inside runs with a
two-state Viterbi (CV F1 0.355 < lexicon 0.361), adding those runs to the lexicon spans (no
gain), a sentence-level classifier for whole-sentence spans (no gain), mean instead of max
token score (0.377 < 0.381).

SemEval-2023 T3 is not used (paragraph labels, and 351 of its 433 articles are PTC articles).

Usage: ``python scripts/train_loaded_spans.py [--data DIR]``  (~25 min on 2 shared cores)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

import train_loaded_lexicon as L  # noqa: E402

from parallax.signals import loaded_tagger as T  # noqa: E402

MODEL_JSON = ROOT / "src" / "parallax" / "models" / "weights" / "loaded_spans.json"
MODEL_NPZ = ROOT / "src" / "parallax" / "models" / "weights" / "loaded_spans.npz"
LEXICON_JSON = ROOT / "src" / "parallax" / "models" / "weights" / "loaded_language.json"
BENCH_OUT = ROOT / "bench" / "results" / "loaded_language.json"

LEX_MIN_WEIGHT, LEX_MIN_ARTICLES = 0.3, 2  # the lexicon's CV-chosen setting (its bench JSON)
MIN_COUNT = 2
INNER_FOLDS = 5
MAX_ITER = 300
GRID_L2 = [1.0, 3.0]
GRID_TAU = [-1.75, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25]


# --------------------------------------------------------------------------- data
class Art:
    """One article: text, tokens, sentences, gold token labels."""

    def __init__(self, aid: str, text: str, si: list[L.Span]):
        self.aid, self.text = aid, text
        toks = L.tokenize(text)
        self.offs = [(s, e) for s, e, _ in toks]
        self.words = [w for _, _, w in toks]
        self.sents = T.sentences(text)
        self.prep = L.prepare(text)  # the lexicon matcher's input
        cov = np.zeros(len(text) + 1, dtype=bool)
        for s, e in si:
            cov[s:e] = True
        self.y = np.array([cov[s:e].all() for s, e in self.offs], dtype=np.int8)


def vocabularies(arts: list[Art]) -> tuple[dict[str, int], np.ndarray]:
    cnt: dict[str, int] = defaultdict(int)
    for a in arts:
        for w in a.words:
            cnt[w] += 1
    words = sorted((w for w, c in cnt.items() if c >= MIN_COUNT), key=lambda w: (-cnt[w], w))
    vocab = {w: i + 2 for i, w in enumerate(words)}
    nv = len(vocab) + 2
    bc: dict[int, int] = defaultdict(int)
    for a in arts:
        ids = [vocab.get(w, 0) for w in a.words]
        for x, y in zip(ids[:-1], ids[1:], strict=True):
            if x and y:
                bc[x * nv + y] += 1
    keys = np.array(sorted(k for k, c in bc.items() if c >= MIN_COUNT), dtype=np.int64)
    return vocab, keys


class LexiconFactory:
    """Builds fold lexicons from per-article n-gram statistics (train_loaded_lexicon)."""

    def __init__(self, arts: dict[str, Art], tc: dict[str, list[tuple[str, int, int]]]):
        self.tc = tc
        self.stats = {aid: L.article_stats(a.text, tc.get(aid, []))[0] for aid, a in arts.items()}

    def build(self, ids: list[str]) -> tuple[dict, frozenset[str]]:
        agg, base = L.aggregate(self.stats, ids)
        return L.build_lexicon(agg, base, LEX_MIN_WEIGHT, LEX_MIN_ARTICLES), L.long_span_techniques(self.tc, ids)


def lexicon_spans(fac: LexiconFactory, arts: dict[str, Art], fit: list[str], apply: list[str]) -> dict[str, list]:
    """Lexicon matches for ``apply`` (lexicon from all of ``fit``) and cross-fitted ones for
    ``fit`` (each inner fold matched by the lexicon of the other inner folds)."""
    out: dict[str, list] = {}
    lex, exp = fac.build(fit)
    for aid in apply:
        out[aid] = L.match(arts[aid].prep, lex, False, exp)
    for k in range(INNER_FOLDS):
        part = fit[k::INNER_FOLDS]
        rest = sorted(set(fit) - set(part))
        lex, exp = fac.build(rest)
        for aid in part:
            out[aid] = L.match(arts[aid].prep, lex, False, exp)
    return out


def design(arts: list[Art], lex: dict[str, list], vocab: dict[str, int], keys: np.ndarray) -> list[np.ndarray]:
    return [T.featurize(a.text, a.offs, a.words, lex[a.aid], a.sents, vocab, keys) for a in arts]


def to_csr(xs: list[np.ndarray], n_feat: int) -> sp.csr_matrix:
    x = np.concatenate(xs)
    n, k = x.shape
    return sp.csr_matrix((np.ones(n * k, dtype=np.float64), x.ravel(), np.arange(0, n * k + 1, k)), shape=(n, n_feat))


def fit_tagger(xs: list[np.ndarray], ys: list[np.ndarray], n_feat: int, l2: float) -> np.ndarray:
    """L2 logistic regression (sum of log-losses + l2/2 |w|^2), L-BFGS from zero."""
    x = to_csr(xs, n_feat)
    xt = x.T.tocsr()
    sign = 2.0 * np.concatenate(ys).astype(np.float64) - 1.0

    def f(w: np.ndarray) -> tuple[float, np.ndarray]:
        m = sign * (x @ w)
        g = -sign * np.exp(-np.logaddexp(0.0, m))
        return float(np.logaddexp(0.0, -m).sum() + 0.5 * l2 * w.dot(w)), xt @ g + l2 * w

    res = minimize(f, np.zeros(n_feat), jac=True, method="L-BFGS-B", options={"maxiter": MAX_ITER, "gtol": 1e-6})
    return np.asarray(res.x, dtype=np.float64)


# --------------------------------------------------------------------------- evaluation
def filtered(a: Art, z: np.ndarray, lex: list, tau_s: float, tau_l: float, long_techs: frozenset[str]) -> list:
    keep = T.span_filter(z, a.offs, lex, tau_s, tau_l, long_techs)
    return [sp_ for sp_, k in zip(lex, keep, strict=True) if k]


def si_acc(arts: list[Art], preds: list[list], si: dict[str, list[L.Span]]) -> list[float]:
    acc = [0.0, 0.0, 0, 0]
    for a, pred in zip(arts, preds, strict=True):
        c = L.si_counts([(s, e) for s, e, *_ in pred], si.get(a.aid, []))
        acc = [x + y for x, y in zip(acc, c, strict=True)]
    return acc


def per_technique(arts: list[Art], preds: list[list], tc: dict[str, list[tuple[str, int, int]]]) -> dict:
    tacc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    for a, pred in zip(arts, preds, strict=True):
        gold = tc.get(a.aid, [])
        for t in {t for t, _, _ in gold} | {p[2] for p in pred}:
            c = L.si_counts([(s, e) for s, e, tt, _ in pred if tt == t], [(s, e) for tt, s, e in gold if tt == t])
            tacc[t] = [x + y for x, y in zip(tacc[t], c, strict=True)]
    return {t: L.prf(v) for t, v in sorted(tacc.items())}


def train(
    arts: dict[str, Art], fac: LexiconFactory, fit: list[str], apply: list[str], l2s: list[float]
) -> tuple[dict[str, list], dict[float, np.ndarray], dict[str, int], np.ndarray, list[np.ndarray]]:
    """Fit the tagger on ``fit`` for every l2; returns lexicon matches (cross-fitted on ``fit``),
    weights per l2, vocabularies and the feature matrices of ``apply``."""
    lex = lexicon_spans(fac, arts, fit, apply)
    vocab, keys = vocabularies([arts[a] for a in fit])
    n_feat = sum(T.template_sizes(len(vocab) + 2, len(keys) + 1))
    xf = design([arts[a] for a in fit], lex, vocab, keys)
    ws = {l2: fit_tagger(xf, [arts[a].y for a in fit], n_feat, l2) for l2 in l2s}
    return lex, ws, vocab, keys, design([arts[a] for a in apply], lex, vocab, keys)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=L.DEFAULT_DATA)
    args = ap.parse_args()
    t0 = time.time()
    texts, tc, si = L.load(args.data)
    ids = sorted(texts)
    arts = {aid: Art(aid, texts[aid], si.get(aid, [])) for aid in ids}
    fac = LexiconFactory(arts, tc)
    train_ids, held_ids = L.split_ids(ids)
    print(f"{len(ids)} articles ({len(train_ids)} train / {len(held_ids)} held out), {time.time() - t0:.1f}s")

    # --- selection by 5-fold CV inside the nine tenths
    folds = [train_ids[i::L.CV_FOLDS] for i in range(L.CV_FOLDS)]
    grid: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    lex_cv = [0.0, 0.0, 0, 0]
    for k, fold in enumerate(folds):
        fit = sorted(set(train_ids) - set(fold))
        long_techs = L.long_span_techniques(tc, fit)
        lex, ws, _, _, xe = train(arts, fac, fit, fold, GRID_L2)
        ev = [arts[a] for a in fold]
        lex_cv = [x + y for x, y in zip(lex_cv, si_acc(ev, [lex[a] for a in fold], si), strict=True)]
        for l2, w in ws.items():
            zs = [w[x].sum(axis=1) for x in xe]
            for ts in GRID_TAU:
                for tl in GRID_TAU:
                    preds = [filtered(a, z, lex[a.aid], ts, tl, long_techs) for a, z in zip(ev, zs, strict=True)]
                    acc = grid[(l2, ts, tl)]
                    for j, v in enumerate(si_acc(ev, preds, si)):
                        acc[j] += v
        print(f"  cv fold {k + 1}/{L.CV_FOLDS} ({time.time() - t0:.1f}s)", flush=True)
    cv = {key: L.prf(v) for key, v in grid.items()}
    best = max(cv, key=lambda key: (cv[key]["F1"], key[0], -key[1], -key[2]))
    l2, tau_s, tau_l = best
    print("\nCV (nine tenths, 5 folds) top settings (l2, tau_short, tau_long):")
    for key in sorted(cv, key=lambda k: -cv[k]["F1"])[:10]:
        m = cv[key]
        print(f"  {key!s:<24} P={m['P']:.4f} R={m['R']:.4f} F1={m['F1']:.4f} n={m['n_pred']}")
    print(f"lexicon alone, same folds: {L.prf(lex_cv)}")

    # --- held-out tenth, once
    long_techs = L.long_span_techniques(tc, train_ids)
    lex, ws, _, _, xe = train(arts, fac, train_ids, held_ids, [l2])
    ev = [arts[a] for a in held_ids]
    zs = [ws[l2][x].sum(axis=1) for x in xe]
    preds = [filtered(a, z, lex[a.aid], tau_s, tau_l, long_techs) for a, z in zip(ev, zs, strict=True)]
    lex_preds = [lex[a] for a in held_ids]
    held = {"SI": L.prf(si_acc(ev, preds, si)), "per_technique": per_technique(ev, preds, tc)}
    held_lex = {"SI": L.prf(si_acc(ev, lex_preds, si)), "per_technique": per_technique(ev, lex_preds, tc)}
    print(f"\nheld-out 1/10: tagger-filtered lexicon {held['SI']}\n               lexicon alone {held_lex['SI']}")
    print(f"({time.time() - t0:.1f}s)")

    # --- final model on all 371 articles
    final_long = L.long_span_techniques(tc, ids)
    lex, ws, vocab, keys, xa = train(arts, fac, ids, [], [l2])
    w = ws[l2].astype(np.float32)
    shipped = json.loads(LEXICON_JSON.read_text(encoding="utf-8"))
    full_lex, _ = fac.build(ids)
    assert len(full_lex) == len(shipped["entries"]), "retrain the lexicon first (train_loaded_lexicon.py)"
    # density reference: median weighted density of kept spans over the training articles, with
    # the shipped lexicon's own matches (what inference sees)
    lex_all = {a: L.match(arts[a].prep, full_lex, False, final_long) for a in ids}
    xs = design([arts[a] for a in ids], lex_all, vocab, keys)
    dens = []
    for a, x in zip(ids, xs, strict=True):
        kept = filtered(arts[a], w.astype(np.float64)[x].sum(axis=1), lex_all[a], tau_s, tau_l, final_long)
        dens.append(100.0 * sum(sp_[3] for sp_ in kept) / (len(arts[a].words) + L.LENGTH_PRIOR_TOKENS))
    dref = sorted(dens)[len(dens) // 2]
    MODEL_NPZ.parent.mkdir(parents=True, exist_ok=True)
    with open(MODEL_NPZ, "wb") as fh:
        np.savez_compressed(fh, weights=w, bigram_keys=keys)
    meta = {
        "name": "parallax-loaded-spans",
        "version": 1,
        "description": "Token logistic regression filtering the PTC lexicon's technique spans.",
        "source": "PTC SemEval-2020 Task 11 train (371 articles); research-use licence",
        "vocab": sorted(vocab, key=lambda t: vocab[t]),
        "templates": [name for name, _ in T._TEMPLATES],
        "l2": l2,
        "tau_short": tau_s,
        "tau_long": tau_l,
        "long_span_techniques": sorted(final_long),
        "density_ref_per_100_tokens": round(dref, 4),
    }
    MODEL_JSON.write_text(json.dumps(meta, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    bench: dict[str, Any] = json.loads(BENCH_OUT.read_text(encoding="utf-8")) if BENCH_OUT.exists() else {}
    lexicon_block = {k: bench[k] for k in ("script", "grid", "chosen", "cv_ninetenths", "train_ninetenths_in_sample",
                                          "lexicon_size_ninetenths", "final_lexicon_size",
                                          "final_lexicon_by_technique", "long_span_techniques") if k in bench}
    lexicon_block["heldout"] = held_lex
    bench.update({
        "task": "span-level persuasion technique / loaded language detection (PTC SI metric)",
        "script": "scripts/train_loaded_spans.py",
        "model": "PTC n-gram lexicon spans filtered by a token logistic-regression tagger",
        "data": str(args.data),
        "grid": {"l2": GRID_L2, "tau_short": GRID_TAU, "tau_long": GRID_TAU},
        "chosen": {"l2": l2, "tau_short": tau_s, "tau_long": tau_l},
        "cv_ninetenths": cv[best],
        "cv_ninetenths_lexicon_alone": L.prf(lex_cv),
        "heldout": held,
        "lexicon": lexicon_block,
        "final_vocab_size": len(vocab),
        "final_bigrams": len(keys),
        "density_ref_per_100_tokens": round(dref, 4),
        "artifact_bytes": MODEL_JSON.stat().st_size + MODEL_NPZ.stat().st_size,
    })
    for k in ("train_ninetenths_in_sample", "lexicon_size_ninetenths", "final_lexicon_size",
              "final_lexicon_by_technique"):
        bench.pop(k, None)
    BENCH_OUT.write_text(json.dumps(bench, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_JSON.name} + {MODEL_NPZ.name} ({bench['artifact_bytes']} B), vocab {len(vocab)}, "
          f"bigrams {len(keys)}, density_ref {dref:.3f}, {time.time() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

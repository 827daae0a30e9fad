#!/usr/bin/env python3
"""Learn a span-level persuasion-technique / loaded-language lexicon from PTC (SemEval-2020 T11).

Reproducible, deterministic, standard library only.

Method
------
* Tokenise every PTC training article (``[A-Za-z0-9]+`` joined by internal ``'`` or ``-``),
  lowercase, normalise curly apostrophes.  A token is *inside* technique T when every one of its
  characters is covered by a gold span of T (train-task2-TC labels, end exclusive).
* For every lowercased 1-3-gram count its occurrences, the occurrences lying inside *any* gold
  span, per-technique inside counts and the number of distinct articles where it lies inside a
  span.  The weight of a gram is its smoothed precision (Beta-prior posterior mean, prior mean =
  base rate of inside-span occurrences for grams of that length):
  ``w = (inside + ALPHA * base_n) / (total + ALPHA)``.
  Its technique is the technique that covers it most often (Repetition is ignored for the label
  because it is article-specific, not lexical).
* A gram enters the lexicon when ``w >= min_weight``, it lies inside spans in at least
  ``min_articles`` different articles (generalisation guard) and ``total >= MIN_TOTAL``.
* Inference: greedy longest match left-to-right over tokens; adjacent matches (only whitespace
  or punctuation-free gaps) are merged into one span.  Same code as ``parallax.signals.loaded``.
* Evaluation: span-level P/R/F1 with the official PTC SI partial-overlap formula
  (P = sum_{s,t} |s&t|/|s| / |S|,  R = sum_{s,t} |s&t|/|t| / |T|) against the merged SI gold
  spans, plus a technique-labelled variant per technique against TC gold spans.
* Split: the 371 train articles are sorted by sha256(article id); the first 37 form the held-out
  tenth.  ``min_weight``/``min_articles``/``merge`` are chosen by 5-fold cross-validation (by
  article) inside the remaining nine tenths only; the chosen setting is retrained on those nine
  tenths and scored once on the held-out tenth.  The shipped lexicon is then retrained with the
  same setting on all 371 articles.

SemEval-2023 T3 (en) is *not* used: its technique labels are paragraph-level (no character
spans) and 351 of its 433 train articles are PTC articles (same ids), which would leak into
the held-out tenth.

Usage: ``python scripts/train_loaded_lexicon.py [--data DIR]``
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
from datapath import data_root  # noqa: E402

DEFAULT_DATA = data_root() / "ptc_semeval2020_t11"
MODEL_OUT = ROOT / "src" / "parallax" / "models" / "weights" / "loaded_language.json"
BENCH_OUT = ROOT / "bench" / "results" / "loaded_language.json"

TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['\u2019\-][A-Za-z0-9]+)*")
MAX_N = 3
ALPHA = 4.0
MIN_TOTAL = 2
HOLDOUT_FRACTION = 10
CV_FOLDS = 5
GRID_WEIGHT = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6]
GRID_ARTICLES = [2, 3, 4]
GRID_MERGE = [True, False]
# plain: matched tokens only; expand: long-span techniques grow to the sentence;
# lexical: entries of long-span techniques are dropped
GRID_MODE = ["plain", "expand", "lexical"]
LENGTH_PRIOR_TOKENS = 50.0  # must equal parallax.signals.loaded._LENGTH_PRIOR_TOKENS
LONG_SPAN_CHARS = 60  # median gold span length (train) above which a technique is 'long'
NO_LABEL = {"Repetition"}
PUBLISHED = {
    "source": "ptc_semeval2020_t11/MANIFEST.md (literature memory, official hidden test set)",
    "SI_span_F1_best": {"team": "Hitachi", "F1": 0.5155},
    "SI_baseline_F1": 0.0003,
    "SI_baseline_note": "MANIFEST says 'baseline ~ 0.03' (percent units, i.e. ~0.0003 F1) [M]",
    "TC_micro_F1_best": {"team": "ApplicaAI", "F1": 0.6207},
    "caveat": "published numbers are on the official test set; ours on a held-out tenth of train",
}

Tok = tuple[int, int, str]
Span = tuple[int, int]


def norm(tok: str) -> str:
    return tok.lower().replace("\u2019", "'")


def tokenize(text: str) -> list[Tok]:
    return [(m.start(), m.end(), norm(m.group())) for m in TOKEN_RE.finditer(text)]


# --------------------------------------------------------------------------- data
def load(
    data: Path,
) -> tuple[dict[str, str], dict[str, list[tuple[str, int, int]]], dict[str, list[Span]]]:
    texts: dict[str, str] = {}
    for p in sorted((data / "train-articles").glob("article*.txt")):
        with open(p, encoding="utf-8", newline="") as fh:
            texts[p.stem[len("article") :]] = fh.read()
    tc: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for line in (data / "train-task2-TC.labels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            aid, tech, s, e = line.split("\t")
            tc[aid].append((tech, int(s), int(e)))
    si: dict[str, list[Span]] = defaultdict(list)
    for line in (data / "train-task1-SI.labels.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            aid, s, e = line.split("\t")
            si[aid].append((int(s), int(e)))
    return texts, tc, si


def article_stats(text: str, spans: list[tuple[str, int, int]]) -> tuple[dict, int]:
    """Per-article gram -> [total, inside_any, Counter(tech)] plus number of tokens."""
    toks = tokenize(text)
    cover: dict[str, bytearray] = {}
    for tech, s, e in spans:
        arr = cover.setdefault(tech, bytearray(len(text) + 1))
        arr[s:e] = b"\x01" * (e - s)
    labels: list[frozenset[str]] = []
    for s, e, _ in toks:
        labels.append(frozenset(t for t, arr in cover.items() if all(arr[s:e])))
    stats: dict[str, list] = {}
    for i in range(len(toks)):
        lab = labels[i]
        for n in range(1, MAX_N + 1):
            if i + n > len(toks):
                break
            if n > 1:
                lab = lab & labels[i + n - 1]
            g = " ".join(t[2] for t in toks[i : i + n])
            st = stats.get(g)
            if st is None:
                st = stats[g] = [0, 0, Counter()]
            st[0] += 1
            if lab:
                st[1] += 1
                st[2].update(lab)
    return stats, len(toks)


def aggregate(per_article: dict[str, dict], ids: list[str]) -> tuple[dict, dict[int, float]]:
    agg: dict[str, list] = {}
    for aid in ids:
        for g, (tot, ins, techs) in per_article[aid].items():
            a = agg.get(g)
            if a is None:
                a = agg[g] = [0, 0, Counter(), 0]
            a[0] += tot
            a[1] += ins
            if ins:
                a[2].update(techs)
                a[3] += 1
    base: dict[int, float] = {}
    for n in range(1, MAX_N + 1):
        tot = sum(a[0] for g, a in agg.items() if g.count(" ") == n - 1)
        ins = sum(a[1] for g, a in agg.items() if g.count(" ") == n - 1)
        base[n] = ins / max(tot, 1)
    return agg, base


def build_lexicon(
    agg: dict, base: dict[int, float], min_weight: float, min_articles: int
) -> dict[str, tuple[float, str]]:
    lex: dict[str, tuple[float, str]] = {}
    for g, (tot, ins, techs, n_art) in agg.items():
        if tot < MIN_TOTAL or n_art < min_articles:
            continue
        w = (ins + ALPHA * base[g.count(" ") + 1]) / (tot + ALPHA)
        if w < min_weight:
            continue
        ranked = sorted(
            ((c, t) for t, c in techs.items() if t not in NO_LABEL), key=lambda x: (-x[0], x[1])
        )
        tech = ranked[0][1] if ranked else "Repetition"
        lex[g] = (round(w, 4), tech)
    return lex


# --------------------------------------------------------------------------- inference
def sentences(text: str) -> list[Span]:
    """Sentence/line bounds (newline or terminal punctuation followed by whitespace)."""
    out: list[Span] = []
    start = 0
    for m in re.finditer(r"\n|(?<=[.!?])[\"'\u201d\u2019)\]]*\s+", text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    res: list[Span] = []
    for a, b in out:
        seg = text[a:b]
        if seg.strip():
            res.append((a + len(seg) - len(seg.lstrip()), b - len(seg) + len(seg.rstrip())))
    return res


def prepare(text: str) -> tuple[str, list[Tok], list[tuple[str, ...]], list[Span]]:
    toks = tokenize(text)
    words = [t[2] for t in toks]
    grams = [
        tuple(" ".join(words[i : i + n]) for n in range(1, min(MAX_N, len(words) - i) + 1))
        for i in range(len(words))
    ]
    return text, toks, grams, sentences(text)


def match(
    prep: tuple,
    lex: dict[str, tuple[float, str]],
    merge: bool,
    expand: frozenset[str] = frozenset(),
) -> list[tuple[int, int, str, float]]:
    """Greedy longest-match; mirrors parallax.signals.loaded.find_loaded_spans."""
    text, toks, grams, sents = prep
    out: list[tuple[int, int, str, float]] = []
    i = 0
    last_tok = -2
    while i < len(toks):
        hit = None
        gi = grams[i]
        for n in range(len(gi), 0, -1):
            v = lex.get(gi[n - 1])
            if v is not None:
                hit = (n, v)
                break
        if hit is None:
            i += 1
            continue
        n, (w, tech) = hit
        s, e = toks[i][0], toks[i + n - 1][1]
        if tech in expand:
            k = bisect.bisect_right(sents, (s, len(text) + 1)) - 1
            if k >= 0 and sents[k][0] <= s and e <= sents[k][1]:
                s, e = sents[k]
        gap = text[out[-1][1] : s] if out else ""
        if out and merge and last_tok == i - 1 and gap.strip() == "" and "\n" not in gap:
            s = out[-1][0]
        while out and s < out[-1][1]:
            ps, pe, ptech, pw = out.pop()
            s, e = min(s, ps), max(e, pe)
            tech, w = (tech, w) if w >= pw else (ptech, pw)
        out.append((s, e, tech, w))
        last_tok = i + n - 1
        i += n
    return out


# --------------------------------------------------------------------------- scoring
def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def si_counts(pred: list[Span], gold: list[Span]) -> tuple[float, float, int, int]:
    p = sum(overlap(s, t) / (s[1] - s[0]) for s in pred for t in gold if s[1] > s[0])
    r = sum(overlap(s, t) / (t[1] - t[0]) for s in pred for t in gold if t[1] > t[0])
    return p, r, len(pred), len(gold)


def prf(acc: list[float]) -> dict[str, float]:
    p = acc[0] / acc[2] if acc[2] else 0.0
    r = acc[1] / acc[3] if acc[3] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "P": round(p, 4),
        "R": round(r, 4),
        "F1": round(f, 4),
        "n_pred": int(acc[2]),
        "n_gold": int(acc[3]),
    }


def evaluate(
    lex: dict,
    merge: bool,
    expand: frozenset[str],
    ids: list[str],
    preps: dict,
    si: dict[str, list[Span]],
    tc: dict[str, list[tuple[str, int, int]]],
    per_tech: bool = False,
) -> dict:
    acc = [0.0, 0.0, 0, 0]
    tacc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    for aid in ids:
        spans = match(preps[aid], lex, merge, expand)
        c = si_counts([(s, e) for s, e, _, _ in spans], si.get(aid, []))
        acc = [x + y for x, y in zip(acc, c, strict=True)]
        if per_tech:
            techs = {t for t, _, _ in tc.get(aid, [])} | {t for _, _, t, _ in spans}
            for t in techs:
                c = si_counts(
                    [(s, e) for s, e, tt, _ in spans if tt == t],
                    [(s, e) for tt, s, e in tc.get(aid, []) if tt == t],
                )
                tacc[t] = [x + y for x, y in zip(tacc[t], c, strict=True)]
    res: dict[str, Any] = {"SI": prf(acc)}
    if per_tech:
        res["per_technique"] = {t: prf(v) for t, v in sorted(tacc.items())}
    return res


# --------------------------------------------------------------------------- main
def split_ids(ids: list[str]) -> tuple[list[str], list[str]]:
    order = sorted(ids, key=lambda a: hashlib.sha256(a.encode()).hexdigest())
    k = round(len(ids) / HOLDOUT_FRACTION)
    return sorted(order[k:]), sorted(order[:k])


def long_span_techniques(
    tc: dict[str, list[tuple[str, int, int]]], ids: list[str]
) -> frozenset[str]:
    lens: dict[str, list[int]] = defaultdict(list)
    for aid in ids:
        for t, s, e in tc.get(aid, []):
            lens[t].append(e - s)
    return frozenset(t for t, v in lens.items() if sorted(v)[len(v) // 2] >= LONG_SPAN_CHARS)


def density_reference(
    lex: dict, merge: bool, expand: frozenset[str], ids: list[str], preps: dict
) -> float:
    vals = []
    for aid in ids:
        n = len(preps[aid][1])
        w = sum(x[3] for x in match(preps[aid], lex, merge, expand))
        vals.append(100.0 * w / (n + LENGTH_PRIOR_TOKENS))
    vals.sort()
    return vals[len(vals) // 2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    t0 = time.time()
    texts, tc, si = load(args.data)
    ids = sorted(texts)
    # sanity: gold offsets are inside the article text
    bad = sum(1 for a in tc for _, s, e in tc[a] if not (0 <= s < e <= len(texts.get(a, ""))))
    assert bad == 0, f"{bad} TC spans out of range"
    per_article = {}
    preps = {}
    for aid in ids:
        per_article[aid], _ = article_stats(texts[aid], tc.get(aid, []))
        preps[aid] = prepare(texts[aid])
    train_ids, held_ids = split_ids(ids)
    long_techs = long_span_techniques(tc, train_ids)
    print(
        f"{len(ids)} articles: {len(train_ids)} train / {len(held_ids)} held out "
        f"({time.time() - t0:.1f}s); long-span techniques: {sorted(long_techs)}"
    )

    def variant(lex: dict, mode: str) -> tuple[dict, frozenset[str]]:
        if mode == "lexical":
            return {g: v for g, v in lex.items() if v[1] not in long_techs}, frozenset()
        return lex, (long_techs if mode == "expand" else frozenset())

    # --- threshold selection by CV inside the nine tenths only
    folds = [train_ids[i::CV_FOLDS] for i in range(CV_FOLDS)]
    grid_acc: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])
    for k, fold in enumerate(folds):
        held_set = set(fold)
        fit = [a for a in train_ids if a not in held_set]
        agg, base = aggregate(per_article, fit)
        for mw in GRID_WEIGHT:
            for ma in GRID_ARTICLES:
                full = build_lexicon(agg, base, mw, ma)
                for mode in GRID_MODE:
                    lex, exp = variant(full, mode)
                    for mg in GRID_MERGE:
                        acc = grid_acc[(mw, ma, mg, mode)]
                        for aid in fold:
                            pred = match(preps[aid], lex, mg, exp)
                            c = si_counts([(s, e) for s, e, _, _ in pred], si.get(aid, []))
                            for j in range(4):
                                acc[j] += c[j]
        print(f"  cv fold {k + 1}/{CV_FOLDS} done ({time.time() - t0:.1f}s)")
    cv = {key: prf(v) for key, v in grid_acc.items()}
    best = max(cv, key=lambda key: (cv[key]["F1"], key[0], key[1]))
    mw, ma, mg, mode = best
    print("\nCV (nine tenths, 5 folds) top settings:")
    print(f"{'min_w':>6} {'min_art':>7} {'merge':>5} {'mode':>8} {'P':>7} {'R':>7} {'F1':>7}")
    for key in sorted(cv, key=lambda k: -cv[k]["F1"])[:10]:
        m = cv[key]
        print(
            f"{key[0]:>6} {key[1]:>7} {key[2]!s:>5} {key[3]:>8} "
            f"{m['P']:>7.4f} {m['R']:>7.4f} {m['F1']:>7.4f}"
        )

    # --- held-out evaluation
    agg, base = aggregate(per_article, train_ids)
    lex9, exp = variant(build_lexicon(agg, base, mw, ma), mode)
    held = evaluate(lex9, mg, exp, held_ids, preps, si, tc, per_tech=True)
    fit_in = evaluate(lex9, mg, exp, train_ids, preps, si, tc)
    sent_acc = [0.0, 0.0, 0, 0]
    for aid in held_ids:  # trivial reference: every sentence/line predicted as one span
        c = si_counts(preps[aid][3], si.get(aid, []))
        sent_acc = [x + y for x, y in zip(sent_acc, c, strict=True)]
    sent_base = prf(sent_acc)
    print(
        f"\nchosen: min_weight={mw} min_articles={ma} merge={mg} mode={mode}; "
        f"lexicon(9/10) {len(lex9)} entries"
    )
    print(f"\n{'split':<28} {'P':>7} {'R':>7} {'F1':>7} {'#pred':>6} {'#gold':>6}")
    rows = [
        ("train 9/10 (in-sample)", fit_in["SI"]),
        ("CV 9/10 (chosen)", cv[best]),
        ("HELD-OUT 1/10", held["SI"]),
        ("held-out: every sentence", sent_base),
    ]
    for name, m in rows:
        print(
            f"{name:<28} {m['P']:>7.4f} {m['R']:>7.4f} {m['F1']:>7.4f} "
            f"{m['n_pred']:>6} {m['n_gold']:>6}"
        )
    print(f"{'published SI best (test)':<28} {'':>7} {'':>7} {0.5155:>7.4f}   Hitachi [M]")
    print("\nheld-out, technique-labelled spans (same overlap formula vs TC gold):")
    for t, m in sorted(held["per_technique"].items(), key=lambda x: -x[1]["n_gold"]):
        print(
            f"  {t:<36} P={m['P']:.3f} R={m['R']:.3f} F1={m['F1']:.3f} "
            f"pred={m['n_pred']} gold={m['n_gold']}"
        )

    # --- final lexicon on all training articles
    agg, base = aggregate(per_article, ids)
    lex, exp = variant(build_lexicon(agg, base, mw, ma), mode)
    dref = density_reference(lex, mg, exp, ids, preps)
    techs = sorted({t for _, t in lex.values()})
    tindex = {t: i for i, t in enumerate(techs)}
    model = {
        "name": "parallax-loaded-language",
        "version": 1,
        "description": "Lowercased 1-3-gram lexicon over-represented inside PTC technique spans.",
        "source": "PTC SemEval-2020 Task 11 train (371 articles); research-use licence",
        "token_pattern": TOKEN_RE.pattern,
        "max_n": MAX_N,
        "merge_adjacent": mg,
        "sentence_expand_techniques": sorted(exp),
        "params": {
            "alpha": ALPHA,
            "min_total": MIN_TOTAL,
            "min_weight": mw,
            "min_articles": ma,
            "mode": mode,
            "base_rate": {str(k): round(v, 4) for k, v in base.items()},
        },
        "density_ref_per_100_tokens": round(dref, 4),
        "techniques": techs,
        "entries": {g: [w, tindex[t]] for g, (w, t) in sorted(lex.items())},
    }
    MODEL_OUT.parent.mkdir(parents=True, exist_ok=True)
    MODEL_OUT.write_text(
        json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8"
    )
    by_tech = Counter(t for _, t in lex.values())
    bench = {
        "task": "span-level persuasion technique / loaded language detection (PTC SI metric)",
        "script": "scripts/train_loaded_lexicon.py",
        "data": str(args.data),
        "split": {
            "method": f"sort train article ids by sha256(id) hex; first "
            f"round(N/{HOLDOUT_FRACTION}) are held out",
            "n_train": len(train_ids),
            "n_heldout": len(held_ids),
            "heldout_article_ids": held_ids,
            "threshold_selection": f"{CV_FOLDS}-fold CV by article inside the nine "
            "tenths only (fold k = sorted train ids[k::5])",
        },
        "grid": {
            "min_weight": GRID_WEIGHT,
            "min_articles": GRID_ARTICLES,
            "merge": GRID_MERGE,
            "mode": GRID_MODE,
        },
        "long_span_techniques": sorted(long_techs),
        "chosen": {"min_weight": mw, "min_articles": ma, "merge_adjacent": mg, "mode": mode},
        "metric": "PTC SI partial overlap: P=sum|s&t|/|s|/|S|, R=sum|s&t|/|t|/|T| (chars)",
        "cv_ninetenths": cv[best],
        "train_ninetenths_in_sample": fit_in["SI"],
        "heldout": held,
        "heldout_baseline_every_sentence": sent_base,
        "lexicon_size_ninetenths": len(lex9),
        "final_lexicon_size": len(lex),
        "final_lexicon_by_technique": dict(sorted(by_tech.items())),
        "published_reference": PUBLISHED,
    }
    BENCH_OUT.parent.mkdir(parents=True, exist_ok=True)
    BENCH_OUT.write_text(json.dumps(bench, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(
        f"\nfinal lexicon: {len(lex)} entries, density_ref={dref:.3f}/100 tok; "
        f"by technique: {dict(by_tech.most_common())}"
    )
    print(
        f"wrote {MODEL_OUT.relative_to(ROOT)} ({MODEL_OUT.stat().st_size} B) and "
        f"{BENCH_OUT.relative_to(ROOT)} in {time.time() - t0:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

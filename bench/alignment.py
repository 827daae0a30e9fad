"""Stance model (``parallax.claims.stance``) on the by-story FNC-1 dev split, plus sentence-level checks.

    python bench/alignment.py

Dev pairs are rebuilt exactly as in ``scripts/train_stance.py`` (related FNC-1 pairs of the
20 % held-out stories + cross-story ``unrelated`` pairs, 73 % of all). Reports the FNC weighted
score (as a fraction of the maximum), macro-F1 over the four classes, per-class F1, the
confusion matrix and throughput, then two sanity checks for the way Parallax uses the model
on short texts:

- *claim vs claim*: each dev headline against another headline of the same story (should be
  related) and against a headline of another dev story (should be unrelated);
- *headline vs passage*: each related dev pair again, with the body cut to its first three
  sentences (the label kept): how much of the stance survives on a short passage.

Then the Raqqa claims gold (``bench/raqqa_claims.py``: claim groups, statuses, disputes) and the
align stage's share of an ``analyze`` run on the Raqqa sample.

Writes ``bench/results/stance.json`` and ``bench/results/raqqa_claims.json``. :func:`gate_metrics`
is the quick entry point for a quality gate (dev split only, no sanity checks).
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT / "src", ROOT / "scripts", ROOT / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from train_stance import DEFAULT_DATA, SEED, decide_all, evaluate, load_stance_data  # noqa: E402

from parallax.claims import stance  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "stance.json"


def gate_metrics(data_dir: Path = DEFAULT_DATA) -> dict[str, Any]:
    """Dev-split metrics of the packaged model (FNC score, macro-F1, per class, confusion, pairs/s)."""
    data = load_stance_data(data_dir)
    model = stance.load_model()
    pairs = data.texts(data.dev)
    t0 = time.perf_counter()
    probs = model.predict_proba(pairs)
    secs = time.perf_counter() - t0
    res = evaluate([p.label for p in data.dev], decide_all(probs))
    res["pairs_per_s"] = round(len(pairs) / secs, 1)
    res["seconds"] = round(secs, 2)
    return res


def throughput_unique_bodies(data_dir: Path = DEFAULT_DATA, limit: int = 400) -> dict[str, Any]:
    """Headline vs *its own* full body, every body distinct (no per-batch body reuse)."""
    data = load_stance_data(data_dir)
    seen: set[str] = set()
    pairs = []
    for p in data.dev + data.train:
        if p.label != "unrelated" and p.body_id not in seen:
            seen.add(p.body_id)
            pairs.append((p.headline, data.bodies[p.body_id]))
        if len(pairs) >= limit:
            break
    model = stance.load_model()
    model.predict_proba(pairs[:5])
    t0 = time.perf_counter()
    model.predict_proba(pairs)
    secs = time.perf_counter() - t0
    words = sum(len(b.split()) for _, b in pairs) / len(pairs)
    return {"pairs": len(pairs), "mean_body_words": round(words), "pairs_per_s": round(len(pairs) / secs, 1)}


def claim_vs_claim(data_dir: Path = DEFAULT_DATA) -> dict[str, Any]:
    """Headline pairs of the dev stories: same story -> related, other story -> unrelated."""
    data = load_stance_data(data_dir)
    by_story: dict[str, list[str]] = defaultdict(list)
    for p in data.dev:
        if p.label != "unrelated" and p.headline not in by_story[p.story]:
            by_story[p.story].append(p.headline)
    rng = random.Random(SEED)
    stories = sorted(by_story)
    pairs, gold = [], []
    for s in stories:
        heads = by_story[s]
        if len(heads) < 2:
            continue
        for h in heads:
            pairs.append((h, rng.choice([x for x in heads if x != h])))
            gold.append(True)
            other = rng.choice([t for t in stories if t != s])
            pairs.append((h, rng.choice(by_story[other])))
            gold.append(False)
    probs = stance.load_model().predict_proba(pairs)
    related = probs[:, 3] < 0.5
    g = np.array(gold)
    labels = decide_all(probs[g])
    return {
        "pairs": len(pairs),
        "related_recall_same_story": round(float(related[g].mean()), 4),
        "unrelated_recall_other_story": round(float((~related[~g]).mean()), 4),
        "accuracy": round(float((related == g).mean()), 4),
        "labels_same_story": {lab: labels.count(lab) for lab in stance.LABELS},
    }


def headline_vs_passage(data_dir: Path = DEFAULT_DATA, n_sentences: int = 3) -> dict[str, Any]:
    """Related dev pairs with the body cut to its first ``n_sentences`` sentences, labels kept."""
    data = load_stance_data(data_dir)
    rel = [p for p in data.dev if p.label != "unrelated"]
    pairs = [(p.headline, " ".join(stance.sentences(data.bodies[p.body_id])[:n_sentences])) for p in rel]
    full = decide_all(stance.load_model().predict_proba(data.texts(rel)))
    short = decide_all(stance.load_model().predict_proba(pairs))
    gold = [p.label for p in rel]
    out: dict[str, Any] = {"pairs": len(rel), "n_sentences": n_sentences}
    for name, pred in (("full_body", full), ("passage", short)):
        res = evaluate(gold, pred)
        out[name] = {
            "related_kept": round(float(np.mean([x != "unrelated" for x in pred])), 4),
            "accuracy3": res["accuracy"],
            "per_class_f1": {k: v for k, v in res["per_class_f1"].items() if k != "unrelated"},
        }
    return out


def main() -> None:
    t0 = time.perf_counter()
    res = gate_metrics()
    out: dict[str, Any] = {"dev": res}
    out["throughput_unique_bodies"] = throughput_unique_bodies()
    out["claim_vs_claim"] = claim_vs_claim()
    out["headline_vs_passage"] = headline_vs_passage()
    out["model"] = {k: stance.load_model().meta.get(k) for k in ("stage1", "stage2", "trained")}
    print(f"stance on FNC-1 dev (by story): {res['n']} pairs, {res['seconds']} s, {res['pairs_per_s']} pairs/s")
    print(f"  FNC weighted score {res['fnc_score']:.4f}   macro-F1 {res['macro_f1']:.4f}   acc {res['accuracy']:.4f}")
    print(f"  {'class':<10} {'F1':>6} {'n':>6}   confusion (cols: {' '.join(res['confusion']['labels'])})")
    for lab, row in zip(res["confusion"]["labels"], res["confusion"]["matrix"], strict=True):
        cells = " ".join(f"{v:>6}" for v in row)
        print(f"  {lab:<10} {res['per_class_f1'][lab]:>6.3f} {res['support'].get(lab, 0):>6}   {cells}")
    tp = out["throughput_unique_bodies"]
    print(f"  headline vs own body ({tp['mean_body_words']} words, all distinct): {tp['pairs_per_s']} pairs/s")
    cc = out["claim_vs_claim"]
    print(f"  claim vs claim: same story related {cc['related_recall_same_story']:.3f}, "
          f"other story unrelated {cc['unrelated_recall_other_story']:.3f} ({cc['pairs']} pairs)")
    hp = out["headline_vs_passage"]
    for name in ("full_body", "passage"):
        r = hp[name]
        print(f"  related dev pairs vs {name:<9}: kept related {r['related_kept']:.3f}, "
              f"acc {r['accuracy3']:.3f}, F1 {r['per_class_f1']}")
    import tempfile

    from raqqa_claims import RESULTS as RAQQA_RESULTS
    from raqqa_claims import evaluate as evaluate_raqqa

    from parallax.pipeline import analyze

    with tempfile.TemporaryDirectory() as tmp:
        run = analyze([ROOT / "examples" / "raqqa-2017"], out_dir=Path(tmp))
    rq = evaluate_raqqa(run.report)
    RAQQA_RESULTS.write_text(json.dumps(rq, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out["raqqa_claims"] = {k: rq[k] for k in ("grouping", "claims_found", "status_ok", "disputes_found",
                                                "gold_claims", "gold_disputes")}
    out["raqqa_align_seconds"] = round(run.timings.get("align", 0.0), 3)
    g = rq["grouping"]
    print(f"  Raqqa gold: claims found {rq['claims_found']}/{rq['gold_claims']}, status right "
          f"{rq['status_ok']}/{rq['gold_claims']}, disputes {rq['disputes_found']}/{rq['gold_disputes']}, "
          f"grouping pairwise F1 {g['f1']:.2f} (P {g['precision']:.2f} R {g['recall']:.2f}); "
          f"align stage {out['raqqa_align_seconds']} s")
    out["seconds_total"] = round(time.perf_counter() - t0, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)} in {out['seconds_total']} s")


if __name__ == "__main__":
    main()

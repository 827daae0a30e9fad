"""Fast quality gate: metrics of the shipped models, of clustering and of claims on development data.

Prints a table, writes bench/results/quality.json, and with --check exits non-zero when a
metric falls below its floor in bench/baseline.json (CI runs this through
tests/test_quality_gate.py). Runs in about a minute on 2 cores (the claims gold's 11 report
stories are analysed end to end).

    python bench/quality.py [--data ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts"), str(ROOT / "bench")]
from classifier_data import (  # noqa: E402
    hatexplain_halves,
    load_checkworthy,
    load_davidson,
    load_hatexplain_val,
    load_subjectivity,
    load_subjectivity_ood,
    macro_f1,
    pos_f1,
    weighted_f1,
)
from cluster_gold import basil_articles, bcubed, ecbplus_articles, fnc_articles  # noqa: E402
from datapath import data_root  # noqa: E402

from parallax.models.classifiers import load_classifier  # noqa: E402
from parallax.stories.cluster import cluster  # noqa: E402

BASELINE = ROOT / "bench" / "baseline.json"
RESULTS = ROOT / "bench" / "results" / "quality.json"


def measure(data: Path) -> dict[str, float]:
    """All gate metrics, by name."""
    out: dict[str, float] = {}
    arts, gold = basil_articles(data)
    stories = cluster(arts)
    where = {a: s.id for s in stories for a in s.articles}
    p, r, f = bcubed([where[a.id] for a in arts], gold)
    out.update({"basil_bcubed_f1": f, "basil_bcubed_precision": p, "basil_bcubed_recall": r})
    out["basil_stories"] = float(len(stories))
    arts, gold, _ = fnc_articles(data)
    stories = cluster(arts)
    where = {a: s.id for s in stories for a in s.articles}
    p, r, f = bcubed([where[a.id] for a in arts], gold)
    out.update({"fnc1_bcubed_f1": f, "fnc1_bcubed_precision": p, "fnc1_bcubed_recall": r})
    # ECB+ dev topics: two look-alike real events per topic (issue #12 asks for 0.92).
    arts, gold = ecbplus_articles(data, "dev")
    stories = cluster(arts)
    where = {a: s.id for s in stories for a in s.articles}
    out["ecbplus_dev_bcubed_f1"] = bcubed([where[a.id] for a in arts], gold)[2]
    # Claims on the report half of the hand-written claims gold (never tuned on): a wrong
    # "corroborated" is worse than none, so its precision is gated, with recall and the digest.
    import claims_gold

    claims = claims_gold.summarise(claims_gold.run(claims_gold.load_gold("report"), data))
    for key in ("corroborated_precision", "corroborated_recall", "digest_precision", "pair_precision"):
        out[f"claims_gold_report_{key}"] = claims[key] if claims[key] is not None else 0.0
    # ECB+ dev topics analysed end to end: two sentences of one claim must report one gold event
    # (issue #12 asks for pair precision >= 0.95; bench/claims_ecbplus.py).
    import claims_ecbplus

    ecb_pairs = claims_ecbplus.run(data, "dev")["total"]
    out["claims_ecbplus_dev_pair_precision"] = ecb_pairs["pair_precision"] or 0.0

    subj = load_classifier("subjectivity")
    split = load_subjectivity(data)["dev_test_en"]
    out["subjectivity_macro_f1_dev_test"] = macro_f1(split.labels, subj.predict_proba(split.texts), subj.threshold)
    # Other outlets' sentences (tests/fixtures/subjectivity_ood), the half never used for a choice.
    split = load_subjectivity_ood()["report"]
    out["subjectivity_macro_f1_ood_report"] = macro_f1(split.labels, subj.predict_proba(split.texts), subj.threshold)
    chk = load_classifier("checkworthy")
    split = load_checkworthy(data)["dev-test"]
    out["checkworthy_pos_f1_dev_test"] = pos_f1(split.labels, chk.predict_proba(split.texts), chk.threshold)
    hate = load_classifier("hate")
    split = load_davidson(data)["test20"]
    out["hate_davidson_weighted_f1_test20"] = weighted_f1(split.labels, hate.predict_proba(split.texts),
                                                          hate.threshold)
    # The held-out half: the other half of HateXplain val is training data (scripts/classifier_data.py).
    hx = hatexplain_halves(load_hatexplain_val(data))["test50"]
    out["hate_hatexplain_macro_f1_val_half"] = macro_f1(hx.labels, hate.predict_proba(hx.texts), hate.threshold)
    from alignment import gate_metrics  # the stance model on the by-story FNC-1 dev split

    stance = gate_metrics(data)
    out["stance_fnc_score_dev"] = stance["fnc_score"]
    out["stance_macro_f1_dev"] = stance["macro_f1"]
    # Resubstitution on the 645 training articles: catches drift in the feature code or the
    # weights, not generalisation (the nested 10-fold CV estimate is in the model card).
    from train_hyperpartisan import gate_metrics as hyperpartisan_gate

    out.update(hyperpartisan_gate(data))
    from train_techniques import gate_metrics as techniques_gate  # SemEval-2023 T3 dev paragraphs

    tech = techniques_gate(data / "semeval2023_t3_en")
    out["techniques_micro_f1_dev"] = tech["micro_F1"]
    out["techniques_any_f1_dev"] = tech["any_technique_F1"]
    from framing import hand_gold  # direction of framing vs 80 hand-labelled hyperpartisan articles

    gold = hand_gold(data)
    out["framing_precision_hand_gold"] = gold["precision"]
    out["framing_coverage_hand_gold"] = gold["coverage"]
    return {k: round(float(v), 4) for k, v in out.items()}


def check(metrics: dict[str, float], baseline: dict[str, Any]) -> list[str]:
    """Names and values of metrics below their committed floor."""
    return [f"{k}: {metrics.get(k, float('nan'))} < floor {floor}"
            for k, floor in baseline["floors"].items() if not metrics.get(k, -np.inf) >= floor]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--check", action="store_true", help="exit 1 if a metric is below its floor")
    args = ap.parse_args()
    metrics = measure(args.data)
    baseline = json.loads(BASELINE.read_text())
    print(f"{'metric':40} {'value':>8} {'floor':>8}")
    for k, v in metrics.items():
        floor = baseline["floors"].get(k)
        print(f"{k:40} {v:8.4f} {'' if floor is None else f'{floor:8.4f}'}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"date": dt.date.today().isoformat(), "metrics": metrics}, indent=1) + "\n")
    failures = check(metrics, baseline)
    for line in failures:
        print("BELOW FLOOR", line)
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Claim groups, statuses and disputes of the Raqqa report against a hand-written gold.

Gold: tests/fixtures/raqqa_claims.json (21 claims, 3 disputes; see its notes). A gold mention is
found in the report as the sentence that contains its fragment; the report claim that holds it
is its predicted claim.

- grouping: pairwise precision / recall over the gold mentions (two gold mentions in one gold
  claim should share a report claim, two in different gold claims should not);
- found: gold claims whose mentions all sit in one report claim (and that claim holds no
  mention of another gold claim);
- status: gold claims whose report claim has the gold status;
- disputes: gold disputes with a report dispute that has one position on each side.

    python bench/raqqa_claims.py [--report out/raqqa-2017/report.json]

Without --report it analyses examples/raqqa-2017 into a temporary folder first. Writes
bench/results/raqqa_claims.json; tests/test_alignment.py imports :func:`evaluate`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "fixtures" / "raqqa_claims.json"
RESULTS = ROOT / "bench" / "results" / "raqqa_claims.json"


def _locate(report: dict[str, Any]) -> dict[tuple[str, int], str]:
    """(article id, sentence start) → report claim id, for every mention of every claim."""
    where: dict[tuple[str, int], str] = {}
    for story in report["stories"]:
        for claim in story["claims"]:
            for m in claim["mentions"]:
                where[(m["article"], m["start"])] = claim["id"]
    return where


def evaluate(report: dict[str, Any], gold: dict[str, Any] | None = None) -> dict[str, Any]:
    """Scores of one report against the gold; see the module docstring."""
    gold = gold or json.loads(GOLD.read_text(encoding="utf-8"))
    by_input = {a["input"]: a for a in report["articles"]}
    where = _locate(report)
    claims = {c["id"]: c for s in report["stories"] for c in s["claims"]}
    rows: list[tuple[str, str | None, str]] = []  # gold claim, report claim, fragment
    for g in gold["claims"]:
        for name, fragment in g["mentions"]:
            art = by_input[name]
            sent = next((s for s in art["sentences"] if fragment in s["text"]), None)
            if sent is None:  # a fragment across a sentence boundary is a gold error
                raise ValueError(f"{name}: fragment not within one sentence: {fragment!r}")
            rows.append((g["id"], where.get((art["id"], sent["start"])), fragment))

    tp = fp = fn = 0
    for (g1, p1, _), (g2, p2, _) in itertools.combinations(rows, 2):
        same_pred = p1 is not None and p1 == p2
        if g1 == g2 and same_pred:
            tp += 1
        elif g1 == g2:
            fn += 1
        elif same_pred:
            fp += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0

    per_claim: dict[str, dict[str, Any]] = {}
    for g in gold["claims"]:
        preds = [p for gid, p, _ in rows if gid == g["id"]]
        # Ties go to the claim a gold mention meets first (not to set order, which follows the hash seed).
        pred = max(dict.fromkeys(preds), key=lambda p: (preds.count(p), p is not None)) if preds else None
        others = {gid for gid, p, _ in rows if p == pred and gid != g["id"]} if pred else set()
        status = claims[pred]["status"] if pred else None
        per_claim[g["id"]] = {
            "claim": pred, "found": pred is not None and preds.count(pred) == len(preds) and not others,
            "status": status, "gold_status": g["status"], "status_ok": status == g["status"],
            "merged_with": sorted(others), "missing": sum(p is None for p in preds),
        }

    disputes_found: dict[str, bool] = {}
    report_disputes = [d for s in report["stories"] for d in s["disputes"]]
    for d in gold["disputes"]:
        sides = [per_claim[p]["claim"] for p in d["positions"]]
        disputes_found[d["id"]] = None not in sides and any(
            all(any(side == pos["claim"] for pos in rd["positions"]) for side in sides)
            for rd in report_disputes
        )
    n = len(gold["claims"])
    return {
        "gold_claims": n, "gold_mentions": len(rows),
        "grouping": {"precision": round(precision, 4), "recall": round(recall, 4),
                     "f1": round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0},
        "claims_found": sum(c["found"] for c in per_claim.values()),
        "status_ok": sum(c["status_ok"] for c in per_claim.values()),
        "disputes_found": sum(disputes_found.values()), "gold_disputes": len(gold["disputes"]),
        "per_claim": per_claim, "per_dispute": disputes_found,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", type=Path)
    args = ap.parse_args()
    if args.report:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    else:
        sys.path.insert(0, str(ROOT / "src"))
        from parallax.pipeline import analyze

        with tempfile.TemporaryDirectory() as tmp:
            analyze([ROOT / "examples" / "raqqa-2017"], out_dir=Path(tmp))
            report = json.loads((Path(tmp) / "report.json").read_text(encoding="utf-8"))
    res = evaluate(report)
    g = res["grouping"]
    print(f"grouping pairwise P/R/F1 {g['precision']:.2f}/{g['recall']:.2f}/{g['f1']:.2f} over {res['gold_mentions']} "
          f"gold mentions; claims found {res['claims_found']}/{res['gold_claims']}; status right "
          f"{res['status_ok']}/{res['gold_claims']}; disputes found {res['disputes_found']}/{res['gold_disputes']}")
    for cid, c in res["per_claim"].items():
        flag = "ok " if c["found"] and c["status_ok"] else "-- "
        print(f"  {flag}{cid:18} status {c['status']!s:14} (gold {c['gold_status']})"
              f"{' merged with ' + ', '.join(c['merged_with']) if c['merged_with'] else ''}"
              f"{'' if not c['missing'] else ' ' + str(c['missing']) + ' mention(s) in no claim'}")
    for did, ok in res["per_dispute"].items():
        print(f"  {'ok ' if ok else '-- '}dispute {did}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Claim pairs on ECB+ (issue #12): do two sentences Parallax puts in one claim report one event?

ECB+ annotates every event mention of its validated sentences and links mentions of one real
event across documents (``mentions.jsonl``: ``cluster`` is the cross-document chain). Each dev
topic (two look-alike real events, ~20-30 articles) is analysed on its own, as a user would run
Parallax on a folder of articles: clustering, then alignment. For every pair of mentions of one
claim from different articles:

- the pair is **judged** when both sentences are validated ECB+ sentences (only those are
  annotated; a Parallax sentence maps to the ECB+ sentences its text overlaps);
- it is **right** when the two sentences share a gold event chain (singletons aside).

Pair precision = right / judged (issue #12 asks ≥ 0.95). Also counted: judged pairs whose
articles report two different gold events (the look-alike event joined), and how many claims and
corroborated claims the topics give. Sentences that share a chain but state different things
about the event count as right: this measures "one event", not "one fact", so it is an upper
bound on fact-level precision.

    python bench/claims_ecbplus.py [--split dev|train] [--topic N]

Writes ``bench/results/claims_ecbplus_<split>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts"), str(ROOT / "bench")]

from cluster_gold import ECBPLUS_DEV_TOPICS  # noqa: E402
from datapath import data_root  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FLOOR = 0.95


def load(data: Path, split: str) -> tuple[dict[str, list[dict[str, Any]]], dict[tuple[str, int], set[str]]]:
    """Docs by topic, and the non-singleton gold chains of each (doc id, sentence index)."""
    topics: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with (data / "ecbplus" / "docs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if (int(d["topic"]) in ECBPLUS_DEV_TOPICS) == (split == "dev"):
                topics[str(d["topic"])].append(d)
    chains: dict[tuple[str, int], set[str]] = defaultdict(set)
    with (data / "ecbplus" / "mentions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            if not m.get("singleton") and not m["cluster"].startswith("Singleton"):
                chains[(m["doc_id"], int(m["sentence_index"]))].add(m["cluster"])
    return topics, chains


def _sentences_of(doc: dict[str, Any], text: str) -> list[int] | None:
    """ECB+ sentence indices that a Parallax sentence's text overlaps, or None if not found."""
    at = doc["text"].find(text.strip())
    if at < 0:
        return None
    end = at + len(text.strip())
    return [s["index"] for s in doc["sentences"]
            if s.get("start") is not None and s["start"] < end and at < s["end"]]


def score_topic(docs: list[dict[str, Any]], report: dict[str, Any], chains: dict[tuple[str, int], set[str]],
                names: dict[str, str]) -> dict[str, Any]:
    """Counts for one topic's report."""
    by_doc = {d["id"]: d for d in docs}
    art_doc = {a["id"]: names[a["input"]] for a in report["articles"] if a["input"] in names}
    texts = {a["id"]: a["text"] for a in report["articles"]}
    validated = {d["id"]: set(d.get("validated_sentences") or []) for d in docs}
    counts = {"claims": 0, "corroborated": 0, "pairs": 0, "judged": 0, "right": 0, "cross_event": 0,
              "not_located": 0, "corroborated_judged": 0, "corroborated_right": 0}
    wrong: list[list[str]] = []
    for story in report["stories"]:
        for c in story["claims"]:
            counts["claims"] += 1
            counts["corroborated"] += c["status"] == "corroborated"
            for m1, m2 in itertools.combinations(c["mentions"], 2):
                if m1["article"] == m2["article"]:
                    continue
                counts["pairs"] += 1
                sides = []
                for m in (m1, m2):
                    doc = by_doc[art_doc[m["article"]]]
                    text = texts[m["article"]][m["start"]:m["end"]]
                    idx = _sentences_of(doc, text)
                    sides.append((doc, text, idx))
                if any(idx is None for _, _, idx in sides):
                    counts["not_located"] += 1
                    continue
                if not all(idx and set(idx) <= validated[doc["id"]] for doc, _, idx in sides):
                    continue
                counts["judged"] += 1
                corroborated = c["status"] == "corroborated"
                counts["corroborated_judged"] += corroborated
                (d1, t1, i1), (d2, t2, i2) = sides
                c1 = set().union(*(chains.get((d1["id"], i), set()) for i in i1))
                c2 = set().union(*(chains.get((d2["id"], i), set()) for i in i2))
                if c1 & c2:
                    counts["right"] += 1
                    counts["corroborated_right"] += corroborated
                else:
                    if d1["event"] != d2["event"]:
                        counts["cross_event"] += 1
                    if len(wrong) < 20:
                        wrong.append([t1[:160], t2[:160]])
    return {**counts, "wrong_examples": wrong}


def run(data: Path, split: str, only: str | None = None) -> dict[str, Any]:
    """Analyse each topic on its own and score its claim pairs."""
    from parallax.pipeline import analyze

    topics, chains = load(data, split)
    rows = {}
    for topic in sorted(topics, key=int):
        if only and topic != only:
            continue
        docs = topics[topic]
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            names = {}
            for d in docs:
                name = f"{d['id']}.txt"
                (folder / name).write_text(d["text"], encoding="utf-8")
                names[name] = d["id"]
            result = analyze([folder], out_dir=Path(tmp) / "out")
            report = json.loads(result.report_json.read_text(encoding="utf-8"))
        rows[topic] = {"articles": len(docs), **score_topic(docs, report, chains, names)}
    keys = ("claims", "corroborated", "pairs", "judged", "right", "cross_event", "not_located",
            "corroborated_judged", "corroborated_right")
    total = {k: sum(r[k] for r in rows.values()) for k in keys}
    total["pair_precision"] = round(total["right"] / total["judged"], 3) if total["judged"] else None
    total["corroborated_pair_precision"] = (round(total["corroborated_right"] / total["corroborated_judged"], 3)
                                            if total["corroborated_judged"] else None)
    return {"split": split, "topics": rows, "total": total}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--split", choices=("dev", "train"), default="dev")
    ap.add_argument("--topic", default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    out = run(args.data, args.split, args.topic)
    print(f"{'topic':>6} {'articles':>8} {'claims':>6} {'corrob':>6} {'pairs':>6} {'judged':>6} {'right':>6} "
          f"{'x-event':>7}")
    for topic, r in out["topics"].items():
        print(f"{topic:>6} {r['articles']:>8} {r['claims']:>6} {r['corroborated']:>6} {r['pairs']:>6} "
              f"{r['judged']:>6} {r['right']:>6} {r['cross_event']:>7}")
    t = out["total"]
    print(f"ECB+ {args.split}: pair precision {t['pair_precision']} ({t['right']} of {t['judged']} judged pairs; "
          f"{t['pairs']} cross-article pairs in claims, {t['not_located']} not located); floor {FLOOR}")
    print(f"  pairs of corroborated claims: {t['corroborated_pair_precision']} "
          f"({t['corroborated_right']} of {t['corroborated_judged']})")
    if not args.topic:
        out["date"] = dt.date.today().isoformat()
        out["seconds"] = round(time.perf_counter() - t0, 1)
        out["floor"] = FLOOR
        path = RESULTS / f"claims_ecbplus_{args.split}.json"
        path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

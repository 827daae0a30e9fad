"""Claims against the hand-written development gold (issue #12): does "corroborated" hold?

Gold: ``tests/fixtures/claims_gold/*.json`` (format and judging rules in its README): for each
story, every fact stated in two or more articles with its mentions grouped into independent
origins, and every contradiction. Each story is analysed **on its own** (its articles alone in a
fresh database, as a user would run Parallax on one event), then scored:

- **corroborated-claim precision**: of the claims Parallax marks corroborated, the share whose
  mentions all state one gold fact (every mention's sentence overlaps a gold mention or support
  sentence of that fact) and whose fact has ≥ 2 origins in the gold;
- **recall of gold corroborated facts**: the share of gold corroborated facts that some correct
  corroborated claim states;
- **grouping, pairwise**: over pairs of mentions from different articles, precision = pairs that
  Parallax puts in one claim and that state a common gold fact; recall = gold cross-article
  mention pairs that Parallax puts in one claim;
- **disputes**: a Parallax dispute is right when two of its positions fall on different sides of
  one gold dispute; recall = gold disputes found so;
- **digest precision**: a digest line is right when every claim it traces to is a correct
  corroborated claim, or it states a right dispute.

Stories are split in two halves by a hash of their id (``tune`` and ``report``): thresholds may
be chosen on ``tune``; the issue's floors are read on ``report``.

    python bench/claims_gold.py [--split all|tune|report] [--story ID] [--show]

Writes ``bench/results/claims_gold.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts")]

from datapath import data_root  # noqa: E402

GOLD_DIR = ROOT / "tests" / "fixtures" / "claims_gold"
RAQQA = ROOT / "examples" / "raqqa-2017"
RESULTS = ROOT / "bench" / "results" / "claims_gold.json"
FLOORS = {"corroborated_precision": 0.90, "corroborated_recall": 0.60, "dispute_precision": 0.80,
          "digest_precision": 0.90}

Span = tuple[int, int]


def split_of(story: str) -> str:
    """``tune`` or ``report``: a fixed half of the stories by the hash of their id."""
    return "tune" if int(hashlib.sha1(story.encode()).hexdigest(), 16) % 2 == 0 else "report"


def load_gold(split: str = "all", only: str | None = None) -> list[dict[str, Any]]:
    """The gold stories of a split (``all``, ``tune`` or ``report``), sorted by id."""
    stories = []
    for path in sorted(GOLD_DIR.glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        if only and g["story"] != only:
            continue
        if split != "all" and split_of(g["story"]) != split:
            continue
        stories.append(g)
    return stories


# ---------------------------------------------------------------------------------------------
# Inputs: the story's articles as files a user would hand over


def _basil_record(data: Path, article: str) -> dict[str, Any]:
    path = next((data / "basil" / "articles").rglob(f"{article}.json"))
    rec = json.loads(path.read_text(encoding="utf-8"))
    paras = [p if isinstance(p, str) else " ".join(p) for p in rec["body-paragraphs"]]
    return {"id": article, "title": rec["title"], "text": "\n\n".join(paras),
            "outlet": rec.get("source"), "published": rec.get("date"), "url": rec.get("url")}


def _fnc_bodies(data: Path) -> dict[str, str]:
    import csv

    csv.field_size_limit(sys.maxsize)
    with (data / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        return {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}


def write_inputs(gold: dict[str, Any], folder: Path, data: Path, fnc: dict[str, str] | None) -> dict[str, str]:
    """Write the story's articles into ``folder``; returns report ``input`` name → gold article id."""
    names: dict[str, str] = {}
    for article in gold["articles"]:
        if gold["source"] == "raqqa":
            (folder / article).write_bytes((RAQQA / article).read_bytes())
            names[article] = article
            continue
        if gold["source"] == "basil":
            rec = _basil_record(data, article)
        else:
            assert fnc is not None
            rec = {"id": article, "title": "", "text": fnc[article.removeprefix("fnc1-")]}
        name = f"{article}.json"
        (folder / name).write_text(json.dumps(rec), encoding="utf-8")
        names[name] = article
    return names


# ---------------------------------------------------------------------------------------------
# Matching report sentences to gold mentions


# Curly quotes read as straight ones when a gold fragment is looked up in the clean text.
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


def locate(text: str, fragment: str) -> Span | None:
    """Character span of ``fragment`` in ``text`` (exact, else whitespace/quote-normalised)."""
    i = text.find(fragment)
    if i >= 0:
        return i, i + len(fragment)
    # Normalise both and map offsets back through an index of kept characters.
    keep: list[int] = []
    out: list[str] = []
    prev_space = False
    for j, ch in enumerate(text):
        ch = ch.translate(_QUOTES)
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        out.append(ch)
        keep.append(j)
    flat = "".join(out)
    k = flat.find(_norm(fragment))
    if k < 0:
        return None
    end = k + len(_norm(fragment)) - 1
    return keep[k], keep[end] + 1


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


class GoldIndex:
    """Gold mentions of one story located in the report's clean texts."""

    def __init__(self, gold: dict[str, Any], texts: dict[str, str]) -> None:
        self.facts = {f["id"]: f for f in gold["facts"]}
        self.spans: dict[str, list[tuple[Span, str, str | None]]] = defaultdict(list)  # article → (span, fact, origin)
        self.missing: list[tuple[str, str]] = []
        for f in gold["facts"]:
            for m in f["mentions"]:
                self._add(texts, m["article"], m["text"], f["id"], m.get("origin"))
            for m in f.get("support", []):
                self._add(texts, m["article"], m["text"], f["id"], None)
        # article → (span, dispute, side)
        self.dispute_spans: dict[str, list[tuple[Span, str, int]]] = defaultdict(list)
        for d in gold.get("disputes", []):
            for side, s in enumerate(d["sides"]):
                for m in s["mentions"]:
                    span = locate(texts.get(m["article"], ""), m["text"])
                    if span is None:
                        self.missing.append((m["article"], m["text"]))
                    else:
                        self.dispute_spans[m["article"]].append((span, d["id"], side))

    def _add(self, texts: dict[str, str], article: str, fragment: str, fact: str, origin: str | None) -> None:
        span = locate(texts.get(article, ""), fragment)
        if span is None:
            self.missing.append((article, fragment))
        else:
            self.spans[article].append((span, fact, origin))

    def facts_of(self, article: str, span: Span) -> set[str]:
        """Gold facts a report sentence states: those with a gold mention it overlaps by half or more."""
        out = set()
        for g, fact, _ in self.spans.get(article, []):
            if _overlap(g, span) >= 0.5 * min(g[1] - g[0], span[1] - span[0]):
                out.add(fact)
        return out

    def sides_of(self, article: str, span: Span) -> set[tuple[str, int]]:
        out = set()
        for g, dispute, side in self.dispute_spans.get(article, []):
            if _overlap(g, span) >= 0.5 * min(g[1] - g[0], span[1] - span[0]):
                out.add((dispute, side))
        return out


# ---------------------------------------------------------------------------------------------
# Scoring one story


def score_story(gold: dict[str, Any], report: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Counts for one story's report against its gold (summed over stories by :func:`summarise`)."""
    by_id = {a["id"]: a for a in report["articles"]}
    gid = {a["id"]: names.get(a["input"], a["input"]) for a in report["articles"]}
    texts = {gid[a]: by_id[a]["text"] for a in by_id}
    idx = GoldIndex(gold, texts)
    corroborated_gold = {f["id"] for f in gold["facts"] if f["status"] == "corroborated"}

    claims = [c for s in report["stories"] for c in s["claims"]]
    # report claim id → the corroborated gold facts every one of its mentions states (gold facts
    # are atomic, so one long sentence often states several: "Romney on Tuesday called on Akin,
    # the Missouri congressman, to exit the race" states four, and a claim grouping such
    # sentences corroborates each; crediting only the first, as before 1 Dec 2026, undercounted
    # recall by a third on the tune half).
    correct_claims: dict[str, list[str]] = {}
    judged = []
    for c in claims:
        if c["status"] != "corroborated":
            continue
        fact_sets = [idx.facts_of(gid[m["article"]], (m["start"], m["end"])) for m in c["mentions"]]
        common = set.intersection(*fact_sets) if fact_sets else set()
        ok = sorted(common & corroborated_gold)
        if ok:
            correct_claims[c["id"]] = ok
        judged.append({"claim": c["id"], "text": c["text"], "right": bool(ok), "fact": ok[0] if ok else None,
                       "mentions": len(c["mentions"]), "stated": [sorted(s) for s in fact_sets]})

    # Pairwise grouping over cross-article mention pairs.
    pred_pairs = set()
    pred_right = 0
    for c in claims:
        ms = [(gid[m["article"]], (m["start"], m["end"])) for m in c["mentions"]]
        for (a1, s1), (a2, s2) in itertools.combinations(ms, 2):
            if a1 == a2:
                continue
            pred_pairs.add(((a1, s1), (a2, s2)))
            if idx.facts_of(a1, s1) & idx.facts_of(a2, s2):
                pred_right += 1
    gold_pairs = 0
    gold_found = 0
    claim_of: dict[tuple[str, int, int], set[str]] = defaultdict(set)
    for c in claims:
        for m in c["mentions"]:
            claim_of[(gid[m["article"]], m["start"], m["end"])].add(c["id"])
    sentences_of = {gid[a]: [(s["start"], s["end"]) for s in by_id[a]["sentences"]] for a in by_id}

    def claims_at(article: str, span: Span) -> set[str]:
        out: set[str] = set()
        for s in sentences_of.get(article, []):
            if _overlap(s, span) > 0:
                out |= claim_of.get((article, s[0], s[1]), set())
        return out

    for f in gold["facts"]:
        ms = [(m["article"], locate(texts.get(m["article"], ""), m["text"])) for m in f["mentions"]]
        for (a1, s1), (a2, s2) in itertools.combinations(ms, 2):
            if a1 == a2 or s1 is None or s2 is None:
                continue
            gold_pairs += 1
            if claims_at(a1, s1) & claims_at(a2, s2):
                gold_found += 1

    # Disputes.
    gold_disputes = {d["id"] for d in gold.get("disputes", [])}
    disputes = [d for s in report["stories"] for d in s["disputes"]]
    claims_by_id = {c["id"]: c for c in claims}
    right_disputes: set[int] = set()
    found_gold: set[str] = set()
    for k, d in enumerate(disputes):
        side_sets = []
        for p in d["positions"]:
            c = claims_by_id.get(p["claim"])
            sides: set[tuple[str, int]] = set()
            if c:
                for m in c["mentions"]:
                    if m["article"] in p["articles"]:
                        sides |= idx.sides_of(gid[m["article"]], (m["start"], m["end"]))
            side_sets.append(sides)
        for s1, s2 in itertools.combinations(side_sets, 2):
            hit = {(d1, a) for d1, a in s1 for d2, b in s2 if d1 == d2 and a != b}
            if hit:
                right_disputes.add(k)
                found_gold |= {d1 for d1, _ in hit}

    # Digest lines.
    digest_total = digest_right = 0
    for s in report["stories"]:
        for line, ids in zip(s["summary"], s.get("summary_claims", []), strict=False):
            digest_total += 1
            dispute_line = any(any(p["claim"] in ids for p in d["positions"]) for d in s["disputes"]) and \
                "disput" in line.lower()
            if dispute_line:
                ok = any(k in right_disputes for k, d in enumerate(disputes)
                         if any(p["claim"] in ids for p in d["positions"]))
            else:
                ok = bool(ids) and all(i in correct_claims for i in ids)
            digest_right += ok

    recalled = {f for facts in correct_claims.values() for f in facts}
    return {
        "story": gold["story"], "split": split_of(gold["story"]),
        "report_stories": len(report["stories"]),
        "corroborated": len(judged), "corroborated_right": sum(j["right"] for j in judged),
        "gold_corroborated": len(corroborated_gold), "gold_corroborated_found": len(recalled & corroborated_gold),
        "pairs_predicted": len(pred_pairs), "pairs_predicted_right": pred_right,
        "pairs_gold": gold_pairs, "pairs_gold_found": gold_found,
        "disputes": len(disputes), "disputes_right": len(right_disputes),
        "gold_disputes": len(gold_disputes), "gold_disputes_found": len(found_gold),
        "digest_lines": digest_total, "digest_right": digest_right,
        "gold_mentions_not_located": len(idx.missing),
        "judged": judged,
    }


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged metrics over stories."""
    t = defaultdict(int)
    for r in rows:
        for k, v in r.items():
            if isinstance(v, int) and not isinstance(v, bool):
                t[k] += v
    return {
        "stories": len(rows),
        "corroborated_precision": _rate(t["corroborated_right"], t["corroborated"]),
        "corroborated_claims": t["corroborated"],
        "corroborated_recall": _rate(t["gold_corroborated_found"], t["gold_corroborated"]),
        "gold_corroborated_facts": t["gold_corroborated"],
        "pair_precision": _rate(t["pairs_predicted_right"], t["pairs_predicted"]),
        "pair_recall": _rate(t["pairs_gold_found"], t["pairs_gold"]),
        "dispute_precision": _rate(t["disputes_right"], t["disputes"]),
        "dispute_recall": _rate(t["gold_disputes_found"], t["gold_disputes"]),
        "disputes": t["disputes"],
        "digest_precision": _rate(t["digest_right"], t["digest_lines"]),
        "digest_lines": t["digest_lines"],
        "stories_split_by_clustering": sum(r["report_stories"] > 1 for r in rows),
        "gold_mentions_not_located": t["gold_mentions_not_located"],
    }


def run(stories: list[dict[str, Any]], data: Path) -> list[dict[str, Any]]:
    """Analyse each gold story on its own and score it."""
    from parallax.pipeline import analyze

    fnc = _fnc_bodies(data) if any(g["source"] == "fnc1" for g in stories) else None
    rows = []
    for g in stories:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            names = write_inputs(g, folder, data, fnc)
            result = analyze([folder], out_dir=Path(tmp) / "out")
            report = json.loads(result.report_json.read_text(encoding="utf-8"))
        rows.append(score_story(g, report, names))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--split", choices=("all", "tune", "report"), default="all")
    ap.add_argument("--story", default=None, help="score one story only")
    ap.add_argument("--show", action="store_true", help="print every corroborated claim with its verdict")
    ap.add_argument("--samefact-threshold", type=float, default=None,
                    help="try another same-fact threshold: the first stage's, or the second's with "
                         "--cross-encoder (for tuning on --split tune; not saved)")
    ap.add_argument("--cross-encoder", action="store_true",
                    help="link with the same-fact model's second stage too (as PARALLAX_CROSS_ENCODER=1 does)")
    args = ap.parse_args()
    if args.samefact_threshold is not None or args.cross_encoder:
        import dataclasses

        import parallax.claims.align as align
        from parallax.claims.samefact import load_samefact, load_second_stage

        first, second = load_samefact(), load_second_stage(enabled=True if args.cross_encoder else None)
        if args.samefact_threshold is not None:
            if second is None:
                first = dataclasses.replace(first, threshold=args.samefact_threshold)
            else:
                second = dataclasses.replace(second, threshold=args.samefact_threshold)
        align.load_samefact = lambda: first  # type: ignore[assignment]
        align.load_second_stage = lambda: second  # type: ignore[assignment]
    stories = load_gold(args.split, args.story)
    if not stories:
        print(f"no gold stories in {GOLD_DIR}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    rows = run(stories, args.data)
    elapsed = time.perf_counter() - t0
    halves = {name: summarise([r for r in rows if r["split"] == name]) for name in ("tune", "report")}
    overall = summarise(rows)
    print(f"{'':32}{'tune':>10}{'report':>10}{'all':>10}{'floor':>8}")
    for key in ("stories", "corroborated_claims", "corroborated_precision", "gold_corroborated_facts",
                "corroborated_recall", "pair_precision", "pair_recall", "disputes", "dispute_precision",
                "dispute_recall", "digest_lines", "digest_precision", "stories_split_by_clustering",
                "gold_mentions_not_located"):
        vals = [halves["tune"][key], halves["report"][key], overall[key]]
        cells = "".join(f"{'–' if v is None else v:>10}" for v in vals)
        print(f"{key:32}{cells}{FLOORS.get(key, ''):>8}")
    if args.show:
        for r in rows:
            for j in r["judged"]:
                print(f"{'OK ' if j['right'] else 'BAD'} {r['story'][:22]:22} {j['mentions']:>2}  {j['text'][:110]}")
    if args.story is None and args.split == "all" and args.samefact_threshold is None and not args.cross_encoder:
        RESULTS.write_text(json.dumps({
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(elapsed, 1), "floors_on": "report", "floors": FLOORS,
            "tune": halves["tune"], "report": halves["report"], "all": overall,
            "stories": [{k: v for k, v in r.items() if k != "judged"} for r in rows],
        }, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Quantity extraction on the five Raqqa samples against a hand-made gold list.

Gold: tests/fixtures/raqqa_quantities.json (every number in the clean bodies; see its notes).
An extracted quantity matches a gold one when both are in the same article, their character
spans overlap and their values are equal (one-to-one, greedy in text order). The value+unit
level also needs the gold unit's head noun (singularised) among the extracted unit's words.

    python bench/quantities.py

Prints precision / recall / F1 at both levels, the misses and false positives, and writes
bench/results/quantities.json. tests/test_quantities_gold.py imports this module.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parallax.extract.quantities import find_quantities  # noqa: E402
from parallax.ingest.readers import IngestOptions, read_file  # noqa: E402
from parallax.text.clean import clean  # noqa: E402
from parallax.text.segment import segment  # noqa: E402
from parallax.types import Quantity, RawDocument  # noqa: E402

RAQQA = ROOT / "examples" / "raqqa-2017"
GOLD = ROOT / "tests" / "fixtures" / "raqqa_quantities.json"
RESULTS = ROOT / "bench" / "results" / "quantities.json"


def body(name: str) -> tuple[str, list[Quantity]]:
    """The clean body of one sample and the quantities the extractor finds in it."""
    (unit,) = read_file(RAQQA / name, IngestOptions())
    assert isinstance(unit, RawDocument), unit
    article = segment(clean(unit))
    return article.doc.text, find_quantities(article.doc.text, article.sentences)


def locate(text: str, surface: str, occurrence: int = 0) -> tuple[int, int] | None:
    """Span of the ``occurrence``-th whole-word match of ``surface`` in ``text``."""
    pattern = rf"(?<![\w.,]){re.escape(surface)}(?![\w%]|[.,]\d)"
    hits = [m.span() for m in re.finditer(pattern, text)]
    return hits[occurrence] if occurrence < len(hits) else None


def _words(unit: str | None) -> list[str]:
    return [w[:-1] if w.endswith("s") and len(w) > 3 else w for w in (unit or "").lower().split()]


def unit_ok(gold: str | None, got: str | None) -> bool:
    if gold is None:
        return got is None
    return _words(gold)[-1] in _words(got)


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, float]:
    p = tp_pred / n_pred if n_pred else 1.0
    r = tp_gold / n_gold if n_gold else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def evaluate() -> dict[str, Any]:
    """Match extracted quantities to gold; returns scores, pairs, misses and false positives."""
    gold_all = json.loads(GOLD.read_text(encoding="utf-8"))["quantities"]
    pairs: list[dict[str, Any]] = []
    misses: list[dict[str, Any]] = []
    false_pos: list[dict[str, Any]] = []
    n_pred = 0
    for name in sorted({g["article"] for g in gold_all}):
        text, found = body(name)
        n_pred += len(found)
        free = list(found)
        for g in (g for g in gold_all if g["article"] == name):
            span = locate(text, g["text"], g.get("occurrence", 0))
            if span is None:
                raise ValueError(f"gold surface not in clean body: {name}: {g['text']!r}")
            hit = next((q for q in free if q.start < span[1] and span[0] < q.end
                        and abs(q.value - g["value"]) < 1e-6), None)
            if hit is None:
                near = [f"{q.text!r}={q.value:g}" for q in found if q.start < span[1] and span[0] < q.end]
                misses.append({**g, "span": list(span), "overlapping": near})
                continue
            free.remove(hit)
            pairs.append({"gold": g, "span": list(span), "got": _q(hit), "unit_ok": unit_ok(g["unit"], hit.unit)})
        false_pos += [{"article": name, **_q(q)} for q in free]
    n_gold, n_tp = len(gold_all), len(pairs)
    n_unit = sum(p["unit_ok"] for p in pairs)
    return {
        "gold": n_gold, "extracted": n_pred, "matched": n_tp, "matched_with_unit": n_unit,
        "value": _prf(n_tp, n_pred, n_tp, n_gold),
        "value_unit": _prf(n_unit, n_pred, n_unit, n_gold),
        "misses": misses, "false_positives": false_pos,
        "unit_mismatches": [p for p in pairs if not p["unit_ok"]],
        "pairs": pairs,
    }


def _q(q: Quantity) -> dict[str, Any]:
    return {"start": q.start, "end": q.end, "text": q.text, "value": q.value, "unit": q.unit,
            "qualifier": q.qualifier, "about": q.about}


def main() -> None:
    res = evaluate()
    print(f"gold {res['gold']}  extracted {res['extracted']}  matched {res['matched']}"
          f"  (with unit {res['matched_with_unit']})")
    for level in ("value", "value_unit"):
        s = res[level]
        print(f"{level:<11} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
    print(f"\nmisses ({len(res['misses'])}):")
    for m in res["misses"]:
        print(f"  {m['article'][:3]} {m['text']!r:26} = {m['value']:g} {m['unit']}  overlapping: {m['overlapping']}")
    print(f"\nfalse positives ({len(res['false_positives'])}):")
    for f in res["false_positives"]:
        print(f"  {f['article'][:3]} {f['text']!r:26} = {f['value']:g} {f['unit']}  ({f['about']})")
    print(f"\nunit mismatches ({len(res['unit_mismatches'])}):")
    for p in res["unit_mismatches"]:
        print(f"  {p['gold']['article'][:3]} {p['gold']['text']!r:26} gold {p['gold']['unit']!r:18}"
              f" got {p['got']['unit']!r}")
    greedy = [p for p in res["pairs"] if p["unit_ok"] and p["got"]["unit"]
              and _words(p["got"]["unit"]) != _words(p["gold"]["unit"])]
    print(f"\nunit accepted but not exact ({len(greedy)}):")
    for p in greedy:
        print(f"  {p['gold']['article'][:3]} {p['gold']['text']!r:26} gold {p['gold']['unit']!r:18}"
              f" got {p['got']['unit']!r}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

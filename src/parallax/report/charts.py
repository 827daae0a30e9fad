"""Geometry of the inline SVG charts: numbers and labels only; ``templates/charts.html.j2`` draws them.

Drawn on the server, readable without JavaScript and printable. Every label is plain text
that the template escapes. Sizes are in CSS pixels of the SVG's own coordinate system.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from statistics import median
from typing import Any

from parallax.report.profiles import SIGNALS as SIGNAL_KEYS

BAR_W = 260  # the longest bar; the rest scale to it
ROW_H = 18

# Origin kinds that name a source several articles relay (a named speaker, an unnamed one such as
# "the indictment"); an origin of kind "article" is an outlet's own reporting.
RELAYED_KINDS = ("speaker", "unnamed source")


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _anchor(ident: str) -> str:
    return f"#{ident}"


def corroboration(claims: Sequence[Mapping[str, Any]], limit: int = 25,
                  href: Callable[[str], str] = _anchor) -> dict[str, Any]:
    """Claims with most independent origins first: a dark bar for origins, a light one for the
    outlets that carry the claim (the gap is repetition: copies, one source relayed).

    ``href(claim_id)`` is where a bar links (default: the anchor ``#claim_id`` of report.html).
    """
    ranked = sorted(claims, key=lambda c: (-c["independent_origins"], -c["outlets"], c["id"]))[:limit]
    top = max([max(c["independent_origins"], c["outlets"]) for c in ranked] or [1]) or 1
    rows = []
    for i, c in enumerate(ranked):
        rows.append({
            "y": i * ROW_H, "label": _clip(c["text"], 70), "claim": c["id"], "status": c["status"],
            "href": href(c["id"]),
            "origins": c["independent_origins"], "outlets": c["outlets"],
            "w_origins": max(2, round(BAR_W * c["independent_origins"] / top)),
            "w_outlets": max(2, round(BAR_W * max(c["outlets"], c["independent_origins"]) / top)),
        })
    return {"rows": rows, "height": len(rows) * ROW_H + 24, "bar_w": BAR_W, "more": max(0, len(claims) - limit)}


def signal_strips(articles: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per signal, one dot per article at its score on a 0–1 line, and the median marked."""
    rows = []
    for i, key in enumerate(SIGNAL_KEYS):
        values = [float(a[f"sig_{key}"]) for a in articles if a.get(f"sig_{key}") is not None]
        rows.append({
            "y": i * 26 + 10, "label": key.replace("_", " "), "n": len(values),
            "dots": [round(BAR_W * v, 1) for v in values],
            "median": round(BAR_W * median(values), 1) if values else None,
            "median_value": round(median(values), 2) if values else None,
        })
    return {"rows": rows, "height": len(rows) * 26 + 24, "bar_w": BAR_W}


def timeline(articles: Sequence[Mapping[str, Any]], width: int = 640,
             href: Callable[[str], str] = _anchor) -> dict[str, Any]:
    """Articles as dots on a day axis, stacked per day; copies hollow. Undated ones are counted.

    Articles carry ``id``, ``published``, ``copy_of`` and ``outlet`` or ``input`` (a label);
    ``href(article_id)`` is where a dot links.
    """
    dated = [a for a in articles if a.get("published")]
    days = sorted({str(a["published"])[:10] for a in dated})
    if not days:
        return {"dots": [], "ticks": [], "height": 0, "width": width, "undated": len(articles)}
    from datetime import date

    def ordinal(day: str) -> int:
        try:
            return date.fromisoformat(day).toordinal()
        except ValueError:
            return 0

    lo, hi = ordinal(days[0]), ordinal(days[-1])
    span = max(hi - lo, 1)
    margin = 40

    def x(day: str) -> float:
        return round(margin + (width - 2 * margin) * ((ordinal(day) - lo) / span if hi > lo else 0.5), 1)

    stack: Counter[str] = Counter()
    dots = []
    for a in dated:
        day = str(a["published"])[:10]
        stack[day] += 1
        dots.append({"x": x(day), "level": stack[day], "day": day, "href": href(a["id"]),
                     "copy": bool(a.get("copy_of")), "label": a.get("outlet") or a.get("input") or a["id"]})
    top = max(stack.values())
    height = 36 + top * 14
    for d in dots:
        d["y"] = height - 26 - (d["level"] - 1) * 14
    step = max(1, len(days) // 8)
    ticks = [{"x": x(d), "label": d} for d in days[::step]]
    if ticks[-1]["label"] != days[-1]:
        ticks.append({"x": x(days[-1]), "label": days[-1]})
    return {"dots": dots, "ticks": ticks, "height": height, "width": width, "axis_y": height - 14,
            "undated": len(articles) - len(dated)}


def cites(articles: Sequence[Mapping[str, Any]], top: int = 12) -> dict[str, Any]:
    """Who cites whom: outlets (left) linked to the sources their articles cite (right).

    ``articles`` carry ``outlet`` (or ``input``) and ``cited_sources`` ([{name, kind}]). Only the
    ``top`` most cited sources are drawn; line width grows with the number of articles.
    """
    edges: Counter[tuple[str, str]] = Counter()
    kinds: dict[str, str] = {}
    for a in articles:
        left = a.get("outlet") or "(outlet unknown)"
        for c in {(c["name"], c["kind"]) for c in a.get("cited_sources") or []}:
            edges[(left, c[0])] += 1
            kinds[c[0]] = c[1]
    weight: Counter[str] = Counter()
    for (_, right), n in edges.items():
        weight[right] += n
    rights = [name for name, _ in weight.most_common(top)]
    lefts = sorted({left for (left, right) in edges if right in rights})
    if not rights:
        return {"nodes_left": [], "nodes_right": [], "edges": [], "height": 0}
    height = max(len(lefts), len(rights)) * 22 + 12
    ly = {name: 16 + i * (height - 24) / max(len(lefts) - 1, 1) for i, name in enumerate(lefts)}
    ry = {name: 16 + i * 22 for i, name in enumerate(rights)}
    if len(lefts) == 1:
        ly = {lefts[0]: height / 2}
    by_left: dict[str, int] = defaultdict(int)
    lines = []
    for (left, right), n in sorted(edges.items()):
        if right in ry:
            by_left[left] += n
            lines.append({"y1": round(ly[left], 1), "y2": round(ry[right], 1), "w": min(1 + n, 6),
                          "title": f"{left} cites {right} in {n} article{'s' if n != 1 else ''}"})
    return {
        "nodes_left": [{"y": round(ly[n], 1), "label": _clip(n, 28), "n": by_left[n]} for n in lefts],
        "nodes_right": [{"y": ry[n], "label": _clip(n, 30), "kind": kinds[n], "n": weight[n]} for n in rights],
        "edges": lines, "height": round(height),
    }


# How a claims-matrix cell shows an article's relation to a claim.
CELL_SYMBOLS = {"states": "●", "words": "❝", "contradicts": "✕", "silent": "·"}
CELL_WORDS = {"states": "states it", "words": "reports it as someone's words", "contradicts": "contradicts it",
              "silent": "is silent on it"}
SILENT_CELL = {"state": "silent", "article": None, "start": None, "copied": False, "relayed": None, "n": 0,
               "symbol": CELL_SYMBOLS["silent"], "title": ""}
STATUS_ORDER = {"disputed": 0, "corroborated": 1, "single-source": 2}


def matrix_order(claims: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Rows of the claims matrix: disputed claims first, then by independent origins and mentions."""
    return sorted(claims, key=lambda c: (STATUS_ORDER.get(c["status"], 3), -c["independent_origins"],
                                         -len(c["mentions"]), c["id"]))


def claims_matrix(claims: Sequence[Mapping[str, Any]], columns: Sequence[str], labels: Mapping[str, str],
                  disputes: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Who says what: one row per claim, one cell per article of ``columns`` (ids).

    A cell's ``state``: ``contradicts`` (a mention disagrees), else ``states`` (in the article's
    own voice), else ``words`` (attributed to someone), else ``silent``; ``copied`` when a mention
    sits in a copied passage; ``relayed`` names the source when several articles relay the
    same named speaker; ``start`` is the first mention's offset (the link target).
    """
    disputed = {p["claim"]: d["about"] for d in disputes for p in d["positions"]}
    out = []
    for c in claims:
        relayed = {a: o["source"] for o in c.get("origins", [])
                   if o.get("kind") in RELAYED_KINDS and len(o["articles"]) > 1 for a in o["articles"]}
        by_article: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for m in c["mentions"]:
            by_article[m["article"]].append(m)
        cells: list[dict[str, Any]] = []
        for aid in columns:
            ms = by_article.get(aid)
            if not ms:  # most cells of a big story: nothing to compute
                cells.append(SILENT_CELL)
                continue
            stances = {m["stance"] for m in ms}
            state = ("contradicts" if "disagrees" in stances else "states" if "agrees" in stances
                     else "words" if "discusses" in stances else "silent")
            copied = any(m.get("copied") for m in ms)
            title = f"{labels[aid]} {CELL_WORDS[state]}" + (" (copied passage)" if copied else "") + (
                f", relaying {relayed[aid]}" if aid in relayed else "")
            cells.append({"state": state, "article": aid, "start": min(m["start"] for m in ms), "copied": copied,
                          "relayed": relayed.get(aid), "n": len(ms), "symbol": CELL_SYMBOLS[state], "title": title})
        origins = "; ".join(f"{o.get('source') or labels.get(o['articles'][0], o['articles'][0])} ({o.get('kind')}"
                            + (f": {', '.join(o['why'])})" if o.get("why") else ")")
                            for o in c.get("origins", []) if o.get("articles"))
        out.append({"claim": c, "cells": cells, "dispute": disputed.get(c["id"]), "origins": origins})
    return out

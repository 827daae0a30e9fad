"""Outlet profiles: a data-driven "source card" per outlet, built from its articles in the report.

Rating services grade outlets by hand; here every number comes from the outlet's own articles
and links back to them: how its signals are distributed, how its claims fared across outlets
(corroborated, single-source, disputed), how much it copies, and whom it cites.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from statistics import median
from typing import Any

SIGNALS = ("clickbait", "opinion_share", "loaded_language", "hate", "sourcing", "headline_support", "slant")
UNKNOWN = "(outlet unknown)"
TOP_CITED = 10


def outlet_profiles(articles: Sequence[Mapping[str, Any]],
                    stories: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One profile per outlet (articles with no known outlet are pooled under ``UNKNOWN``)."""
    outlet_of = {a["id"]: a["outlet"].get("name") or UNKNOWN for a in articles}
    claim_status: dict[str, Counter[str]] = {}
    for story in stories:
        for claim in story["claims"]:
            for outlet in {outlet_of.get(m["article"], UNKNOWN) for m in claim["mentions"]}:
                claim_status.setdefault(outlet, Counter())[claim["status"]] += 1
    by_outlet: dict[str, list[Mapping[str, Any]]] = {}
    for a in articles:
        by_outlet.setdefault(outlet_of[a["id"]], []).append(a)
    out = []
    for outlet, arts in sorted(by_outlet.items(), key=lambda kv: (kv[0] == UNKNOWN, -len(kv[1]), kv[0])):
        signals = {}
        for name in SIGNALS:
            # An article in a language the models cannot read has no score to average.
            values = [a["signals"][name]["score"] for a in arts
                      if name in a["signals"] and a["signals"][name].get("score") is not None
                      and (a["signals"][name].get("details") or {}).get("reason") != "language not supported"]
            if values:
                signals[name] = {"mean": round(sum(values) / len(values), 4), "median": round(median(values), 4),
                                 "min": round(min(values), 4), "max": round(max(values), 4), "n": len(values)}
        cited = Counter(c["name"] for a in arts for c in a["cited_sources"])
        # How many of its articles frame towards each side (slant details; "none": no cues show one).
        directions = Counter((a["signals"].get("slant", {}).get("details") or {}).get("direction") or "none"
                             for a in arts)
        statuses = claim_status.get(outlet, Counter())
        out.append({
            "outlet": outlet,
            "articles": [a["id"] for a in arts],
            "signals": signals,
            "claims": {k: statuses.get(k, 0) for k in ("corroborated", "single-source", "disputed")},
            "copies": sum(1 for a in arts if a.get("copy_of")),
            "articles_with_shared_passages": sum(1 for a in arts if a.get("reuse")),
            "cited": [{"name": n, "articles": k} for n, k in cited.most_common(TOP_CITED)],
            "framing": {d: directions.get(d, 0) for d in ("left", "right", "none")},
        })
    return out

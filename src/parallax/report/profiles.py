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
    tally = OutletTally()
    for a in articles:
        tally.add_article(a)
    for story in stories:
        tally.add_story(story)
    return tally.profiles()


class OutletTally:
    """Outlet profiles built article by article, then story by story (a streamed report).

    Keeps per outlet only what a profile is made of (ids, signal scores, cited names, framing
    directions, claim statuses), never an article's text.
    """

    def __init__(self) -> None:
        self.outlet_of: dict[str, str] = {}
        self.ids: dict[str, list[str]] = {}
        self.values: dict[str, dict[str, list[float]]] = {}
        self.cited: dict[str, Counter[str]] = {}
        self.directions: dict[str, Counter[str]] = {}
        self.copies: Counter[str] = Counter()
        self.shared: Counter[str] = Counter()
        self.claim_status: dict[str, Counter[str]] = {}

    def add_article(self, a: Mapping[str, Any]) -> None:
        """Count one article (report form) towards its outlet."""
        outlet = a["outlet"].get("name") or UNKNOWN
        self.outlet_of[a["id"]] = outlet
        self.ids.setdefault(outlet, []).append(a["id"])
        values = self.values.setdefault(outlet, {})
        for name in SIGNALS:
            sig = a["signals"].get(name)
            # An article in a language the models cannot read has no score to average.
            if sig is not None and sig.get("score") is not None \
                    and (sig.get("details") or {}).get("reason") != "language not supported":
                values.setdefault(name, []).append(sig["score"])
        self.cited.setdefault(outlet, Counter()).update(c["name"] for c in a["cited_sources"])
        # How many of its articles frame towards each side (slant details; "none": no cues show one).
        direction = (a["signals"].get("slant", {}).get("details") or {}).get("direction") or "none"
        self.directions.setdefault(outlet, Counter())[direction] += 1
        self.copies[outlet] += 1 if a.get("copy_of") else 0
        self.shared[outlet] += 1 if a.get("reuse") else 0

    def add_story(self, story: Mapping[str, Any]) -> None:
        """Count one story's claims (report form) towards the outlets that carry them."""
        for claim in story["claims"]:
            for outlet in {self.outlet_of.get(m["article"], UNKNOWN) for m in claim["mentions"]}:
                self.claim_status.setdefault(outlet, Counter())[claim["status"]] += 1

    def profiles(self) -> list[dict[str, Any]]:
        """The profiles, largest outlet first, the unknown outlet last."""
        out = []
        for outlet, ids in sorted(self.ids.items(), key=lambda kv: (kv[0] == UNKNOWN, -len(kv[1]), kv[0])):
            signals = {}
            for name in SIGNALS:
                values = self.values[outlet].get(name)
                if values:
                    signals[name] = {"mean": round(sum(values) / len(values), 4),
                                     "median": round(median(values), 4),
                                     "min": round(min(values), 4), "max": round(max(values), 4), "n": len(values)}
            statuses = self.claim_status.get(outlet, Counter())
            directions = self.directions[outlet]
            out.append({
                "outlet": outlet,
                "articles": list(ids),
                "signals": signals,
                "claims": {k: statuses.get(k, 0) for k in ("corroborated", "single-source", "disputed")},
                "copies": self.copies[outlet],
                "articles_with_shared_passages": self.shared[outlet],
                "cited": [{"name": n, "articles": k} for n, k in self.cited[outlet].most_common(TOP_CITED)],
                "framing": {d: directions.get(d, 0) for d in ("left", "right", "none")},
            })
        return out

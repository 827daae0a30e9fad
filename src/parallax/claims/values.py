"""Values that undo a link: sums and years two linked statements give for one thing.

The same-fact model links two statements by meaning; their values decide what the link is.
One sum or one year stated two ways ("$5.6 billion" / "$5.7 billion", "since 2002" / "since
2003") is a dispute, never a corroboration; two datings further apart than a misreport are two
facts. Used by :mod:`parallax.claims.align` on the links it accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from parallax.claims.claimsim import stems
from parallax.claims.disputes import (
    Figure,
    conflicting,
    money_figures,
    year_figures,
    years_apart,
    years_disagree,
)


class Stated(Protocol):
    """What this module reads of a statement (``align.AlignSentence`` is one)."""

    @property
    def article(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def speaker(self) -> str | None: ...


def independent(a: Stated, b: Stated) -> bool:
    """Two statements can oppose each other: different articles, or different speakers."""
    return a.article != b.article or (a.speaker or "") != (b.speaker or "")


def value_links(cands: Sequence[Stated], edges: Mapping[tuple[int, int], float],
                 ) -> tuple[dict[tuple[int, int], tuple[Figure, Figure]], list[tuple[int, int]]]:
    """Links the same-fact model accepted that the values of their two sentences undo.

    First, links whose sentences each hold one sum of money, the two incompatible ("$5.6
    billion" / "$5.7 billion"), or one year under the same preposition a year or two apart
    ("has led House Democrats since 2002" / "since 2003"): one fact stated with two values is
    a dispute, never a corroboration. Second, links whose sentences date one thing further apart
    than a misreport (``disputes.years_apart``: "governor from 1996 to 2007" / "lieutenant
    governor from 1993 to 1996"): two facts the link joined, no dispute. Each sentence's values
    are read once.
    """
    values: dict[int, tuple[list[Figure], list[Figure]]] = {}

    def values_of(k: int) -> tuple[list[Figure], list[Figure]]:
        if k not in values:
            values[k] = (money_figures(cands[k].text, cands[k].start), year_figures(cands[k].text, cands[k].start))
        return values[k]

    clashes: dict[tuple[int, int], tuple[Figure, Figure]] = {}
    apart: list[tuple[int, int]] = []
    for i, j in edges:
        for a, b, clash in zip(values_of(i), values_of(j), (conflicting, years_disagree), strict=True):
            if not a or not b or not independent(cands[i], cands[j]):
                continue
            if len(a) == 1 and len(b) == 1:
                pair: tuple[Figure, Figure] | None = (a[0], b[0])
            elif clash is conflicting:
                pair = _counterparts(cands[i], a, cands[j], b)
            else:
                pair = None
            if pair is not None and clash(*pair):
                clashes[(i, j)] = pair
                break
        else:
            years_i, years_j = values_of(i)[1], values_of(j)[1]
            if len(years_i) == 1 and len(years_j) == 1 and years_apart(years_i[0], years_j[0]):
                apart.append((i, j))
    return clashes, apart


# Sums that say what they pay for: the content stems within this many words either side.
COUNTERPART_WINDOW = 6
COUNTERPART_SHARED = 2
_CLAUSE_BREAK = re.compile(r"[,;]\s*(?:and|but|while|plus)?\s*|\s(?:and|but|while|plus)\s")


def _counterparts(x: Stated, xs: Sequence[Figure], y: Stated, ys: Sequence[Figure],
                  ) -> tuple[Figure, Figure] | None:
    """The one sum of ``x`` and the one sum of ``y`` that are about the same thing, when the
    sentences hold several: "divert $3.6 billion from military construction projects …, and $2.5
    billion from counter-drug funds" / "the military construction budget, to the tune of $3.5
    billion" (BASIL, the 2019 border emergency). Each sum is read with the words around it; the
    pairing that shares the most content stems wins, if it shares ``COUNTERPART_SHARED`` or more
    and no other pairing shares as many. Otherwise None: which sum answers which is not known.

    Nor when the two sentences share a sum: "about $8 billion in all for barriers, more than the
    $5.7 billion he demanded" / "Trump's originally proposed figure of $5.7 billion for … a
    physical barrier" agree on the $5.7 billion; the other sums are other things (BASIL, tune
    half: the context stems had paired $8 billion with $5.7 billion)."""
    if any(not conflicting(a, b) for a in xs for b in ys):
        return None

    def split(sent: Stated, a: Figure, b: Figure) -> int:
        # The words between two sums belong to the first up to the last clause break, to the
        # second after it: "$3.6 billion from military construction projects, and to tap $2.5
        # billion". No break: all to the first ("$2.5 billion from counterdrug programs and $3.6 …"
        # has "and" as its break; "$5 million for X or $6 million" gives "for X" to the first).
        lo, hi = a.end - sent.start, b.start - sent.start
        breaks = list(_CLAUSE_BREAK.finditer(sent.text, lo, hi))
        return (breaks[-1].end() if breaks else hi)

    def context(sent: Stated, figs: Sequence[Figure], k: int) -> set[str]:
        lo = split(sent, figs[k - 1], figs[k]) if k > 0 else 0
        hi = figs[k + 1].start - sent.start if k + 1 < len(figs) else len(sent.text)
        if k + 1 < len(figs):
            breaks = list(_CLAUSE_BREAK.finditer(sent.text, figs[k].end - sent.start, hi))
            hi = breaks[-1].start() if breaks else hi
        before = stems(sent.text[lo:figs[k].start - sent.start])[-COUNTERPART_WINDOW:]
        after = stems(sent.text[figs[k].end - sent.start:hi])[:COUNTERPART_WINDOW]
        return {w for w in before + after if not w[:1].isdigit()}

    xs, ys = sorted(xs, key=lambda f: f.start), sorted(ys, key=lambda f: f.start)
    cx, cy = [context(x, xs, k) for k in range(len(xs))], [context(y, ys, k) for k in range(len(ys))]
    shared = [[len(a & b) for b in cy] for a in cx]
    top = max(v for row in shared for v in row)
    best = [(p, q) for p, row in enumerate(shared) for q, v in enumerate(row) if v == top]
    if top < COUNTERPART_SHARED or len(best) != 1:
        return None
    p, q = best[0]
    return xs[p], ys[q]


def value_disputes(found_values: Mapping[tuple[int, int], tuple[Figure, Figure]], roots: list[int],
                    ) -> list[dict[str, Any]]:
    """Figure disputes (records like ``align._find_disputes``'s) for the conflicting sums and years, per pair of
    claim groups (their link is dropped, so complete linkage never puts the two in one group)."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    for (i, j), (a, b) in found_values.items():
        key = (min(roots[i], roots[j]), max(roots[i], roots[j]))
        rec = found.setdefault(key, {"kind": "figure", "frame": [], "family": a.family, "sides": ({}, {})})
        side_i, side_j = (0, 1) if roots[i] == key[0] else (1, 0)
        rec["sides"][side_i][i] = a
        rec["sides"][side_j][j] = b
    return list(found.values())


__all__ = ["Stated", "independent", "value_disputes", "value_links"]

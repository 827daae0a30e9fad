"""Claims across the Raqqa articles: groups, origins, statuses, disputes and the digest.

Scored against the hand-written gold in tests/fixtures/raqqa_claims.json (bench/raqqa_claims.py).
The floors sit just under the current result so that a regression fails CI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from raqqa_claims import evaluate  # noqa: E402

from parallax.claims.disputes import Figure, conflicting, contradicts, figures  # noqa: E402
from parallax.types import Quantity  # noqa: E402


@pytest.fixture(scope="module")
def scores(raqqa_report: dict[str, Any]) -> dict[str, Any]:
    return evaluate(raqqa_report)


def test_gold_floors(scores: dict[str, Any]) -> None:
    assert scores["claims_found"] >= 15
    assert scores["status_ok"] >= 19
    assert scores["disputes_found"] == 3


def test_the_issue_cases(scores: dict[str, Any], raqqa_report: dict[str, Any]) -> None:
    per = scores["per_claim"]
    for cid in ("control-90", "last-stand"):
        assert per[cid]["status"] == "corroborated", cid
    for cid in ("destroyed-80", "airstrikes-3829", "convoy"):
        assert per[cid]["status"] == "single-source", cid
    for cid in ("fled-270000", "displaced-450000"):
        assert per[cid]["status"] == "disputed", cid
    claims = {c["id"]: c for s in raqqa_report["stories"] for c in s["claims"]}
    ninety = claims[per["control-90"]["claim"]]
    # Corroborated across outlets, each origin named with the articles that carry it.
    assert ninety["independent_origins"] >= 2 and len({a for o in ninety["origins"] for a in o["articles"]}) >= 2
    assert {"Ryan Dillon", "United States Central Command"} <= {o["source"] for o in ninety["origins"]}


def test_displacement_dispute_says_who(raqqa_report: dict[str, Any]) -> None:
    story = raqqa_report["stories"][0]
    dispute = next(d for d in story["disputes"] if any(p["value"] == 270000 for p in d["positions"]))
    by_value = {p["value"]: p for p in dispute["positions"]}
    assert by_value[270000]["attributed_to"] == "Save the Children"
    assert by_value[450000]["attributed_to"] == "RBSS"


def test_digest_states_only_what_holds(raqqa_report: dict[str, Any]) -> None:
    story = raqqa_report["stories"][0]
    status = {c["id"]: c["status"] for c in story["claims"]}
    assert len(story["summary"]) == len(story["summary_claims"]) and story["summary"]
    for line, refs in zip(story["summary"], story["summary_claims"], strict=True):
        assert refs and all(r in status for r in refs)
        if line.startswith("Disputed"):
            assert len(refs) >= 2
        else:  # a plain digest line rests on one corroborated claim
            assert [status[r] for r in refs] == ["corroborated"]
    # Omissions: per article, corroborated claims it does not mention.
    corroborated = {c for c, s in status.items() if s == "corroborated"}
    for o in story["omissions"]:
        assert set(o["claims"]) <= corroborated


def _fig(value: float, text: str, unit: str = "people", about: str = "") -> Figure:
    sentence = f"{text} {unit} fled the city"
    return figures(sentence, 0, (Quantity(0, len(text), text, value, unit, about, None, 0),))[0]


def test_tolerances() -> None:
    # "about 2,000" vs "1,950" is not a dispute; "around 270,000" vs "450,000" is.
    assert not conflicting(_fig(2000, "about 2,000"), _fig(1950, "1,950"))
    assert conflicting(_fig(270000, "around 270,000"), _fig(450000, "450,000"))
    # "more than 90 percent" allows 100; a flat "90 percent" does not.
    more = figures("more than 90 percent of the city is under control", 0,
                   (Quantity(0, 20, "more than 90 percent", 90, "percent", "of the city", "more than", 0),))[0]
    entire = figures("the entire city has fallen under their control", 0, ())[0]
    flat = figures("90 percent of the city is under control", 0,
                   (Quantity(0, 10, "90 percent", 90, "percent", "of the city", None, 0),))[0]
    assert not conflicting(more, entire) and conflicting(flat, entire)


def test_contradiction_needs_a_negated_shared_statement() -> None:
    assert contradicts("The BBC reported a secret deal let fighters leave.",
                       "Dillon said the deal was never a secret.", set())
    assert not contradicts("The BBC reported a secret deal.", "The deal was a secret, officials said.", set())


def test_hedges_and_names_are_not_contradictions() -> None:
    # A negated verb of knowing hedges a report; a negated name negates no statement.
    assert not contradicts("The source's information could not be independently verified.",
                           "The information came from an independently verified source.", set())
    assert not contradicts("Neither Ferguson nor St. Louis County police contacted the man.",
                           "Protesters marched in St. Louis County on Tuesday.", set())

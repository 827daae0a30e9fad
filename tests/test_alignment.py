"""Claims across the Raqqa articles: groups, origins, statuses, disputes and the digest.

Scored against the claims gold written by reading (tests/fixtures/claims_gold/raqqa-2017.json,
bench/claims_gold.py): every claim marked corroborated must state one gold fact that has two or
more independent origins. (The older tests/fixtures/raqqa_claims.json is the gold the first
alignment was tuned on; bench/raqqa_claims.py still reads it, but no floor rests on it.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from claims_gold import GOLD_DIR, score_story  # noqa: E402

from parallax.claims.align import AlignSentence  # noqa: E402
from parallax.claims.disputes import Figure, conflicting, contradicts, figures, money_figures  # noqa: E402
from parallax.stories.groups import complete_link  # noqa: E402
from parallax.types import Quantity  # noqa: E402


def _sent(article: str, text: str) -> AlignSentence:
    """One plain sentence of one article, for the value checks of claims.align."""
    return AlignSentence(article=article, outlet=article, index=0, start=0, end=len(text), text=text,
                         speaker=None, checkworthy=0.8, subjective=False, quantities=())


@pytest.fixture(scope="module")
def gold_scores(raqqa_report: dict[str, Any]) -> dict[str, Any]:
    gold = json.loads((GOLD_DIR / "raqqa-2017.json").read_text(encoding="utf-8"))
    return score_story(gold, raqqa_report, {a: a for a in gold["articles"]})


def test_every_corroborated_claim_holds(gold_scores: dict[str, Any]) -> None:
    assert gold_scores["corroborated"] >= 2
    wrong = [j["text"] for j in gold_scores["judged"] if not j["right"]]
    assert not wrong, f"corroborated but not a gold fact with two origins: {wrong}"
    assert gold_scores["digest_right"] == gold_scores["digest_lines"]


def _claims(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for s in report["stories"] for c in s["claims"]]


def _text_of(report: dict[str, Any], mention: dict[str, Any]) -> str:
    art = next(a for a in report["articles"] if a["id"] == mention["article"])
    return str(art["text"][mention["start"]:mention["end"]])


def test_the_ninety_percent_claim_has_both_sources(raqqa_report: dict[str, Any]) -> None:
    ninety = [c for c in _claims(raqqa_report)
              if c["status"] == "corroborated" and any("90" in _text_of(raqqa_report, m) for m in c["mentions"])]
    assert ninety, "the 90 percent claim is not corroborated"
    sources = {o["source"] for o in ninety[0]["origins"]}
    assert "Ryan Dillon" in sources and any("Central Command" in (s or "") for s in sources)
    # Each origin carries its evidence: what it rests on.
    why = {o["source"]: o["why"] for o in ninety[0]["origins"]}
    assert why["Ryan Dillon"][0] == "attributed to Ryan Dillon"


def test_claims_do_not_sprawl(raqqa_report: dict[str, Any]) -> None:
    for c in _claims(raqqa_report):
        arts = [m["article"] for m in c["mentions"]]
        assert len(arts) == len(set(arts)), "two mentions of one article in one claim"
        texts = " | ".join(_text_of(raqqa_report, m) for m in c["mentions"])
        # The cases: different facts that only share a word or the story's topic.
        assert not ("eliminated leaders" in texts and "eliminate ISIS" in texts), texts
        if c["status"] == "corroborated":
            assert "rebuild" not in texts and "in ruins" not in texts, texts


def test_complete_linkage_needs_every_pair() -> None:
    # 0-1 and 1-2 are linked but 0-2 is not: a chain, not a group.
    roots = complete_link(3, {(0, 1): 0.9, (1, 2): 0.8})
    assert roots[0] == roots[1] and roots[2] != roots[0]
    roots = complete_link(3, {(0, 1): 0.9, (1, 2): 0.8, (0, 2): 0.7})
    assert len(set(roots)) == 1
    roots = complete_link(3, {(0, 1): 0.9, (1, 2): 0.8, (0, 2): 0.7}, cannot_link=lambda a, b: 2 in a + b)
    assert roots[0] == roots[1] and roots[2] == 2


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


def test_measures_written_as_compounds_conflict() -> None:
    """"the 48-page indictment" / "the 47-page indictment": one thing, two values, exact."""
    (a,) = figures("In a 48-page indictment released Tuesday, prosecutors said.", 0, ())
    (b,) = figures("The 47-page indictment says the couple spent the money.", 0, ())
    (c,) = figures("The 48-page indictment lists the trips.", 0, ())
    (d,) = figures("He took the 35-word oath.", 0, ())
    assert conflicting(a, b) and not conflicting(a, c) and not conflicting(a, d)


def test_sums_conflict_only_across_one_fact() -> None:
    """Sums of money read as intervals ("$882 billion" exact, "$800 billion" round); they are
    compared only across two sentences the same-fact model links (claims.align)."""
    from parallax.claims.values import value_links as _value_links

    (a,) = money_figures("His health care plan would cut Medicare by $800 billion.", 0)
    (b,) = money_figures("The ad cites $882 billion in Medicare cuts.", 0)
    assert a.value == 800e9 and conflicting(a, b)
    (c,) = money_figures("It would cut about $850 billion.", 0)
    assert not conflicting(a, c)


    cands = [_sent("a", "Trump is asking Congress for $5.6 billion for the wall."),
             _sent("b", "Trump insists that Congress appropriate $5.7 billion for the wall."),
             _sent("c", "Trump wants $5.6 billion for the wall, and $1.4 billion was approved.")]
    found, _ = _value_links(cands, {(0, 1): 0.9, (1, 2): 0.9})
    # One sum each side: a dispute. Two sums on one side: the one "for the wall" answers the
    # other side's "for the wall" ($5.6 against $5.7 billion: a dispute too).
    assert set(found) == {(0, 1), (1, 2)}
    assert found[(1, 2)][1].text == "$5.6 billion"
    cands[2] = _sent("c", "Trump wants $5.6 billion, and $1.4 billion was approved.")
    found, _ = _value_links(cands, {(0, 1): 0.9, (1, 2): 0.9})
    # Nothing says which of the two sums answers "$5.7 billion for the wall": no dispute.
    assert set(found) == {(0, 1)}


def test_sums_in_sentences_with_several_are_paired_by_what_they_pay_for() -> None:
    """Two sums in one sentence: each is compared with the other sentence's sum about the same
    thing, read from the words around it (BASIL's 2019 border emergency, $3.6 vs $3.5 billion)."""
    from parallax.claims.values import value_links as _value_links

    cands = [
        _sent("nyt", "The declaration enables the president to divert $3.6 billion from military construction "
                     "projects to the wall, and to tap $2.5 billion from counterdrug programs."),
        _sent("hpo", "Trump would also seek to unlock money from the military construction budget, to the tune "
                     "of $3.5 billion."),
        _sent("fox", "The order frees $2.5 billion from counterdrug programs and $3.6 billion from military "
                     "construction projects."),
    ]
    found, _ = _value_links(cands, {(0, 1): 0.9, (0, 2): 0.9, (1, 2): 0.9})
    assert set(found) == {(0, 1), (1, 2)}  # nyt and fox agree, pair by pair
    assert {found[(0, 1)][0].text, found[(0, 1)][1].text} == {"$3.6 billion", "$3.5 billion"}
    # Two sentences that share a sum agree on it; their other sums are other things.
    shared = [_sent("nyt", "Trump would have about $8 billion in all for barriers, significantly more than the "
                           "$5.7 billion he unsuccessfully demanded from Congress."),
              _sent("hpo", "The deal provides a fraction of Trump's originally proposed figure of $5.7 billion "
                           "for construction of a wall or physical barrier.")]
    found, _ = _value_links(shared, {(0, 1): 0.9})
    assert not found


def test_years_conflict_only_under_one_preposition_across_one_fact() -> None:
    """"since 2002" / "since 2003" for one fact is a dispute; "since 2002" / "in 2003" is not,
    nor is a decade ("since the 1990s") or a span ("2002-03")."""
    from parallax.claims.disputes import year_figures
    from parallax.claims.values import value_links as _value_links

    assert [f.value for f in year_figures("He has served since the 1990s and in 2002-03.", 0)] == []


    cands = [_sent("a", "Pelosi has led House Democrats since 2002."),
             _sent("b", "Pelosi has led House Democrats since 2003, and Ryan argued that is the problem."),
             _sent("c", "Pelosi was first elected to lead House Democrats in 2003."),
             _sent("d", "Brooke served from 1967 to 1979."),
             _sent("e", "Brooke held the seat from 1966 to 1978."),
             _sent("f", "He was the state's lieutenant governor from 1993 to 1996.")]
    found, _ = _value_links(cands, {(0, 1): 0.9, (0, 2): 0.9, (3, 4): 0.9, (4, 5): 0.9})
    # A span one year off is a dispute; consecutive spans (two offices) are not.
    assert set(found) == {(0, 1), (3, 4)}
    assert found[(0, 1)][0].family == "year since" and found[(3, 4)][0].family == "year from span"


def test_a_count_of_people_is_of_the_event_its_own_clause_names() -> None:
    """Frames are read near the figure: two people briefed on an inquiry into bombs were not
    bombed, so they do not dispute the three people a bomber killed."""
    killed = "Kaczynski, who killed 3 people and injured 23 in bombings, told Fox News the letters differ."
    briefed = ("The package was found in Florida, which two people briefed on the matter have said has "
               "become a focus of the nationwide investigation into the bombs.")
    (a,) = figures(killed, 0, (Quantity(killed.index("3 people"), killed.index("3 people") + 8, "3 people", 3,
                                        "people", "", None, 0),))
    (b,) = figures(briefed, 0, (Quantity(briefed.index("two people"), briefed.index("two people") + 10, "two people",
                                         2, "people", "", None, 0),))
    assert "killed" in a.frames and "strikes" not in b.frames and not conflicting(a, b)


def test_two_linked_sentences_dated_years_apart_are_two_facts() -> None:
    """"governor from 1996 to 2007" / "lieutenant governor from 1993 to 1996": no claim joins
    them, and no dispute is raised either."""
    from parallax.claims.values import value_disputes as _value_disputes
    from parallax.claims.values import value_links as _value_links


    cands = [_sent("a", "He was the longest-serving Arkansas governor, from 1996 to 2007."),
             _sent("b", "And he was the state's lieutenant governor from 1993 to 1996."),
             _sent("c", "Huckabee was Arkansas governor from 1996 to 2007.")]
    edges = {(0, 1): 0.9, (0, 2): 0.9}
    clashes, apart = _value_links(cands, edges)
    assert apart == [(0, 1)]
    assert not _value_disputes(clashes, [0, 1, 0])


def test_opposite_outcomes_are_two_facts() -> None:
    """A coach fired and a coach hired share a name and a topic; the pair model joins them, but
    one side reports only one outcome and the other only the opposite one."""
    from parallax.claims.align import opposite_events

    fired = "The Philadelphia 76ers fired coach Maurice Cheeks on Saturday."
    assert opposite_events(fired, "Maurice Cheeks was officially introduced as the 21st head coach of the 76ers.")
    assert opposite_events("The team has relieved Maurice Cheeks of his coaching duties.",
                           "The 76ers hired Maurice Cheeks in 2005.")
    assert opposite_events("The Senate passed the bill on Tuesday.", "The House rejected the bill.")
    # One outcome on both sides, or both outcomes on one side, or win / lose: no verdict.
    assert not opposite_events(fired, "Cheeks was fired as head coach of the 76ers.")
    assert not opposite_events("The 76ers fired Cheeks and hired Tony DiLeo to replace him.", fired)
    assert not opposite_events("Klitschko beat Thompson in six rounds.", "Thompson lost to Klitschko.")


def test_digest_gives_one_side_per_value(raqqa_report: dict[str, Any]) -> None:
    """Positions that give one value are one side of a digest line, whoever says each: Dillon's
    "90 [percent]" and article 003's "90%" stand together against "the entire city"."""
    lines = [line for s in raqqa_report["stories"] for line in s["summary"] if line.startswith("Disputed, how much")]
    assert len(lines) == 1, lines
    sides = lines[0].split(": ", 1)[1].rstrip(".").split("); ")
    assert len(sides) == 2, lines
    assert "90 [percent]" in sides[0] and "90%" in sides[0] and "the entire city" in sides[1]

"""Origins of a claim: when two articles' mentions are one source and when they are two."""

from __future__ import annotations

import dataclasses

from parallax.claims.align import AlignSentence
from parallax.claims.origins import (
    REWRITE_COVERAGE,
    joint_speakers,
    origin_basis,
    relays_claim,
    rewritten_articles,
    same_institution,
    trace_origins,
)


def _sentence(article: str, text: str, speaker: str | None = None, index: int = 0) -> AlignSentence:
    return AlignSentence(article=article, outlet=f"outlet-{article}", index=index, start=100 * index,
                         end=100 * index + len(text), text=text, speaker=speaker, checkworthy=0.8,
                         subjective=False, quantities=())


def test_two_newsrooms_are_two_origins() -> None:
    members = [_sentence("a", "The council voted on Monday to close the library."),
               _sentence("b", "Councillors decided on Monday that the library will shut.")]
    copied, groups, _ = trace_origins(members, {})
    assert len(groups) == 2 and not copied


def test_an_article_rewritten_whole_is_one_origin() -> None:
    members = [_sentence("a", "The council voted on Monday to close the library."),
               _sentence("b", "Councillors decided on Monday that the library will shut.")]
    copied, groups, _ = trace_origins(members, {}, rewrites={frozenset(("a", "b"))})
    assert len(groups) == 1 and copied


def test_rewrite_needs_most_statements_linked() -> None:
    # Articles a and b hold 5 statements each (0-4 and 5-9); c holds 20 (10-29).
    article_of = ["a"] * 5 + ["b"] * 5 + ["c"] * 20
    rewrite = [(0, 5), (1, 6), (2, 7), (3, 8)]  # 8 of a+b's 10 statements linked
    topical = [(0, 10), (1, 11), (2, 12)]  # 6 of a+c's 25
    found = rewritten_articles(rewrite + topical, article_of)
    assert found == {frozenset(("a", "b"))}
    assert 6 / 25 < REWRITE_COVERAGE <= 8 / 10


def test_rewrite_needs_several_links() -> None:
    # Two short articles that share two statements are not shown to be one text rewritten.
    assert rewritten_articles([(0, 2), (1, 3)], ["a", "a", "b", "b"]) == set()
    # Links within one article never count.
    assert rewritten_articles([(0, 1), (2, 3), (0, 3)], ["a", "a", "a", "a"]) == set()


def test_one_fact_relayed_as_a_story_is_one_origin() -> None:
    # Two debunks of one viral hoax each relay its claim: one text passed on, not two findings.
    members = [_sentence("a", "An article saying a planetary alignment on January 4 will decrease gravity is fake."),
               _sentence("b", "You may have seen a story going around Facebook that promises gravity will drop.")]
    assert relays_claim(members[0].text) and relays_claim(members[1].text)
    assert len(trace_origins(members, {})[1]) == 1
    assert not relays_claim("The council voted on Monday to close the library.")


def test_one_institution_through_unnamed_officials_is_one_origin() -> None:
    admin = _sentence("a", "The administration has argued that the bill would put Americans at legal risk.",
                      speaker="administration")
    officials = _sentence("b", "Administration officials warn that it would put Americans overseas at legal risk.",
                          speaker="Administration officials")
    admin = dataclasses.replace(admin, anonymous=True)
    officials = dataclasses.replace(officials, anonymous=True)
    assert same_institution(admin, officials)
    assert len(trace_origins([admin, officials], {})[1]) == 1
    # Two governments are two sources; two unnamed "officials" may be two people of two bodies.
    syria = dataclasses.replace(admin, speaker="Syrian government")
    iraq = dataclasses.replace(officials, speaker="Iraqi government")
    assert not same_institution(syria, iraq)
    assert not same_institution(dataclasses.replace(admin, speaker="officials"),
                                dataclasses.replace(officials, speaker="officials"))


def test_one_statement_of_several_people_is_one_origin() -> None:
    mccain = _sentence("a", "Senators John McCain and Jeff Flake had nearly identical posts urging a veto of the bill.",
                       speaker="John McCain")
    flake = _sentence("b", "The state's two senators, Jeff Flake and John McCain, called on Brewer to veto it.",
                      speaker="Jeff Flake")
    assert joint_speakers(mccain, flake)
    assert len(trace_origins([mccain, flake], {})[1]) == 1
    # Two people each named only on their own side are two sources.
    pelosi = _sentence("c", "Pelosi said the bill should be vetoed by the governor this week.", speaker="Nancy Pelosi")
    assert not joint_speakers(mccain, pelosi)
    assert len(trace_origins([mccain, pelosi], {})[1]) == 2


def test_one_court_filing_relayed_by_two_outlets_is_one_origin() -> None:
    said = dataclasses.replace(_sentence("a", "Stone told Credico to do a Frank Pentangeli, the indictment said.",
                                         speaker="indictment"), anonymous=True)
    docs = dataclasses.replace(_sentence("b", "According to court documents, Stone told Credico to lie.",
                                         speaker="court documents"), anonymous=True)
    assert same_institution(said, docs)
    assert len(trace_origins([said, docs], {})[1]) == 1


def test_unnamed_officials_of_one_administration_are_one_origin() -> None:
    a = dataclasses.replace(_sentence("a", "It buys 234 miles of wall, a senior administration official told us.",
                                      speaker="senior administration official"), anonymous=True)
    b = dataclasses.replace(_sentence("b", "The money buys 234 miles of wall, a senior administration official said.",
                                      speaker="senior administration official"), anonymous=True)
    assert len(trace_origins([a, b], {})[1]) == 1


def test_hearsay_is_never_an_origin_of_its_own() -> None:
    """"is being tipped to", "allegedly": the fact comes from somewhere unnamed, so two sites
    relaying one rumour are one origin, and hearsay beside a named source joins it."""
    from parallax.claims.origins import hearsay

    a = _sentence("a", "The Apple Watch is also being tipped to come in 4GB and 8GB variants.")
    b = _sentence("b", "The Apple Watch is reportedly coming in 4GB and 8GB versions.")
    assert hearsay(a.text) and hearsay(b.text)
    assert len(trace_origins([a, b], {})[1]) == 1
    fox = _sentence("c", "Hunter allegedly spent campaign money on a family trip to Italy.")
    nyt = _sentence("d", "Hunter spent campaign money on a family trip to Italy, the department said.",
                    speaker="Justice Department")
    assert len(trace_origins([fox, nyt], {})[1]) == 1
    # Forecasts and a newsroom's own inference are not hearsay.
    assert not hearsay("The president is expected to sign the bill on Friday.")
    # Two newsrooms' own reporting stay two origins.
    own = [_sentence("e", "The council voted on Monday to close the library."),
           _sentence("f", "Councillors decided on Monday that the library will shut.")]
    assert len(trace_origins(own, {})[1]) == 2


def test_each_origin_says_why_its_mentions_are_one() -> None:
    trump = _sentence("a", "President Donald Trump said on Friday that the wall would be built.", "Donald Trump")
    again = _sentence("b", "Trump told reporters on Friday that the wall would be built.", "Trump")
    restated = _sentence("c", "The wall will be built, the president has promised supporters.")
    mayor = _sentence("d", "The wall will be built on Friday, Mayor Anna Berg said.", "Anna Berg")
    copied, groups, why = trace_origins([trump, again, restated], {})
    assert len(groups) == 1 and not copied
    assert "one speaker: Donald Trump / Trump" in why[0]
    assert any(r.startswith("restates without attribution the claim's only source (attributed to") for r in why[0])
    copied, groups, why = trace_origins([trump, mayor], {})
    assert len(groups) == 2 and why == [[], []]  # two speakers, two origins: nothing joined them


def test_origin_basis_names_what_an_origin_rests_on() -> None:
    said = _sentence("a", "The bridge will close, the mayor said.", "Anna Berg")
    unnamed = dataclasses.replace(_sentence("b", "The bridge will close, officials said.", "officials"), anonymous=True)
    cited = _sentence("c", "The bridge will close, according to a statement by the city.")
    rumour = _sentence("d", "The bridge will reportedly close next week.")
    own = _sentence("e", "The bridge closed at noon on Monday.")
    assert origin_basis([said]) == "attributed to Anna Berg"
    assert origin_basis([unnamed]) == "citing an unnamed source: officials"
    assert origin_basis([cited]) == "citing “according to a statement by the city”"
    assert origin_basis([rumour]) == "hearsay: no source named"
    assert origin_basis([own]) == "the outlet's own reporting: no source named"


def test_an_unnamed_document_beside_the_one_named_source_is_that_source() -> None:
    """"According to a Facebook update" beside "the RNC posted": the RNC's post, one origin. A
    document whose author is named ("a statement by his wife") is a source of its own."""
    posted = _sentence("a", "Constantine will appear before a provincial judge on Tuesday, the RNC posted.",
                       speaker="RNC")
    update = _sentence("b", "According to a Facebook update, the man turned himself in and faces court tomorrow.")
    _, groups, why = trace_origins([posted, update], {})
    assert len(groups) == 1 and any("unnamed document" in w for ws in why for w in ws)
    wife = _sentence("c", "According to a statement by his wife, the man turned himself in and faces court tomorrow.")
    assert len(trace_origins([posted, wife], {})[1]) == 2


def test_an_unnamed_source_beside_the_one_named_source_is_that_source() -> None:
    """"The FBI said the package was found in Florida" / "…, two people briefed on the matter have
    said": nothing tells the unnamed people are a second origin. Two unnamed sources and no named
    one stay two origins."""
    fbi = _sentence("a", "The FBI said Friday that the package was found in a Florida mail facility.", "FBI")
    briefed = dataclasses.replace(
        _sentence("b", "The package was found in Florida, two people briefed on the matter have said.",
                  "people briefed on the matter"), anonymous=True)
    _, groups, why = trace_origins([fbi, briefed], {})
    assert len(groups) == 1
    assert "cites an unnamed source (people briefed on the matter) beside the claim's only named one " \
           "(attributed to FBI)" in why[0]
    other = dataclasses.replace(_sentence("c", "Investigators traced the parcel to a sorting centre near Miami, "
                                          "officials said.", "officials"), anonymous=True)
    assert len(trace_origins([briefed, other], {})[1]) == 2


def test_a_source_cited_on_one_side_and_quoted_on_the_other_is_one_origin() -> None:
    cited = _sentence("a", "A dozen militants died in Tuesday's raid near Mosul, according to a Pentagon statement.")
    said = _sentence("b", "The Pentagon said the strike killed 12 fighters.", "Pentagon")
    _, groups, why = trace_origins([cited, said], {})
    assert len(groups) == 1
    assert why[0] == ["one side cites “according to a Pentagon statement”, the other quotes that source"]
    other = _sentence("c", "The strike killed 12 fighters, Kurdish commander Ali Haidar said.", "Ali Haidar")
    assert len(trace_origins([cited, other], {})[1]) == 2


def test_name_variants_and_unnamed_reports() -> None:
    """"Theodore J. Boutrous Jr." and "Theodore Boutrous", "O’Neill" and "O'Neill" are one
    speaker; "There have been multiple reports that …" is hearsay (BASIL outside the gold, Raqqa)."""
    from parallax.claims.origins import hearsay, speaker_key

    def key(name: str) -> str | None:
        return speaker_key(_sentence("a", "He said so.", name))

    assert key("Theodore J. Boutrous Jr.") == key("Theodore Boutrous") == "boutrous"
    assert key("Terry O’Neill") == key("Terry O'Neill")
    assert hearsay("There have been multiple reports that the northern city in Syria has been seized.")
    assert hearsay("Media reports say the minister resigned.")
    assert not hearsay("The agency reports that exports fell.")

"""Origins of a claim: when two articles' mentions are one source and when they are two."""

from __future__ import annotations

from parallax.claims.align import AlignSentence
from parallax.claims.origins import REWRITE_COVERAGE, group_origins, rewritten_articles


def _sentence(article: str, text: str, speaker: str | None = None, index: int = 0) -> AlignSentence:
    return AlignSentence(article=article, outlet=f"outlet-{article}", index=index, start=100 * index,
                         end=100 * index + len(text), text=text, speaker=speaker, checkworthy=0.8,
                         subjective=False, quantities=())


def test_two_newsrooms_are_two_origins() -> None:
    members = [_sentence("a", "The council voted on Monday to close the library."),
               _sentence("b", "Councillors decided on Monday that the library will shut.")]
    copied, groups = group_origins(members, {})
    assert len(groups) == 2 and not copied


def test_an_article_rewritten_whole_is_one_origin() -> None:
    members = [_sentence("a", "The council voted on Monday to close the library."),
               _sentence("b", "Councillors decided on Monday that the library will shut.")]
    copied, groups = group_origins(members, {"rewrites": {frozenset(("a", "b"))}})
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

"""Direction of partisan framing: shown only where the article's own words show it."""

from __future__ import annotations

from typing import Any

from conftest import AMN, CLICKBAIT, FAR_RIGHT, PARTISAN, SMALL_BLOG

from parallax.signals.framing import framing, framing_cues


def test_raqqa_directions(raqqa_by_input: dict[str, Any]) -> None:
    slant = {k: a["signals"]["slant"] for k, a in raqqa_by_input.items()}
    # The partisan blog credits Trump with what "Obama Never Did"; the far-right site counts
    # itself among Trump's voters and speaks of "America First" and "Israel First".
    assert slant[PARTISAN]["details"]["direction"] == "right"
    assert slant[FAR_RIGHT]["details"]["direction"] == "right"
    assert slant[FAR_RIGHT]["details"]["direction_strength"] == "clear"
    # Plain reports show no side: "Syrian Democratic Forces" is not the Democratic Party.
    for k in (AMN, SMALL_BLOG, CLICKBAIT):
        assert slant[k]["details"]["direction"] is None
    ev = slant[FAR_RIGHT]["evidence"]
    body = raqqa_by_input[FAR_RIGHT]["text"]
    cue = next(e for e in ev if "backers of" in e["why"])
    assert body[cue["start"]:cue["end"]] == cue["text"] == "we vote for Donald Trump"
    assert any(e["text"] == "Trump Wins Massive Military Victory, Obama Never" and "headline" in e["why"]
               for e in slant[PARTISAN]["evidence"])


def test_cues_each_kind() -> None:
    assert framing("They want amnesty for illegal aliens and call it compassion.").direction == "right"
    assert framing("Donald Trump is a pathological liar, and the GOP tax scam proves it.").direction == "left"
    right = framing_cues("The crooked establishment failed again. Many liberals are hypocritical.")
    assert [(c.kind, c.side) for c in right] == [("appraisal", "right")]
    assert "hypocritical" in right[0].text


def test_quoted_and_attributed_words_are_not_the_outlets() -> None:
    text = 'Protesters chanted "no amnesty for illegal aliens" outside. The senator called it a witch hunt.'
    attributed = [(text.index("The senator"), len(text))]
    assert framing_cues(text, attributed) == []
    # A coded term in scare quotes inside the author's own sentence is still the author's framing.
    assert [c.text for c in framing_cues("Instead of an “America First” policy we got more war.")] == ["America First"]


def test_no_direction_without_cues() -> None:
    f = framing("The Syrian Democratic Forces took Raqqa on Tuesday, officials said.")
    assert (f.direction, f.score, f.strength, f.cues) == (None, 0.0, "none", [])
    # One cue each way cancels out.
    assert framing("Illegal aliens crossed. Undocumented immigrants worked.").direction is None


def test_mentions_and_embedded_tweets_are_not_uses() -> None:
    # A term quoted as someone else's ("Trump's “Crooked Hillary”") is a mention, not a use.
    assert framing_cues("So Hillary blames Bernie for Trump's “Crooked Hillary” and moves on.") == []
    tweet = ("Where are Crooked Hillary Emails? What a mess!\n"
             "— Donald J. Trump (@realDonaldTrump) October 10, 2017\nThe senator did not reply.")
    assert framing_cues(tweet) == []


def test_long_hyphenated_text_with_a_handle_is_read_in_one_pass() -> None:
    # A tweet pattern that spanned the tweet's text backtracked without end on such a paragraph.
    assert framing_cues("word - " * 3000 + " (@handle) and more") == []

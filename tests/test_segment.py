"""Sentences, offsets and dates."""

from __future__ import annotations

import datetime as dt

from parallax.text.dates import find_dates, first_full_date, normalise_date
from parallax.text.segment import article_id, split_sentences


def test_sentence_offsets_slice_back() -> None:
    text = "U.S. officials said on Tuesday that it was over. “We won,” he said.\n\nA new paragraph here"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "U.S. officials said on Tuesday that it was over.", "“We won,” he said.", "A new paragraph here"]
    for s in sents:
        assert text[s.start:s.end] == s.text


def test_sentence_opening_with_a_digit_is_split() -> None:
    # Raqqa article 003: blingfire keeps "…have ended. 90% of the city has been clear." whole.
    text = "Officials have said that the “major military operations” have ended. 90% of the city has been clear."
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Officials have said that the “major military operations” have ended.", "90% of the city has been clear."]
    assert all(text[s.start:s.end] == s.text for s in sents)
    # Words that stand before numbers are not sentence ends.
    for kept in ("It is the no. 1 rated app in the store.", "The vote was 5 vs. 4 in favour.",
                 "At 1 a.m. 23-year-old Varnell left the house."):
        assert [s.text for s in split_sentences(kept)] == [kept]


def test_paragraph_break_ends_sentence() -> None:
    sents = split_sentences("Select the best\n\nThen more")
    assert len(sents) == 2


def test_full_dates() -> None:
    assert first_full_date("Posted October 17, 2017 by staff") == ("2017-10-17", "October 17, 2017")
    assert first_full_date("on 17 Oct. 2017") == ("2017-10-17", "17 Oct. 2017")
    assert first_full_date("2017-10-17T10:00") == ("2017-10-17", "2017-10-17")
    assert first_full_date("February 30, 2017") is None
    assert first_full_date("At the end of 2017") is None


def test_weekday_resolved_against_known_date() -> None:
    found = find_dates("Forces said on Tuesday that they had seized it.", dt.date(2017, 10, 19))
    assert [(d.text, d.value, d.precision) for d in found] == [("Tuesday", "2017-10-17", "weekday")]
    assert find_dates("on Tuesday", None) == []


def test_metadata_dates_normalised() -> None:
    assert normalise_date("Tue, 17 Oct 2017 10:00:00 GMT") == "2017-10-17"
    assert normalise_date("2017-10-17T08:00:00Z") == "2017-10-17"
    assert normalise_date("not a date") is None
    assert normalise_date(None) is None


def test_article_id_is_content_derived() -> None:
    assert article_id("T", "Body  text") == article_id("T", "body text")
    assert article_id("T", "Body") != article_id("T", "Other")

"""Article signals on the Raqqa sample: what a careful reader sees, each score with its evidence."""

from __future__ import annotations

from typing import Any

from conftest import AMN, CLICKBAIT, FAR_RIGHT, PARTISAN, SMALL_BLOG

from parallax.signals.voice import author_voice, combine, headline_devices


def _score(article: dict[str, Any], name: str) -> float:
    return float(article["signals"][name]["score"])


def test_shouting_headlines_score_above_plain_ones(raqqa_by_input: dict[str, Any]) -> None:
    shouting = [_score(raqqa_by_input[k], "clickbait") for k in (CLICKBAIT, PARTISAN, FAR_RIGHT)]
    plain = [_score(raqqa_by_input[k], "clickbait") for k in (AMN, SMALL_BLOG)]
    assert min(shouting) > max(plain)
    ev = raqqa_by_input[PARTISAN]["signals"]["clickbait"]["evidence"]
    assert any(e["text"] == "ALERT:" and "shouting prefix" in e["why"] for e in ev)


def test_far_right_most_opinionated_amn_least(raqqa_by_input: dict[str, Any]) -> None:
    shares = {k: _score(a, "opinion_share") for k, a in raqqa_by_input.items()}
    assert max(shares, key=lambda k: shares[k]) == FAR_RIGHT
    assert min(shares, key=lambda k: shares[k]) == AMN
    # Evidence points at the sentences, in the author's own voice among them.
    ev = raqqa_by_input[FAR_RIGHT]["signals"]["opinion_share"]["evidence"]
    assert any("Maybe one of the MAGApedes could enlighten me?" in e["text"] for e in ev)


def test_antisemitic_comment_flagged_with_its_sentence(raqqa_by_input: dict[str, Any]) -> None:
    comments = raqqa_by_input[FAR_RIGHT]["comments"]
    hit = next(c for c in comments if "King Kike" in c["text"])
    hate = hit["signals"]["hate"]
    assert hate["score"] >= 0.5
    assert any("King Kike" in e["text"] for e in hate["evidence"])


def test_devices_and_voice() -> None:
    assert [c.why for c in headline_devices("OOPS: Militia Allowed ISIS To Evacuate")] == ["headline: shouting prefix"]
    assert headline_devices("U.S.-Backed Forces Defeat ISIS in Raqqa") == []
    assert abs(combine(0.1, []) - 0.1) < 1e-9 and combine(0.1, headline_devices("ALERT: x y z")) > 0.5
    assert author_voice("Maybe one of the MAGApedes could enlighten me?")
    # A quoted first person is the source speaking, not the author.
    assert author_voice("“I saw them with my own eyes,” one fighter said.") is None


def test_a_quoted_slur_is_reported_not_counted() -> None:
    """A news report quoting a slur to report on it is not hateful by that alone."""
    import numpy as np

    from parallax.signals.score import _hate_body
    from parallax.text.segment import split_sentences

    text = ("Vandals painted “kill the k***s” on the synagogue door. Police are investigating. "
            "The rabbi said the community would not be intimidated.")
    sents = split_sentences(text)
    full = np.array([0.9, 0.01, 0.02])  # the model on whole sentences
    own = np.array([0.05, 0.01, 0.02])  # ... and on the author's own words, quotation left out
    sig = _hate_body(sents, full, own)
    assert sig.score is not None and sig.score < 0.1
    assert [e.text for e in sig.evidence] == [sents[0].text] and "reported" in sig.evidence[0].why
    # Abuse in the author's own words counts.
    assert (_hate_body(sents, full, full).score or 0) > 0.3

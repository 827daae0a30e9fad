"""Tests for the persuasion-technique span detector (parallax.signals.loaded: lexicon + token tagger)."""

from __future__ import annotations

import json
from importlib.resources import files

import numpy as np
import pytest

from parallax.signals import loaded_tagger
from parallax.signals.loaded import TechniqueSpan, _lexicon, find_loaded_spans, loaded_score

LOADED = (
    "the GOD EMPEROR green-lit an exodus of terrorists, a massive boost to a Moslem "
    "terrorist group"
)
NEUTRAL = "The council met on Tuesday to discuss the budget."
ARTICLE = (
    "Shameful smear campaign\n\n"
    "The corrupt elites have launched yet another rigged witch hunt against the president.\n"
    "Critics called it a pathetic, reckless sham and a disgrace to the American people.\n"
    "Officials said the report would be released next week.\n"
    "Is this really what the so-called experts want us to believe?\n"
)


def _model() -> dict:
    path = files("parallax.models") / "weights" / "loaded_language.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_model_is_small_json_with_expected_fields() -> None:
    path = files("parallax.models") / "weights" / "loaded_language.json"
    assert len(path.read_bytes()) < 2_000_000
    model = _model()
    assert model["entries"]
    assert "Loaded_Language" in model["techniques"]
    assert model["density_ref_per_100_tokens"] > 0
    for gram, (weight, tech) in list(model["entries"].items())[:200]:
        assert gram == gram.lower() and 1 <= len(gram.split()) <= model["max_n"]
        assert 0.0 < weight <= 1.0 and 0 <= tech < len(model["techniques"])


@pytest.mark.parametrize("text", [LOADED, NEUTRAL, ARTICLE, "", "   \n\n"])
def test_offsets_slice_back_and_spans_are_sorted_non_overlapping(text: str) -> None:
    spans = find_loaded_spans(text)
    prev_end = 0
    for sp in spans:
        assert isinstance(sp, TechniqueSpan)
        assert 0 <= prev_end <= sp.start < sp.end <= len(text)
        assert text[sp.start : sp.end] == sp.text
        assert sp.text == sp.text.strip()
        assert 0.0 < sp.weight <= 1.0
        assert sp.technique
        prev_end = sp.end


def test_loaded_sentence_vs_neutral_sentence() -> None:
    loaded_spans = find_loaded_spans(LOADED)
    assert loaded_spans, "expected at least one technique span in the loaded sentence"
    neutral_spans = find_loaded_spans(NEUTRAL)
    assert loaded_score(LOADED) > loaded_score(NEUTRAL)
    assert loaded_score(NEUTRAL) <= 0.5 * loaded_score(LOADED)
    assert len(neutral_spans) < len(loaded_spans) or not neutral_spans


def test_article_with_loaded_language_is_flagged() -> None:
    spans = find_loaded_spans(ARTICLE)
    found = " ".join(sp.text.lower() for sp in spans)
    assert "witch hunt" in found
    assert any(sp.technique in {"Loaded_Language", "Name_Calling,Labeling"} for sp in spans)
    plain = (
        "Officials said the report would be released next week. "
        "The meeting lasted two hours and members voted on the new schedule."
    )
    assert loaded_score(ARTICLE) > loaded_score(plain)


def test_matching_is_case_insensitive_and_handles_curly_apostrophes() -> None:
    lower = find_loaded_spans("it was a rigged witch hunt")
    upper = find_loaded_spans("IT WAS A RIGGED WITCH HUNT")
    assert [(s.start, s.end, s.technique) for s in lower] == [
        (s.start, s.end, s.technique) for s in upper
    ]
    curly = find_loaded_spans("They don\u2019t care about the victims.")
    for sp in curly:
        assert "They don\u2019t care about the victims."[sp.start : sp.end] == sp.text


def test_score_range_and_spans_argument() -> None:
    for text in (LOADED, NEUTRAL, ARTICLE, "", "dirty " * 500):
        spans = find_loaded_spans(text)
        score = loaded_score(text)
        assert 0.0 <= score <= 1.0
        assert score == loaded_score(text, spans)
    assert loaded_score("") == 0.0
    assert loaded_score(NEUTRAL, []) == 0.0


def test_deterministic() -> None:
    first = find_loaded_spans(ARTICLE)
    for _ in range(3):
        assert find_loaded_spans(ARTICLE) == first
        assert loaded_score(ARTICLE) == loaded_score(ARTICLE)


def test_non_ascii_offsets_are_str_indices() -> None:
    text = "Caf\u00e9 \u2014 \U0001f600 the corrupt elites and their rigged witch hunt."
    for sp in find_loaded_spans(text):
        assert text[sp.start : sp.end] == sp.text


def test_tagger_model_is_plain_arrays_and_consistent() -> None:
    base = files("parallax.models") / "weights"
    size = len((base / "loaded_spans.json").read_bytes()) + len((base / "loaded_spans.npz").read_bytes())
    assert size < 5_000_000
    with (base / "loaded_spans.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as z:
        assert set(z.files) == {"weights", "bigram_keys"}
        assert np.all(np.diff(z["bigram_keys"]) > 0)  # sorted, unique (searchsorted lookup)
    tagger = loaded_tagger.tagger()
    assert np.isfinite(tagger.weights).all()
    assert tagger.density_ref > 0 and tagger.long_techniques <= set(loaded_tagger.TECHNIQUES)
    meta = json.loads((base / "loaded_spans.json").read_text(encoding="utf-8"))
    assert meta["templates"] == [name for name, _ in loaded_tagger._TEMPLATES]


def test_features_one_index_per_template_within_bounds() -> None:
    tagger = loaded_tagger.tagger()
    text = ARTICLE
    offs = [m.span() for m in _lexicon().token_re.finditer(text.lower())]
    words = [text[a:b].lower() for a, b in offs]
    x = loaded_tagger.featurize(
        text, offs, words, [], loaded_tagger.sentences(text), tagger.vocab, tagger.bigram_keys
    )
    assert x.shape == (len(words), len(loaded_tagger._TEMPLATES))
    assert x.min() >= 0 and x.max() < len(tagger.weights)
    bounds = np.cumsum(
        [0] + loaded_tagger.template_sizes(len(tagger.vocab) + 2, len(tagger.bigram_keys) + 1)
    )
    assert np.all((x >= bounds[None, :-1]) & (x < bounds[None, 1:]))


def test_tagger_filters_lexicon_candidates() -> None:
    tagger = loaded_tagger.tagger()
    # a sentence-grown candidate is only kept when some token clears the long-span threshold
    z = np.array([-3.0, -0.5, -3.0])
    offs = [(0, 3), (4, 7), (8, 11)]
    cands = [(0, 11, "Doubt", 0.5), (4, 7, "Loaded_Language", 0.5)]
    keep = loaded_tagger.span_filter(z, offs, cands, -1.0, 0.0, frozenset({"Doubt"}))
    assert keep == [False, True]
    assert tagger.tau_short < 5 and tagger.tau_long < 5

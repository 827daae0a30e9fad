"""Tests for parallax.models.classifiers (packaged linear text classifiers)."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction import FeatureHasher

from parallax.models import classifiers
from parallax.models.classifiers import AVAILABLE, TextClassifier, load_classifier

SAMPLE = [
    "You won't believe what this dog did next",
    "Senate passes budget bill after lengthy debate",
    "",
    "The unemployment rate fell to 3.5 percent in 2019.",
]


@pytest.fixture(scope="module", params=AVAILABLE)
def clf(request: pytest.FixtureRequest) -> TextClassifier:
    return load_classifier(request.param)


def test_available_names() -> None:
    assert set(AVAILABLE) == {"subjectivity", "checkworthy", "clickbait", "hate", "hyperpartisan"}


def test_unknown_name_raises() -> None:
    with pytest.raises(KeyError, match="unknown classifier"):
        load_classifier("sarcasm")


def test_loading_is_cached(clf: TextClassifier) -> None:
    assert load_classifier(clf.name) is clf
    assert clf.name in AVAILABLE
    assert 0.0 < clf.threshold < 1.0


def test_weight_files_are_plain_arrays() -> None:
    root = resources.files("parallax.models") / "weights"
    names = {entry.name for entry in root.iterdir()}
    assert not any(n.endswith((".pkl", ".pickle", ".joblib")) for n in names)
    for name in AVAILABLE:
        assert f"{name}.json" in names and f"{name}.npz" in names
        with (root / f"{name}.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            assert all(npz[key].dtype != object for key in npz.files)


def test_batch_shape_and_range(clf: TextClassifier) -> None:
    p = clf.predict_proba(SAMPLE)
    assert p.shape == (len(SAMPLE),)
    assert p.dtype == np.float64
    assert np.all((p >= 0.0) & (p <= 1.0))
    assert np.all(np.isfinite(p))
    assert clf.predict_proba([]).shape == (0,)
    assert clf.predict(SAMPLE).dtype == bool


def test_single_string_rejected(clf: TextClassifier) -> None:
    with pytest.raises(TypeError):
        clf.predict_proba("a single string")  # type: ignore[arg-type]


def test_deterministic_and_batch_independent(clf: TextClassifier) -> None:
    batch = clf.predict_proba(SAMPLE)
    again = clf.predict_proba(SAMPLE)
    one_by_one = np.array([clf.predict_proba([t])[0] for t in SAMPLE])
    np.testing.assert_array_equal(batch, again)
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(clf.predict_proba(SAMPLE[::-1]), batch[::-1], rtol=1e-6)


def test_round_trip_arrays(clf: TextClassifier) -> None:
    rebuilt = classifiers.classifier_from_arrays(clf.meta, classifiers.classifier_to_arrays(clf))
    if clf.contextual is not None:  # the arrays are the first stage's; the second is its own file
        rebuilt = rebuilt.with_contextual(clf.contextual)
    np.testing.assert_allclose(
        rebuilt.predict_proba(SAMPLE), clf.predict_proba(SAMPLE), rtol=1e-5, atol=1e-7
    )


def test_clickbait_sanity() -> None:
    c = load_classifier("clickbait")
    bait, news = c.predict_proba(
        ["You won't believe what happened next", "Senate passes budget bill"]
    )
    assert bait > 0.8 > 0.2 > news
    p = c.predict_proba(
        ["17 Things Only 90s Kids Will Remember", "Which Disney Princess Are You?",
         "Germany's parliament approves coalition agreement",
         "Oil prices fall as OPEC output rises"]
    )
    assert min(p[:2]) > max(p[2:])


def test_subjectivity_sanity() -> None:
    c = load_classifier("subjectivity")
    opinion, fact = c.predict_proba(
        [
            "This disgraceful, arrogant government has utterly betrayed every decent "
            "citizen, and frankly it is a national embarrassment.",
            "The company reported quarterly revenue of $4.2 billion on Tuesday.",
        ]
    )
    assert opinion > fact + 0.2


def test_checkworthy_sanity() -> None:
    c = load_classifier("checkworthy")
    claim, chatter = c.predict_proba(
        [
            "Unemployment has fallen by 40 percent since I took office, the lowest in 50 years.",
            "Thank you all very much, it's great to be here tonight.",
        ]
    )
    assert claim > chatter + 0.3


def test_hate_sanity() -> None:
    c = load_classifier("hate")
    abusive, benign = c.predict_proba(
        ["shut up you stupid bitch", "the weather in the park was lovely this afternoon"]
    )
    assert abusive > 0.8 and benign < 0.5


# Identity hate written as prose, without the tweet vocabulary the abuse model was first trained
# on, must score as abusive; plain news about the same groups must not (issue #15). Sentences
# written for this test (the first two are the issue's own examples), none from the training data.
PROSE_HATE = [
    "The kikes control the media and the banks.",
    "Muslims are vermin and should be thrown out.",
    "Blacks are savages who bring crime to every town they move into.",
    "The Jews are parasites feeding on every nation that lets them in.",
    "Immigrants are cockroaches and we have to stamp them out.",
]
NEWS_ABOUT_GROUPS = [
    "Muslim families gathered at the mosque on Friday to mark the end of Ramadan.",
    "The Jewish community centre reopened after a two-year renovation.",
    "Immigration officials said 4,000 asylum seekers crossed the border in March.",
    "A black police officer was promoted to deputy chief on Monday.",
    "The court ruled that same-sex couples may adopt children.",
    "Police said vandals had sprayed antisemitic graffiti on the synagogue wall.",
]


def test_hate_in_prose_scores_high_news_about_groups_low() -> None:
    c = load_classifier("hate")
    hate = c.predict_proba(PROSE_HATE)
    news = c.predict_proba(NEWS_ABOUT_GROUPS)
    shown = dict(zip(PROSE_HATE + NEWS_ABOUT_GROUPS, np.r_[hate, news].round(2), strict=True))
    # All far above the news sentences and at or above the model's threshold ("Muslims are
    # vermin…" through the dehumanising-predication floor, see docs/signals-ood.md).
    assert hate.min() > news.max() + 0.25, shown
    assert (hate >= c.threshold).all(), shown
    assert news.max() < 0.3, shown
    # A report quoting a slur: the body counts the sentence without its quotation (score.py).
    from parallax.text.quotes import QUOTATION

    report = "Vandals painted “the kikes must die” on the door of the synagogue overnight."
    assert c.predict_proba([QUOTATION.sub(" … ", report)])[0] < 0.3


def test_sentence_cues() -> None:
    from parallax.models.sentence_cues import SENTENCE_CUE_NAMES, sentence_cues

    rows = sentence_cues([
        "I think we really must stop this terrible plan!",
        "The company said revenue rose 5.2 percent in 2019, according to Reuters.",
        "",
    ])
    got = [{n for n, v in zip(SENTENCE_CUE_NAMES, r, strict=True) if v > 0} for r in rows]
    assert {"first_person_singular", "first_person_plural", "intensifier", "obligation",
            "evaluative", "exclamation"} <= got[0]
    assert {"attribution", "quantity", "time_reference", "capitalised_share"} <= got[1]
    assert "first_person_singular" not in got[1] and got[2] == set()
    assert rows[1][SENTENCE_CUE_NAMES.index("quantity")] == pytest.approx(np.log1p(3))  # 5.2, percent, 2019


def test_evaluation_blocks() -> None:
    """Each sentence-level head says how it was chosen and how it fares in and out of distribution."""
    for name in ("subjectivity", "checkworthy", "hate"):
        ev = load_classifier(name).meta["evaluation"]
        assert ev["protocol"]
        assert ev["in_distribution"] and ev["out_of_distribution"]
        for entry in ev["in_distribution"] + ev["out_of_distribution"]:
            assert set(entry) == {"data", "split", "metric", "value", "n"}
            assert entry["n"] > 0 and isinstance(entry["value"], float)


def test_top_terms_are_positive_ngrams_of_text() -> None:
    c = load_classifier("clickbait")
    text = "You Won't Believe These 21 Adorable Puppies"
    terms = c.top_terms(text, k=4)
    assert 1 <= len(terms) <= 4
    contribs = [v for _, v in terms]
    assert all(v > 0 for v in contribs)
    assert contribs == sorted(contribs, reverse=True)
    lowered = text.lower()
    assert all(term in lowered for term, _ in terms)
    assert c.top_terms("", k=3) == []


def test_top_terms_index_matches_vectorizer() -> None:
    """top_terms hashes n-grams with FeatureHasher; it must agree with HashingVectorizer."""
    spec = load_classifier("clickbait").spec
    hasher = FeatureHasher(
        n_features=spec.block_size("word"), input_type="string", alternate_sign=False
    )
    for word in ["economy", "terrible", "won't", "!"]:
        vec_idx = classifiers.hashed_counts([word], spec)["word"].indices
        assert list(vec_idx) == list(hasher.transform([[word]]).indices)


def test_headline_cues() -> None:
    names = classifiers.HEADLINE_FEATURE_NAMES
    feats = classifiers.headline_features(
        ["ALERT: Your Cat Is Plotting Something", "[Video] Best goal ever?",
         "10 Ways To Save Money", "Court rules on appeal"]
    )
    row = {n: feats[:, i] for i, n in enumerate(names)}
    assert row["shouting_prefix"].tolist() == [1, 0, 0, 0]
    assert row["media_tag"].tolist() == [0, 1, 0, 0]
    assert row["question_mark"].tolist() == [0, 1, 0, 0]
    assert row["starts_with_number"].tolist() == [0, 0, 1, 0]
    assert row["second_person"].tolist() == [1, 0, 0, 0]
    assert feats[3].sum() == 0


def test_normalize_text_placeholders() -> None:
    out = classifiers.normalize_text("RT @bob: see https://t.co/xyz &amp; <user> it\u2019s")
    assert "xxuser" in out and "xxurl" in out and "&" in out and "it's" in out
    assert "@bob" not in out and "http" not in out


def test_texts_without_features_at_the_end_of_a_batch() -> None:
    """A sentence that is all quotation, once the quotation is left out, has no features."""
    from parallax.models.classifiers import load_classifier

    model = load_classifier("hate")
    p = model.predict_proba(["They said it again today", "", ""])
    assert len(p) == 3 and p[1] == p[2] == model.predict_proba([""])[0]


def test_subjectivity_ood_gold_is_well_formed() -> None:
    """The other-outlet subjectivity gold: 720 unique sentences, two labels each, six sources
    split into halves that share no source (tests/fixtures/subjectivity_ood/README.md)."""
    import json

    path = Path(__file__).parent / "fixtures" / "subjectivity_ood" / "gold.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 720 and len({r["id"] for r in rows}) == 720
    assert {r["label"] for r in rows} == {"SUBJ", "OBJ"}
    for r in rows:
        assert len(r["annotators"]) == 2
        agreed = r["annotators"][0] == r["annotators"][1]
        assert r["adjudicated"] is not agreed
        if agreed:
            assert r["label"] == r["annotators"][0]
    counts = Counter(r["source"] for r in rows)
    assert counts == {"basil": 120, "fnc1": 120, "semeval23": 120, "hyperpartisan19": 120, "semeval23train": 120,
                      "polnear": 120}


def test_partly_quoted_sentences_are_reported_speech() -> None:
    """A sentence that closes (or opens) a quotation running past it is quoted speech, which the
    subjectivity guidelines call objective: its probability is capped, whatever its words."""
    assert classifiers.partly_quoted("We need to close those holes.\u201d")
    assert classifiers.partly_quoted('"This is a disgrace, and everyone knows it.')
    assert not classifiers.partly_quoted('"It was a disgrace," she said.')
    assert not classifiers.partly_quoted("It's the senator's bill.")
    c = load_classifier("subjectivity")
    cap = c.meta["partly_quoted_cap"]
    opinion = "This disgraceful, arrogant government has utterly betrayed every decent citizen."
    free, quoted = c.predict_proba([opinion, opinion + "\u201d"])
    assert free > c.threshold and quoted <= cap < c.threshold


def test_dehumanising_predication() -> None:
    """An identity group called vermin, a disease, animals… is abuse; a report of it is not."""
    from parallax.models.sentence_cues import dehumanises_group

    assert dehumanises_group("Muslims are vermin and should be thrown out.")
    assert dehumanises_group("Refugees are a disease on this country.")
    assert not dehumanises_group("Immigrants are an important part of the economy.")
    assert not dehumanises_group("Rats are a problem for refugees in the camp.")
    c = load_classifier("hate")
    assert c.meta["dehumanising_floor"] >= c.threshold

"""Tests for the packaged ``hyperpartisan`` article classifier."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from parallax.models import classifiers
from parallax.models.classifiers import (
    AVAILABLE,
    STYLE_FEATURE_NAMES,
    TextClassifier,
    article_text,
    classify_texts,
    load_classifier,
    style_features,
)

RANT = article_text(
    "The TRAITORS in the Deep State Want to DESTROY America — and You're Next!",
    "Wake up, people! The corrupt liberal elites and their puppets in the mainstream media "
    "are lying to you AGAIN. We MUST stand up to this tyranny before it is too late! Why do "
    "you think they keep pushing their radical socialist agenda? Because they hate you, they "
    "hate your freedom and they hate everything this country stands for. I've had enough of "
    "the hoax after hoax, the witch hunt after witch hunt. These shameless hypocrites should "
    "be in jail, and every true patriot knows it. Share this before they censor it!",
)
WIRE = article_text(
    "Senate committee advances spending bill",
    "WASHINGTON (Reuters) - A Senate committee on Thursday voted 21-9 to advance a $1.2 "
    "trillion spending bill that would fund federal agencies through September, sending the "
    "measure to the full chamber. The bill includes $45 billion for infrastructure repairs, "
    "according to a summary released by the committee. \"We expect a floor vote next week,\" "
    "a committee spokeswoman said in a statement. The House passed a similar measure in "
    "March. The Congressional Budget Office estimated the bill would add $12 billion to the "
    "deficit over ten years, the agency said in a report released on Wednesday.",
)
SAMPLE = [RANT, WIRE, "", "Short headline only", article_text("Title", "Body text. " * 3000)]


@pytest.fixture(scope="module")
def clf() -> TextClassifier:
    return load_classifier("hyperpartisan")


def test_registered(clf: TextClassifier) -> None:
    assert "hyperpartisan" in AVAILABLE
    assert clf.name == "hyperpartisan"
    assert clf.spec.style and clf.spec.max_chars > 0
    assert clf.spec.embedding == "minilm" and 0 < clf.spec.embedding_chars <= 2000
    assert clf.coef.shape[0] == sum(
        clf.spec.block_size(b) for b in clf.spec.blocks()
    ) + len(STYLE_FEATURE_NAMES) + 384


def test_probabilities_in_unit_interval(clf: TextClassifier) -> None:
    p = clf.predict_proba(SAMPLE)
    assert p.shape == (len(SAMPLE),)
    assert np.all(np.isfinite(p)) and np.all((p >= 0.0) & (p <= 1.0))
    assert clf.predict_proba([]).shape == (0,)


def test_rant_scores_above_wire_report(clf: TextClassifier) -> None:
    p_rant, p_wire = clf.predict_proba([RANT, WIRE])
    assert p_rant > p_wire + 0.2
    labels = classify_texts("hyperpartisan", [RANT, WIRE])
    assert labels[0][0] == "hyperpartisan" and labels[1][0] == "not-hyperpartisan"


def test_batch_equals_single(clf: TextClassifier) -> None:
    batch = clf.predict_proba(SAMPLE)
    one_by_one = np.array([clf.predict_proba([t])[0] for t in SAMPLE])
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(clf.predict_proba(SAMPLE[::-1]), batch[::-1], rtol=1e-6)


def test_loads_without_pickle_and_round_trips(clf: TextClassifier) -> None:
    root = resources.files("parallax.models") / "weights"
    meta = json.loads((root / "hyperpartisan.json").read_text(encoding="utf-8"))
    with (root / "hyperpartisan.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    assert all(a.dtype != object for a in arrays.values())
    assert {"style_coef", "style_center", "style_scale", "embedding_coef"} <= set(arrays)
    rebuilt = classifiers.classifier_from_arrays(meta, arrays)
    np.testing.assert_allclose(rebuilt.predict_proba(SAMPLE), clf.predict_proba(SAMPLE), rtol=1e-6)
    again = classifiers.classifier_from_arrays(meta, classifiers.classifier_to_arrays(clf))
    np.testing.assert_allclose(again.predict_proba(SAMPLE), clf.predict_proba(SAMPLE), rtol=1e-5)


def test_style_features_cues() -> None:
    f = dict(zip(STYLE_FEATURE_NAMES, style_features([RANT, WIRE]).T, strict=True))
    assert f["exclamation_rate"][0] > f["exclamation_rate"][1]
    assert f["loaded_word_rate"][0] > f["loaded_word_rate"][1]
    assert f["attribution_rate"][1] > f["attribution_rate"][0]
    assert f["title_exclamation"].tolist() == [1.0, 0.0]
    assert np.all(np.isfinite(style_features(["", "!!!", "\n"])))


def test_existing_specs_unchanged() -> None:
    """Models saved before the style block still load with style off and no truncation."""
    for name in ("subjectivity", "checkworthy", "clickbait", "hate"):
        spec = load_classifier(name).spec
        assert not spec.style and spec.max_chars == 0


@pytest.mark.parametrize("name", ["hyperpartisan", "hate", "subjectivity", "clickbait"])
def test_char_block_matches_vectorizer(name: str) -> None:
    """The per-distinct-word char_wb block is the char_wb vectorizer's matrix, bit for bit."""
    spec = load_classifier(name).spec
    texts = [*SAMPLE, "İstanbul ÇA ǅ straße ﬁne", "a\tb\x85c\xa0d  e\n\nf", "x" * 40, "“ … ” she said."]
    normed = [classifiers.normalize_text(t) for t in classifiers.truncate(texts, spec)]
    ref = classifiers._vectorizer(spec, "char").transform(normed).tocsr()
    ref.sort_indices()
    fast = classifiers.char_wb_counts(normed, spec)
    np.testing.assert_array_equal(fast.indptr, ref.indptr)
    np.testing.assert_array_equal(fast.indices, ref.indices)
    np.testing.assert_array_equal(fast.data, ref.data)
    clf = load_classifier(name)
    assert classifiers.char_wb_counts([], clf.spec).shape == (0, clf.spec.block_size("char"))
    assert classifiers.char_wb_counts(["", " "], clf.spec).nnz == 0


def test_style_cues_case_insensitive_on_lowercase() -> None:
    """Case-insensitive cues run on the lowercased text and count what re.IGNORECASE counts."""
    texts = [RANT, WIRE, "WE Must SAY it: Very CLEARLY, the RADICAL Left LIES. According To them."]
    for (_, cue), (fast, on_lower) in zip(
        classifiers._ARTICLE_RATE_CUES, classifiers._ARTICLE_RATE_MATCHERS, strict=True
    ):
        for t in texts:
            assert len(fast.findall(t.lower() if on_lower else t)) == len(cue.findall(t))


def test_lead_vector_is_the_title_and_lead_only(clf: TextClassifier) -> None:
    """The embedding block sees the first embedding_chars characters: text past them changes
    only the n-gram and style blocks, and vectors passed in give the same scores."""
    from parallax.models.vectors import sentence_vectors

    inputs = classifiers.embedding_inputs(SAMPLE, clf.spec)
    assert all(len(t) <= clf.spec.embedding_chars for t in inputs)
    vecs = sentence_vectors(inputs, clf.spec.embedding)
    np.testing.assert_allclose(clf.predict_proba(SAMPLE, vecs), clf.predict_proba(SAMPLE), rtol=1e-6)
    zero = clf.predict_proba(SAMPLE, np.zeros_like(vecs))
    assert np.max(np.abs(zero - clf.predict_proba(SAMPLE))) > 1e-3  # the block does count


def test_evaluation_block_meets_the_floor(clf: TextClassifier) -> None:
    """The card records in- and out-of-distribution figures; publishers kept apart >= 0.80."""
    ev = clf.meta["evaluation"]
    ood = {r["metric"]: r for r in ev["out_of_distribution"] if "publisher" in r["split"]}
    assert ood["accuracy"]["value"] >= 0.80 and ood["accuracy"]["n"] == 645
    assert [r["metric"] for r in ev["in_distribution"]] == ["accuracy"]


def test_publisher_is_the_registrable_domain() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from hyperpartisan_data import publisher

    assert publisher("https://insider.foxnews.com/2017/a.html") == "foxnews.com"
    assert publisher("http://www.foxnews.com/x") == "foxnews.com"
    assert publisher("https://www.express.co.uk/news/1") == "express.co.uk"
    assert publisher("https://www.businessinsider.com.au/x") == "businessinsider.com.au"
    assert publisher("https://news.antiwar.com:443/x") == "antiwar.com"


def test_publisher_folds_are_disjoint(data_dir: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from train_hyperpartisan import OUTER_FOLDS, SEED, grouped, load_hyperpartisan

    arts = load_hyperpartisan(data_dir)
    groups = np.array(arts.domains)
    assert len(set(arts.domains)) > 250
    for tr, te in grouped(arts.labels, groups, OUTER_FOLDS, SEED):
        assert not set(groups[tr]) & set(groups[te])

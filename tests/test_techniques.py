"""Tests for parallax.signals.techniques (paragraph-level persuasion-technique classifier)."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from parallax.signals import techniques
from parallax.signals.techniques import (
    ANY_TECHNIQUE,
    TECHNIQUES,
    any_technique,
    label_paragraphs,
    load_model,
    model_available,
    model_from_arrays,
    model_to_arrays,
    paragraph_techniques,
)

pytestmark = pytest.mark.skipif(not model_available(), reason="technique weights not installed")

DRY = (
    "The committee met on Tuesday to review the quarterly budget report, which lists "
    "expenditures of 4.2 million dollars for road maintenance in the district."
)
FLAG = (
    "We are proud patriots who love this great nation, and every true American must stand "
    "up and defend our flag, our freedom and our country!"
)
NAME = (
    "These corrupt globalist elites, liberal snowflakes and radical leftist thugs are "
    "traitors and idiots who want to destroy everything."
)
SAMPLE = [DRY, FLAG, NAME, "", "Is this really what they want us to believe?"]


def test_technique_list() -> None:
    assert len(TECHNIQUES) == len(set(TECHNIQUES)) >= 10
    assert {"Loaded_Language", "Name_Calling-Labeling", "Flag_Waving", "Doubt"} <= set(TECHNIQUES)
    model = load_model()
    assert model.techniques == TECHNIQUES
    assert model.heads == (*TECHNIQUES, ANY_TECHNIQUE)
    assert load_model() is model


def test_shapes_and_range() -> None:
    out = paragraph_techniques(SAMPLE)
    assert len(out) == len(SAMPLE)
    for row in out:
        assert list(row) == list(TECHNIQUES)
        assert all(0.0 <= p <= 1.0 for p in row.values())
    probs = load_model().predict_proba(SAMPLE)
    assert probs.shape == (len(SAMPLE), len(TECHNIQUES) + 1)
    assert np.all(np.isfinite(probs))
    anyp = any_technique(SAMPLE)
    assert len(anyp) == len(SAMPLE) and all(0.0 <= p <= 1.0 for p in anyp)
    labels = label_paragraphs(SAMPLE)
    assert len(labels) == len(SAMPLE)
    assert all(set(row) <= set(TECHNIQUES) for row in labels)


def test_empty_and_string_input() -> None:
    assert paragraph_techniques([]) == []
    assert label_paragraphs([]) == []
    assert load_model().predict_proba([]).shape == (0, len(TECHNIQUES) + 1)
    with pytest.raises(TypeError):
        paragraph_techniques("a single string")


def test_persuasive_paragraphs_outscore_dry_one() -> None:
    dry, flag, name = paragraph_techniques([DRY, FLAG, NAME])
    assert flag["Flag_Waving"] > dry["Flag_Waving"]
    assert flag["Flag_Waving"] > 0.3
    assert name["Name_Calling-Labeling"] > dry["Name_Calling-Labeling"]
    assert name["Loaded_Language"] > dry["Loaded_Language"]
    d_any, f_any, n_any = any_technique([DRY, FLAG, NAME])
    assert f_any > d_any and n_any > d_any
    assert "Flag_Waving" in label_paragraphs([FLAG])[0]
    assert label_paragraphs([DRY])[0] == []


def test_batch_equals_single() -> None:
    model = load_model()
    batch = model.predict_proba(SAMPLE)
    single = np.vstack([model.predict_proba([p]) for p in SAMPLE])
    np.testing.assert_allclose(batch, single, rtol=1e-5, atol=1e-6)
    assert paragraph_techniques(SAMPLE) == [paragraph_techniques([p])[0] for p in SAMPLE]


def test_plain_array_files_and_roundtrip() -> None:
    root = resources.files("parallax.models") / "weights"
    meta = json.loads((root / "techniques.json").read_text(encoding="utf-8"))
    assert meta["techniques"] == list(TECHNIQUES)
    with (root / "techniques.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    assert all(a.dtype != object for a in arrays.values())
    n_heads = len(TECHNIQUES) + 1
    assert arrays["coef"].ndim == 2 and arrays["coef"].shape[0] == n_heads
    assert arrays["intercept"].shape == arrays["thresholds"].shape == (n_heads,)
    assert np.all((arrays["thresholds"] > 0) & (arrays["thresholds"] < 1))
    rebuilt = model_from_arrays(meta, arrays)
    np.testing.assert_allclose(
        rebuilt.predict_proba(SAMPLE), load_model().predict_proba(SAMPLE), atol=1e-6
    )
    again = model_from_arrays(meta, model_to_arrays(rebuilt))
    np.testing.assert_allclose(again.predict_proba(SAMPLE), rebuilt.predict_proba(SAMPLE), atol=1e-3)


def test_bad_format_rejected() -> None:
    root = resources.files("parallax.models") / "weights"
    meta = json.loads((root / "techniques.json").read_text(encoding="utf-8"))
    meta["format_version"] = 99
    with pytest.raises(ValueError, match="format"):
        model_from_arrays(meta, {})
    assert techniques.FORMAT_VERSION == 1

"""The abuse model's contextual second stage: adapters, the cascade, what it says about itself."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.models.classifiers import load_classifier
from parallax.models.encoder_build import Adapter
from parallax.models.hate_contextual import adapter_from_arrays, load_contextual_hate


def test_adapter_adds_its_low_rank_update() -> None:
    rng = np.random.default_rng(0)
    w = {"x.weight": rng.normal(size=(4, 3)).astype(np.float32), "y.weight": np.ones((2, 2), np.float32)}
    a, b = rng.normal(size=(2, 3)).astype(np.float32), rng.normal(size=(4, 2)).astype(np.float32)
    merged = Adapter("t", "d", {"x.weight": (a, b)}, 2.0).merged(w)
    assert np.allclose(merged["x.weight"], w["x.weight"] + 2.0 * b @ a, atol=1e-6)
    assert merged["y.weight"] is w["y.weight"]  # untouched weights are shared, not copied
    with pytest.raises(ValueError):
        Adapter("t", "d", {"x.weight": (a.T, b)}, 1.0).merged(w)
    with pytest.raises(ValueError):
        Adapter("t", "d", {"z.weight": (a, b)}, 1.0).merged(w)


def test_adapter_digest_names_its_arrays() -> None:
    a, b = np.ones((2, 3), np.float32), np.zeros((4, 2), np.float32)
    one = adapter_from_arrays("t", {"A/x.weight": a, "B/x.weight": b}, 2.0)
    assert one.digest == adapter_from_arrays("t", {"A/x.weight": a.copy(), "B/x.weight": b.copy()}, 2.0).digest
    assert one.digest != adapter_from_arrays("t", {"A/x.weight": a, "B/x.weight": b + 1}, 2.0).digest
    assert one.digest != adapter_from_arrays("t", {"A/x.weight": a, "B/x.weight": b}, 1.0).digest


@pytest.fixture(scope="module")
def second() -> object:
    model = load_contextual_hate()
    if model is None:
        pytest.fail("hate_contextual.npz / .json are not in parallax/models/weights")
    return model


def test_cascade_reads_again_only_what_the_first_stage_flags(second: object) -> None:
    first = load_classifier("hate", contextual=False)
    both = load_classifier("hate")
    assert both.contextual is second and first.contextual is None
    assert both.threshold == second.threshold  # type: ignore[attr-defined]
    texts = ["The council approved the budget for the new library on Tuesday.",
             "shut up you stupid bitch, nobody wants you here",
             "Heavy rain is expected across the region this weekend."]
    p1, p2 = first.predict_proba(texts), both.predict_proba(texts)
    gate = second.gate  # type: ignore[attr-defined]
    below = p1 < gate
    assert below.any() and (~below).any(), (p1, gate)
    assert np.array_equal(p2[below], p1[below])  # under the gate the first stage's score stands
    assert np.allclose(p2[~below], second.predict_proba([t for t, b in zip(texts, below, strict=True) if not b]))  # type: ignore[attr-defined]
    assert p2[1] >= both.threshold and p2[0] < both.threshold and p2[2] < both.threshold


def test_second_stage_is_a_function_of_each_text(second: object) -> None:
    texts = ["You people are animals and should go back where you came from.",
             "Go back to your country, you filthy rat.", "What a lovely morning at the beach."]
    together = second.predict_proba(texts)  # type: ignore[attr-defined]
    alone = np.array([second.predict_proba([t])[0] for t in texts])  # type: ignore[attr-defined]
    np.testing.assert_allclose(together, alone, rtol=1e-9, atol=1e-12)  # the head product may differ by an ulp


def test_about_reports_both_stages() -> None:
    from parallax.models.cards import format_about, model_about

    about = model_about("hate")
    stage = about["second_stage"]
    assert stage is not None and about["threshold"] == pytest.approx(stage["threshold"])
    rows = stage["evaluation"]["in_distribution"] + stage["evaluation"]["out_of_distribution"]
    assert any("test50" in r["data"] and r["metric"] == "macro_f1" for r in rows)
    text = format_about(about)
    assert "second stage" in text and "gate" in text

"""The same-fact cascade's second stage: pairs read together, the gate, symmetry, the shipped model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from parallax.claims.samefact import (
    CROSS_ENCODER_ENV,
    FEATURES,
    PairText,
    SecondStage,
    load_samefact,
    load_second_stage,
    pair_features,
)
from parallax.models.encoder import get_encoder


@pytest.fixture(scope="module")
def second() -> SecondStage:
    model = load_second_stage(enabled=True)
    if model is None:
        pytest.fail("samefact_contextual.npz / .json are not in parallax/models/weights")
    return model


def _row(a: str, b: str) -> list[float]:
    v = get_encoder().encode([a, b])
    meaning = float(v[0] @ v[1])
    return pair_features(PairText(a, None), PairText(b, None), meaning, 0.5)


def test_pairs_are_read_together_and_alone() -> None:
    enc = get_encoder()
    pairs = [("The city fell on Tuesday.", "Raqqa was taken on Tuesday."),
             ("Rain is expected this weekend.", "The council approved the budget.")]
    together = enc.encode_pairs(pairs)
    alone = np.vstack([enc.encode_pairs([p]) for p in pairs])
    np.testing.assert_array_equal(together, alone)  # a pair's vector never depends on its batch
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(together[0], enc.encode(["The city fell on Tuesday."])[0])  # both texts are read
    long = ("word " * 400, "other " * 400)
    assert enc.encode_pairs([long], max_tokens=32).shape == (1, 384)  # cut to fit, not refused


def test_reader_orders_and_repeats(second: SecondStage) -> None:
    a, b = "More than 90 percent of Raqqa is in SDF control.", "SDF forces control 90 percent of the city."
    reader = second.reader
    enc = get_encoder(adapter=reader.adapter)

    def read(x: str, y: str) -> float:
        return float(enc.encode_pairs([(x, y)], reader.max_tokens).astype(np.float64)[0] @ reader.head) + reader.bias

    both = dataclasses.replace(reader, both_orders=True)
    assert both.logits([(a, b)])[0] == pytest.approx((read(a, b) + read(b, a)) / 2, abs=1e-9)
    assert both.logits([(a, b)])[0] == pytest.approx(both.logits([(b, a)])[0], abs=1e-9)  # symmetric
    one = dataclasses.replace(reader, both_orders=False)
    # One order: the texts sorted, so the order a pair comes in (article order) changes nothing.
    assert one.logits([(a, b)])[0] == one.logits([(b, a)])[0] == pytest.approx(read(*sorted((a, b))), abs=1e-9)
    # A repeated pair is read once and scores the same as alone.
    for model in (one, both):
        alone = model.logits([(a, b)])[0]
        np.testing.assert_allclose(model.logits([(a, b), (b, a), (a, b)]), [alone] * 3, rtol=0, atol=1e-9)


def test_only_pairs_from_the_gate_up_are_read_again(second: SecondStage) -> None:
    texts = [("ISIS lost the city of Raqqa on Tuesday.", "US-backed forces seized Raqqa from ISIS on Tuesday."),
             ("ISIS lost the city of Raqqa on Tuesday.", "Rain is expected across the region this weekend.")]
    rows = [_row(*t) for t in texts]
    first = np.array([second.gate + 0.1, second.gate / 2])
    out = second.rescore(rows, texts, first)
    assert out[1] == first[1]  # under the gate the first stage's probability stands
    assert out[0] == pytest.approx(second.probability(rows[:1], texts[:1])[0])
    skipped = second.rescore(rows, texts, first, skip=np.array([True, False]))
    assert np.array_equal(skipped, first)
    # With a ceiling (a cheaper setting, measured and not shipped), pairs the first stage is sure
    # of keep its probability.
    capped = dataclasses.replace(second, ceiling=0.9)
    sure = np.array([0.95, second.gate + 0.1])
    out = capped.rescore(rows, texts, sure)
    assert out[0] == 0.95 and out[1] == pytest.approx(second.probability(rows[1:], texts[1:])[0])


def test_shipped_stage_links_a_rewording_and_not_a_shared_word(second: SecondStage) -> None:
    same = ("Raqqa has been the de-facto capital of ISIS for over three years.",
            "The city of Raqqa, formerly ISIS' capital of its self-proclaimed caliphate, has been reclaimed.")
    topic = ("We've devastated their networks and eliminated leaders at all levels, Dillon said.",
             "Now the fight to eliminate ISIS is taking place south of Raqqa.")
    p = second.probability([_row(*same), _row(*topic)], [same, topic])
    assert p[1] < second.threshold, p
    assert p[0] > p[1], p
    assert len(second.coef) == len(FEATURES) + 1
    assert 0.0 < second.gate < load_samefact().threshold


def test_second_stage_is_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CROSS_ENCODER_ENV, raising=False)
    assert load_second_stage() is None
    monkeypatch.setenv(CROSS_ENCODER_ENV, "0")
    assert load_second_stage() is None
    monkeypatch.setenv(CROSS_ENCODER_ENV, "1")
    assert load_second_stage() is load_second_stage(enabled=True) is not None


def test_analyze_cross_encoder_flag(raqqa_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`parallax analyze --cross-encoder` links with the second stage: on Raqqa it finds that
    ISIS has been losing territory (001 and 003, each in its own words), which the first stage
    alone misses; every corroborated claim still holds against the claims gold."""
    import json
    import sys

    from click.testing import CliRunner

    from parallax.cli import main

    monkeypatch.delenv(CROSS_ENCODER_ENV, raising=False)
    monkeypatch.setenv(CROSS_ENCODER_ENV, "0")  # restored after the test; the flag overrides it
    res = CliRunner().invoke(main, ["analyze", str(raqqa_copy), "--out", str(tmp_path / "o"), "--quiet",
                                    "--cross-encoder", "--processes", "1"])
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "o" / "report.json").read_text(encoding="utf-8"))
    texts = [c["text"] for s in report["stories"] for c in s["claims"] if c["status"] == "corroborated"]
    assert any("losing territory" in t for t in texts), texts
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from claims_gold import GOLD_DIR, score_story

    gold = json.loads((GOLD_DIR / "raqqa-2017.json").read_text(encoding="utf-8"))
    scores = score_story(gold, report, {a: a for a in gold["articles"]})
    assert scores["corroborated"] >= 3 and all(j["right"] for j in scores["judged"])

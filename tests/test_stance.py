"""Stance model: API contract and a few behaviours on hand-written pairs."""

from __future__ import annotations

import numpy as np
import pytest

from parallax.claims import stance

pytestmark = pytest.mark.skipif(not stance.model_available(), reason="stance weights not installed")

CLAIM = "Pope Francis endorses Donald Trump for president"
DENIAL = (
    "Reports that Pope Francis endorsed Donald Trump for president are false. The Vatican denied the story on "
    "Monday, calling it a hoax that started on a fake news website. A spokesman said the pope has never endorsed "
    "any candidate and there is no evidence he did so. The fabricated article was shared a million times."
)
SUPPORT = (
    "Pope Francis has endorsed Donald Trump for president, the Vatican confirmed on Monday. In a statement the "
    "pope said he backs Donald Trump's campaign. Officials confirmed the endorsement of Trump by Francis, the "
    "first time a pope has endorsed a candidate for president."
)
OTHER = (
    "The city council approved a new budget for road repairs on Tuesday. Work on the bridge over the river will "
    "start in spring and last about eight months, the mayor said. Residents complained about potholes for years."
)


def _probs(claim: str, text: str) -> dict[str, float]:
    (res,) = stance.predict_stance([(claim, text)])
    return res.probs


def test_result_shape_and_probabilities_sum_to_one() -> None:
    results = stance.predict_stance([(CLAIM, DENIAL), (CLAIM, SUPPORT), (CLAIM, OTHER)])
    assert len(results) == 3
    for res in results:
        assert res.label in stance.LABELS
        assert set(res.probs) == set(stance.LABELS)
        assert sum(res.probs.values()) == pytest.approx(1.0, abs=1e-3)
        assert all(0.0 <= p <= 1.0 for p in res.probs.values())


def test_denying_body_disagrees_more_than_it_agrees() -> None:
    probs = _probs(CLAIM, DENIAL)
    assert probs["disagree"] > probs["agree"]
    assert probs["unrelated"] < 0.5


def test_supporting_body_is_related_and_agrees_more_than_it_disagrees() -> None:
    probs = _probs(CLAIM, SUPPORT)
    assert probs["unrelated"] < 0.5
    assert probs["agree"] > probs["disagree"]


def test_unrelated_body_is_unrelated() -> None:
    (res,) = stance.predict_stance([(CLAIM, OTHER)])
    assert res.label == "unrelated"


def test_batch_equals_single() -> None:
    pairs = [(CLAIM, DENIAL), ("Council approves road budget", OTHER), (CLAIM, SUPPORT), (CLAIM, OTHER)]
    batch = stance.predict_stance(pairs)
    single = [stance.predict_stance([p])[0] for p in pairs]
    assert batch == single


def test_features_do_not_depend_on_the_batch() -> None:
    spec = stance.load_model().spec
    dense_a, sparse_a = stance.pair_features([(CLAIM, DENIAL)], spec)
    dense_b, sparse_b = stance.pair_features([(CLAIM, SUPPORT), (CLAIM, DENIAL), ("x", OTHER)], spec)
    np.testing.assert_allclose(dense_a[0], dense_b[1])
    assert (sparse_a[0] != sparse_b[1]).nnz == 0


def test_single_sentence_and_empty_inputs() -> None:
    sentence = "The Vatican denied that Pope Francis endorsed Donald Trump, calling the report a hoax."
    probs = _probs(CLAIM, sentence)
    assert probs["unrelated"] < 0.5
    assert probs["disagree"] > probs["agree"]
    assert stance.predict_stance([]) == []
    (res,) = stance.predict_stance([("", "")])
    assert res.label == "unrelated"


def test_single_pair_instead_of_sequence_is_rejected() -> None:
    with pytest.raises(TypeError):
        stance.predict_stance((CLAIM, DENIAL))  # type: ignore[arg-type]

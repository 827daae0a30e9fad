"""The ECB+ claim-pair bench judges pairs by shared gold event chains (bench/claims_ecbplus.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from claims_ecbplus import score_topic  # noqa: E402


def _doc(doc_id: str, event: str, sentences: list[str], validated: list[int]) -> dict:
    text, spans, at = "", [], 0
    for i, s in enumerate(sentences):
        spans.append({"index": i, "start": at, "end": at + len(s)})
        text += s + "\n"
        at += len(s) + 1
    return {"id": doc_id, "event": event, "text": text, "sentences": spans, "validated_sentences": validated}


def test_pairs_are_right_only_when_they_share_a_gold_chain() -> None:
    a = _doc("1_1ecb", "1ecb", ["Cheeks was fired on Saturday.", "The team lost again."], [0, 1])
    b = _doc("1_2ecb", "1ecb", ["The 76ers fired coach Maurice Cheeks.", "Fans cheered."], [0])
    c = _doc("1_3ecbplus", "1ecbplus", ["Cheeks was introduced as head coach."], [0])
    chains = {("1_1ecb", 0): {"FIRE"}, ("1_2ecb", 0): {"FIRE"}, ("1_3ecbplus", 0): {"HIRE"}}
    report = {
        "articles": [{"id": "A", "input": "a.txt", "text": a["text"]}, {"id": "B", "input": "b.txt", "text": b["text"]},
                     {"id": "C", "input": "c.txt", "text": c["text"]}],
        "stories": [{"claims": [
            # fired / fired: right; fired / introduced: wrong, and across two gold events.
            {"status": "corroborated", "mentions": [
                {"article": "A", "start": 0, "end": 29}, {"article": "B", "start": 0, "end": 37},
                {"article": "C", "start": 0, "end": 36}]},
            # "Fans cheered." is not a validated sentence: the pair is not judged.
            {"status": "single-source", "mentions": [
                {"article": "A", "start": 30, "end": 50}, {"article": "B", "start": 38, "end": 51}]},
        ]}],
    }
    names = {"a.txt": "1_1ecb", "b.txt": "1_2ecb", "c.txt": "1_3ecbplus"}
    out = score_topic([a, b, c], report, chains, names)
    assert (out["pairs"], out["judged"], out["right"], out["cross_event"]) == (4, 3, 1, 2)
    assert out["claims"] == 2 and out["corroborated"] == 1
    assert (out["corroborated_judged"], out["corroborated_right"]) == (3, 1)

"""``parallax classify --threshold`` and ``--about``, and the evaluation blocks they read."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from parallax.cli import main
from parallax.models import cards
from parallax.models.classifiers import load_classifier

TEXTS = ["I think this is the worst, most shameful policy ever.",
         "The council met on Tuesday to approve the budget.",
         "Many people say the plan could help."]


def _csv(tmp_path: Path) -> Path:
    src = tmp_path / "in.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerows([[i, t] for i, t in enumerate(TEXTS)])
    return src


def _classify(args: list[str]) -> list[dict[str, str]]:
    res = CliRunner().invoke(main, ["classify", *args])
    assert res.exit_code == 0, res.output
    return list(csv.DictReader(res.output.splitlines()))


def test_threshold_moves_labels_not_scores(tmp_path: Path) -> None:
    src = _csv(tmp_path)
    tuned = _classify(["subjectivity", str(src)])
    everything = _classify(["subjectivity", str(src), "--threshold", "0"])
    nothing = _classify(["subjectivity", str(src), "--threshold", "1"])
    assert [r["score"] for r in tuned] == [r["score"] for r in everything] == [r["score"] for r in nothing]
    assert {r["label"] for r in everything} == {"subjective"}
    assert all(r["label"] == "objective" for r in nothing if float(r["score"]) < 1.0)
    # At a threshold between two scores, exactly the texts at or above it are positive.
    scores = sorted(float(r["score"]) for r in tuned)
    mid = (scores[0] + scores[1]) / 2
    split = _classify(["subjectivity", str(src), "--threshold", f"{mid:.6f}"])
    assert [r["label"] == "subjective" for r in split] == [float(r["score"]) >= mid for r in split]
    # The default is the model's own tuned threshold.
    t = load_classifier("subjectivity").threshold
    assert [r["label"] == "subjective" for r in tuned] == [float(r["score"]) >= t for r in tuned]


def test_threshold_out_of_range_is_an_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["classify", "hate", str(_csv(tmp_path)), "--threshold", "1.5"])
    assert res.exit_code == 2 and "1.5" in res.output


def test_threshold_applies_to_loaded_language(tmp_path: Path) -> None:
    rows = _classify(["loaded_language", str(_csv(tmp_path)), "--threshold", "0"])
    assert {r["label"] for r in rows} == {"loaded"}


def test_about_without_file_shows_both_kinds_of_figures() -> None:
    res = CliRunner().invoke(main, ["classify", "hyperpartisan", "--about"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert "in-distribution" in out and "out-of-distribution" in out
    assert "publisher" in out and "SemEval-2019" in out and "licence" in out
    assert "MODEL_CARD.md" in out
    thr = load_classifier("hyperpartisan").threshold
    assert f"threshold:  {thr:g}" in out


def test_about_json_matches_the_model_file() -> None:
    res = CliRunner().invoke(main, ["classify", "hyperpartisan", "--about", "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output)
    meta = json.loads(Path(info["model_file"]).read_text(encoding="utf-8"))
    assert info["evaluation"] == meta["evaluation"]
    assert info["threshold"] == pytest.approx(meta["threshold"])
    assert not cards.validate_evaluation(info["evaluation"])
    assert info["evaluation"]["out_of_distribution"] and info["evaluation"]["in_distribution"]
    assert Path(info["card"]).is_file()


@pytest.fixture
def bare_weights(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A weights folder whose clickbait model has no evaluation block (as older models)."""
    root = resources.files("parallax.models") / "weights"
    for name in ("clickbait.json", "MODEL_CARD.md"):
        (tmp_path / name).write_bytes((root / name).read_bytes())
    meta = json.loads((tmp_path / "clickbait.json").read_text(encoding="utf-8"))
    meta.pop("evaluation", None)
    (tmp_path / "clickbait.json").write_text(json.dumps(meta), encoding="utf-8")
    monkeypatch.setattr(cards, "_weights", lambda: tmp_path)
    return tmp_path


def test_about_model_without_evaluation_block(bare_weights: Path) -> None:
    res = CliRunner().invoke(main, ["classify", "clickbait", "--about"])
    assert res.exit_code == 0, res.output
    assert "evaluation: none recorded" in res.output
    assert "Stop Clickbait" in res.output  # training data read from the card
    res = CliRunner().invoke(main, ["classify", "clickbait", "--about", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["evaluation"] is None


def test_about_malformed_block_is_one_line_error(bare_weights: Path) -> None:
    meta = json.loads((bare_weights / "clickbait.json").read_text(encoding="utf-8"))
    meta["evaluation"] = {"protocol": "x", "in_distribution": [{"data": "d"}], "out_of_distribution": []}
    (bare_weights / "clickbait.json").write_text(json.dumps(meta), encoding="utf-8")
    res = CliRunner().invoke(main, ["classify", "clickbait", "--about"])
    assert res.exit_code == 1 and "malformed evaluation block" in res.output
    assert "Traceback" not in res.output


def test_about_missing_weights_is_an_error(bare_weights: Path) -> None:
    (bare_weights / "clickbait.json").unlink()
    res = CliRunner().invoke(main, ["classify", "clickbait", "--about"])
    assert res.exit_code == 1 and "not installed" in res.output


def test_classify_without_file_or_about_is_an_error() -> None:
    res = CliRunner().invoke(main, ["classify", "hate"])
    assert res.exit_code == 2 and "missing FILE" in res.output


@pytest.mark.parametrize("task", cards.ABOUT_TASKS)
def test_every_packaged_block_is_well_formed(task: str) -> None:
    info = cards.model_about(task)
    assert info["training_data"], task
    if info["evaluation"] is not None:
        assert not cards.validate_evaluation(info["evaluation"])


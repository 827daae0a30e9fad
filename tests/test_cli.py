"""The command line: summary, --json, --quiet, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from parallax.cli import main


def test_analyze_prints_summary(raqqa_copy: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["analyze", str(raqqa_copy), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "5 inputs: 5 articles, 0 duplicates, 0 rejected · 1 stories" in res.output
    assert "5 articles" in res.output and "independent origin" in res.output
    assert "report.html" in res.output
    assert (tmp_path / "o" / "report.json").exists() and (tmp_path / "o" / "parallax.db").exists()


def test_json_to_stdout_and_custom_db(raqqa_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "elsewhere.db"
    res = CliRunner().invoke(main, ["analyze", str(raqqa_copy), "--out", str(tmp_path / "o"),
                                    "--db", str(db), "--json"])
    assert res.exit_code == 0
    report = json.loads(res.output)
    assert report["corpus"]["articles"] == 5 and db.exists()


def test_quiet_prints_nothing(raqqa_copy: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["analyze", str(raqqa_copy), "--out", str(tmp_path / "o"), "--quiet"])
    assert res.exit_code == 0 and res.output == ""


def test_missing_input_is_one_line_error(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "parallax.cli", "analyze", str(tmp_path / "nope")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0
    assert "no such file or folder" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_field_mapping_is_one_line_error(raqqa_copy: Path) -> None:
    res = CliRunner().invoke(main, ["analyze", str(raqqa_copy), "--field", "bogus"])
    assert res.exit_code == 2 and "--field expects ROLE=NAME" in res.output


def test_stdin_jsonl(tmp_path: Path) -> None:
    line = json.dumps({"title": "Port strike ends", "text": "Dock workers returned to work on Friday."})
    res = CliRunner().invoke(main, ["analyze", "-", "--out", str(tmp_path / "o"), "--json"], input=line + "\n")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["articles"][0]["input"] == "stdin#1"


def test_classify_adds_label_and_score(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,body\n1,"I think this is the worst, most shameful policy ever."\n'
                   '2,"The council met on Tuesday to approve the budget."\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["classify", "subjectivity", str(src), "--column", "body", "--out", str(out)])
    assert res.exit_code == 0, res.output
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["label"] == "subjective" and rows[1]["label"] == "objective"
    assert float(rows[0]["score"]) > float(rows[1]["score"])


def test_classify_missing_column_is_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,body\n1,x\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["classify", "hate", str(src)])
    assert res.exit_code == 2 and "column 'text' not in in.csv" in res.output


def test_attribute_prints_speakers(raqqa_dir: Path) -> None:
    res = CliRunner().invoke(main, ["attribute", str(raqqa_dir / "003_a707947fb3bf9d89.txt")])
    assert res.exit_code == 0, res.output
    [article] = json.loads(res.output)
    speakers = {s["speaker"] for s in article["sentences"] if s["speaker"]}
    assert {"Talal Salo", "Heather Nauert", "Abdalaziz Alhamza"} <= speakers
    assert {"name": "CNN", "kind": "outlet"} in article["cited_sources"]


def test_defined_acronyms_give_one_name() -> None:
    from parallax.extract.names import acronyms, canonical_name

    defined = acronyms("reclaimed by U.S.-backed Syrian Democratic Forces (SDF), an American-backed militia")
    assert defined == {"SDF": "Syrian Democratic Forces"}
    assert canonical_name("S.D.F.", defined) == canonical_name("SDF", defined) == "Syrian Democratic Forces"
    assert canonical_name("Ryan Dillon", defined) == "Ryan Dillon"


def test_stance_adds_label_and_probabilities(tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text('claim,text\n'
                   '"ISIS lost Raqqa","US-backed forces said they had seized Raqqa from the Islamic State."\n'
                   '"ISIS lost Raqqa","The recipe needs two cups of flour and an egg."\n', encoding="utf-8")
    res = CliRunner().invoke(main, ["stance", str(src)])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == "claim,text,stance,p_agree,p_disagree,p_discuss,p_unrelated"
    assert lines[1].split(",")[-5] in {"agree", "discuss"} and lines[2].split(",")[-5] == "unrelated"


def test_stance_missing_column_is_one_line_error(tmp_path: Path) -> None:
    src = tmp_path / "pairs.csv"
    src.write_text("headline,body\na,b\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["stance", str(src)])
    assert res.exit_code == 2 and "column 'claim' not in pairs.csv" in res.output


def test_check_finds_the_conflicting_figure(raqqa_run: Any) -> None:
    db = raqqa_run.db_path
    res = CliRunner().invoke(main, ["check", "270,000 people fled Raqqa", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert any("270,000" in it["sentence"] for it in out["agree"] + out["discuss"])
    assert any("450,000" in it["sentence"] and it["why"].startswith("conflicting figure") for it in out["disagree"])

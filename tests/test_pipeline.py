"""The Raqqa example end to end: one story, clean articles, a valid report, idempotent runs."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
from conftest import AMN, FAR_RIGHT, PARTISAN, SMALL_BLOG

from parallax.pipeline import analyze


def test_report_validates_against_schema(raqqa_report: dict[str, Any], schema: dict[str, Any]) -> None:
    jsonschema.validate(raqqa_report, schema)


def test_five_articles_in_one_first_story(raqqa_report: dict[str, Any]) -> None:
    c = raqqa_report["corpus"]
    assert (c["inputs_seen"], c["articles"], c["duplicates"], c["rejected"]) == (5, 5, 0, [])
    assert c["stories"] == 1
    story = raqqa_report["stories"][0]
    assert len(story["articles"]) == 5
    assert {a["story"] for a in raqqa_report["articles"]} == {story["id"]}
    # The neutral title is no shouting headline.
    assert not story["title"].startswith(("ALERT", "OOPS"))
    assert "Raqqa" in story["title"] or "ISIS" in story["title"]


def test_articles_carry_clean_bodies_comments_and_removed(raqqa_by_input: dict[str, Any]) -> None:
    far = raqqa_by_input[FAR_RIGHT]
    assert len(far["comments"]) == 3 and all("signals" in c for c in far["comments"])
    amn = raqqa_by_input[AMN]
    assert amn["outlet"]["name"].startswith("AMN") and amn["published"] == "2017-10-17"
    assert {r["kind"] for r in amn["removed"]} >= {"promotion", "caption", "dateline"}
    for a in raqqa_by_input.values():
        for s in a["sentences"]:
            assert a["text"][s["start"]:s["end"]] == s["text"]
            assert 0.0 <= s["subjective"] <= 1.0 and 0.0 <= s["checkworthy"] <= 1.0


def test_speakers_and_sources(raqqa_by_input: dict[str, Any]) -> None:
    amn = raqqa_by_input[AMN]
    assert any(s["speaker"] == "Ryan Dillon" for s in amn["sentences"])
    partisan = {c["name"] for c in raqqa_by_input[PARTISAN]["cited_sources"] if c["kind"] == "outlet"}
    assert {"CBS News", "NBC News", "NPR"} <= partisan


def test_headline_support_flags_obama(raqqa_by_input: dict[str, Any]) -> None:
    hs = raqqa_by_input[PARTISAN]["signals"]["headline_support"]
    assert "Obama" in [e["text"] for e in hs["evidence"]]
    assert hs["score"] < 1.0
    # "ALERT:" is a device and "says" names who reports: neither is a claim the body must back.
    assert "ALERT" not in [e["text"] for e in hs["evidence"]]
    assert "says" not in [e["text"] for e in raqqa_by_input[AMN]["signals"]["headline_support"]["evidence"]]
    plain = raqqa_by_input[SMALL_BLOG]["signals"]["headline_support"]["score"]
    assert plain > 0.9 > 0.5 > hs["score"]


def test_rerun_changes_nothing(raqqa_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = analyze([raqqa_copy], out_dir=out)
    db = out / "parallax.db"

    def dump() -> list[Any]:
        with sqlite3.connect(db) as con:
            return [list(con.execute(f"SELECT * FROM {t} ORDER BY 1")) for t in ("inputs", "articles", "stories")]

    before = dump()
    second = analyze([raqqa_copy], out_dir=out)
    assert dump() == before
    assert second.new_units == 0 and second.new_articles == 0
    strip = lambda r: {k: v for k, v in r.items() if k != "generated_at"}  # noqa: E731
    assert strip(first.report) == strip(second.report)


def test_more_inputs_add_to_the_same_database(raqqa_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    analyze([raqqa_copy / AMN], out_dir=out)
    res = analyze([raqqa_copy], out_dir=out)
    c = res.report["corpus"]
    assert (c["inputs_seen"], c["articles"], c["duplicates"]) == (5, 5, 0)
    assert json.loads(res.report_json.read_text())["corpus"]["stories"] == 1
    assert res.counts["stories"] == 1


def test_html_links_evidence_to_marked_spans(raqqa_run: Any) -> None:
    html = (raqqa_run.db_path.parent / "report.html").read_text(encoding="utf-8")
    report = raqqa_run.report
    far = next(a for a in report["articles"] if a["input"].endswith(FAR_RIGHT))
    # The opinion sentence is marked in the text and the evidence item links to that mark.
    sentence = "Maybe one of the MAGApedes could enlighten me?"
    marks = re.findall(r'<mark id="([^"]+)" title="([^"]*)">([^<]*)</mark>', html)
    mark = next(m for m in marks if m[2] == sentence and m[0].startswith(far["id"]))
    assert "opinion share" in mark[1]
    assert f'<a href="#{mark[0]}">“{sentence}”</a>' in html
    assert "<script" not in html

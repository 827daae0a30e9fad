"""Nothing is lost: every unit of a messy folder is an article, a duplicate or a rejection."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from parallax.pipeline import analyze

XSS_TITLE = "Evil <script>alert('pwned')</script> headline"


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory, raqqa_dir: Path) -> Path:
    d = tmp_path_factory.mktemp("messy")
    shutil.copytree(raqqa_dir, d / "raqqa")
    shutil.copy(raqqa_dir / "002_b6b6eb2c3090f42d.txt", d / "copy-of-amn.txt")  # exact duplicate
    (d / "empty.txt").write_bytes(b"")
    (d / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    (d / "latin1.txt").write_bytes(b"Caf\xe9 opens\n\nA new caf\xe9 opened downtown on Monday.")
    with (d / "huge.txt").open("wb") as fh:  # 50 MB of text: not one article
        line = b"This sentence repeats to make a very large file that is not an article.\n"
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    (d / "feed.csv").write_text(
        'title,text,source\n'
        '"Port strike ends","Dock workers returned to work on Friday after a deal on pay was reached.",Wire\n'
        '"Broken row","only two fields"\n'
        '"Bridge reopens","The river bridge reopened on Sunday after repairs to its deck took a year.",Wire\n',
        encoding="utf-8")
    (d / "xss.html").write_text(
        f"<html><head><title>{XSS_TITLE}</title></head><body><article>"
        "<p>The city council voted on Tuesday to approve the plan for a new public library downtown.</p>"
        "<p>Construction is expected to begin next spring and to last about eighteen months.</p>"
        "<p>Residents were invited to comment on the design at a meeting <script>alert(2)</script>"
        " held in the old town hall.</p></article></body></html>", encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def messy_run(messy: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return analyze([messy], out_dir=tmp_path_factory.mktemp("out"))


def test_ledger_balances(messy_run: Any) -> None:
    c = messy_run.report["corpus"]
    assert c["inputs_seen"] == c["articles"] + c["duplicates"] + len(c["rejected"])
    # 5 raqqa + duplicate + empty + binary + latin1 + huge + 3 csv rows + xss page
    assert c["inputs_seen"] == 14
    # latin1.txt is decoded (Windows-1252, a superset of Latin-1's letters) rather than lost.
    assert c["articles"] == 5 + 2 + 1 + 1
    assert c["duplicates"] == 1
    [latin1] = [a for a in messy_run.report["articles"] if a["input"] == "latin1.txt"]
    assert "café" in latin1["text"] and latin1["decoding"]["encoding"] == "cp1252"


def test_each_rejection_has_its_reason(messy_run: Any) -> None:
    reasons = {r["input"]: r["reason"] for r in messy_run.report["corpus"]["rejected"]}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["image.html"]
    assert "too large" in reasons["huge.txt"]
    assert "malformed CSV row 3" in reasons["feed.csv#row3"]
    assert len(reasons) == 4


def test_script_in_title_is_escaped_in_html(messy_run: Any) -> None:
    html = messy_run.report_html.read_text(encoding="utf-8")
    titles = [a["title"] for a in messy_run.report["articles"]]
    assert XSS_TITLE in titles  # kept verbatim in the data…
    assert "<script" not in html.lower()  # …but never as markup in the page
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in html


def test_report_validates(messy_run: Any, schema: dict[str, Any]) -> None:
    jsonschema.validate(json.loads(messy_run.report_json.read_text()), schema)


def test_same_file_in_two_folders_counts_twice(tmp_path: Path, raqqa_dir: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        shutil.copy(raqqa_dir / "002_b6b6eb2c3090f42d.txt", tmp_path / "in" / sub / "same.txt")
        (tmp_path / "in" / sub / "empty.txt").write_text("")
    first = analyze([tmp_path / "in"], out_dir=tmp_path / "out").report["corpus"]
    assert (first["inputs_seen"], first["articles"], first["duplicates"], len(first["rejected"])) == (4, 1, 1, 2)
    again = analyze([tmp_path / "in"], out_dir=tmp_path / "out").report["corpus"]
    assert again == first

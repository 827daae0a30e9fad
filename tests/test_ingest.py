"""Every input format is read into units, with field mapping and gzip."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from parallax.ingest.readers import IngestOptions, iter_inputs
from parallax.text.clean import clean
from parallax.types import RawDocument, Rejection

BODY = "The council approved the budget on Monday. It passed by 7 votes to 2."
HTML = """<!doctype html><html><head><title>Council passes budget | Town Gazette</title>
<meta property="og:site_name" content="Town Gazette">
<meta property="article:published_time" content="2021-03-02T10:00:00Z">
<meta name="author" content="Jane Roe"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Council passes budget</h1>
<p>The council approved the budget on Monday after a long debate about road repairs and schools.</p>
<p>It passed by seven votes to two, with the mayor casting the deciding vote in the end.</p>
<p>Opponents said the plan spends too little on public transport and will be revisited.</p>
</article><footer>© 2021 Town Gazette. All rights reserved.</footer></body></html>"""


def units(*paths: Path, **kw: object) -> list[RawDocument | Rejection]:
    return list(iter_inputs([str(p) for p in paths], IngestOptions(**kw)))  # type: ignore[arg-type]


def test_txt(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"Budget passes\n\n{BODY}\n", encoding="utf-8")
    [u] = units(tmp_path / "a.txt")
    assert isinstance(u, RawDocument) and u.input == "a.txt" and u.format == "txt"
    doc = clean(u)
    assert doc.title == "Budget passes" and doc.text == BODY


def test_html_main_text_and_metadata(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(HTML, encoding="utf-8")
    [u] = units(tmp_path / "p.html")
    assert isinstance(u, RawDocument) and u.format == "html"
    doc = clean(u)
    assert "Council passes budget" in doc.title
    assert doc.text.startswith("The council approved the budget on Monday")
    assert "Home" not in doc.text and "All rights reserved" not in doc.text
    assert doc.published == "2021-03-02"
    assert doc.author == "Jane Roe"
    assert doc.outlet.name == "Town Gazette"
    assert any("Home" in r.text for r in doc.removed)


def test_json_object_list_and_wrapper(tmp_path: Path) -> None:
    rec = {"headline": "Budget passes", "body": BODY, "url": "https://www.reuters.com/x", "date": "2021-03-02"}
    (tmp_path / "one.json").write_text(json.dumps(rec), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps({"articles": [rec, {**rec, "id": "k2"}]}), encoding="utf-8")
    one = units(tmp_path / "one.json")
    many = units(tmp_path / "many.json")
    assert [u.input for u in one] == ["one.json"]
    assert [u.input for u in many] == ["many.json#1", "many.json#k2"]
    doc = clean(one[0])  # type: ignore[arg-type]
    assert doc.title == "Budget passes" and doc.outlet.name == "Reuters" and doc.published == "2021-03-02"
    assert doc.outlet.evidence.startswith("URL")


def test_jsonl_gz_and_bad_line(tmp_path: Path) -> None:
    lines = [json.dumps({"title": "A", "text": BODY, "source": "CNN"}), "{not json", json.dumps({"title": "B"})]
    with gzip.open(tmp_path / "f.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    got = units(tmp_path / "f.jsonl.gz")
    assert isinstance(got[0], RawDocument) and got[0].outlet == "CNN"
    assert got[0].evidence["outlet"] == "metadata field 'source'"
    assert isinstance(got[1], Rejection) and "invalid JSON" in got[1].reason
    assert isinstance(got[2], Rejection) and "no text" in got[2].reason


def test_csv_default_and_overridden_fields(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(f'title,content,outlet\nBudget,"{BODY}",Town Gazette\n', encoding="utf-8")
    (tmp_path / "b.csv").write_text(f'Heading,Story\nBudget,"{BODY}"\n', encoding="utf-8")
    [a] = units(tmp_path / "a.csv")
    assert isinstance(a, RawDocument) and a.title == "Budget" and a.text == BODY and a.outlet == "Town Gazette"
    [b] = units(tmp_path / "b.csv", fields={"title": "Heading", "text": "Story"})
    assert isinstance(b, RawDocument) and b.title == "Budget" and b.text == BODY


def test_gzipped_txt_and_html(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "a.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(f"Budget passes\n\n{BODY}")
    with gzip.open(tmp_path / "p.htm.gz", "wt", encoding="utf-8") as fh:
        fh.write(HTML)
    a, p = units(tmp_path / "a.txt.gz", tmp_path / "p.htm.gz")
    assert isinstance(a, RawDocument) and a.format == "txt"
    assert isinstance(p, RawDocument) and p.format == "html"


def test_stdin_jsonl() -> None:
    data = (json.dumps({"title": "A", "text": BODY}) + "\n").encode()
    [u] = list(iter_inputs(["-"], stdin=io.BytesIO(data)))
    assert isinstance(u, RawDocument) and u.input == "stdin#1"


def test_folder_is_walked_recursively_in_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text(f"T2\n\n{BODY}")
    (tmp_path / "1.txt").write_text(f"T1\n\n{BODY}")
    assert [u.input for u in units(tmp_path)] == ["1.txt", "2.txt"]


def test_unit_keys_are_stable(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"T\n\n{BODY}")
    assert units(tmp_path / "a.txt")[0].unit_key == units(tmp_path / "a.txt")[0].unit_key


def test_legacy_encoding_with_option(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("Caf\xe9 news\n\nThe caf\xe9 opened.".encode("latin-1"))
    # Not UTF-8 and too few bytes to detect: read as Windows-1252 (a superset of Latin-1's letters).
    [guessed] = units(tmp_path / "a.txt")
    assert isinstance(guessed, RawDocument) and "café" in guessed.text
    assert guessed.decoding and guessed.decoding["encoding"] == "cp1252"
    [good] = units(tmp_path / "a.txt", encoding="latin-1")
    assert isinstance(good, RawDocument) and "café" in good.text
    assert good.decoding and good.decoding["evidence"] == "--encoding"
    # --encoding is a fallback: a UTF-8 file in the same run is still read as UTF-8.
    (tmp_path / "b.txt").write_text("Café news\n\nThe café opened.", encoding="utf-8")
    [utf8] = units(tmp_path / "b.txt", encoding="cp1252")
    assert isinstance(utf8, RawDocument) and "café" in utf8.text

"""Property-based fuzzing of every reader and of the cleaner: whatever the bytes, reading yields
units or rejections (never an exception), each with a key, and cleaning either works or raises
nothing the pipeline does not turn into a rejection. Bounded in time for CI (few examples, no
deadline per example: the machine is shared)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parallax.ingest.readers import IngestOptions, iter_inputs
from parallax.pipeline import prepare, scrub
from parallax.types import RawDocument, Rejection

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
EXTENSIONS = [".txt", ".html", ".json", ".jsonl", ".csv", ".tsv", ".txt.gz", ".jsonl.gz", ".csv.gz", ".dat"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
        st.sampled_from(["title", "text", "body", "url", "outlet", "date", "author", "id", "x"]), kids, max_size=6),
    max_leaves=20,
)


def _read(path: Path) -> list[RawDocument | Rejection]:
    units = list(iter_inputs([str(path)], IngestOptions()))
    assert units, "every input leaves at least one unit or rejection"
    for u in units:
        assert u.unit_key
        if isinstance(u, Rejection):
            assert u.reason
    return units


def _write(tmp: Path, ext: str, data: bytes) -> Path:
    path = tmp / f"f{ext}"
    path.write_bytes(gzip.compress(data) if ext.endswith(".gz") else data)
    return path


@FUZZ
@given(data=st.binary(max_size=2000), ext=st.sampled_from(EXTENSIONS))
def test_any_bytes_in_any_format(tmp_path_factory, data: bytes, ext: str) -> None:  # type: ignore[no-untyped-def]
    _read(_write(tmp_path_factory.mktemp("b"), ext, data))


@FUZZ
@given(records=st.lists(json_values, max_size=5), ext=st.sampled_from([".json", ".jsonl", ".jsonl.gz"]))
def test_json_records(tmp_path_factory, records: list[object], ext: str) -> None:  # type: ignore[no-untyped-def]
    lines = "".join(json.dumps(r) + "\n" for r in records)
    data = json.dumps(records).encode() if ext == ".json" else lines.encode()
    _read(_write(tmp_path_factory.mktemp("j"), ext, data))


@FUZZ
@given(rows=st.lists(st.lists(st.text(max_size=30), min_size=1, max_size=4), max_size=6),
       ext=st.sampled_from([".csv", ".tsv", ".csv.gz"]))
def test_csv_rows(tmp_path_factory, rows: list[list[str]], ext: str) -> None:  # type: ignore[no-untyped-def]
    import csv
    import io

    buf = io.StringIO()
    csv.writer(buf, delimiter="\t" if ext == ".tsv" else ",").writerows([["title", "text"], *rows])
    _read(_write(tmp_path_factory.mktemp("c"), ext, buf.getvalue().encode("utf-8", "surrogatepass")))


@FUZZ
@given(text=st.text(max_size=3000), title=st.none() | st.text(max_size=80),
       html=st.none() | st.text(max_size=1500))
def test_cleaner_never_raises_out_of_prepare(text: str, title: str | None, html: str | None) -> None:
    unit = RawDocument(input="x", unit_key="k", format="html" if html else "txt", text=text, html=html, title=title)
    result = prepare(scrub(unit))  # type: ignore[arg-type]
    assert isinstance(result, Rejection) or result.doc.text.strip()
    if not isinstance(result, Rejection):
        for s in result.sentences:
            assert result.doc.text[s.start:s.end] == s.text


@FUZZ
@given(text=st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(["\ud800", "\udfff", "\x1b", "\0"]),
                    max_size=500))
def test_scrub_leaves_storable_text(text: str) -> None:
    unit = scrub(RawDocument(input=text, unit_key="k", format="txt", text=text, title=text, author=text))
    assert isinstance(unit, RawDocument)
    for value in (unit.input, unit.text, unit.title, unit.author):
        (value or "").encode("utf-8")  # no lone surrogate left

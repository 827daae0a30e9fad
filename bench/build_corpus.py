"""Build the Parallax throughput benchmark corpus from the shared, read-only data sets.

Sources (see the MANIFEST.md in each folder):

* FNC-1 ``train_bodies.csv`` (1,683 bodies; headline = first related headline, if any),
* BASIL ``articles/<year>/*.json`` (300 articles, with outlet, title, url, date),
* SemEval-2019 hyperpartisan ``train_byarticle.jsonl`` (645 articles, with title, url, date).

Output: ``bench/corpus/articles.jsonl`` (one record per line, fields ``id, title, text,
outlet, url, published, source_set``), deterministic: same input → byte-identical file.
With ``--html`` every record is also rendered as a small HTML page under
``bench/corpus/html/`` to exercise HTML extraction.

Usage: ``python bench/build_corpus.py [--data DIR] [--out DIR] [--html]``
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import lxml.html

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "scripts"))
from datapath import data_root  # noqa: E402

DEFAULT_DATA = data_root()
DEFAULT_OUT = ROOT / "corpus"

Record = dict[str, Any]

BASIL_OUTLETS = {"fox": "Fox News", "nyt": "The New York Times", "hpo": "HuffPost"}
_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def plain_text(text: str) -> str:
    """Strip HTML markup (with lxml) if any, and decode character entities."""
    if _TAG_RE.search(text):
        paragraphs = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            fragment = lxml.html.fragment_fromstring(line, create_parent="div")
            paragraphs.append(fragment.text_content())
        text = "\n".join(paragraphs)
    text = html.unescape(text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def iso_date(value: object) -> str | None:
    """Return ``YYYY-MM-DD`` if *value* starts with an ISO date, else None."""
    if not value:
        return None
    match = _DATE_RE.match(str(value).strip())
    return match.group(0) if match else None


def fnc1_records(data: Path) -> Iterator[Record]:
    csv.field_size_limit(sys.maxsize)
    folder = data / "fnc1"
    headlines: dict[str, str] = {}
    related = folder / "train_stances_related_only.csv"
    if related.exists():
        with related.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                headlines.setdefault(row["Body ID"].strip(), row["Headline"].strip())
    with (folder / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        rows = sorted(csv.DictReader(fh), key=lambda r: int(r["Body ID"]))
    for row in rows:
        body_id = row["Body ID"].strip()
        yield {
            "id": f"fnc1-{body_id}",
            "title": headlines.get(body_id, ""),
            "text": plain_text(row["articleBody"]),
            "outlet": None,
            "url": None,
            "published": None,
            "source_set": "fnc1",
        }


def basil_records(data: Path) -> Iterator[Record]:
    for path in sorted((data / "basil" / "articles").glob("*/*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [" ".join(s.strip() for s in para if s.strip()) for para in doc.get("body-paragraphs", [])]
        triplet, _, n = path.stem.rpartition("_")
        source = str(doc.get("source") or "").strip().lower()
        yield {
            "id": f"basil-{doc.get('triplet-uuid') or triplet}-{n}",
            "title": (doc.get("title") or "").strip(),
            "text": "\n\n".join(p for p in paragraphs if p),
            "outlet": BASIL_OUTLETS.get(source, source or None),
            "url": doc.get("url") or None,
            "published": iso_date(doc.get("date")),
            "source_set": "basil",
        }


def hyperpartisan_records(data: Path) -> Iterator[Record]:
    path = data / "hyperpartisan_semeval19" / "train_byarticle.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            yield {
                "id": f"hyp-{doc['id']}",
                "title": plain_text(doc.get("title") or ""),
                "text": plain_text(doc.get("text") or ""),
                "outlet": None,
                "url": doc.get("url") or None,
                "published": iso_date(doc.get("published_at")),
                "source_set": "hyperpartisan",
            }


def build_records(data: Path) -> list[Record]:
    records: list[Record] = []
    for source in (fnc1_records, basil_records, hyperpartisan_records):
        records.extend(r for r in source(data) if r["text"].strip())
    ids = [r["id"] for r in records]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate record ids in corpus")
    return records


def render_html(record: Record) -> str:
    """A simple news page: <title>, og: metadata, <article><h1>…</h1><p>…</p></article>."""
    esc = html.escape
    title = record["title"] or ""
    site = record["outlet"] or (urlparse(record["url"]).netloc if record["url"] else "")
    head = [f'<meta charset="utf-8"><title>{esc(title)}</title>']
    if site:
        head.append(f'<meta property="og:site_name" content="{esc(site)}">')
    if title:
        head.append(f'<meta property="og:title" content="{esc(title)}">')
    if record["url"]:
        head.append(f'<link rel="canonical" href="{esc(record["url"])}">')
        head.append(f'<meta property="og:url" content="{esc(record["url"])}">')
    if record["published"]:
        head.append(f'<meta property="article:published_time" content="{esc(record["published"])}">')
    paras = [p.strip() for p in re.split(r"\n+", record["text"]) if p.strip()]
    body = "".join(f"<p>{esc(p)}</p>\n" for p in paras)
    h1 = f"<h1>{esc(title)}</h1>\n" if title else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head>' + "".join(head) + "</head>\n"
        f"<body><article>\n{h1}{body}</article></body></html>\n"
    )


def write_corpus(records: list[Record], out: Path, with_html: bool = False) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "articles.jsonl"
    tmp = path.with_suffix(".jsonl.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=False) + "\n")
    tmp.replace(path)
    if with_html:
        html_dir = out / "html"
        html_dir.mkdir(exist_ok=True)
        for stale in html_dir.glob("*.html"):
            stale.unlink()
        for rec in records:
            (html_dir / f"{rec['id']}.html").write_text(render_html(rec), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data root")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="corpus folder")
    parser.add_argument("--html", action="store_true", help="also write html/<id>.html pages")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    records = build_records(args.data)
    path = write_corpus(records, args.out, with_html=args.html)
    by_set: dict[str, int] = {}
    for rec in records:
        by_set[rec["source_set"]] = by_set.get(rec["source_set"], 0) + 1
    parts = ", ".join(f"{k} {v}" for k, v in by_set.items())
    print(f"wrote {len(records)} articles ({parts}) to {path} in {time.perf_counter() - t0:.1f}s")
    if args.html:
        print(f"wrote {len(records)} HTML pages to {args.out / 'html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

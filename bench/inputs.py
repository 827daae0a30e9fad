"""Inputs benchmark: kept vs rejected, main-text F1, FNC-1 bodies, and pages/s per format.

- A labelled sample of pages built here (``--pages`` of them, seeded): each page wraps a known
  article (its paragraphs are the gold main text) in navigation, a sidebar, share bars, a
  footer and a comment widget. Kept vs rejected and token F1 of the clean text vs the gold.
- FNC-1's train_bodies.csv (from PARALLAX_DATA): every body must become an article.
- Speed: the sample pages as HTML files, as one WARC.gz and as an RSS feed, through ingest and
  clean; and trafilatura alone on the same pages (the floor: Parallax HTML ≥ 60 % of it, for
  ingest + clean, the part that does trafilatura's job; with sentence segmentation too, apart).

Usage: ``python bench/inputs.py [--pages N] [--repeat R]``; writes ``bench/results/inputs.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from parallax.ingest.readers import IngestOptions, read_file
from parallax.pipeline import prepare
from parallax.text.clean import clean
from parallax.types import RawDocument, Rejection

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "inputs.json"
DATA = Path(os.environ.get("PARALLAX_DATA") or BENCH.parent.parent / "shared" / "data")
FLOOR_HTML_SHARE = 0.60

_SUBJECTS = ["The council", "The minister", "Police", "The company", "Researchers", "The union", "Officials",
             "The court", "Residents", "The central bank"]
_VERBS = ["said on Tuesday that", "announced that", "warned that", "confirmed that", "denied reports that"]
_OBJECTS = ["the budget would be cut by 4 percent", "the bridge would stay closed until spring",
            "talks with the regional government had stalled", "the new rules would take effect in May",
            "more than 300 people had been evacuated", "the plant would hire 120 workers",
            "the investigation was still under way", "prices had risen for a third month"]


def _sentence(rng: random.Random) -> str:
    who = rng.choice(_SUBJECTS).lower()
    return f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}, according to {who}."


def make_page(i: int, rng: random.Random) -> tuple[str, list[str], str]:
    """(HTML page, gold paragraphs, title) for one synthetic news page."""
    title = f"Story {i}: {rng.choice(_OBJECTS).capitalize()}"
    paras = [" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(4, 9))]
    nav = "".join(f'<li><a href="/s{k}">Section {k}</a></li>' for k in range(12))
    side = "".join(f'<li><a href="/r{k}">Related headline number {k} about something else</a></li>' for k in range(6))
    # Inside the article, as real pages have them: a captioned photo, a "Read more" link, a
    # newsletter promotion and a byline. None of it is in the gold text.
    inserts = {1: "<figure><img src='x.jpg'><figcaption>The town hall on Monday (Reuters)</figcaption></figure>",
               2: f"<p><strong>Read more:</strong> <a href='/x'>{rng.choice(_OBJECTS).capitalize()}</a></p>",
               3: "<p>Sign up for our morning newsletter to get the day's news in your inbox.</p>"}
    body = "<p class='byline'>By Jane Doe</p>" + "".join(
        f"<p>{p}</p>" + (inserts.get(k, "") if rng.random() < 0.7 else "") for k, p in enumerate(paras))
    html = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title} | Daily Bench</title>"
            f"<meta property='og:site_name' content='Daily Bench'>"
            f"<meta property='article:published_time' content='2019-11-{(i % 28) + 1:02d}'></head><body>"
            f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>{title}</h1>"
            f"<div class='share'>Share Tweet Email</div>{body}</article>"
            f"<aside><h3>Read more</h3><ul>{side}</ul></aside>"
            f"<div id='comments'><h3>Leave a Reply</h3><p>Comments are closed.</p></div></main>"
            f"<footer><p>© 2019 Daily Bench. All rights reserved.</p><p>Subscribe to our newsletter</p></footer>"
            f"</body></html>")
    return html, paras, title


def _tokens(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def f1(pred: str, gold: str) -> float:
    """Bag-of-tokens F1 of a predicted main text against the gold text."""
    p, g = _tokens(pred), _tokens(gold)
    common = sum((p & g).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def _run(path: Path) -> tuple[list[Any], float]:
    t0 = time.perf_counter()
    out = []
    for unit in read_file(path, IngestOptions()):
        out.append(unit if isinstance(unit, Rejection) else prepare(unit))
    return out, time.perf_counter() - t0


def _best(path: Path, repeat: int) -> tuple[list[Any], float]:
    """Units of ``path`` and the best time of ``repeat`` runs."""
    runs = [_run(path) for _ in range(repeat)]
    return runs[0][0], min(secs for _, secs in runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(14)
    pages = [make_page(i, rng) for i in range(args.pages)]
    results: dict[str, Any] = {"date": dt.date.today().isoformat(), "pages": args.pages}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        html_dir = folder / "html"
        html_dir.mkdir()
        for i, (html, _, _) in enumerate(pages):
            (html_dir / f"p{i:04d}.html").write_text(html, encoding="utf-8")
        # Warm-up: trafilatura's and the language model's first call load data.
        _run(html_dir / "p0000.html")
        import trafilatura

        paths = [html_dir / f"p{i:04d}.html" for i in range(len(pages))]
        best = {"trafilatura": float("inf"), "clean": float("inf"), "prepare": float("inf")}
        outs: list[Any] = []
        # Interleaved repeats, best of each: the host is shared and noisy (±20 %).
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            for path in paths:
                trafilatura.bare_extraction(
                    path.read_text(encoding="utf-8"), with_metadata=True, include_comments=True,
                    include_tables=True, include_images=False, include_formatting=False, deduplicate=False,
                    date_extraction_params={"original_date": True, "extensive_search": False})
            best["trafilatura"] = min(best["trafilatura"], time.perf_counter() - t0)
            t0 = time.perf_counter()
            for path in paths:
                for unit in read_file(path, IngestOptions()):
                    if isinstance(unit, RawDocument):
                        clean(unit)
            best["clean"] = min(best["clean"], time.perf_counter() - t0)
            t0 = time.perf_counter()
            outs = [_run(path)[0][0] for path in paths]
            best["prepare"] = min(best["prepare"], time.perf_counter() - t0)
        kept, scores = 0, []
        for art, (_, paras, _) in zip(outs, pages, strict=True):
            if not isinstance(art, Rejection):
                kept += 1
                scores.append(f1(art.doc.text, "\n".join(paras)))
            else:
                scores.append(0.0)
        n = len(pages)
        results["html"] = {"kept": kept, "rejected": n - kept,
                           "main_text_f1": round(sum(scores) / len(scores), 4),
                           "pages_per_s": round(n / best["clean"], 1),
                           "pages_per_s_with_segment": round(n / best["prepare"], 1),
                           "trafilatura_alone_pages_per_s": round(n / best["trafilatura"], 1),
                           "share_of_trafilatura": round(best["trafilatura"] / best["clean"], 3),
                           "share_of_trafilatura_with_segment": round(best["trafilatura"] / best["prepare"], 3)}
        warc_path = folder / "bench.warc.gz"
        warc_path.write_bytes(_warc([p[0] for p in pages]))
        out, secs = _best(warc_path, args.repeat)
        results["warc"] = {"units": len(out), "kept": sum(not isinstance(a, Rejection) for a in out),
                           "pages_per_s": round(len(out) / secs, 1)}
        rss = folder / "bench.rss"
        rss.write_text(_rss(pages), encoding="utf-8")
        out, secs = _best(rss, args.repeat)
        results["feed"] = {"items": len(out), "kept": sum(not isinstance(a, Rejection) for a in out),
                           "items_per_s": round(len(out) / secs, 1)}
    bodies = DATA / "fnc1" / "train_bodies.csv"
    if bodies.exists():
        out, secs = _run(bodies)
        rejected = [a for a in out if isinstance(a, Rejection)]
        results["fnc1_bodies"] = {"rows": len(out), "articles": len(out) - len(rejected), "rejected": len(rejected),
                                  "reasons": Counter(r.reason for r in rejected).most_common(5),
                                  "rows_per_s": round(len(out) / secs, 1)}
    else:
        results["fnc1_bodies"] = None
    floors = {"html_share_of_trafilatura >= 0.60": results["html"]["share_of_trafilatura"] >= FLOOR_HTML_SHARE,
              "fnc1 rejected == 0": bool(results["fnc1_bodies"]) and results["fnc1_bodies"]["rejected"] == 0,
              "no sample page lost": results["html"]["rejected"] == 0}
    results["floors"] = floors
    print(f"{'what':32} {'value':>12}")
    for section in ("html", "warc", "feed", "fnc1_bodies"):
        for key, value in (results[section] or {}).items():
            if key != "reasons":
                print(f"{section + ' ' + key:32} {value!s:>12}")
    for name, ok in floors.items():
        print(f"floor {name:38} {'ok' if ok else 'MISSED'}")
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0 if all(floors.values()) else 1


def _warc(pages: list[str]) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for i, html in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"https://bench.example/{i}", "response",
                                                      payload=io.BytesIO(html.encode()), http_headers=headers))
    return buf.getvalue()


def _rss(pages: list[tuple[str, list[str], str]]) -> str:
    from xml.sax.saxutils import escape

    items = "".join(
        f"<item><title>{escape(t)}</title><link>https://bench.example/{i}</link><guid>b{i}</guid>"
        f"<pubDate>Tue, 19 Nov 2019 10:00:00 +0000</pubDate><description>{escape(paras[0])}</description>"
        f"<content:encoded>{escape(''.join(f'<p>{p}</p>' for p in paras))}</content:encoded></item>"
        for i, (_, paras, t) in enumerate(pages))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Daily Bench</title>'
            f"{items}</channel></rss>")


if __name__ == "__main__":
    sys.exit(main())

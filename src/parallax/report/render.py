"""Report: the database as ``report.json`` (the contract: ``parallax/schema/report.schema.json``) and HTML.

``build_report`` reads rows the store hands it and returns plain JSON-ready dicts; it never
writes SQL itself. ``render_html`` turns that dict into one self-contained page in which
all article text is escaped (Jinja2 autoescaping).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from parallax.report import charts
from parallax.report.profiles import outlet_profiles
from parallax.report.schema import SCHEMA_VERSION

# report.html draws each story's claims matrix for at most this many claims and articles: a
# story of hundreds of articles would make the file unreadable (`parallax serve` pages them all).
REPORT_MATRIX_CLAIMS = 60
REPORT_MATRIX_ARTICLES = 30
SIGNAL_KEYS = ("clickbait", "opinion_share", "loaded_language", "hate", "sourcing", "headline_support", "slant")


def _signal(sig: Mapping[str, Any] | None, vacuous: float = 0.0) -> dict[str, Any]:
    """Schema form of a signal; a signal with nothing to measure gets its vacuous value.

    Example: an article without a headline makes no headline claim the body could fail to
    back, so headline_support is 1.0. Such scores carry ``details.vacuous = true``.
    """
    if not sig:
        return {"score": vacuous, "evidence": [], "details": {"vacuous": True}}
    out: dict[str, Any] = {
        "score": sig["score"] if sig["score"] is not None else vacuous,
        "evidence": [{k: v for k, v in ev.items() if v is not None} for ev in sig.get("evidence", [])],
    }
    if sig["score"] is None:
        out["details"] = {**sig.get("details", {}), "vacuous": True}
    elif sig.get("details"):
        out["details"] = sig["details"]
    return out


def article_json(row: Any) -> dict[str, Any]:
    """One article in report form, from its database row."""
    doc = json.loads(row["document"])
    ex = json.loads(row["extraction"]) if row["extraction"] else {}
    sig = json.loads(row["signals"]) if row["signals"] else {"body": {}, "comments": []}
    speakers = {a["sentence"]: a["speaker"] for a in ex.get("attributions", [])}
    subj, check = ex.get("subjective", []), ex.get("checkworthy", [])
    sentences = [
        {**s, "subjective": subj[i] if i < len(subj) else 0.0,
         "checkworthy": check[i] if i < len(check) else 0.0, "speaker": speakers.get(i)}
        for i, s in enumerate(doc["sentences"])
    ]
    body = sig.get("body", {})
    comment_signals = sig.get("comments", [])
    comments = [
        {"text": text, "signals": {k: _signal(v) for k, v in
                                   (comment_signals[i] if i < len(comment_signals) else {}).items()}}
        for i, text in enumerate(doc["comments"])
    ]
    return {
        "id": row["id"],
        "input": row["input"],
        "outlet": {"name": row["outlet"], "domain": row["outlet_domain"], "evidence": row["outlet_evidence"]},
        "title": row["title"],
        "text": row["text"],
        "published": row["published"],
        "published_evidence": row["published_evidence"],
        "url": row["url"],
        "author": row["author"],
        "story": row["story_id"] or "",
        "removed": doc["removed"],
        "comments": comments,
        "sentences": sentences,
        "signals": {k: _signal(body.get(k), 1.0 if k == "headline_support" else 0.0) for k in SIGNAL_KEYS},
        "reuse": [{"source": r["source"], "start": r["start"], "end": r["end"], "marker": r.get("marker")}
                  for r in doc.get("reuse", [])],
        "copy_of": row["copy_of"],
        "cited_sources": ex.get("cited_sources", []),
        "quantities": ex.get("quantities", []),
        "dates": doc.get("dates", []),
        **_input_fields(doc),
    }


class LanguageTally:
    """Articles per language group, and those the English-only signals set aside, counted one by one."""

    def __init__(self) -> None:
        self.groups: dict[str, int] = {}
        self.aside: dict[str, int] = {}

    def add(self, article: Mapping[str, Any]) -> None:
        """Count one article (report form)."""
        details = article["signals"]["clickbait"].get("details") or {}
        lang = details.get("language") if details.get("reason") == "language not supported" else None
        self.groups[lang or "en"] = self.groups.get(lang or "en", 0) + 1
        if lang:
            self.aside[lang] = self.aside.get(lang, 0) + 1

    def counts(self) -> dict[str, Any]:
        """``{"languages": {...}}`` plus ``set_aside`` when any article was set aside."""
        out: dict[str, Any] = {"languages": dict(sorted(self.groups.items(), key=lambda kv: -kv[1]))}
        if self.aside:
            out["set_aside"] = {"reason": "language not supported", "articles": sum(self.aside.values()),
                                "languages": self.aside}
        return out


def _language_counts(articles: list[dict[str, Any]]) -> dict[str, Any]:
    """Articles per language group, and those the English-only signals set aside."""
    tally = LanguageTally()
    for a in articles:
        tally.add(a)
    return tally.counts()


def _input_fields(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Optional article fields from how the input was read: language, summary only, decoding."""
    out: dict[str, Any] = {}
    if "language" in doc:
        out["language"] = doc["language"]
        out["language_confidence"] = doc.get("language_confidence")
    if doc.get("summary_only"):
        out["summary_only"] = True
    if doc.get("decoding"):
        out["decoding"] = doc["decoding"]
    return out


def story_json(row: Any, article_ids: list[str]) -> dict[str, Any]:
    """One story in report form, from its database row and its articles in corpus order."""
    al = json.loads(row["alignment"]) if row["alignment"] else {}
    claims = []
    for c in al.get("claims", []):
        claims.append({
            "id": c["id"], "text": c["text"], "kind": c["kind"], "quantity": c["quantity"],
            "speaker": c["speaker"],
            "mentions": [{k: m[k] for k in ("article", "start", "end", "stance", "copied")} for m in c["mentions"]],
            "outlets": c["outlets"], "independent_origins": c["independent_origins"], "status": c["status"],
            "origins": c.get("origins", []),
        })
    return {
        "id": row["id"],
        "title": row["title"],
        "articles": article_ids,
        "article_count": len(article_ids),
        "independent_origins": row["independent_origins"],
        "claims": claims,
        "disputes": al.get("disputes", []),
        "summary": al.get("summary", []),
        "summary_claims": al.get("summary_claims", []),
        "omissions": [{"article": a, "claims": ids} for a, ids in al.get("omissions", {}).items() if ids],
    } | ({"flag": al["flag"]} if al.get("flag") else {})


def add_story_reuse(by_id: Mapping[str, dict[str, Any]], reuse: Mapping[str, Any]) -> None:
    """Add a story's shared passages (listed on both sides) and copies to the articles in ``by_id``.

    ``reuse`` is the story's stored reuse record; articles not in ``by_id`` are skipped.
    """
    for p in reuse.get("passages", []):
        if p["article"] in by_id:
            by_id[p["article"]]["reuse"].append(
                {"source": p["source"], "start": p["start"], "end": p["end"],
                 "source_start": p["source_start"], "source_end": p["source_end"], "words": p["words"]})
        if p["source"] in by_id:
            by_id[p["source"]]["reuse"].append(
                {"source": p["article"], "start": p["source_start"], "end": p["source_end"],
                 "source_start": p["start"], "source_end": p["end"], "words": p["words"]})
    for copy, origin in reuse.get("copies", {}).items():
        if copy in by_id:
            by_id[copy]["copy_of"] = origin


def build_report(ledger: Mapping[str, Any], article_rows: Iterable[Any],
                 story_rows: Iterable[Any]) -> dict[str, Any]:
    """The whole report dict for the given ledger, articles and stories."""
    articles = [article_json(r) for r in article_rows]
    by_id = {a["id"]: a for a in articles}
    by_story: dict[str, list[str]] = {}
    for a in articles:
        by_story.setdefault(a["story"], []).append(a["id"])
    stories = []
    for r in story_rows:
        stories.append(story_json(r, by_story.get(r["id"], [])))
        reuse = json.loads(r["reuse"]) if r["reuse"] else {}
        add_story_reuse(by_id, reuse)
        stories[-1]["origins"] = reuse.get("origins", [[a] for a in stories[-1]["articles"]])
    for a in articles:
        a["reuse"].sort(key=lambda x: (x["start"], str(x["source"])))
    outlets = {a["outlet"]["name"] for a in articles if a["outlet"]["name"]}
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "corpus": {**ledger, "stories": len(stories), "outlets": len(outlets), **_language_counts(articles)},
        "articles": articles,
        "stories": stories,
        "outlets": outlet_profiles(articles, stories),
    }


def _env() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (resources.files("parallax.report") / "templates" / name).read_text(encoding="utf-8"))
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: f"{100 * float(v):.0f}%"
    return env


def render_html(report: Mapping[str, Any]) -> str:
    """One self-contained HTML page (inline CSS and SVG, no scripts) for the report."""
    articles = {a["id"]: a for a in report["articles"]}
    marked = {aid: marked_text(a) for aid, a in articles.items()}
    views = {s["id"]: story_view(s, articles) for s in report["stories"]}
    return _env().get_template("report.html.j2").render(
        report=report, articles=articles, signal_keys=SIGNAL_KEYS, marked=marked, views=views)


def short_label(article: Mapping[str, Any]) -> str:
    """An article named for a column or a chart: its outlet, else its headline's start, else its input."""
    outlet = article["outlet"]["name"] if isinstance(article["outlet"], Mapping) else article["outlet"]
    if outlet:
        return str(outlet)
    words = (article["title"] or "").split()
    if words:
        return "“" + " ".join(words[:5]) + ("…”" if len(words) > 5 else "”")
    return str(article["input"])


def story_view(story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """What report.html draws for a story: its claims matrix (capped) and charts."""
    arts = [articles[a] for a in story["articles"] if a in articles]
    labels = {a["id"]: short_label(a) for a in arts}
    rows = charts.matrix_order(story["claims"])
    cols = [a["id"] for a in arts[:REPORT_MATRIX_ARTICLES]]
    flat = [{"id": a["id"], "published": a["published"], "copy_of": a.get("copy_of"), "input": a["input"],
             "outlet": a["outlet"]["name"]} for a in arts]
    return {
        "labels": labels, "columns": cols,
        "matrix": charts.claims_matrix(rows[:REPORT_MATRIX_CLAIMS], cols, labels, story["disputes"]),
        "claims_left": max(0, len(rows) - REPORT_MATRIX_CLAIMS), "articles_left": max(0, len(arts) - len(cols)),
        "corroboration": charts.corroboration(story["claims"]),
        "timeline": charts.timeline(flat),
    }


def marked_text(article: Mapping[str, Any]) -> dict[str, Any]:
    """An article's paragraphs cut into pieces, evidence spans marked, for the HTML page.

    Returns ``{"paragraphs": [[{"text", "mark", "id", "why"}...]...], "links": {"signal/i": id}}``:
    each body signal's evidence item ``i`` links to the mark that holds its start. Overlapping
    spans share the first mark (one sentence is often evidence of several signals).
    """
    text = article["text"]
    spans = []
    for name, sig in article["signals"].items():
        for i, ev in enumerate(sig.get("evidence", [])):
            # Only spans of the body: a headline device's offsets point into the headline.
            start, end = ev.get("start"), ev.get("end")
            if isinstance(start, int) and isinstance(end, int) and end > start and text[start:end] == ev["text"]:
                spans.append((start, end, f"{name}/{i}", f"{name.replace('_', ' ')}: {ev['why']}"))
    accepted: list[list[Any]] = []
    links: dict[str, str] = {}
    for start, end, key, why in sorted(spans):
        home = next((m for m in accepted if m[0] <= start < m[1]), None)
        if home is None:
            home = [start, end, f"{article['id']}-m{len(accepted)}", why]
            accepted.append(home)
        elif why not in home[3]:
            home[3] += "; " + why
        links[key] = home[2]
    accepted.sort()
    paragraphs: list[list[dict[str, Any]]] = []
    pos = 0
    placed: set[str] = set()  # a span over two paragraphs is marked twice; its id goes on the first
    for para in text.split("\n\n"):
        lo, hi = pos, pos + len(para)
        pieces: list[dict[str, Any]] = []
        cur = lo
        for start, end, mid, why in accepted:
            if end <= cur or start >= hi:
                continue
            if start > cur:
                pieces.append({"text": text[cur:start], "mark": False, "id": None, "why": None})
            stop = min(end, hi)
            pieces.append({"text": text[max(start, cur):stop], "mark": True,
                           "id": None if mid in placed else mid, "why": why})
            placed.add(mid)
            cur = stop
        if cur < hi:
            pieces.append({"text": text[cur:hi], "mark": False, "id": None, "why": None})
        paragraphs.append(pieces)
        pos = hi + 2
    return {"paragraphs": paragraphs, "links": links}


def write_report(report: Mapping[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write report.json and report.html atomically (temp file, then rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = (out_dir / "report.json", out_dir / "report.html")
    contents = (json.dumps(report, ensure_ascii=False, indent=1), render_html(report))
    for path, content in zip(paths, contents, strict=True):
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(content, encoding="utf-8")
        tmp.replace(path)
    return paths

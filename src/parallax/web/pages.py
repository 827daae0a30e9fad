"""What each page shows, as data: ``(data, view)`` per page.

``data`` is the page's ``.json`` twin, plain JSON built with the report's own builders
(:func:`~parallax.report.render.article_json`, :func:`~parallax.report.render.story_json`), so
the web and ``report.json`` say the same thing in the same shape. ``view`` adds what only the
HTML needs: chart geometry, highlighted pieces of text, the claims matrix's cells.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from typing import Any
from urllib.parse import quote

from parallax.report import charts
from parallax.report.profiles import outlet_profiles
from parallax.report.render import SIGNAL_KEYS, add_story_reuse, article_json, short_label, story_json
from parallax.store import browse
from parallax.web.highlight import LAYERS, article_spans, layered_paragraphs

STORIES_PER_PAGE = 50
ARTICLES_PER_PAGE = 50
OUTLETS_PER_PAGE = 100
HITS_PER_PAGE = 20
# The claims matrix shows this many claims (rows) and articles (columns) per page: wide enough
# for a big story's main outlets, small enough to stay readable and quick on a laptop.
MATRIX_CLAIMS = 40
MATRIX_ARTICLES = 20
# The outlet card's distributions read at most this many of its latest articles (and their
# stories' alignments): enough for stable medians, quick enough for a page.
PROFILE_ARTICLES = 500


class NotFound(Exception):
    """The page's subject is not in the database."""


def paging(page: int, per_page: int, total: int) -> dict[str, int]:
    """Page figures for the template and the JSON twin (pages count from 1)."""
    pages = max(1, math.ceil(total / per_page))
    return {"page": min(max(page, 1), pages), "per_page": per_page, "pages": pages, "total": total}


def label(row: Any) -> str:
    """How an article is named on a page: its outlet, else the start of its headline, else its input."""
    return short_label(row)


def light_article(r: sqlite3.Row) -> dict[str, Any]:
    """An article's metadata and signal scores (no text) from a browse row."""
    scores = json.loads(r["scores"]) if r["scores"] else [None] * (len(SIGNAL_KEYS) + 1)
    return {
        "id": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
        "input": r["input"], "url": r["url"], "author": r["author"], "story": r["story_id"],
        "copy_of": r["copy_of"], "signals": dict(zip(SIGNAL_KEYS, scores, strict=False)),
        "slant_direction": scores[len(SIGNAL_KEYS)], "cited_sources": json.loads(r["cited"] or "[]"),
    }


# --- stories ---------------------------------------------------------------------------------

def stories_page(db: sqlite3.Connection, sort: str, outlet: str | None, date_from: str | None,
                 date_to: str | None, disputed: bool, page: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stories list, sorted and filtered, one page at a time."""
    sort = sort if sort in browse.STORY_SORTS else "newest"
    _, total = browse.list_stories(db, sort, outlet, date_from, date_to, disputed, limit=0)
    pg = paging(page, STORIES_PER_PAGE, total)
    rows, _ = browse.list_stories(db, sort, outlet, date_from, date_to, disputed, STORIES_PER_PAGE,
                                  (pg["page"] - 1) * STORIES_PER_PAGE)
    outlets = browse.story_outlets(db, [r["story_id"] for r in rows])
    stories = [{
        "id": r["story_id"], "title": r["title"], "first_published": r["first_published"],
        "last_published": r["last_published"], "article_count": r["article_count"],
        "outlet_count": r["outlet_count"], "independent_origins": r["independent_origins"],
        "outlets": [{"name": name, "articles": n} for name, n in outlets[r["story_id"]]],
        "claims": {"total": r["claims"], "corroborated": r["corroborated"], "single-source": r["single_source"],
                   "disputed": r["disputed"]},
        "disputes": r["disputes"],
    } for r in rows]
    data = {"corpus": browse.corpus_counts(db), "stories": stories, "paging": pg,
            "filters": {"sort": sort, "outlet": outlet, "from": date_from, "to": date_to, "disputed": disputed}}
    return data, {"sorts": list(browse.STORY_SORTS)}


def story_page(db: sqlite3.Connection, story_id: str, cpage: int = 1,
               apage: int = 1) -> tuple[dict[str, Any], dict[str, Any]]:
    """A story: digest, claims matrix, disputes, timeline, omissions, who cites whom."""
    row = browse.story(db, story_id)
    if row is None:
        raise NotFound(f"no story {story_id}")
    arts = [light_article(r) for r in browse.story_articles(db, story_id)]
    story = story_json(row, [a["id"] for a in arts])
    reuse = json.loads(row["reuse"]) if row["reuse"] else {}
    story["origins"] = reuse.get("origins", [[a["id"]] for a in arts])
    story["copies"] = reuse.get("copies", {})
    story["first_published"], story["last_published"] = row["first_published"], row["last_published"]
    by_id = {a["id"]: a for a in arts}
    for copy, origin in story["copies"].items():
        if copy in by_id:
            by_id[copy]["copy_of"] = origin
    data = {"story": story, "articles": arts}
    return data, _story_view(story, arts, cpage, apage)


def _story_view(story: dict[str, Any], arts: list[dict[str, Any]], cpage: int, apage: int) -> dict[str, Any]:
    labels = {a["id"]: label(a) for a in arts}
    claims = charts.matrix_order(story["claims"])
    claim_page = {c["id"]: 1 + i // MATRIX_CLAIMS for i, c in enumerate(claims)}
    cpg = paging(cpage, MATRIX_CLAIMS, len(claims))
    apg = paging(apage, MATRIX_ARTICLES, len(arts))
    rows = claims[(cpg["page"] - 1) * MATRIX_CLAIMS: cpg["page"] * MATRIX_CLAIMS]
    cols = arts[(apg["page"] - 1) * MATRIX_ARTICLES: apg["page"] * MATRIX_ARTICLES]
    matrix = charts.claims_matrix(rows, [a["id"] for a in cols], labels, story["disputes"])
    first_mention = {(m["article"], c["id"]): m["start"] for c in story["claims"] for m in reversed(c["mentions"])}
    claim_text = {c["id"]: c for c in story["claims"]}
    relayed_sources = [{"source": o["source"], "claim": c, "articles": o["articles"], "why": o.get("why", [])}
                       for c in story["claims"]
                       for o in c.get("origins", [])
                       if o.get("kind") in charts.RELAYED_KINDS and len(o["articles"]) > 1]
    return {
        "labels": labels, "matrix": matrix, "relayed": relayed_sources, "columns": cols, "cpaging": cpg, "apaging": apg,
        "claim_page": claim_page, "claims_by_id": claim_text, "first_mention": first_mention,
        "chart_corroboration": charts.corroboration(
            story["claims"], href=lambda cid: f"/story/{quote(story['id'])}?cpage={claim_page[cid]}#claim-{cid}"),
        "chart_timeline": charts.timeline(arts, href=lambda aid: f"/article/{aid}"),
        "chart_cites": charts.cites(arts),
        "signal_keys": SIGNAL_KEYS,
    }


# --- articles --------------------------------------------------------------------------------

def article_page(db: sqlite3.Connection, article_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An article: its text with every highlight, removed parts and comments apart, its signals."""
    row = browse.article(db, article_id)
    if row is None:
        raise NotFound(f"no article {article_id}")
    art = article_json(row)
    story: dict[str, Any] | None = None
    mentions: list[dict[str, Any]] = []
    disputes: list[dict[str, Any]] = []
    omissions: list[dict[str, Any]] = []
    srow = browse.story(db, row["story_id"]) if row["story_id"] else None
    if srow is not None:
        add_story_reuse({art["id"]: art}, json.loads(srow["reuse"]) if srow["reuse"] else {})
        art["reuse"].sort(key=lambda x: (x["start"], str(x["source"])))
        al = json.loads(srow["alignment"]) if srow["alignment"] else {}
        story = {"id": srow["id"], "title": srow["title"]}
        for c in al.get("claims", []):
            for m in c["mentions"]:
                if m["article"] == art["id"]:
                    mentions.append({"claim": c["id"], "text": c["text"], "status": c["status"],
                                     "stance": m["stance"], "start": m["start"], "end": m["end"],
                                     "copied": m.get("copied", False), "independent_origins": c["independent_origins"]})
        disputes = [d for d in al.get("disputes", []) if any(art["id"] in p["articles"] for p in d["positions"])]
        left_out = set(al.get("omissions", {}).get(art["id"], []))
        omissions = [{"claim": c["id"], "text": c["text"], "independent_origins": c["independent_origins"]}
                     for c in al.get("claims", []) if c["id"] in left_out]
    others = browse.article_labels(db, sorted({r["source"] for r in art["reuse"]} | ({art["copy_of"]} - {None})
                                              | {a for d in disputes for p in d["positions"] for a in p["articles"]}))
    sources = {aid: label(r) for aid, r in others.items()}
    data = {"article": art, "story": story, "claims": mentions, "disputes": disputes, "omissions": omissions,
            "labels": sources}
    spans = article_spans(art, mentions, sources)
    quotes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in art["sentences"]:
        if s.get("speaker"):
            quotes[s["speaker"]].append(s)
    view = {"paragraphs": layered_paragraphs(art["text"], spans, [s["start"] for s in art["sentences"]]),
            "layers": LAYERS,
            "layer_counts": {k: sum(1 for s in spans if s.layer == k) for k in LAYERS},
            "quotes": dict(quotes), "signal_keys": SIGNAL_KEYS,
            "opinion_sentences": sum(1 for s in spans if s.layer == "opinion")}
    return data, view


# --- outlets ---------------------------------------------------------------------------------

def outlets_page(db: sqlite3.Connection, page: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every outlet with its article and story counts."""
    _, total = browse.list_outlets(db, limit=0)
    pg = paging(page, OUTLETS_PER_PAGE, total)
    rows, _ = browse.list_outlets(db, OUTLETS_PER_PAGE, (pg["page"] - 1) * OUTLETS_PER_PAGE)
    outlets = [{"name": r["outlet"], "articles": r["articles"], "stories": r["stories"]} for r in rows]
    return {"outlets": outlets, "paging": pg}, {}


def outlet_page(db: sqlite3.Connection, name: str | None, page: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """An outlet's card: its articles, signal distributions, how its claims fared, whom it cites."""
    _, total = browse.outlet_articles(db, name, limit=0)
    if total == 0:
        raise NotFound(f"no articles from outlet {name!r}" if name else "no articles of unknown outlet")
    profile_rows, _ = browse.outlet_articles(db, name, limit=PROFILE_ARTICLES)
    basis = [{**light_article(r), "reuse": []} for r in profile_rows]
    stories = []
    for s in browse.stories_by_ids(db, sorted({a["story"] for a in basis if a["story"]})):
        al = json.loads(s["alignment"]) if s["alignment"] else {}
        stories.append({"claims": [{"status": c["status"], "mentions": [{"article": m["article"]}
                                                                         for m in c["mentions"]]}
                                   for c in al.get("claims", [])]})
        add_story_reuse({a["id"]: a for a in basis}, json.loads(s["reuse"]) if s["reuse"] else {})
    profile_input = [{"id": a["id"], "outlet": {"name": name}, "copy_of": a["copy_of"],
                      "reuse": a["reuse"], "cited_sources": a["cited_sources"],
                      "signals": {k: ({"score": v, "details": {"direction": a["slant_direction"]}} if k == "slant"
                                      else {"score": v}) for k, v in a["signals"].items() if v is not None}}
                     for a in basis]
    profile = outlet_profiles(profile_input, stories)[0]
    profile["outlet"] = name
    profile["articles"] = len(profile["articles"])
    pg = paging(page, ARTICLES_PER_PAGE, total)
    rows, _ = browse.outlet_articles(db, name, ARTICLES_PER_PAGE, (pg["page"] - 1) * ARTICLES_PER_PAGE)
    data = {"outlet": name, "article_count": total, "profile": profile, "profile_articles": len(basis),
            "articles": [light_article(r) for r in rows], "paging": pg}
    view = {"chart_signals": charts.signal_strips([{f"sig_{k}": v for k, v in a["signals"].items()} for a in basis]),
            "chart_cites": charts.cites(basis), "signal_keys": SIGNAL_KEYS}
    return data, view


# --- search and claim check ------------------------------------------------------------------

def _pieces(snippet: str | None) -> list[dict[str, Any]]:
    """A snippet with hit markers as pieces ``{"text", "hit"}`` (the template escapes each)."""
    out = []
    for i, part in enumerate((snippet or "").replace(browse.HIT_END, browse.HIT_START).split(browse.HIT_START)):
        if part:
            out.append({"text": part, "hit": i % 2 == 1})
    return out


def search_page(db: sqlite3.Connection, q: str, page: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Articles (headline, text, speakers) and claims matching what the reader typed."""
    query = browse.fts_query(q)
    data: dict[str, Any] = {"q": q, "query": query, "articles": [], "claims": [],
                            "paging": paging(1, HITS_PER_PAGE, 0), "claims_total": 0}
    if query:
        _, total = browse.search_articles(db, query, limit=0)
        pg = paging(page, HITS_PER_PAGE, total)
        rows, _ = browse.search_articles(db, query, HITS_PER_PAGE, (pg["page"] - 1) * HITS_PER_PAGE)
        data["articles"] = [{"id": r["id"], "title": r["title"], "outlet": r["outlet"], "published": r["published"],
                             "story": r["story_id"], "input": r["input"], "snippet": _pieces(r["snippet"]),
                             "speakers": _pieces(r["speakers"].replace(",", ", "))
                             if browse.HIT_START in (r["speakers"] or "") else []}
                            for r in rows]
        data["paging"] = pg
        claims, data["claims_total"] = browse.search_claims(db, query, limit=HITS_PER_PAGE)
        data["claims"] = [{"id": c["claim_id"], "story": c["story_id"], "story_title": c["story_title"],
                           "text": c["text"], "speaker": c["speaker"], "status": c["status"],
                           "independent_origins": c["independent_origins"]} for c in claims]
    return data, {}

"""Main text and metadata from an HTML page (trafilatura), plus what it left out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from parallax.types import Removed

_BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption",
               "blockquote", "pre", "section", "article", "header", "footer", "nav", "aside",
               "span", "a", "dt", "dd", "caption", "label", "button"}
_CHROME_TAGS = {"nav": "navigation", "header": "page-header", "footer": "page-footer",
                "aside": "sidebar", "figcaption": "caption", "form": "form"}
_SPACE = re.compile(r"\s+")


@dataclass
class HtmlPage:
    title: str | None
    text: str
    comments: list[str]
    author: str | None
    date: str | None
    site_name: str | None
    url: str | None
    removed: list[Removed] = field(default_factory=list)


def _norm(text: str) -> str:
    return " ".join(text.split())


def parse_html(html: str, url: str | None = None, fragment: bool = False) -> HtmlPage:
    """Extract the article with trafilatura; list the page's other visible text as removed.

    ``fragment``: the HTML is a record's text field (a WordPress ``content.rendered``, a feed
    item's content), not a page. It has no title, and when trafilatura keeps less than half
    of its text (it expects a page around an article) its own paragraphs are used.
    """
    import trafilatura  # imported on first HTML page: text-only runs start faster

    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=True, include_tables=True,
        include_images=False, include_formatting=False, deduplicate=False,
        # htmldate's extensive search guesses a date from the body text when the page has no
        # date metadata (it produced "YYYY-01-01" for undated pages) and loads dateparser's
        # 200 locales on the first odd date (13-17 s): only dates the page declares count.
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    text = getattr(doc, "text", None) or "" if doc is not None else ""
    comments_blob = getattr(doc, "comments", None) or "" if doc is not None else ""
    title = getattr(doc, "title", None) if doc is not None else None
    if fragment:
        title = None
        whole = fragment_text(html)
        if len(text) < FRAGMENT_KEEP_SHARE * len(whole):
            text = whole
    page = HtmlPage(
        title=title or (None if fragment else _title_fallback(html)),
        text=text,
        comments=[c.strip() for c in comments_blob.split("\n") if c.strip()],
        author=getattr(doc, "author", None) if doc is not None else None,
        date=getattr(doc, "date", None) if doc is not None else None,
        site_name=getattr(doc, "sitename", None) if doc is not None else None,
        url=(getattr(doc, "url", None) if doc is not None else None) or url,
    )
    page.removed = _left_out(html, [text, comments_blob, page.title or ""])
    return page


# A fragment is all article: trafilatura dropping more than half of it is a miss, not cleaning.
FRAGMENT_KEEP_SHARE = 0.5
_FRAGMENT_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "figure",
                    "section", "article", "ul", "ol", "table", "dd", "dt"}


def fragment_text(html: str) -> str:
    """Visible text of an HTML fragment, one line per block element (as trafilatura writes it)."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for bad in tree.xpath("//script|//style|//noscript|//template|//svg|//iframe"):
        bad.drop_tree()
    for br in tree.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag in _FRAGMENT_BLOCKS:
            el.tail = "\n" + (el.tail or "")
            el.text = "\n" + (el.text or "")
    lines = (_norm(line) for line in tree.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _title_fallback(html: str) -> str | None:
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    found = tree.findtext(".//title")
    return _norm(found) if found else None


def _left_out(html: str, kept: list[str]) -> list[Removed]:
    """Visible text blocks of the page that the extraction did not keep, with a kind."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    for bad in tree.xpath("//script|//style|//noscript|//template|//head|//svg"):
        bad.drop_tree()
    kept_norm = _norm(" ".join(kept))
    out: list[Removed] = []
    seen: set[str] = set()
    # Tag-filtered iteration and str.split run in C: this loop was a sixth of the HTML path.
    for el in tree.iter(*_BLOCK_TAGS):
        # Only the element's own text (not its children's) to avoid listing text twice.
        parts = [el.text] if el.text else []
        parts.extend(c.tail for c in el if c.tail)
        if not parts:
            continue
        own = " ".join(" ".join(parts).split())
        if len(own) < 2 or own in seen or own in kept_norm:
            continue
        seen.add(own)
        if el.tag in _CHROME_TAGS:
            kind = _CHROME_TAGS[el.tag]
        else:
            anc = next(el.iterancestors(*_CHROME_TAGS), None)
            kind = _CHROME_TAGS[anc.tag] if anc is not None else "boilerplate"
        out.append(Removed(kind, own[:1000]))
    return out

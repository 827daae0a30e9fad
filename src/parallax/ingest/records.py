"""Records (JSON, JSONL, CSV rows, feed items) → input units, by field names.

Each role (title, text, url…) has a list of field names tried in order; ``--field role=name``
overrides it. A name may be a dotted path into nested objects (``content.rendered``,
``author.name``, ``source.name``). The defaults cover the shapes common tools write: JSON Feed
items, the WordPress REST API, Media Cloud, GDELT article lists, news-please, NewsAPI and
plain ``title``/``text`` exports. A field holding an object yields its ``rendered``/``name``/
``value``/``text``; a list of names is joined. Text that is HTML is extracted like a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import re
from typing import Any

from parallax.types import RawDocument, Rejection

# Default record field names, tried in order; ``--field role=name`` overrides.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "title_page", "title_rss"),
    "text": ("text", "content", "body", "articleBody", "article", "maintext", "story_text", "full_text",
             "content_text", "content_html", "content.rendered"),
    "html": ("html", "raw_html"),
    "summary": ("summary", "description", "excerpt", "abstract", "lead", "teaser"),
    "url": ("url", "link", "uri", "canonical_url", "external_url"),
    "outlet": ("outlet", "source", "domain", "site", "site_name", "sitename", "publisher", "media_name",
               "source_domain", "feed_title"),
    "published": ("published", "date", "published_at", "publish_date", "pubdate", "datetime", "date_published",
                  "date_publish", "publishedAt", "pubDate", "date_gmt", "seendate", "created_at", "timestamp"),
    "author": ("author", "byline", "authors", "creator", "_embedded.author"),
    "id": ("id", "key", "uid", "guid", "stories_id", "article_id", "doc_id", "Body ID", "body_id"),
}
# The keys of a nested object that hold its readable value, in order (WordPress ``rendered``,
# JSON Feed/WordPress author ``name``, Atom-like ``value``).
_INNER_KEYS = ("rendered", "name", "value", "text", "#text", "content", "title", "href", "url")
# A value that opens or closes one of these tags is HTML, not text with a stray "<".
_HTML_TAG = re.compile(
    r"</?(p|div|br|span|a|h[1-6]|ul|ol|li|blockquote|figure|figcaption|img|strong|em|b|i|article|section|"
    r"table|tr|td|iframe|script|style|header|footer|nav|aside)\b[^>]*>", re.I)
_HTML_MIN_TAGS = 2
_PARAGRAPH_BREAK = re.compile(r"</p\s*>|<br\s*/?>", re.I)
# A record key is a name in the ledger: keep it short and on one line.
_MAX_ID_CHARS = 80
# NewsAPI cuts its "content" to about 200 characters and says so: "… [+4321 chars]".
_TRUNCATED = re.compile(r"\s*(…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")
# Epoch timestamps between 1990 and 2100, in seconds or milliseconds.
_EPOCH_S = (631152000, 4102444800)


def _sha(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def unit_key(name: str, raw: bytes) -> str:
    """Stable identity of an input unit: the same name and bytes give the same key."""
    # surrogatepass: a name from a non-UTF-8 file name or a JSON "\ud800" still has bytes.
    return _sha(name.encode("utf-8", "surrogatepass") + b"\0" + raw)[:20]


class FieldError(ValueError):
    """A field holds something that cannot serve its role (a number for the text)."""


def lookup(record: dict[str, Any], name: str) -> tuple[str | None, Any]:
    """(the key found, its value) for a field name or dotted path, matching keys case-insensitively."""
    node: Any = record
    found: list[str] = []
    key: Any
    for part in name.split(".") if name not in record else [name]:
        if isinstance(node, list) and part.isdigit():
            idx = int(part)
            node = node[idx] if idx < len(node) else None
            found.append(part)
            continue
        if not isinstance(node, dict):
            return None, None
        if part in node:
            key = part
        else:
            key = next((k for k in node if str(k).lower() == part.lower()), None)
            if key is None:
                return None, None
        found.append(str(key))
        node = node[key]
    return ".".join(found), node


def _inner(value: dict[str, Any]) -> Any:
    for key in _INNER_KEYS:
        if value.get(key) not in (None, ""):
            return value[key]
    return None


def as_text(value: Any, role: str, field_name: str) -> str | None:
    """A field's value as the string its role needs; None when empty; FieldError when unusable."""
    if value is None or value == "" or value == [] or value == {}:
        return None
    if isinstance(value, bool | int | float):
        if role in ("text", "summary", "html"):
            raise FieldError(f"field {field_name!r} holds {type(value).__name__} {value!r}, not text")
        if role == "published":
            return None if isinstance(value, bool) else _epoch(value)
        # A number is an id or a title ("1984"); as an author or outlet it is a database key.
        return str(value) if role in ("id", "title") and not isinstance(value, bool) else None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        inner = _inner(value)
        if inner is None:
            if role in ("text", "title"):
                keys = ", ".join(str(k) for k in list(value)[:6])
                raise FieldError(f"field {field_name!r} holds an object without text (keys: {keys})")
            return None
        return as_text(inner, role, field_name)
    if isinstance(value, list):
        parts = [p for p in (as_text(v, role, field_name) for v in value) if p]
        sep = "\n\n" if role in ("text", "summary") else ", "
        return sep.join(parts) or None
    return str(value)


def _epoch(value: float) -> str | None:
    seconds = value / 1000 if value > _EPOCH_S[1] else value
    if not _EPOCH_S[0] <= seconds <= _EPOCH_S[1]:
        return None
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).isoformat()


def pick(record: dict[str, Any], role: str, fields: dict[str, str]) -> tuple[str | None, str | None]:
    """(value, field name) of the first non-empty field for ``role``."""
    names = (fields[role],) if role in fields else DEFAULT_FIELDS[role]
    for name in names:
        key, value = lookup(record, name)
        if key is None:
            continue
        text = as_text(value, role, key)
        if text is not None and text.strip():
            return text, key
    return None, None


def is_html(text: str) -> bool:
    """Whether a text field holds an HTML body rather than plain text that mentions tags.

    An exported HTML body opens with a tag ("<p>…", "<div class=…>") or is cut into paragraphs
    by closing tags or line breaks. Prose that merely contains markup ("the payload
    <script>…</script> was read aloud", a reader pasting "<b>") is text, kept as written and
    escaped wherever it is shown.
    """
    head = text.lstrip()
    if head.startswith("<") and _HTML_TAG.match(head):
        return True
    return len(_PARAGRAPH_BREAK.findall(text)) >= _HTML_MIN_TAGS


def wrap_fragment(fragment: str) -> str:
    """An HTML fragment as a page the extractor can read (no head, one article)."""
    return f"<html><body><article>{fragment}</article></body></html>"


def record_name(record: Any, container: str, position: int, fields: dict[str, str]) -> str:
    """The unit's name in the ledger: ``container#id`` when the record has an id, else its position."""
    rec_id = None
    if isinstance(record, dict):
        try:
            rec_id, _ = pick(record, "id", fields)
        except FieldError:
            rec_id = None
    if rec_id:
        rec_id = " ".join(rec_id.split())[:_MAX_ID_CHARS]
    return f"{container}#{rec_id or position}"


def record_to_unit(
    record: Any, container: str, position: int, raw: bytes, fields: dict[str, str], max_bytes: int,
    defaults: dict[str, str] | None = None,
) -> RawDocument | Rejection:
    """Map one record to a RawDocument, or a Rejection saying which field was wrong."""
    name = record_name(record, container, position, fields)
    key = unit_key(name, raw)
    if not isinstance(record, dict):
        return Rejection(name, f"record is a {type(record).__name__}, expected an object", key)
    if len(raw) > max_bytes:
        return Rejection(name, f"record too large ({len(raw) / 1e6:.1f} MB)", key)
    try:
        text, _ = pick(record, "text", fields)
        html, _ = pick(record, "html", fields)
        summary_only = False
        if text and _TRUNCATED.search(text):
            text, summary_only = _TRUNCATED.sub("", text), True
        if not (text and text.strip()) and not html:
            text, _ = pick(record, "summary", fields) if "text" not in fields else (None, None)
            summary_only = bool(text and text.strip())
        if not (text and text.strip()) and not html:
            return Rejection(name, _no_text_reason(record, fields), key)
        meta: dict[str, str | None] = {}
        evidence: dict[str, str] = {}
        for role in ("title", "url", "outlet", "published", "author"):
            value, fname = pick(record, role, fields)
            if value is None and defaults and defaults.get(role):
                value, fname = defaults[role], defaults.get(f"{role}_evidence", role)
            meta[role] = " ".join(value.split()) if value and role != "published" else value
            if fname:
                evidence[role] = fname if fname.startswith(("feed ", "WARC ")) else f"metadata field {fname!r}"
    except FieldError as exc:
        return Rejection(name, str(exc), key)
    if text and is_html(text):
        html, text = wrap_fragment(text), None
        fmt = "html-fragment"
    elif html and not text:
        fmt = "html"
    else:
        fmt, html = "record", None
    for role in ("title", "author", "outlet"):
        value = meta[role]
        if value and ("<" in value or "&" in value) and fmt != "record":
            # WordPress and feeds give HTML titles: "&#8216;budget&#8217;", "<em>Live</em>". A
            # record whose body is plain text gets its title as written: "<script>" in a CSV
            # title is text (escaped wherever it is shown), not markup to strip.
            meta[role] = " ".join(html_lib.unescape(re.sub(r"</?[A-Za-z][^>]*>", "", value)).split())
    return RawDocument(
        input=name, unit_key=key, format=fmt, text=text or "", html=html, title=meta["title"],
        url=meta["url"], outlet=meta["outlet"], published=meta["published"], author=meta["author"],
        evidence=evidence, summary_only=summary_only,
    )


def _no_text_reason(record: dict[str, Any], fields: dict[str, str]) -> str:
    tried = fields.get("text") or ", ".join(DEFAULT_FIELDS["text"])
    has = [r for r in ("url", "title") if pick(record, r, fields)[0]]
    if has:
        # A GDELT article list or a bookmark export: links to articles, not articles.
        return (f"record has no text, only {' and '.join(has)} (looked for fields: {tried}); "
                "save the pages and analyse them as HTML")
    return f"record has no text (looked for fields: {tried})"

"""Feeds: RSS (0.9x, 1.0, 2.0), Atom and JSON Feed; each item becomes a record.

XML is parsed with defusedxml: entity declarations (the "billion laughs") and external
entities or DTDs are refused, never expanded or fetched, and the whole feed is then rejected
with that reason. Items are streamed: memory stays bounded by the largest item, not the feed.
An item that carries only a summary (RSS ``description``, Atom ``summary``, JSON Feed
``summary``) becomes an article marked ``summary_only``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from parallax.ingest import records
from parallax.types import RawDocument, Rejection

FEED_EXT = {".rss", ".atom", ".xml", ".rdf", ".feed"}
_ITEM_TAGS = {"item", "entry"}
_ROOTS = ("rss", "feed", "RDF")
_HEAD = re.compile(rb"<(rss|feed|rdf:RDF|RDF)\b", re.I)


def sniff_feed(head: bytes) -> bool:
    """Whether the first bytes of a file open an RSS, RDF or Atom document."""
    return bool(_HEAD.search(head[:2048]))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el: Element) -> str:
    return "".join(el.itertext()).strip()


def _content(el: Element) -> str:
    """Text of an item's content; Atom ``type="xhtml"`` content is serialised back to HTML."""
    if el.get("type") == "xhtml":
        if hasattr(el, "getroottree"):  # an lxml element (the recovering parser)
            from lxml import etree

            return "".join(etree.tostring(child, encoding="unicode") for child in el)
        from xml.etree.ElementTree import tostring

        return "".join(tostring(child, encoding="unicode") for child in el)
    return (el.text or "").strip() if len(el) == 0 else _text(el)


def _item_record(item: Element) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    authors: list[str] = []
    for child in item:
        name = _local(child.tag)
        if name == "title" and "title" not in rec:
            rec["title"] = _text(child)
        elif name == "link":
            href = child.get("href")
            if href and child.get("rel", "alternate") == "alternate" and "url" not in rec:
                rec["url"] = href
            elif not href and _text(child) and "url" not in rec:
                rec["url"] = _text(child)
        elif name in ("encoded", "content") and "content" not in rec:
            rec["content"] = _content(child)
        elif name in ("description", "summary") and "summary" not in rec:
            rec["summary"] = _content(child)
        elif name in ("pubDate", "published", "issued", "date") and "published" not in rec:
            rec["published"] = _text(child)
        elif name in ("updated", "modified") and "updated" not in rec:
            rec["updated"] = _text(child)
        elif name in ("author", "creator"):
            person = next((_text(c) for c in child if _local(c.tag) == "name"), None) or _text(child)
            if person:
                authors.append(person)
        elif name in ("guid", "id") and "id" not in rec:
            rec["id"] = _text(child)
    if "published" not in rec and "updated" in rec:
        rec["published"] = rec["updated"]
    if authors:
        rec["author"] = ", ".join(dict.fromkeys(authors))
    return rec


class _State:
    """Where a pass over a feed got to: items yielded, the feed's defaults, the root seen."""

    def __init__(self) -> None:
        self.defaults: dict[str, str] = {}
        self.position = 0
        self.root: str | None = None
        self.answered = False  # a rejection for the whole file was given


def _items(events: Iterator[tuple[str, Any]], state: _State, name: str, fields: dict[str, str],
           max_bytes: int, skip: int = 0) -> Iterator[RawDocument | Rejection]:
    """Units from a stream of (event, element) pairs; the first ``skip`` items were yielded before."""
    depth = 0
    item_depth: int | None = None
    seen = 0
    for event, el in events:
        tag = _local(el.tag)
        if event == "start":
            depth += 1
            if state.root is None:
                state.root = tag
                if tag not in _ROOTS:
                    state.answered = True
                    yield _reject(name, f"XML file whose root is <{tag}>, not an RSS or Atom feed")
                    return
            if item_depth is None and tag in _ITEM_TAGS:
                item_depth = depth
            continue
        depth -= 1
        if item_depth is not None and depth + 1 == item_depth and tag in _ITEM_TAGS:
            seen += 1
            if seen > skip:
                state.position += 1
                rec = _item_record(el)
                raw = json.dumps(rec, sort_keys=True, ensure_ascii=False).encode("utf-8")
                yield records.record_to_unit(rec, name, state.position, raw, fields, max_bytes, state.defaults)
            item_depth = None
            el.clear()  # bounded memory: an item's tree is dropped once it is read
        elif (item_depth is None and tag == "title" and depth <= 2 and "outlet" not in state.defaults
              and _text(el)):
            # The channel's (RSS) or feed's (Atom) own title names the outlet.
            state.defaults["outlet"], state.defaults["outlet_evidence"] = _text(el), "feed title"


def read_xml_feed(
    stream: IO[bytes], name: str, fields: dict[str, str], max_bytes: int
) -> Iterator[RawDocument | Rejection]:
    """Yield one unit per feed item; a hostile or broken feed is one rejection with its reason.

    Real feeds are often not well-formed XML (an HTML entity such as ``&nbsp;``, a stray
    ``&``). After such an error the feed is read again with lxml in recovery mode — entities
    unresolved, no DTD loaded, no network — and the items not yet read are added.
    """
    state = _State()
    try:
        yield from _items(iterparse(stream, events=("start", "end"), forbid_dtd=False, forbid_entities=True,
                                    forbid_external=True), state, name, fields, max_bytes)
    except DefusedXmlException as exc:
        yield _reject(name, f"feed refused: {type(exc).__name__} (entity declarations and external "
                            "references are not expanded or fetched)")
        return
    except ParseError as exc:
        try:
            stream.seek(0)
            from lxml import etree

            done = state.position
            state.root = None
            recovered = etree.iterparse(stream, events=("start", "end"), recover=True, resolve_entities=False,
                                        no_network=True, load_dtd=False, huge_tree=False)
            yield from _items(recovered, state, name, fields, max_bytes, skip=done)
        except (OSError, ValueError, etree.LxmlError) as again:
            yield _reject(name, f"malformed feed XML after {state.position} items: {exc}; {again}")
            return
        if state.position == 0 and not state.answered:
            yield _reject(name, f"malformed feed XML, no item could be recovered: {exc}")
            return
    if state.position == 0 and not state.answered:
        yield _reject(name, "feed has no items")


def _reject(name: str, reason: str) -> Rejection:
    return Rejection(name, reason, records.unit_key(name, reason.encode()))


def json_feed(data: Any) -> tuple[list[Any], dict[str, str]] | None:
    """(items, defaults) when ``data`` is a JSON Feed (jsonfeed.org), else None."""
    if not (isinstance(data, dict) and isinstance(data.get("items"), list)):
        return None
    version = str(data.get("version", ""))
    if "jsonfeed.org" not in version and not ("home_page_url" in data or "feed_url" in data):
        return None
    defaults: dict[str, str] = {}
    if isinstance(data.get("title"), str) and data["title"].strip():
        defaults["outlet"], defaults["outlet_evidence"] = data["title"].strip(), "feed title"
    return data["items"], defaults

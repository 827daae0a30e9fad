"""Clean: keep the article body; set apart boilerplate, captions and reader comments.

Nothing is thrown away: every block cut from the body goes to ``removed`` with its kind and
the offset where it sat, and reader comments go to ``comments``. The stage is a pure function
of one input unit.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from parallax.text import boilerplate
from parallax.text.dates import first_full_date, normalise_date
from parallax.text.htmltext import parse_html
from parallax.text.language import detect as detect_language
from parallax.text.markdown import markdown_text
from parallax.text.outlets import infer_outlet
from parallax.types import CleanDocument, RawDocument, Removed

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# A reader-comment thread pasted below an article: indented bullets or numbers, one per reply.
_COMMENT_MARKER = re.compile(r"^(?P<indent>[ \t]+)(?P<marker>[•·▪◦●*\-–]|\d{1,3}[.)])\s+(?P<rest>\S.*)$")
_COMMENT_HEADER = re.compile(
    r"^\s*(\d+\s+)?(comments?|responses?|replies|reader comments|leave a (reply|comment)|"
    r"join the discussion|discussion|what do you think\??)\s*:?\s*$",
    re.I,
)
# The body must keep at least this many blocks before a thread can start: a list near the top
# of an article is content (key points), not comments.
_MIN_BODY_BLOCKS_BEFORE_COMMENTS = 3


# Nothing for the per-line rewrite below to change: most extracted text, checked in one pass.
_NEEDS_SPACING = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]|  | \n| $")


def normalise_text(text: str) -> str:
    """NFC, no zero-width characters, Unix newlines, no-break spaces as spaces."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not _NEEDS_SPACING.search(text):
        return text
    return "\n".join(_SPACES.sub(lambda m: " " if m.start() else m.group(0).replace("\u00a0", " "), ln).rstrip()
                     for ln in text.split("\n"))


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def split_comments(text: str) -> tuple[str, list[str], list[Removed]]:
    """Cut a trailing reader-comment thread from ``text``: (body, comments, removed headers)."""
    lines = text.split("\n")
    removed: list[Removed] = []
    start = _thread_start(lines)
    if start is None:
        return text, [], removed
    body, tail = lines[:start], lines[start:]
    while body and _COMMENT_HEADER.match(body[-1] or "x"):
        removed.append(Removed("comments-header", body.pop().strip()))
    while body and not body[-1].strip():
        body.pop()
    comments: list[list[str]] = []
    for line in tail:
        if _COMMENT_HEADER.match(line) and line.strip():
            removed.append(Removed("comments-header", line.strip()))
            continue
        m = _COMMENT_MARKER.match(line)
        if m or not comments:
            comments.append([m.group("rest") if m else line.strip()])
        else:
            comments[-1].append(line.strip())
    out = []
    for parts in comments:
        paras = "\n".join(parts).strip()
        paras = re.sub(r"\n{2,}", "\n\n", paras)
        if paras:
            out.append(paras)
    return "\n".join(body), out, removed


def _thread_start(lines: list[str]) -> int | None:
    """Index of the first line of a trailing comment thread, or None.

    A thread is a run of indented list items reaching the end of the text, after which no
    unindented line occurs (article paragraphs are flush left; replies are indented), or a
    "Comments"/"Leave a reply" header followed by such items.
    """
    blocks_seen = 0
    prev_blank = True
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped and prev_blank:
            blocks_seen += 1
        prev_blank = not stripped
        if blocks_seen <= _MIN_BODY_BLOCKS_BEFORE_COMMENTS:
            continue
        if _COMMENT_MARKER.match(line) or (_COMMENT_HEADER.match(line) and stripped):
            rest = [ln for ln in lines[i + 1:] if ln.strip()]
            if all(ln[:1] in (" ", "\t") or _COMMENT_HEADER.match(ln) for ln in rest):
                return i
    return None


# Hard-wrapped text (mail, plain-text exports) breaks lines at a fixed width, rarely past this
# many characters; a longer line is a whole paragraph written on one line.
_WRAP_WIDTH_MAX = 100
# In hard-wrapped text a line much shorter than the block's width ends its paragraph (a
# headline above the first paragraph, the last line of a paragraph).
_SHORT_LINE_SHARE = 0.6
_LINE_END = re.compile(r"[.!?:…\"”’)\]]$")


def split_blocks(text: str) -> list[str]:
    """Paragraphs, as people lay text out.

    Blank lines always separate paragraphs. Inside a blank-line block, each line is a
    paragraph (one paragraph per line, single newlines) unless the block is hard-wrapped: lines
    no longer than a wrap width, where a line that ends mid-sentence at about the width
    continues on the next line.
    """
    blocks: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        width = max(len(ln.rstrip()) for ln in lines)
        current: list[str] = []
        for i, line in enumerate(lines):
            current.append(line)
            end = line.rstrip()
            last = i == len(lines) - 1
            if last or width > _WRAP_WIDTH_MAX or _LINE_END.search(end) or len(end) < _SHORT_LINE_SHARE * width:
                blocks.append(_collapse(" ".join(current)))
                current = []
    return blocks


# A headline is a label, not a sentence: short, and not closed by a full stop.
_HEADLINE_MAX_WORDS = 30
_HEADLINE_MAX_CHARS = 250


def looks_like_headline(block: str) -> bool:
    """Whether the first line of a plain-text file reads as its headline."""
    text = block.strip()
    if not text or len(text) > _HEADLINE_MAX_CHARS or boilerplate.words(text) > _HEADLINE_MAX_WORDS:
        return False
    # "U.S." closes many headlines; a full stop after a lower-case word closes a sentence.
    if text.endswith((",", ";")) or (text.endswith(".") and not re.search(r"\b[A-Z]\.$", text)):
        return False
    return not text.endswith(('."', '.”'))


def _same(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return re.sub(r"\W+", "", s.lower())
    return bool(a) and key(a) == key(b)


def clean(raw: RawDocument) -> CleanDocument:
    """Separate article body, title, comments and removed parts of one input unit."""
    removed: list[Removed] = []
    comments: list[str] = []
    title = _collapse(normalise_text(raw.title)) if raw.title else None
    author, site_name, url, published = raw.author, None, raw.url, raw.published
    if raw.html is not None:
        page = parse_html(raw.html, raw.url, fragment=raw.format == "html-fragment")
        removed.extend(page.removed)
        comments.extend(page.comments)
        title = title or (_collapse(page.title) if page.title else None)
        author, site_name, url = author or page.author, page.site_name, url or page.url
        published = published or page.date
        # trafilatura separates paragraphs with single newlines.
        text = normalise_text(page.text).replace("\n", "\n\n")
    else:
        text = normalise_text(raw.text)
        if raw.format == "markdown":
            text, md_title = markdown_text(text)
            title = title or md_title
    text, text_comments, comment_removed = split_comments(text)
    comments.extend(text_comments)
    removed.extend(comment_removed)
    removed.extend(Removed("comments-widget", c) for c in comments if boilerplate.is_comment_widget(c))
    comments = [c for c in comments if not boilerplate.is_comment_widget(c)]

    kept: list[str] = []
    cut: list[tuple[int, Removed]] = []  # (index in kept at which it sat, removed)
    bio = False
    headline_allowed = raw.format in ("txt", "markdown") and not title
    blocks = split_blocks(text)
    for index, block in enumerate(blocks):
        kind = "author-bio" if bio else boilerplate.classify_block(block)
        if kind is None and title is None and headline_allowed:
            headline_allowed = False
            # The first non-boilerplate block of a text file is its headline when it reads as
            # one; records and pages say what their title is (or that they have none).
            if looks_like_headline(block) and index < len(blocks) - 1:
                title = block
                continue
        if kind is None and title is not None and _same(block, title):
            kind = "title-repeat"
        if kind == "author-bio":
            bio = True
        if kind:
            cut.append((len(kept), Removed(kind, block)))
            if kind == "byline" and not author:
                author = boilerplate.byline_name(block)
        else:
            kept.append(block)

    body = "\n\n".join(kept)
    starts, pos = [], 0
    for block in kept:
        starts.append(pos)
        pos += len(block) + 2
    for index, item in cut:
        at = starts[index] if index < len(starts) else len(body)
        removed.append(Removed(item.kind, item.text, at))

    reuse = marked_reuse(removed, body)
    language = detect_language(f"{title or ''}\n{body}")
    meta_pub = normalise_date(published)
    pub_evidence = raw.evidence.get("published", "page metadata") if meta_pub else None
    if not meta_pub:
        for item in removed:
            found = first_full_date(item.text) if item.kind == "dateline" else None
            if found:
                meta_pub, pub_evidence = found[0], f"dateline {found[1]!r}"
                break
    self_ref = [r.text for r in removed if r.kind in ("promotion", "copyright", "page-footer")]
    outlet = infer_outlet(raw.outlet, raw.evidence.get("outlet"), url, site_name, self_ref)
    return CleanDocument(
        input=raw.input,
        unit_key=raw.unit_key,
        title=title or "",
        text=body,
        removed=removed,
        comments=comments,
        outlet=outlet,
        url=url,
        author=author,
        published=meta_pub,
        published_evidence=pub_evidence,
        reuse=reuse,
        summary_only=raw.summary_only,
        decoding=raw.decoding,
        language=language[0],
        language_confidence=language[1],
    )


# A wire dateline opening a paragraph: "BEIRUT, Lebanon —", "WASHINGTON (Reuters) -".
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][\w .'’-]{1,30})?)\s*"
    r"(?:\((?P<agency>[\w .&]{2,30})\))?\s*[—–-]{1,2}\s+\S"
)  # used with .match(text, pos), which anchors at pos
_NOT_PLACES = {"UPDATE", "UPDATED", "BREAKING", "EXCLUSIVE", "WATCH", "ANALYSIS", "OPINION", "EDITOR'S NOTE",
               "EDITOR’S NOTE", "CORRECTION", "LIVE", "VIDEO", "PHOTOS"}


def marked_reuse(removed: list[Removed], text: str) -> list[dict[str, Any]]:
    """Passages the page itself marks as taken from elsewhere.

    "As Originally Reported By" opens a copied passage that runs to the next marker or the end;
    a "Read More Here: <headline>" after it names the origin. A wire dateline at the start of
    a paragraph other than the first ("BEIRUT, Lebanon — …") opens copied wire text too.
    """
    text_len = len(text)
    out: list[dict[str, Any]] = []
    markers = sorted((r for r in removed if r.at is not None and r.kind in ("source-marker", "read-more")),
                     key=lambda r: r.at or 0)
    for i, marker in enumerate(markers):
        if marker.kind != "source-marker":
            continue
        start = marker.at or 0
        end = next((m.at for m in markers[i + 1:] if m.at is not None and m.at > start), text_len)
        named = boilerplate.marker_rest(marker.text)
        link = next((m for m in markers[i + 1:] if m.kind == "read-more"), None)
        origin = named or (boilerplate.marker_rest(link.text) if link else "") or "unnamed outside origin"
        if end > start:
            out.append({"source": origin, "start": start, "end": end, "marker": marker.text})
    pos = text.find("\n\n")
    while pos != -1:
        start = pos + 2
        m = _DATELINE.match(text, start)
        covered = any(r["start"] <= start < r["end"] for r in out)
        if m and not covered and m.group("place").strip().upper() not in _NOT_PLACES:
            stops = [r.at for r in markers if r.at is not None and r.at > start]
            end = min(stops, default=text_len)
            place = m.group("place").strip()
            source = f"wire copy ({m.group('agency')}) datelined {place}" if m.group("agency") \
                else f"wire copy datelined {place}"
            out.append({"source": source, "start": start, "end": end, "marker": m.group(0)[:-1].strip()})
        pos = text.find("\n\n", start)
    out.sort(key=lambda r: r["start"])
    return out

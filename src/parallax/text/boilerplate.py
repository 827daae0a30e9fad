"""Recognise blocks of a page that are not the article: navigation, promotions, captions…

Each rule answers for one block (a paragraph). The rules are deliberately conservative:
a real sentence of reporting is long, ends with punctuation and rarely starts with
"Join our" or "Share", so most rules also require the block to be short.
"""

from __future__ import annotations

import re

from parallax.text.dates import FULL_DATE_RE

_WORD = re.compile(r"\w+")


def words(text: str) -> int:
    """Number of word tokens in ``text``."""
    return len(_WORD.findall(text))


# Site chrome that scrapers keep from menus ("Select Page" is Divi's mobile menu label).
_NAV = re.compile(
    r"^(select page|menu|main menu|skip to (main )?content|toggle navigation|navigation|"
    r"home|search( for)?:?|close|open menu|close menu|log ?in|sign ?in|register|"
    r"previous( post| article)?|next( post| article)?|back to top|top stories)$",
    re.I,
)
# Calls to follow, join or pay. Checked on short blocks only (see classify_block).
_PROMO = re.compile(
    r"^(join (us|our)\b|subscribe\b|sign up\b|follow us\b|like us on\b|download (our|the)\b|"
    r"support (our|us)\b|donate\b|get (our|the) (free )?newsletter|become a (member|patron)|"
    r"click here to\b|we need your support|please (support|share)|help us\b)"
    r"|(telegram|whatsapp|viber) (channel|group)",
    re.I,
)
_SHARE_WORDS = {
    "share", "tweet", "email", "e-mail", "print", "pin", "pinterest", "facebook", "twitter",
    "whatsapp", "reddit", "linkedin", "telegram", "copy", "link", "like", "this", "on",
    "loading", "comments", "comment", "save", "article", "story", "post", "the", "with",
}
_SHARE_START = re.compile(r"^(share|tweet|like this|loading\.\.\.|share this)", re.I)
_READ_MORE = re.compile(
    r"^(read more|read the (full|original) (story|article)|continue reading|related( articles?| stories)?|"
    r"see also|more here|more on this|recommended|you may also like|also read)\b\s*[:\-–—]?\s*(?P<rest>.*)$",
    re.I,
)
_AUTHOR_BIO = re.compile(r"^about the author\b", re.I)
# "As Originally Reported By" labels a passage copied from another outlet.
_SOURCE_MARKER = re.compile(
    r"^((as )?originally (reported|published|posted|appeared)( by| in| on| at)?|"
    r"this (article|story|post) (was )?(originally|first) (appeared|published)|"
    r"source|via|republished (from|with permission))\b\s*[:\-–—]?\s*(?P<rest>.*)$",
    re.I,
)
# What comment plugins print where there are no comments to read: labels, counters, notices.
_COMMENT_WIDGET = re.compile(
    r"^(comments? (are|is) (closed|disabled)|leave a (reply|comment)|post a comment|add (a )?comment|"
    r"loading comments|load(ing)? more comments|show comments|view comments|\d+ (comments?|responses?|replies)|"
    r"no comments( yet)?|be the first to comment|comments powered by disqus|please enable javascript to view the "
    r"comments|you must be logged in to post a comment|cancel reply|join the (discussion|conversation))\b",
    re.I,
)
COMMENT_WIDGET_MAX_WORDS = 20


def is_comment_widget(text: str) -> bool:
    """Whether a "comment" is a comment plugin's label or notice, not a reader's words."""
    text = text.strip().strip(".…:!").strip()
    return not text or (words(text) <= COMMENT_WIDGET_MAX_WORDS and bool(_COMMENT_WIDGET.match(text)))


# Credits in parentheses close most captions: "Army Colonel Ryan Dillon (Twitter)".
_CAPTION_CREDIT = re.compile(
    r"\((twitter|facebook|instagram|youtube|telegram|reuters|ap|afp|getty( images)?|"
    r"file|handout|photo[^)]*|image[^)]*|video[^)]*|screenshot|screengrab|courtesy[^)]*|"
    r"credit[^)]*|[\w .'/-]{2,30} photos?)\)$",
    re.I,
)
_CAPTION_START = re.compile(
    r"^(photo|image|picture|file photo|video|credit|pictured|caption|above|top|featured image)s?\s*[:|/]",
    re.I,
)
_BYLINE = re.compile(r"^(by|written by|posted by)\s+(?P<name>[A-Z][\w.'-]+(\s+[A-Z][\w.'-]+){0,3})$")
_COPYRIGHT = re.compile(r"^(©|\(c\)|copyright\b|all rights reserved)", re.I)
_AD = re.compile(r"^(advertisement|sponsored( content)?|ad|promoted|paid content)$", re.I)
_TAGS = re.compile(r"^(tags|filed under|categories|category|topics)\s*:", re.I)

# A caption is a label, not a sentence: short and without closing punctuation.
CAPTION_MAX_WORDS = 15
# Promotions and share bars are one or two lines; longer blocks are treated as content.
PROMO_MAX_WORDS = 40


def classify_block(block: str) -> str | None:
    """Return the kind of non-article block (``navigation``, ``promotion``…) or None."""
    text = block.strip()
    if not text:
        return None
    n = words(text)
    if _NAV.match(text):
        return "navigation"
    if _AD.match(text):
        return "advertisement"
    if n <= PROMO_MAX_WORDS and _PROMO.search(text) and not _looks_like_reporting(text):
        return "promotion"
    if _AUTHOR_BIO.match(text):
        return "author-bio"
    if n <= 25 and _READ_MORE.match(text):
        return "read-more"
    if n <= 25 and _SOURCE_MARKER.match(text) and not text.endswith((".", "”", '"')):
        return "source-marker"
    if n <= COMMENT_WIDGET_MAX_WORDS and is_comment_widget(text):
        return "comments-widget"
    if n <= 12 and (_SHARE_START.match(text) or _only_share_words(text)):
        return "share"
    if n <= 12 and _TAGS.match(text):
        return "tags"
    if n <= 20 and _COPYRIGHT.match(text):
        return "copyright"
    if n <= 8 and _BYLINE.match(text):
        return "byline"
    if n <= 8 and FULL_DATE_RE.fullmatch(text.strip(" .,")):
        return "dateline"
    if n <= CAPTION_MAX_WORDS and _is_caption(text):
        return "caption"
    return None


def _only_share_words(text: str) -> bool:
    toks = [t.lower() for t in _WORD.findall(text)]
    return bool(toks) and all(t in _SHARE_WORDS or t.isdigit() for t in toks) and len(toks) >= 2


def _looks_like_reporting(text: str) -> bool:
    # "Follow us" inside a quoted sentence of reporting is content, not a call to action.
    return text.count("“") + text.count('"') >= 2 and words(text) > 20


def _is_caption(text: str) -> bool:
    if _CAPTION_START.match(text):
        return True
    if _CAPTION_CREDIT.search(text):
        before = text[: text.rfind("(")].rstrip()
        return not before.endswith((".", "!", "?", ":", ";", "”", '"'))
    return False


def byline_name(block: str) -> str | None:
    """The author named by a byline block ("By Jane Doe"), if it is one."""
    m = _BYLINE.match(block.strip())
    return m.group("name") if m else None


def marker_rest(block: str) -> str:
    """Text after a "Read more:" or "Originally reported by" label (the named origin)."""
    for rx in (_READ_MORE, _SOURCE_MARKER):
        m = rx.match(block.strip())
        if m:
            return m.group("rest").strip()
    return ""

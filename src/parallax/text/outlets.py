"""Work out which outlet published an article, and say how we know.

Order of trust: an explicit metadata field, then the URL's domain, then the page's own
site name, then the text's self-references (a "Join our AMN Telegram channel" line, a
copyright line). A guess with no evidence is never made: the name stays None.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from parallax.types import Outlet

# Domains of outlets that often appear in news corpora, with their usual names and the short
# names they give themselves. Unknown domains keep the domain itself as the name.
KNOWN_OUTLETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "almasdarnews.com": ("AMN (Al-Masdar News)", ("AMN", "Al-Masdar News", "Al Masdar News")),
    "nytimes.com": ("The New York Times", ("New York Times", "NYT", "NYTimes")),
    "washingtonpost.com": ("The Washington Post", ("Washington Post",)),
    "wsj.com": ("The Wall Street Journal", ("Wall Street Journal", "WSJ")),
    "foxnews.com": ("Fox News", ("Fox News", "FoxNews")),
    "cnn.com": ("CNN", ("CNN",)),
    "cbsnews.com": ("CBS News", ("CBS News",)),
    "nbcnews.com": ("NBC News", ("NBC News",)),
    "abcnews.go.com": ("ABC News", ("ABC News",)),
    "npr.org": ("NPR", ("NPR",)),
    "bbc.co.uk": ("BBC", ("BBC", "BBC News")),
    "bbc.com": ("BBC", ("BBC", "BBC News")),
    "reuters.com": ("Reuters", ("Reuters",)),
    "apnews.com": ("Associated Press", ("AP", "Associated Press")),
    "theguardian.com": ("The Guardian", ("Guardian",)),
    "rt.com": ("RT", ("RT", "Russia Today")),
    "aljazeera.com": ("Al Jazeera", ("Al Jazeera",)),
    "breitbart.com": ("Breitbart", ("Breitbart", "Breitbart News")),
    "huffingtonpost.com": ("HuffPost", ("HuffPost", "Huffington Post")),
    "huffpost.com": ("HuffPost", ("HuffPost", "Huffington Post")),
    "dailystormer.name": ("The Daily Stormer", ("Daily Stormer",)),
    "infowars.com": ("Infowars", ("Infowars",)),
    "sputniknews.com": ("Sputnik", ("Sputnik",)),
    "theatlantic.com": ("The Atlantic", ("Atlantic",)),
    "politico.com": ("Politico", ("Politico",)),
    "usatoday.com": ("USA Today", ("USA Today",)),
}
_ALIASES = {alias.lower(): (name, dom) for dom, (name, al) in KNOWN_OUTLETS.items() for alias in al}

# "Join our brand new verified AMN Telegram channel": the outlet's name sits just before the
# network name. Only capitalised tokens count, so "our brand new verified" is skipped.
_JOIN = re.compile(
    r"\b(?:join|follow|subscribe to|like)\s+(?:us|our)?\s*(?P<words>[^.!?\n]{0,60}?)\s*"
    r"(?:telegram|facebook|twitter|youtube|instagram|whatsapp|viber|rss)\b",
    re.I,
)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]?\s*(?:\d{4})?)?\s*"
    r"(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,4})"
)
_CAP_TOKEN = re.compile(r"^[A-Z][\w&.'-]*$|^[A-Z]{2,}$")


def domain_of(url: str | None) -> str | None:
    """Registered-looking host of a URL without "www.", or None."""
    if not url:
        return None
    try:
        host = urlparse(url if "//" in url else f"//{url}").hostname
    except ValueError:  # "http://[broken" or a bracketed non-address: no domain, not a reason to reject
        return None
    if not host or "." not in host:
        return None
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _known(domain: str | None) -> tuple[str, str] | None:
    if not domain:
        return None
    for dom, (name, _) in KNOWN_OUTLETS.items():
        if domain == dom or domain.endswith("." + dom):
            return name, dom
    return None


def name_from_alias(text: str) -> tuple[str, str | None]:
    """Canonical outlet name (and domain) for a short name such as "AMN"."""
    hit = _ALIASES.get(text.strip().lower())
    return hit if hit else (text.strip(), None)


def self_reference(blocks: list[str]) -> tuple[str, str] | None:
    """(name, evidence text) from promotion or copyright lines that name the outlet."""
    for block in blocks:
        m = _JOIN.search(block)
        if m:
            toks = m.group("words").split()
            name_toks: list[str] = []
            for tok in reversed(toks):
                if not _CAP_TOKEN.match(tok) or tok.lower() in {"our", "the", "us", "new"}:
                    break
                name_toks.insert(0, tok.rstrip("'s").rstrip("’s"))
            if name_toks:
                return " ".join(name_toks), block.strip()
        m = _COPYRIGHT.search(block)
        if m and m.group("name").lower() not in {"all", "rights"}:
            return m.group("name"), block.strip()
    return None


def infer_outlet(
    meta_outlet: str | None,
    meta_evidence: str | None,
    url: str | None,
    site_name: str | None,
    self_ref_blocks: list[str],
) -> Outlet:
    """Decide the outlet from metadata, URL, site name or the text, recording the evidence."""
    domain = domain_of(url)
    if meta_outlet:
        meta_dom = domain_of(meta_outlet) if " " not in meta_outlet.strip() else None
        known = _known(meta_dom)
        if known:
            return Outlet(known[0], known[1], meta_evidence or "metadata")
        name, dom = name_from_alias(meta_outlet)
        return Outlet(name, dom or meta_dom or domain, meta_evidence or "metadata")
    if domain:
        known = _known(domain)
        return Outlet(known[0] if known else domain, domain, f"URL {url}")
    if site_name:
        name, dom = name_from_alias(site_name)
        return Outlet(name, dom, "page site name")
    ref = self_reference(self_ref_blocks)
    if ref:
        name, dom = name_from_alias(ref[0])
        return Outlet(name, dom, f"text: {ref[1]!r}")
    return Outlet(None, None, "unknown: no metadata, URL or self-reference in the text")

"""The sources an article cites: its speakers, and the outlets it names as reporting.

Outlets are found by name (the domain table of :mod:`parallax.text.outlets` and a few that
appear only as cited sources: wire services, broadcasters), in "to CNN"-style phrases next to
an attribution, and among the organisations NER reads.
"""

from __future__ import annotations

import re

from parallax.extract.names import acronyms, canonical_name, normalise_speaker
from parallax.text.outlets import _ALIASES, KNOWN_OUTLETS
from parallax.types import Attribution, CitedSource, Entity, Sentence

# Outlets that are not in the domain table but appear as cited sources in news text.
EXTRA_OUTLETS = {"ruptly", "rt's ruptly", "cnn", "cbs", "nbc", "npr", "bbc", "the bbc",
                 "wall street journal", "the wall street journal", "reuters", "ap", "afp",
                 "associated press", "al jazeera", "sana", "tass", "xinhua", "anadolu"}
_SOCIAL = {"twitter", "facebook", "telegram", "youtube", "instagram"}
# Outlet names as they are written in text, found by name (NER reads only the sentences with a
# reporting cue, and "RT's Ruptly video service with footage" has none). Case-sensitive, so
# "AP" and "RT" never match ordinary words.
_OUTLET_NAMES = sorted(
    {alias for _, aliases in KNOWN_OUTLETS.values() for alias in aliases}
    | {"Ruptly", "CBS", "NBC", "AFP", "SANA", "TASS", "Xinhua", "Anadolu", "Associated Press"},
    key=len, reverse=True,
)
_OUTLET_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in _OUTLET_NAMES) + r")(?![\w-])")


def source_kind(name: str, label: str | None) -> str:
    """outlet | organisation | person | social for a cited name."""
    low = name.lower()
    if low in _SOCIAL:
        return "social"
    if low in _ALIASES or low in EXTRA_OUTLETS or low.endswith((" news", " times", " post")):
        return "outlet"
    if label == "PERSON":
        return "person"
    return "organisation"


_TO_OUTLET = re.compile(r"\b(?:to|told|on|by|from)\s+(?P<name>(?:the\s+)?[A-Z][\w'’.]*(?:\s+[A-Z][\w'’.]*){0,3})")


def cited_sources(text: str, sentences: list[Sentence], entities: list[Entity],
                  attributions: list[Attribution]) -> list[CitedSource]:
    """Distinct sources an article leans on: speakers, and outlets it names as reporting."""
    defined = acronyms(text)
    labels = {canonical_name(normalise_speaker(e.text), defined): e.label for e in entities}
    surnames = {normalise_speaker(e.text).split()[-1] for e in entities if e.label == "PERSON"}
    labels.update({name: "PERSON" for name in surnames if name in labels})
    seen: dict[str, CitedSource] = {}
    named = [att for att in attributions if not att.anonymous]
    for att in named:
        name = att.speaker
        kind = source_kind(name, labels.get(name, "PERSON" if " " in name else None))
        seen.setdefault(name.lower(), CitedSource(name, kind))
    for att in attributions:
        # "…, said Talal Salo … to CNN": the outlet that carried the quote is cited too.
        sent = sentences[att.sentence]
        for m in _TO_OUTLET.finditer(sent.text):
            name = canonical_name(normalise_speaker(m.group("name")), defined)
            if source_kind(name, None) == "outlet":
                seen.setdefault(name.lower(), CitedSource(name, "outlet"))
    for e in entities:
        name = canonical_name(normalise_speaker(e.text), defined)
        if e.label == "ORG" and source_kind(name, "ORG") == "outlet":
            seen.setdefault(name.lower(), CitedSource(name, "outlet"))
    for m in _OUTLET_RE.finditer(text):
        name = m.group(0)
        if not any(key.endswith(name.lower()) or key.startswith(name.lower()) for key in seen):
            seen.setdefault(name.lower(), CitedSource(name, "outlet"))
    return sorted(seen.values(), key=lambda c: (c.kind, c.name))

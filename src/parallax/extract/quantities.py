"""Numbers in text with their unit, qualifier and what they count.

"nearly 80 percent of the city is destroyed" → 80, percent, qualifier "nearly", about
"of the city is destroyed". Years, dates and ordinals are not quantities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parallax.types import Quantity, Sentence

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "a hundred": 100,
    "hundred": 100, "a thousand": 1000, "half a million": 500_000, "a million": 1_000_000,
    "half a dozen": 6, "a couple of": 2,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "trillion": 1_000_000_000_000, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}
_WORD_NUM = "|".join(sorted((re.escape(w) for w in _UNITS_WORDS), key=len, reverse=True))
_QUALIFIERS = (
    r"nearly|almost|about|around|roughly|approximately|some|over|more than|less than|fewer than|"
    r"up to|at least|at most|as many as|as few as|an estimated|estimated|close to|under|"
    r"just over|just under|well over|upwards of|a high of|down to|a total of|only"
)
_NUMBER = re.compile(
    rf"(?:(?P<qual>{_QUALIFIERS})\s+)?"
    rf"(?:(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)|(?P<word>\b(?:{_WORD_NUM})\b))"
    r"(?:\s*(?:-|–|to)\s*(?P<high>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?))?"
    r"(?:\s*(?P<scale>hundred|thousand|million|billion|trillion|bn|k|m)\b)?"
    r"(?P<pct>\s*(?:%|percent\b|per cent\b|\[percent\]|\[per cent\]|pct\b))?",
    re.I,
)
# Words that end the noun phrase naming what a number counts.
_STOP = {
    "the", "a", "an", "of", "in", "on", "at", "to", "from", "and", "or", "but", "who", "which",
    "that", "were", "was", "are", "is", "have", "has", "had", "be", "been", "by", "for",
    "with", "as", "since", "this", "these", "those", "their", "its", "it", "they", "we",
    "he", "she", "ago", "later", "earlier", "before", "after", "per", "than", "into",
    "today", "yesterday", "now", "so", "far", "each", "every", "whom", "more", "less",
}
# Dotted acronyms ("U.S.") are one token, so the unit of "one U.S. airstrike" is not "u".
_TOKEN = re.compile(r"[A-Za-z](?:\.[A-Za-z])+\.?|[A-Za-z][A-Za-z'’-]*")
_MONTH_BEFORE = re.compile(
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s*$", re.I
)


def _value(m: re.Match[str]) -> float | None:
    num = m.group("num")
    value = float(num.replace(",", "")) if num else float(_UNITS_WORDS[m.group("word").lower()])
    scale = (m.group("scale") or "").lower()
    if scale:
        value *= _SCALES[scale]
    return value


def _is_year_or_date(m: re.Match[str], text: str) -> bool:
    num = m.group("num")
    if not num or m.group("pct") or m.group("scale"):
        return False
    if re.fullmatch(r"(1[89]|20)\d\d", num):
        return True  # 2014: a year, not a count
    before = text[max(0, m.start() - 12): m.start()]
    after = text[m.end(): m.end() + 3]
    if _MONTH_BEFORE.search(before) or re.match(r"(st|nd|rd|th)\b", after):
        return True
    return bool(re.match(r":\d\d", after))  # times


def _unit_after(text: str, pos: int) -> tuple[str | None, int]:
    """The counted noun after a number ("270,000 people" → people) and where it ends."""
    toks: list[str] = []
    end = pos
    for m in _TOKEN.finditer(text, pos):
        gap = text[end:m.start()]
        if gap.strip(" ") or len(toks) >= 3:
            break
        word = m.group(0)
        # "IS fighters": an all-capitals word is an acronym, not the verb "is".
        if word.lower() in _STOP and not (word.isupper() and len(word) > 1):
            break
        # "270,000 people fled", "1,300 civilians safely assisted": a past tense or an adverb
        # after the counted noun starts the predicate.
        if toks and word.lower().endswith(("ed", "ly")) and not word.isupper():
            break
        toks.append(word)
        end = m.end()
    return (" ".join(toks) if toks else None), end


def find_quantities(text: str, sentences: Iterable[Sentence]) -> list[Quantity]:
    """All quantities in ``text``, each tied to the index of its sentence."""
    out: list[Quantity] = []
    for index, sent in enumerate(sentences):
        chunk = text[sent.start:sent.end]
        for m in _NUMBER.finditer(chunk):
            if not (m.group("num") or m.group("word")) or _is_year_or_date(m, chunk):
                continue
            if m.group("word") and m.group("word").lower() in {"one", "a hundred"} and not m.group("pct"):
                next_unit, _ = _unit_after(chunk, m.end())
                if not next_unit or m.group("word").lower() == "one" and not m.group("qual"):
                    continue  # "one of the…", "one SDF fighter": not a figure worth comparing
            if re.match(r"[\w-]", chunk[m.end(): m.end() + 1] or " ") and not m.group("pct"):
                continue  # part of a token such as "Ak-47s" or "F16"
            if m.start() > 0 and re.match(r"[\w-]", chunk[m.start() - 1]) and not m.group("qual"):
                continue
            value = _value(m)
            if value is None:
                continue
            if m.group("pct"):
                unit: str | None = "percent"
                unit_end = m.end()
            else:
                unit, unit_end = _unit_after(chunk, m.end())
            about = _about(chunk, unit_end)
            qual = m.group("qual").lower() if m.group("qual") else None
            if m.group("high"):
                qual = (qual + " " if qual else "") + f"range to {m.group('high')}"
            start = sent.start + m.start()
            out.append(Quantity(
                start=start,
                end=sent.start + m.end(),
                text=m.group(0),
                value=value,
                unit=unit.lower() if unit else None,
                about=about,
                qualifier=qual,
                sentence=index,
            ))
    return out


def _about(chunk: str, pos: int) -> str:
    """A few words after the number and unit, up to a clause boundary: what it refers to."""
    rest = chunk[pos:]
    # Clause ends: punctuation, but not the comma inside "1,873" nor the dots of "S.D.F.".
    rest = re.split(r",(?!\d)|[;:”\"()]|(?<![A-Z])\.(?=\s|$)|\s[–—]\s", rest, maxsplit=1)[0]
    return " ".join(rest.split()[:8])

"""When two statements of a story cannot both be true: conflicting figures and contradicting accounts.

Figures. Each quantity becomes an interval from its value and qualifier, with explicit
tolerances (the table below): "about 2,000" is [1,700, 2,300], so "1,950" agrees with it, while
"around 270,000" [229,500, 310,500] and "450,000" [427,500, 472,500] do not. Two figures are
compared only when they count the same thing: the same unit family (people, percent, …) and the
same kind of event ("fled" ~ "displaced", "control" ~ "cleared" ~ "fallen", from the frame
table), and for shares the same whole ("of the city" ~ "of Raqqa", not "of territory"). Measures
written as compounds count what their unit and noun name: "the 48-page indictment" and "the
47-page indictment" conflict (exact values, whatever their roundness).

Accounts. Two sentences that share the distinctive words of a statement, where one negates
it and the other does not ("a secret deal" / "the deal was never a secret").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.claims.claimsim import stem, stems
from parallax.types import Quantity

# Relative tolerance by qualifier: (below, above) the stated value; None = unbounded.
# Round numbers ("450,000") are approximations too: they get ROUND_TOLERANCE either way.
_QUALIFIER_BOUNDS: tuple[tuple[re.Pattern[str], tuple[float, float | None]], ...] = (
    (re.compile(r"\b(?:more than|over|at least|above|upwards of|in excess of|exceeding)\b", re.I), (0.0, None)),
    (re.compile(r"\b(?:less than|under|fewer than|up to|at most|below|as many as)\b", re.I), (1.0, 0.0)),
    (re.compile(r"\b(?:nearly|almost|close to|just under)\b", re.I), (0.15, 0.0)),
    (re.compile(r"\b(?:about|around|some|roughly|approximately|an estimated|estimated|circa|~)\b", re.I),
     (0.15, 0.15)),
)
ROUND_TOLERANCE = 0.05
EXACT_TOLERANCE = 0.01

# Unit heads that count the same things.
_UNIT_FAMILY = {
    "people": "people", "person": "people", "civilian": "people", "resident": "people", "refugee": "people",
    "child": "people", "children": "people", "men": "people", "women": "people", "inhabit": "people",
    "fighter": "fighters", "militant": "fighters", "jihadist": "fighters", "terrorist": "fighters",
    "soldier": "fighters", "troop": "fighters",
    "percent": "percent", "%": "percent", "per cent": "percent",
}
# Kinds of event a figure can count; stems of the words that signal each.
FRAMES: dict[str, frozenset[str]] = {
    "displaced": frozenset({"fled", "flee", "displac", "refuge", "evacu", "homeless", "exodus", "camp"}),
    "killed": frozenset({"kill", "dead", "death", "die", "casualti", "victim", "fatal", "bodi"}),
    "injured": frozenset({"injur", "wound", "hurt"}),
    "control": frozenset({"control", "clear", "liber", "captur", "seiz", "taken", "fallen", "fell", "held",
                          "reclaim", "retaken", "retak", "free"}),
    "destroyed": frozenset({"destroy", "damag", "ruin", "raze", "rubbl", "flatten"}),
    "strikes": frozenset({"strike", "airstrik", "bomb", "raid", "shell"}),
}
# "the entire city has fallen": a share stated without a number.
_TOTALITY = re.compile(r"\b(?:the\s+)?(?:entire|whole)\s+(?P<whole>city|town|territory|country|region|area)\b"
                       r"|\ball\s+of\s+(?:the\s+)?(?P<whole2>city|town|territory|country|region|area)\b", re.I)
# Words a story uses for its own place: "of the city" and "of Raqqa" name the same whole.
_PLACE_WORDS = frozenset({"citi", "town", "capit"})
# Measures written as compounds ("the 48-page indictment", "the 35-word oath"): the unit and the
# noun it measures name what is counted, so "47-page indictment" and "48-page indictment" are
# one thing with two values.
_MEASURE = re.compile(r"\b(?P<n>\d{1,3}(?:,\d{3})*|\d+)-(?P<unit>word|page|minute|hour|day|week|month|mile|"
                      r"member|seat|count|story|foot|acre)s?\s+(?:[a-z]+-)?(?P<head>[a-z]{3,})\b")
# Sums of money ("$5.7 billion"). Budget stories are full of different sums for different
# things in look-alike sentences, so sums are compared only across two sentences the same-fact
# model already calls one fact (see claims.align), each holding a single sum.
_MONEY = re.compile(r"\$\s?(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(?P<scale>trillion|billion|million|"
                    r"thousand|bn)\b)?", re.I)
_SCALE = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "thousand": 1e3}
_NEGATION = frozenset({"never", "not", "no", "n't", "neither", "nor", "deni", "deny", "fals", "untru", "without"})


@dataclass(frozen=True)
class Figure:
    """A figure read for comparison: what it counts, and the interval it allows."""

    family: str
    frames: frozenset[str]
    whole: frozenset[str]  # stems of the "of …" whole for shares ("of the city")
    named_whole: bool  # the whole is a proper name ("of Raqqa"): a place the story names
    low: float
    high: float
    value: float
    text: str
    start: int
    end: int


def frames_of(text: str, toks: list[str] | None = None) -> frozenset[str]:
    """Frames whose signal stems occur in a text (``toks``: its stems, if already known)."""
    words = set(stems(text) if toks is None else toks)
    return frozenset(f for f, keys in FRAMES.items() if any(t.startswith(k) for t in words for k in keys))


# A count of people is of the event its own clause names: in "two people briefed on the matter
# have said [Florida] has become a focus of the investigation into the bombs", the two people
# were not bombed. The frame words are read this many characters either side of the figure
# (the Raqqa figures keep theirs: "around 270,000 people have fled", "displaced 450,000").
FRAME_WINDOW = 60


def _local_frames(sentence: str, start: int, end: int) -> frozenset[str]:
    lo, hi = max(0, start - FRAME_WINDOW), min(len(sentence), end + FRAME_WINDOW)
    # Whole words only: a window edge must not cut "bombs" into "bo".
    while lo > 0 and sentence[lo - 1].isalnum():
        lo -= 1
    while hi < len(sentence) and sentence[hi].isalnum():
        hi += 1
    return frames_of(sentence[lo:hi])


def _family(unit: str | None) -> str | None:
    if not unit:
        return None
    head = unit.lower().split()[-1]
    return _UNIT_FAMILY.get(head) or _UNIT_FAMILY.get(head.rstrip("s")) or _UNIT_FAMILY.get(stem(head))


def _bounds(value: float, text: str, exact: bool = False) -> tuple[float, float]:
    """The interval a figure allows, from its qualifier; ``exact``: a measure ("the 48-page
    indictment") is exact even when its number is round."""
    for pattern, (below, above) in _QUALIFIER_BOUNDS:
        if pattern.search(text):
            low = value * (1.0 - below)
            return low, (float("inf") if above is None else value * (1.0 + above))
    is_round = not exact and _is_round(value)
    tol = ROUND_TOLERANCE if is_round else EXACT_TOLERANCE
    return value * (1.0 - tol), value * (1.0 + tol)


def _is_round(value: float) -> bool:
    return (value >= 100 and value % 50 == 0) or value % 5 == 0


def _whole(about: str | None) -> tuple[frozenset[str], bool]:
    """Stems of the whole a share is of ("of the city" → {"citi"}), and whether it is a name."""
    m = re.match(r"\s*of\s+(?:the\s+)?(?P<w>[\w'’ -]+)", about or "")
    if not m:
        return frozenset(), False
    return frozenset(stems(m.group("w"))[:2]), m.group("w")[:1].isupper()


def figures(sentence: str, sentence_start: int, quantities: tuple[Quantity, ...],
            toks: list[str] | None = None) -> list[Figure]:
    """The comparable figures of one sentence (those with a known unit family)."""
    if not quantities and not (_TOTALITY.search(sentence) or _MEASURE.search(sentence)):
        return []
    out: list[Figure] = []
    for q in quantities:
        family = _family(q.unit)
        if family is None:
            continue
        low, high = _bounds(q.value, q.text)
        if family == "percent":
            high = min(high, 100.0)
        whole, named = _whole(q.about)
        out.append(Figure(family, _local_frames(sentence, q.start - sentence_start, q.end - sentence_start),
                          whole, named, low, high, q.value, q.text, q.start, q.end))
    for m in _MEASURE.finditer(sentence):
        value = float(m.group("n").replace(",", ""))
        low, high = _bounds(value, sentence[max(0, m.start() - 25):m.end()], exact=True)
        out.append(Figure(f"{m.group('unit')} {stem(m.group('head'))}", frozenset({"measure"}), frozenset(),
                          False, low, high, value, m.group(0), sentence_start + m.start(), sentence_start + m.end()))
    totals = list(_TOTALITY.finditer(sentence))
    # "the entire city has fallen" counts what the whole sentence says was taken (a count of
    # people reads only its own clause, above); read only where such a phrase is.
    frames = frames_of(sentence, toks) if totals else frozenset()
    for m in totals:
        if "control" in frames:
            whole = frozenset({stem((m.group("whole") or m.group("whole2")).lower())})
            out.append(Figure("percent", frames, whole, False, 100.0, 100.0, 100.0, m.group(0),
                              sentence_start + m.start(), sentence_start + m.end()))
    return out


def money_figures(sentence: str, sentence_start: int) -> list[Figure]:
    """The sums of money in a sentence, each with the interval its qualifier and roundness allow
    (roundness read on the number as written: "$882 billion" is exact, "$800 billion" round)."""
    out = []
    for m in _MONEY.finditer(sentence):
        written = m.group("n").replace(",", "")
        number = float(written)
        scale = _SCALE.get((m.group("scale") or "").lower(), 1.0)
        context = sentence[max(0, m.start() - 25):m.end()]
        low, high = _bounds(number, context)
        qualified = any(p.search(context) for p, _ in _QUALIFIER_BOUNDS)
        if "." in written and not qualified and not _is_round(number):
            # "$5.6 billion" is 5.6 to the tenth: a 1 % band would meet "$5.7 billion".
            step = 0.4 * 10.0 ** -len(written.split(".")[1])
            low, high = number - step, number + step
        out.append(Figure("money", frozenset({"money"}), frozenset(), False, low * scale, high * scale,
                          number * scale, m.group(0), sentence_start + m.start(), sentence_start + m.end()))
    return out


# A year after a preposition ("has led House Democrats since 2002" / "since 2003"), or a span of
# years ("served from 1967 to 1979" / "held the seat from 1966 to 1978"): compared, like sums,
# only across two sentences the same-fact model calls one fact, and only under the same
# preposition ("since 2002" and "in 2003" can both hold).
_YEAR = re.compile(r"\b(?P<prep>since|in|from|until|by|before|after|between)\s+"
                   r"(?:(?:early|late|mid|the\s+end\s+of)\s+)?(?P<y>(?:19|20)\d\d)\b(?![-–]\d|s\b|['’]s)"
                   r"(?:\s+(?:to|until|through|and)\s+(?P<y2>(?:19|20)\d\d)\b)?", re.I)
# Two reports of one date that disagree are off by a year or two ("since 2002" / "since 2003");
# years further apart in two linked sentences are more often two facts the link joined
# ("governor from 1996 to 2007" / "lieutenant governor from 1993 to 1996"). A prior, not a
# fitted number: the claims gold holds three year disputes.
YEAR_DISAGREEMENT_MAX = 2


def year_figures(sentence: str, sentence_start: int) -> list[Figure]:
    """The years a sentence dates something by ("since 2002"; "from 1967 to 1979" as one span),
    exact, one family per preposition."""
    out = []
    for m in _YEAR.finditer(sentence):
        low = float(m.group("y"))
        high = float(m.group("y2")) if m.group("y2") else low
        family = f"year {m.group('prep').lower()}" + (" span" if m.group("y2") else "")
        out.append(Figure(family, frozenset({"year"}), frozenset(), False, low, high, low, m.group(0),
                          sentence_start + m.start(), sentence_start + m.end()))
    return out


def years_disagree(a: Figure, b: Figure) -> bool:
    """Two datings of one thing (same preposition, both spans or both single years) that differ,
    each end by at most ``YEAR_DISAGREEMENT_MAX`` years."""
    if a.family != b.family or (a.low, a.high) == (b.low, b.high):
        return False
    return abs(a.low - b.low) <= YEAR_DISAGREEMENT_MAX and abs(a.high - b.high) <= YEAR_DISAGREEMENT_MAX


def years_apart(a: Figure, b: Figure) -> bool:
    """Two datings under the same preposition further apart than a misreport: two facts, not one
    ("governor from 1996 to 2007" / "lieutenant governor from 1993 to 1996")."""
    return a.family == b.family and not years_disagree(a, b) and (a.low, a.high) != (b.low, b.high)


def comparable(a: Figure, b: Figure) -> bool:
    """Whether two figures count the same thing (so that their values can agree or conflict)."""
    if a.family != b.family or not (a.frames & b.frames):
        return False
    if a.family == "percent":
        if not a.whole or not b.whole:
            return False
        # "of the city" and "of Raqqa": within one story, a place word and a named place are
        # taken to be the same place (the story's own city).
        place_a = bool(a.whole & _PLACE_WORDS) or a.named_whole
        place_b = bool(b.whole & _PLACE_WORDS) or b.named_whole
        return bool(a.whole & b.whole) or (place_a and place_b)
    return True


def conflicting(a: Figure, b: Figure) -> bool:
    """Comparable figures whose intervals do not meet."""
    return comparable(a, b) and (a.high < b.low or b.high < a.low)


@dataclass(frozen=True)
class Polarity:
    """A sentence's content stems and those of them a negation stands before."""

    stems: frozenset[str]
    negated: frozenset[str]


def polarity(text: str) -> Polarity:
    """What :func:`contradicts` needs of one sentence (computed once per sentence)."""
    return Polarity(frozenset(stems(text)), frozenset(t for t, neg in _negation_tokens(text) if neg))


def contradicts(a: str | Polarity, b: str | Polarity, common: set[str]) -> bool:
    """One sentence negates a statement the other makes (``common``: the story's everyday stems).

    Needs two shared distinctive content stems, and a negation within two words before one
    of them in exactly one of the sentences ("a secret deal" / "the deal was never a secret").
    """
    pa = a if isinstance(a, Polarity) else polarity(a)
    pb = b if isinstance(b, Polarity) else polarity(b)
    shared = (pa.stems & pb.stems) - common - _NEGATION
    if len(shared) < 2:
        return False
    return bool(pa.negated & shared) != bool(pb.negated & shared)


def _negation_tokens(text: str) -> list[tuple[str, bool]]:
    """Stems, each flagged when a negation word stands within the two words before it.

    Negated words of knowing and saying ("could not be independently verified", "had no
    comment", "it is not clear") hedge a report; they do not contradict another one.
    """
    raw = re.findall(r"[A-Za-z0-9]+(?:n't)?", text.replace("’", "'"))
    words = [w.lower() for w in raw]
    out: list[tuple[str, bool]] = []
    for i, w in enumerate(words):
        s = stem(w)
        window = words[max(0, i - 2):i]
        negated = any(x.endswith("n't") or stem(x) in _NEGATION for x in window)
        # A name is not a statement: "neither Ferguson nor St. Louis police" negates no place.
        negated = negated and raw[i][0].islower() and s not in _EPISTEMIC
        out.append((s, negated and not any(stem(x) in _EPISTEMIC for x in window)))
    return out


# Stems of knowing, saying and confirming: negating them hedges a statement.
_EPISTEMIC = frozenset({"confirm", "verifi", "comment", "clear", "known", "know", "say", "said", "reveal",
                        "disclos", "independ", "immedi", "respond", "avail", "sure", "certain", "specifi",
                        "identifi", "elabor", "provid", "return", "answer", "repli", "explain"})

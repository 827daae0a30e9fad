"""Direction of partisan framing (US left / right), shown only where the text shows it.

The hyperpartisan model says *how* one-sided an article is, not *which* side it takes: its
training labels carry no direction, and a bag-of-words direction model trained on BASIL's 156
articles with a left / right label scored near chance under event-grouped CV (0.58, majority
0.52; ``bench/framing.py``). So the direction comes from cues a reader can check, each one a span
in the article's own words (quotations, embedded tweets and attributed sentences are the
sources' framing, not the outlet's, and are skipped):

* **coded terms**: vocabulary one side uses for a thing the other side names differently
  ("illegal aliens" / "undocumented immigrants", "death tax" / "estate tax"), in the manner of
  Gentzkow & Shapiro (2010), and each side's stock pejoratives for the other ("libtards",
  "Rethuglicans"). Hand-curated: no data here labels them.
* **epithets**: a party-coded actor (a party, its members, a US politician of it) with an
  evaluative word right before it or in its predicate ("crooked Hillary", "Trump is a
  pathological liar"). The words are those PTC annotators marked as name calling, loaded
  language or exaggeration, with VADER's valence (Hutto & Gilbert 2014). Abuse of one side's
  actor frames towards the other side. The tone of a whole clause is not used (see
  :func:`_epithet`).
* **contrasts**: one side's actor credited with what the other's "never" did ("Trump Wins
  Massive Military Victory, Obama Never Did This").
* **self-identification**: the author counts themself among a side's voters or supporters
  ("Didn't we vote for Donald Trump …").

Measured on 80 hyperpartisan articles labelled by hand (``bench/framing.py``), the direction is
shown for about half of those that take a side, and is right for 9 in 10 of them; it is shown
far more often for right-leaning articles than left-leaning ones (the cue lists find the right's
vocabulary more easily). The cues are US-centred: the gazetteer knows US parties and
politicians only. Outside US politics the direction is simply not shown.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from parallax.signals.loaded import lexicon_words
from parallax.text.quotes import quotation_spans

Side = Literal["left", "right"]

# Party-coded actors. Names are matched case-sensitively: "Democratic" in "Syrian Democratic
# Forces" or "trump card" must not count, hence the guard after "Democratic"/"Republican".
_PARTY_NOUN = (r"(?:Party|party|lawmakers?|leaders?|leadership|senators?|Senators?|congressm[ae]n|candidates?|"
               r"nominees?|establishment|base|voters|politicians|governors?|majority|caucus|members|operatives|"
               r"donors|National Committee|primary|presidential|House|Senate|administration)")
_ACTORS: dict[Side, str] = {
    "left": (
        rf"\bDemocrats?\b(?! Forces)|\bDemocratic {_PARTY_NOUN}\b|\bDNC\b|\b[Ll]iberals?\b|\b[Pp]rogressives\b|"
        r"\b[Ll]eftists?\b|\bthe [Ll]eft\b|\b[Ll]eft-wing(?:ers)?\b|\bObama(?:'s)?\b|\bHillary\b|\bClintons?\b|"
        r"\bBiden\b|\bPelosi\b|\bSchumer\b|\bBernie\b|(?<!Huckabee )\bSanders\b|\bElizabeth Warren\b|\bKamala Harris\b|"
        r"\bOcasio-Cortez\b|\bAOC\b|\bHarry Reid\b|\bJohn Kerry\b|\bAl Gore\b|\bAdam Schiff\b|\bMaxine Waters\b|"
        r"\bIlhan Omar\b|\bPodesta\b|\bBeto\b"
    ),
    "right": (
        rf"\bRepublicans?\b|\bRepublican {_PARTY_NOUN}\b|\bGOP\b|\bRNC\b|\b[Cc]onservatives\b|\bthe [Rr]ight\b|"
        r"\b[Rr]ight-wing(?:ers)?\b|\bTrump(?:'s)?\b|\bPence\b|\bMcConnell\b|\bPaul Ryan\b|\bTed Cruz\b|"
        r"\bRubio\b|\bRomney\b|\bGeorge W\. Bush\b|\bBush\b|\bCheney\b|\bBoehner\b|\bSarah Palin\b|\bTea Party\b|"
        r"\bSpicer\b|\bBannon\b|\bJeff Sessions\b|\bKellyanne Conway\b|\bGiuliani\b|\bKavanaugh\b|\bPruitt\b|"
        r"\bDeVos\b|\bDevin Nunes\b|\bJim Jordan\b|\bRoy Moore\b|\bHuckabee Sanders\b|\bMAGA\b"
    ),
}
_ACTOR_RE: dict[Side, re.Pattern[str]] = {side: re.compile(p) for side, p in _ACTORS.items()}

# Coded vocabulary: (pattern, side the term frames towards, gloss). Case-insensitive unless the
# term depends on its capital ("Democrat Party" as an adjective is a Republican usage).
# Patterns are matched on ASCII-lowercased text; each top-level alternative starts with a
# literal, which serves as a cheap substring filter before the regex runs (_coded_matches).
_CODED: tuple[tuple[str, Side, str], ...] = (
    (r"illegal aliens?|illegals\b", "right", "'illegal aliens' for undocumented immigrants"),
    (r"death tax", "right", "'death tax' for the estate tax"),
    (r"partial-birth abortions?", "right", "'partial-birth abortion'"),
    (r"pro-abortion", "right", "'pro-abortion' for pro-choice"),
    (r"the unborn", "right", "'the unborn'"),
    (r"chain migration", "right", "'chain migration' for family reunification"),
    (r"open borders", "right", "'open borders'"),
    (r"job creators", "right", "'job creators'"),
    (r"government-run health ?care", "right", "'government-run health care'"),
    (r"radical left|far left|hard left", "right", "'radical / far left'"),
    (r"libtards?|snowflakes?|leftards?|demonrats?", "right", "pejorative for the left"),
    (r"globalists?", "right", "'globalists'"),
    (r"deep state", "right", "'deep state'"),
    (r"fake news media|mainstream media|lamestream|msm\b", "right", "'mainstream media' as a foe"),
    (r"america first", "right", "'America First'"),
    (r"israel first", "right", "'Israel First' (a far-right trope of divided loyalty)"),
    (r"social justice warriors?|sjws?\b", "right", "'social justice warriors'"),
    (r"political correctness|politically correct", "right", "'political correctness' as a foe"),
    (r"witch ?hunt|russia hoax", "right", "'witch hunt' / 'hoax' for an investigation"),
    (r"liberal (?:media|bias|elites?|mob)|leftist|the left's", "right", "'liberal media' / 'leftist'"),
    (r"anti-trump (?:media|press)|trump-hating", "right", "'anti-Trump media'"),
    (r"race (?:hustlers?|hucksters?|baiters?)|race-baiting", "right", "'race hustlers'"),
    (r"migrant invasion|invasion of (?:illegal|migrants)", "right", "'invasion' for migration"),
    (r"gay agenda|lgbt agenda|homosexual agenda", "right", "'the gay agenda'"),
    (r"climate hoax|climate change hoax|global warming hoax", "right", "'climate hoax'"),
    (r"amnesty(?! international)", "right", "'amnesty' for legalisation"),
    (r"crooked hillary|barack hussein obama", "right", "a campaign epithet"),
    (r"undocumented (?:immigrants?|workers|people)", "left", "'undocumented immigrants'"),
    (r"anti-choice", "left", "'anti-choice' for anti-abortion"),
    (r"reproductive (?:rights|freedom|health care)", "left", "'reproductive rights'"),
    (r"gun safety|gun lobby", "left", "'gun safety' / 'gun lobby'"),
    (r"climate (?:deniers?|denial|crisis|emergency)", "left", "'climate denier / crisis'"),
    (r"tax (?:cuts|breaks) for the (?:rich|wealthy|wealthiest)|gop tax scam", "left",
     "'tax cuts for the rich'"),
    (r"corporate greed|billionaire class|the one percent|the 1 ?%", "left", "'corporate greed' / 'the 1%'"),
    (r"voter suppression", "left", "'voter suppression'"),
    (r"liar[- ]in[- ]chief|right-wing extremis\w*|extremist right-wing", "left",
     "'liar in chief' / 'right-wing extremists'"),
    (r"marriage equality", "left", "'marriage equality' for same-sex marriage"),
    (r"rethuglicans?|repugnicans?|wingnuts?|teabaggers?|trumpsters?|trumpanzees?|drumpf", "left",
     "pejorative for the right"),
)
_LOWER = {c: c + 32 for c in range(65, 91)}  # ASCII lowercase keeps every offset


def _literal_keys(pattern: str) -> tuple[str, ...]:
    """The literal prefix of each top-level alternative of ``pattern``."""
    keys, depth, start = [], 0, 0
    for i, ch in enumerate(pattern + "|"):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "|" and depth == 0:
            alt = pattern[start:i]
            cut = re.search(r"[\\()\[\]?*+{.|^$]", alt)
            # A quantifier makes the character before it optional: "aliens?" needs "alien".
            keys.append(alt if cut is None else alt[:cut.start() - (alt[cut.start()] in "?*{")])
            start = i + 1
    return tuple(keys)


_Coded = tuple[tuple[re.Pattern[str], tuple[str, ...], Side, str], ...]
_CODED_RE: _Coded = tuple((re.compile(rf"\b(?:{p})"), _literal_keys(p), side, gloss) for p, side, gloss in _CODED)
_CASED_CODED = re.compile(r"\bDemocrat (?:Party|lawmakers|leaders|senators?|-controlled|-run)\b")

# Self-identification: first person + voting for / supporting an actor.
_SELF_RE = re.compile(r"\b(?:[Ww]e|I)\b(?:\s+\w+){0,2}?\s+(?:vot(?:e|ed|ing)|elect(?:ed)?|support(?:ed)?|"
                      r"back(?:ed)?|campaign(?:ed)? for)\s+(?:for\s+)?(?:[A-Z][a-z]+\s+)?")
# VADER lexicon valence (−4…4) from which a word is an epithet: 1.5 keeps "corrupt" (−1.6),
# "liar" (−2.3), "disgraced" (−2.0) and leaves mildly coloured words ("problem", "strong") out.
EPITHET_MIN = 1.5
_EPITHET_TECHNIQUES = frozenset({"Name_Calling,Labeling", "Loaded_Language", "Exaggeration,Minimisation"})
# An epithet right before the actor ("crooked Hillary", "the disgraced Democrats").
_PREMODIFIER_RE = re.compile(r"\b([A-Za-z][a-z'-]+) $")
# ... or after a copula, in the first three words of the predicate ("Democrats are corrupt",
# "Obama was a disaster", "Trump is a pathological liar").
_PREDICATE_RE = re.compile(r"\s+(?:is|was|are|were|has been|have been)\s+(?:an?\s+|the\s+)?"
                           r"(?P<words>[A-Za-z][a-z'-]+(?:\s+[A-Za-z][a-z'-]+){0,2})")
# "Obama Never Did This": the actor said never to have done it.
_NEVER_RE = re.compile(r"(?:'s)?\s+(?:[Nn]ever|NEVER|failed to|[Ff]ailed To)\b")
_SENTENCE_END_RE = re.compile(r"[.!?]\s|\n")
# An embedded tweet pasted as text: its paragraph ends in "— Name (@handle) October 10, 2017".
# It is the tweeter's words, like a quotation.
# Only the signature is matched by the regex (a pattern that also spanned the tweet's text
# backtracked without end on long paragraphs); the tweet is the line before it (_tweets).
_TWEET_SIGNATURE_RE = re.compile(r"[\u2014-]\s*[^\n()]{1,60}\(@\w{1,30}\)\s+[A-Z][a-z]+ \d{1,2}, \d{4}")
# Words before a quoted term that make it a mention, not a use: "Trump's “Crooked Hillary”",
# "the so-called “deep state”".
_DISTANCING_RE = re.compile(r"(?:'s|\b(?:his|her|their|so-called|called|dubbed|nicknamed|labell?ed|term|phrase|"
                            r"slogan|chants?|chanted))\W{0,3}$", re.IGNORECASE)
# A direction is shown when the cues lean this far one way: (right - left) / (right + left + 1).
# The +1 is a prior of one neutral cue, so a single cue gives 0.5 and is shown as "weak".
DIRECTION_MIN = 0.5


@dataclass(frozen=True)
class FramingCue:
    """One span that frames towards a side; ``text == source[start:end]``."""

    start: int
    end: int
    text: str
    side: Side
    kind: str  # "coded term" | "appraisal" | "contrast" | "self-identification"
    why: str
    in_title: bool = False  # offsets are then in the headline, not the body


@dataclass(frozen=True)
class Framing:
    """The direction of an article's framing, with its cues."""

    direction: Side | None
    score: float  # -1 (left) … +1 (right); 0 with no cues
    strength: str  # "none" | "weak" | "clear"
    cues: list[FramingCue]


@functools.lru_cache(maxsize=1)
def _vader() -> object:
    """VADER's analyser, loaded once (its lexicon ships in the PyPI package)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _inside(start: int, end: int, regions: Sequence[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in regions)


@functools.lru_cache(maxsize=1)
def _epithets() -> dict[str, float]:
    """Words that appraise a person or group, with their VADER valence: words of valence
    |v| >= EPITHET_MIN that PTC's annotators marked most often as name calling, loaded language
    or exaggeration (the project's span lexicon). Event words ("attack", "killed") are in
    VADER but are not name calling."""
    lexicon = _vader().lexicon  # type: ignore[attr-defined]
    return {w: float(lexicon[w]) for w in lexicon_words(_EPITHET_TECHNIQUES)
            if w in lexicon and abs(lexicon[w]) >= EPITHET_MIN}


def _epithet(text: str, m: re.Match[str]) -> tuple[int, int, str] | None:
    """An epithet applied to the actor ``m``: right before it ("crooked Hillary") or after a
    copula ("Democrats are corrupt", "Obama was a disaster").

    Only these count, not the tone of the clause around the actor: in news copy that tone is
    mostly the event's ("Democrats boycotted", "attack on Paul Ryan"), which says nothing of
    the writer's side. While this module was built, clause tone (VADER over the actor's clause)
    ordered BASIL's right / left article pairs no better than chance (0.47-0.59).
    """
    words = _epithets()
    before = _PREMODIFIER_RE.search(text, max(0, m.start() - 30), m.start())
    if before and before.end() == m.start() and before.group(1).lower() in words:
        return before.start(1), m.end(), before.group(1)
    after = _PREDICATE_RE.match(text, m.end())
    if after:
        for w in re.finditer(r"\S+", after.group("words")):
            if w.group(0).lower() in words:
                return m.start(), after.start("words") + w.end(), w.group(0)
    return None


def _contrast(text: str, m: re.Match[str], side: Side, regions: Sequence[tuple[int, int]]) -> FramingCue | None:
    """"Obama Never Did This": one side's actor said never to have done what the sentence
    credits, with the other side's actor in the same sentence or headline."""
    neg = _NEVER_RE.match(text, m.end())
    if not neg:
        return None
    lo = max((x.end() for x in _SENTENCE_END_RE.finditer(text, 0, m.start())), default=0)
    other: Side = "right" if side == "left" else "left"
    rivals = (x for x in _ACTOR_RE[other].finditer(text, lo, m.start()) if not _inside(x.start(), x.end(), regions))
    rival = next(rivals, None)
    if rival is None:
        return None
    return FramingCue(rival.start(), neg.end(), text[rival.start():neg.end()], other, "contrast",
                      f"credits {rival.group(0)} ({other}) with what {m.group(0)} ({side}) 'never' did")


def _appraisal(text: str, m: re.Match[str], side: Side) -> FramingCue | None:
    """Praise or abuse of the actor ``m`` by an epithet in the author's words, or None."""
    found = _epithet(text, m)
    if found is None:
        return None
    lo, hi, word = found
    tone = _epithets()[word.lower()]
    towards: Side = side if tone > 0 else ("right" if side == "left" else "left")
    kind = "praise" if tone > 0 else "abuse"
    return FramingCue(lo, hi, text[lo:hi], towards, "appraisal",
                      f"{kind} of a {side}-wing actor: '{word}' said of {m.group(0)} (valence {tone:+.1f})")


def _tweets(text: str) -> list[tuple[int, int]]:
    """Embedded tweets: a signature ("— Name (@handle) October 10, 2017") and the tweet's text,
    on its line or, when the signature stands on a line of its own, on the line before."""
    out = []
    for m in _TWEET_SIGNATURE_RE.finditer(text):
        line = text.rfind("\n", 0, m.start()) + 1
        start = text.rfind("\n", 0, max(line - 1, 0)) + 1 if not text[line:m.start()].strip() else line
        out.append((start, m.end()))
    return out


def _coded_matches(text: str) -> Iterator[tuple[re.Match[str], Side, str]]:
    """Coded terms in ``text`` (match offsets are the text's)."""
    low = text.translate(_LOWER)
    for rx, keys, side, gloss in _CODED_RE:
        if any(k in low for k in keys):
            for m in rx.finditer(low):
                yield m, side, gloss
    if "Democrat " in text:
        for m in _CASED_CODED.finditer(text):
            yield m, "right", "'Democrat Party' (noun as adjective, a Republican usage)"


def framing_cues(text: str, reported: Sequence[tuple[int, int]] = ()) -> list[FramingCue]:
    """Framing cues in ``text`` outside quotations and the ``reported`` (attributed) regions."""
    quotes = quotation_spans(text)
    tweets = _tweets(text) if "(@" in text else []
    regions = [*quotes, *tweets, *reported]
    cues: list[FramingCue] = []
    for m, side, gloss in _coded_matches(text):
        # A coded term in scare quotes inside the author's sentence ('an “America First”
        # policy') is still the author's framing, unless the words before it make it a mention
        # ("Trump's “Crooked Hillary”"); a longer quotation is someone else's words.
        scare = [(a, b) for a, b in quotes if b - a <= len(m.group(0)) + 4 and a <= m.start() and m.end() <= b]
        if scare and _DISTANCING_RE.search(text, max(0, scare[0][0] - 30), scare[0][0]):
            continue
        if _inside(m.start(), m.end(), [(a, b) for a, b in regions if (a, b) not in scare]):
            continue
        cues.append(FramingCue(m.start(), m.end(), text[m.start():m.end()], side, "coded term", f"coded term: {gloss}"))
    for side, rx in _ACTOR_RE.items():
        for m in rx.finditer(text):
            if _inside(m.start(), m.end(), regions):
                continue
            before = text[max(0, m.start() - 60):m.start()]
            s = _SELF_RE.search(before)
            if s and s.end() == len(before):
                a = m.start() - len(before) + s.start()
                cues.append(FramingCue(a, m.end(), text[a:m.end()], side, "self-identification",
                                       f"the author counts themself among the backers of {m.group(0)} ({side})"))
                continue
            cue = _appraisal(text, m, side) or _contrast(text, m, side, regions)
            if cue is not None:
                cues.append(cue)
    return _dedupe(sorted(cues, key=lambda c: (c.start, -c.end)))


def _dedupe(cues: list[FramingCue]) -> list[FramingCue]:
    """One cue per span: two names of one actor in one appraisal count once."""
    out: list[FramingCue] = []
    for c in cues:
        if out and c.kind == out[-1].kind and c.start < out[-1].end:
            continue
        out.append(c)
    return out


def framing(text: str, reported: Sequence[tuple[int, int]] = (), title: str = "") -> Framing:
    """The direction of the framing of an article's body ``text`` and headline ``title``, or
    none where no cues show it. ``reported`` are the body's attributed regions."""
    cues = [dataclasses.replace(c, in_title=True) for c in framing_cues(title)] if title else []
    cues += framing_cues(text, reported)
    right = sum(1 for c in cues if c.side == "right")
    left = len(cues) - right
    score = (right - left) / (right + left + 1)
    if abs(score) < DIRECTION_MIN:
        return Framing(None, round(score, 4), "none", cues)
    direction: Side = "right" if score > 0 else "left"
    strength = "clear" if abs(right - left) >= 2 else "weak"
    return Framing(direction, round(score, 4), strength, cues)

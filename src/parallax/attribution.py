"""Who says what: speakers of sentences and the sources an article cites.

A first, rule-based reader: a reporting cue ("said", "tweeted", "according to", "told")
plus the named entity next to it. Pronouns ("he said") take the last named speaker, and a
quotation that runs over several sentences keeps its speaker until the quote closes.
"""

from __future__ import annotations

import re

from .outlets import _ALIASES
from .types import Attribution, CitedSource, Entity, Sentence

# Reporting verbs in the forms news prose uses them. Nouns that look like verbs ("claims",
# "reports", "tweets") are left out: "a series of tweets" attributes nothing. The forms after
# "described" were added from PolNeAR train misses (bench/attribution.py): cue overlap F1 on
# PolNeAR dev 0.47 → 0.54 (with quotes tracked across sentences).
_CUE = re.compile(
    r"\b(said|says|say|saying|tweeted|told|tells|telling|added|adds|adding|wrote|writes|writing|"
    r"reported|stated|(?<!United )states|claimed|claiming|announced|announces|announcing|"
    r"pointed out|pointing out|explained|explains|explaining|noted|notes|noting|confirmed|"
    r"confirms|warned|warns|warning|argued|argues|arguing|insisted|insists|estimated|described|"
    r"asked|asks|called for|called on|calls for|calls on|suggested|suggests|acknowledged|"
    r"acknowledges|declared|declares|responded|responds|replied|replies|recalled|recalls|"
    r"agreed|urged|urges|cited|cites|accused|accuses|criticized|criticised|praised|promised|"
    r"pledged|vowed|vows|predicted|predicts|denied|denies|admitted|admits|revealed|reveals|"
    r"emphasized|emphasised|stressed|referring to|pointed to|blamed|defended|"
    r"according to|estimates by)\b",
    re.I,
)
_PRONOUN_BEFORE = re.compile(r"\b(he|she|they|it)\s+(?:also\s+|then\s+|later\s+)?$", re.I)
# Titles and roles stripped when normalising a speaker's name.
_TITLES = re.compile(
    r"^(?:(?:u\.s\.|us|army|navy|air force|marine|lt\.?|lieut(?:enant)?\.?|gen\.?|general|col\.?|"
    r"colonel|maj\.?|major|capt\.?|captain|sgt\.?|sergeant|adm\.?|admiral|dr\.?|mr\.?|mrs\.?|ms\.?|"
    r"prof\.?|president|sen\.?|senator|rep\.?|gov\.?|governor|secretary|minister|spokesman|"
    r"spokeswoman|spokesperson|reporter|correspondent|the)\s+)+",
    re.I,
)
_MIDDLE_INITIAL = re.compile(r"\s[A-Z]\.\s")
SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
# Outlets that are not in the domain table but appear as cited sources in news text.
EXTRA_OUTLETS = {"ruptly", "rt's ruptly", "cnn", "cbs", "nbc", "npr", "bbc", "the bbc",
                 "wall street journal", "the wall street journal", "reuters", "ap", "afp",
                 "associated press", "al jazeera", "sana", "tass", "xinhua", "anadolu"}
_SOCIAL = {"twitter", "facebook", "telegram", "youtube", "instagram"}


def normalise_speaker(name: str) -> str:
    """"Army Col. Ryan S. Dillon" → "Ryan Dillon"; "the SDF" → "SDF"."""
    name = re.sub(r"[’']s$", "", name.strip(" ,.;:“”\"'"))
    name = _TITLES.sub("", name)
    name = _MIDDLE_INITIAL.sub(" ", f" {name} ").strip()
    return name


# "Syrian Democratic Forces (SDF)": an article defines its acronyms on first use.
_DEFINED_ACRONYM = re.compile(
    r"(?P<full>(?:[A-Z][\w'’-]*\s+)(?:(?:of|for|the|and|[A-Z][\w'’-]*)\s+){0,6}[A-Z][\w'’-]*)\s*"
    r"\((?P<abbr>[A-Z](?:\.?[A-Z&]){1,8}\.?)[,)]"
)


def acronyms(text: str) -> dict[str, str]:
    """Acronyms the text defines, undotted: {"SDF": "Syrian Democratic Forces"}.

    The full form is trimmed from the left until its capitalised words' initials spell the
    acronym, so "U.S.-backed Syrian Democratic Forces (SDF)" maps to "Syrian Democratic Forces".
    """
    out: dict[str, str] = {}
    for m in _DEFINED_ACRONYM.finditer(text):
        abbr = m.group("abbr").replace(".", "")
        words = m.group("full").split()
        for start in range(len(words)):
            initials = "".join(w[0] for w in words[start:] if w[0].isupper())
            if initials.upper() == abbr.upper():
                out.setdefault(abbr, " ".join(words[start:]))
                break
    return out


def canonical_name(name: str, defined: dict[str, str]) -> str:
    """One spelling per source: "S.D.F." = "SDF" = "Syrian Democratic Forces" when defined."""
    undotted = name.replace(".", "") if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?", name) else name
    return defined.get(undotted, undotted)


_OPEN, _CLOSE = "“", "”"
# How far (characters) a subject may sit before its cue: room for an appositive such as
# ", a spokesman for the United States military in Baghdad,".
_SUBJECT_WINDOW = 90


def quoted_spans(text: str, inside: bool = False) -> tuple[list[tuple[int, int]], bool]:
    """Spans of quotations in ``text`` and whether a quotation is still open at its end.

    ``inside`` says the text starts within a quotation opened earlier (a quote running over
    several sentences): its first quotation mark then closes rather than opens. Curly marks
    say which way they go; straight ones toggle.
    """
    spans: list[tuple[int, int]] = []
    start = 0 if inside else -1
    for i, ch in enumerate(text):
        if ch == _OPEN or (ch == '"' and start < 0):
            if start < 0:
                start = i
        elif (ch == _CLOSE or ch == '"') and start >= 0:
            spans.append((start, i + 1))
            start = -1
    if start >= 0:
        spans.append((start, len(text)))
    return spans, start >= 0


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _speaker_near(sent: Sentence, cue: re.Match[str], ents: list[Entity],
                  quotes: list[tuple[int, int]]) -> Entity | None:
    """The entity right after the cue ("said Talal Salo") or the subject before it.

    Entities inside quotation marks are what is said, not who says it. Before the cue, a
    person wins over an organisation: "Col. Dillon, a spokesman for the military in
    Baghdad, said" is Dillon speaking, not Baghdad.
    """
    cands = [e for e in ents if e.label in SPEAKER_LABELS and not _inside(e.start - sent.start, quotes)]
    cue_start, cue_end = sent.start + cue.start(), sent.start + cue.end()
    after = [e for e in cands if 0 <= e.start - cue_end <= 6]
    if after:
        return after[0]
    before = [e for e in cands if 0 <= cue_start - e.end <= _SUBJECT_WINDOW]
    persons = [e for e in before if e.label == "PERSON"]
    if persons:
        return persons[0]
    near = [e for e in before if cue_start - e.end <= 25]
    return near[-1] if near else None


def attribute(text: str, sentences: list[Sentence], entities: list[Entity]) -> list[Attribution]:
    """One attribution per attributed sentence, speaker names resolved within the article."""
    full_names = _full_names(entities)
    defined = acronyms(text)
    out: list[Attribution] = []
    last_speaker: str | None = None
    open_quote_speaker: str | None = None
    inside = False
    for index, sent in enumerate(sentences):
        ents = [e for e in entities if sent.start <= e.start < sent.end]
        found: Attribution | None = None
        was_inside = inside
        quotes, inside = quoted_spans(sent.text, inside)
        for cue in _CUE.finditer(sent.text):
            if _inside(cue.start(), quotes):
                continue
            ent = _speaker_near(sent, cue, ents, quotes)
            if ent is not None:
                short = normalise_speaker(ent.text)
                name = canonical_name(full_names.get(short) or full_names.get(short.split()[-1], short), defined)
                found = Attribution(index, name, cue.group(0).lower(),
                                    sent.start + cue.start(), sent.start + cue.end())
                break
            known = _known_surname(sent.text, cue, full_names)
            if known:  # "Dillon tweeted" where NER missed "Dillon" but the article named him
                found = Attribution(index, canonical_name(known, defined), cue.group(0).lower(),
                                    sent.start + cue.start(), sent.start + cue.end())
                break
            if last_speaker and _PRONOUN_BEFORE.search(sent.text[: cue.start()]):
                found = Attribution(index, last_speaker, cue.group(0).lower(),
                                    sent.start + cue.start(), sent.start + cue.end())
                break
        continues = was_inside or sent.text.lstrip().startswith(("“", '"'))
        if found is None and open_quote_speaker and continues:
            found = Attribution(index, open_quote_speaker, "quote-continues", sent.start, sent.start)
        if found:
            out.append(found)
            last_speaker = found.speaker
        # A quote opened and not closed in this sentence continues in the next one.
        open_quote_speaker = (found.speaker if found else open_quote_speaker) if inside else None
    return out


_NAME_BEFORE = re.compile(r"(?P<name>[A-Z][\w'’-]+)\s+(?:also\s+|then\s+|later\s+)?$")
_NAME_AFTER = re.compile(r"^\s+(?:[A-Z][\w'’-]+\s+)?(?P<name>[A-Z][\w'’-]+)\b")


def _known_surname(text: str, cue: re.Match[str], full_names: dict[str, str]) -> str | None:
    """Full name of a person already named in the article whose surname stands at the cue."""
    for m in (_NAME_BEFORE.search(text[: cue.start()]), _NAME_AFTER.match(text[cue.end():])):
        if m and m.group("name") in full_names:
            return full_names[m.group("name")]
    return None


def _full_names(entities: list[Entity]) -> dict[str, str]:
    """Map surnames and short forms to the longest PERSON name seen ("Dillon" → "Ryan Dillon")."""
    persons = sorted({normalise_speaker(e.text) for e in entities if e.label == "PERSON"}, key=len)
    out: dict[str, str] = {}
    for full in persons:  # longest last: a surname maps to the fullest form of the name
        if " " in full:
            out[full.split()[-1]] = full
    for short in persons:
        for full in reversed(persons):
            if full != short and full.split()[-1] == short.split()[-1] and len(full) > len(short):
                out[short] = full
                break
    return out


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
    for att in attributions:
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
    return sorted(seen.values(), key=lambda c: (c.kind, c.name))

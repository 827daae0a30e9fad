"""Speakers' names: one spelling per source.

"Army Col. Ryan S. Dillon" and "Dillon" are one speaker, "S.D.F." and "Syrian Democratic Forces"
one organisation: titles are stripped, acronyms an article defines are expanded, and a surname
maps to the fullest form of the name the article gives. Used by :mod:`parallax.extract.attribution`
and :mod:`parallax.extract.cited`.
"""

from __future__ import annotations

import re

from parallax.types import Entity

# Titles and roles stripped when normalising a speaker's name.
TITLES = re.compile(
    r"^(?:(?:u\.s\.|us|army|navy|air force|marine|lt\.?|lieut(?:enant)?\.?|gen\.?|general|col\.?|"
    r"colonel|maj\.?|major|capt\.?|captain|sgt\.?|sergeant|adm\.?|admiral|dr\.?|mr\.?|mrs\.?|ms\.?|"
    r"prof\.?|president|sen\.?|senator|rep\.?|gov\.?|governor|secretary|minister|spokesman|"
    r"spokeswoman|spokesperson|reporter|correspondent|pro\s+tem(?:pore)?|the)\s+)+",
    re.I,
)
_MIDDLE_INITIAL = re.compile(r"\s[A-Z]\.\s")
# "The Save the Children organization states": the name is "Save the Children".
_GENERIC_TAIL = re.compile(r"\s+(?:organi[sz]ation|group|agency|network|charity)$", re.I)


def normalise_speaker(name: str) -> str:
    """"Army Col. Ryan S. Dillon" → "Ryan Dillon"; "the SDF" → "SDF"."""
    name = re.sub(r"[’']s$", "", name.strip(" ,.;:“”\"'"))
    name = TITLES.sub("", name)
    name = _MIDDLE_INITIAL.sub(" ", f" {name} ").strip()
    return _GENERIC_TAIL.sub("", name) or name


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
            content = "".join(w[0] for w in words[start:] if w[0].isupper() and w.lower() not in _FUNCTION_WORDS)
            if abbr.upper() in (initials.upper(), content.upper()):
                out.setdefault(abbr, " ".join(words[start:]))
                break
    return out


_FUNCTION_WORDS = {"is", "of", "the", "and", "for", "in", "on", "to", "a", "an", "at", "by"}


def canonical_name(name: str, defined: dict[str, str]) -> str:
    """One spelling per source: "S.D.F." = "SDF" = "Syrian Democratic Forces" when defined.

    A tail of a defined name is that name too: NER often reads "Raqqa Is Being Slaughtered
    Silently (RBSS)" as "Being Slaughtered Silently".
    """
    undotted = name.replace(".", "") if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]\.?", name) else name
    if undotted in defined:
        return defined[undotted]
    if " " in undotted:
        for full in defined.values():
            if full.endswith(" " + undotted):
                return full
    return undotted


def one_edit(a: str, b: str) -> bool:
    """Whether two words differ by exactly one inserted, deleted or replaced letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def same_person(a: str, b: str) -> bool:
    """Two forms of one name: the same surname, and the shorter form's other words all in the
    longer one ("Dillon" / "Ryan Dillon", "James Mattis" / "Defense Secretary James Mattis",
    "George Bush" / "George W. Bush"; never "Tracy Martin" / "Trayvon Martin", father and son)."""
    wa, wb = a.split(), b.split()
    if not wa or not wb or wa[-1] != wb[-1]:
        return False
    short, long_ = sorted((wa[:-1], wb[:-1]), key=len)
    return set(short) <= set(long_)


def full_names(entities: list[Entity]) -> dict[str, str]:
    """Map surnames and short forms to the longest PERSON name seen ("Dillon" → "Ryan Dillon").

    Two full names of one length that share a surname ("James Foley", "Diane Foley") make the
    surname ambiguous; it goes to the one the text names first (news writing introduces its
    subject first). Ordering by length alone left that choice to set order, i.e. to the hash
    seed, so the same article got different speakers in different processes.
    """
    first: dict[str, int] = {}
    for e in sorted(entities, key=lambda e: e.start):
        if e.label == "PERSON":
            first.setdefault(normalise_speaker(e.text), e.start)
    # Shortest first; among equal lengths the first-named comes last, so it wins both loops below.
    persons = sorted(first, key=lambda name: (len(name), -first[name], name))
    out: dict[str, str] = {}
    for full in persons:  # longest last: a surname maps to the fullest form of the name
        if " " in full:
            out[full.split()[-1]] = full
    for short in persons:
        for full in reversed(persons):
            if full != short and len(full) > len(short) and same_person(short, full):
                out[short] = full
                break
    return out

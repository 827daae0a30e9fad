"""Who says what: the speaker of each sentence.

A first, rule-based reader: a reporting cue ("said", "tweeted", "according to", "told")
plus the named entity next to it. Pronouns ("he said") take the last named speaker, and a
quotation that runs over several sentences keeps its speaker until the quote closes.
"""

from __future__ import annotations

import re

from parallax.extract import names
from parallax.extract.names import TITLES, acronyms, canonical_name, normalise_speaker, one_edit
from parallax.types import Attribution, Entity, Sentence

# Reporting verbs in the forms news prose uses them. Nouns that look like verbs ("claims",
# "reports", "tweets") are left out: "a series of tweets" attributes nothing. The forms after
# "described" were added from PolNeAR train misses (bench/attribution.py): cue overlap F1 on
# PolNeAR dev 0.47 → 0.54 (with quotes tracked across sentences).
_CUE = re.compile(
    r"\b(said|says|say|saying|tweeted|told|tells|telling|added|adds|adding|wrote|writes|writing|"
    r"reported|posted|stated|(?<!United )states(?=\s+(?:that\b|:|“|\"))|claimed|claiming|"
    r"announced|announces|announcing|"
    r"pointed out|pointing out|explained|explains|explaining|noted|notes|noting|confirmed|"
    r"confirms|warned|warns|warn|warning|argued|argues|argue|arguing|insisted|insists|estimated|described|"
    r"asked|asks|called for|called on|calls for|calls on|suggested|suggests|acknowledged|"
    r"acknowledges|declared|declares|responded|responds|replied|replies|recalled|recalls|"
    r"agreed|urged|urges|cited|cites|accused|accuses|criticized|criticised|praised|promised|"
    r"pledged|vowed|vows|predicted|predicts|denied|denies|admitted|admits|revealed|reveals|"
    r"emphasized|emphasised|stressed|referring to|pointed to|blamed|defended|describes|"
    r"according to|estimates by)\b",
    re.I,
)
_PRONOUN_BEFORE = re.compile(r"\b(he|she|they|it)\s+(?:also\s+|then\s+|later\s+)?$", re.I)
SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
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


_MARK = re.compile(r'["“”]')


def _next_mark_opens(text: str, pos: int) -> bool:
    """The next quotation mark at or after ``pos`` opens a quotation: a curly opening mark, or a
    straight one with a space (or nothing) before it and a word after it."""
    m = _MARK.search(text, pos)
    if m is None or m.group(0) == _CLOSE:
        return False
    if m.group(0) == _OPEN:
        return True
    before = text[m.start() - 1] if m.start() else " "
    after = text[m.end()] if m.end() < len(text) else " "
    return (before.isspace() or before in "([") and not after.isspace()


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# Between a cue and the person after it: a role or the outlet they work for ("according to
# CBS News reporter Holly Williams", "according to NPR's Tom Bowman", "according to British
# astronomer Patrick Moore"). Professions are also read by their endings (astronomer, physicist,
# historian, consultant, professor, congressman), short of function words with those endings; a
# gap that reads as a role lets the person after it speak, not a nationality before it ("British").
_PROFESSION = (r"(?!(?:after|under|other|another|rather|either|neither|never|whether|together|however|later|"
               r"over|ever|order|major|minor|prior|paper|water|power|number|matter|letter|center|winter|summer|"
               r"quarter|border|member|document|statement|comment|moment|event|recent|current|percent)\b)"
               r"[a-z]{3,}(?:er|or|ist|ian|ant|ent|man|woman)|attorney|judge|expert|scholar|sheriff|pastor|"
               r"priest|coach|bishop|rabbi|imam|aide|envoy|deputy")
_ROLE_GAP = re.compile(
    r"^[\s,]*(?:(?:the|a|an|its|[A-Z][\w.&-]*(?:['’]s)?|reporter|correspondent|spokes(?:man|woman|person)|"
    r"official|analyst|editor|columnist|anchor|host|chief|minister|secretary|commander|colonel|col\.|"
    rf"general|gen\.|army|president|senior|former|journalist|activist|researcher|{_PROFESSION})\s+)*$"
)
# An entity right after one of these is an object ("fighters in Syria, who confirmed"), not a subject.
# "addressed to the U.S. attorney Channing D. Phillips - the Utah Republican asks": "to" too.
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|at|from|of|near|on|into|with|for|against|over|across|to)\s+(?:the\s+)?$",
                                 re.I)
# Nor is a name right after a verb that takes a person as its object: "has sent Ryan, R-Wis., a
# letter saying he misused …" (the letter speaks, not Ryan), "defeated her lone challenger, Rep.
# Tim Ryan", "Obama asked Republican politicians".
_OBJECT_VERB_BEFORE = re.compile(
    r"\b(?:sen[dt]s?|gave|give[sn]?|hand(?:s|ed)|ask(?:s|ed|ing)|urg(?:es|ed|ing)|told|tells?|thank(?:s|ed)|invit(?:es|ed)|"
    r"accus(?:es|ed)|critici[sz](?:es|ed)|prais(?:es|ed)|attack(?:s|ed)|blam(?:es|ed)|sue[sd]|defeat(?:s|ed)|"
    r"beat|met|meets|visit(?:s|ed)|appoint(?:s|ed)|nominat(?:es|ed)|fir(?:es|ed)|replac(?:es|ed)|"
    r"challeng(?:es|ed)|endors(?:es|ed)|interview(?:s|ed)|warn(?:s|ed))"
    r"\s+(?:(?:the|her|his|their|its|a|an)\s+)?(?:[a-z][\w-]*\s+){0,2}(?:[A-Z][\w.]*\s+){0,2}$")
# Participle cues take the sentence's subject: "Central Command stopped short of declaring victory,
# saying that …".
_PARTICIPLE = {"saying", "adding", "noting", "warning", "arguing", "explaining", "claiming",
               "announcing", "telling", "writing", "pointing out"}
# The longest gap (characters) between the cue and a person named after a role.
_ROLE_WINDOW = 45
# Cues whose source always follows them: "according to X", never "X, according to".
_SOURCE_AFTER = {"according to", "estimates by", "referring to"}
_BY = re.compile(r"^\s+by\s+(?:the\s+|an?\s+)?")
# "fighters in Syria, who confirmed": the source is the noun before "who", not the place.
_RELATIVE = re.compile(r",\s+who\s+(?:also\s+|later\s+)?$")
_WHO_BEFORE = re.compile(r",?\s+who\s+(?:also\s+|later\s+)?$")
_OPENING = re.compile(r"^\W*(?:[\w.'’-]+\s+){0,3}$")
_TOLD = {"told", "tells", "telling"}
# Cues whose object is a person, never an inverted speaker: "criticized Democrats, but argued"
# (Bloomberg criticises; "Democrats" is criticised). Only verbs of saying invert ("said Salo").
_OBJECT_CUES = {"criticized", "criticised", "accused", "accuses", "praised", "urged", "urges", "blamed",
                "defended", "called on", "calls on"}
_ASK = {"asked", "asks"}
_RELATIVE_CUE = re.compile(r"\b(?:who|which|that)\s+(?:also\s+|later\s+|have\s+|has\s+|had\s+)?$", re.I)


# A name before a role noun qualifies it: "The Vermont senator said", "a Newfoundland man who
# vowed", "Trump supporters say" (the senator, the man, the supporters speak).
_ROLE_NOUN_AFTER = re.compile(rf"^\s+(?:{_PROFESSION}|senator|lawmaker|group|company|firm|native)s?\b")
# After a name, a lowercase word other than a time or place goes on with the clause.
_CLAUSE_GOES_ON = re.compile(r"^(?:['’]s)?\s+(?!(?:on|in|at|last|this|late|early|earlier|later|today|tonight|"
                             r"yesterday|spokes\w+|officials?)\b)[a-z]")
# ", saying …" / "… theology,” saying …": a participle clause after a comma.
_COMMA_BEFORE = re.compile(r",[”\"’']?\s*$")
_POSSESSIVE_NEXT = re.compile(r"^['’]s?\b")
# A party, nationality or religion speaks only as a plural noun ("Democrats said", "The Saudis
# have warned"). As an adjective ("Republican presidential candidate Donald Trump", "Chinese
# traders"), an apposition ("The governor, a Republican, told") or a singular noun standing for
# one person ("the Wisconsin Republican criticized") it is not the speaker, nor is the place
# before it ("Wisconsin"). On a third of PolNeAR train, all 93 sentences given such a speaker
# were read by hand: none of them was right.
_A_BEFORE = re.compile(r"\b(?:a|an)\s+(?:[A-Z][\w.-]*\s+)?$", re.I)


def _modifier(e: Entity, text: str, offset: int, ents: list[Entity]) -> bool:
    """Whether a party/nationality entity (or the place before one) only qualifies a noun."""
    if e.label == "GPE":
        return any(n.label == "NORP" and 0 < n.start - e.end <= 1 for n in ents)
    if e.label != "NORP":
        return False
    word = e.text.strip()
    plural = word.endswith("s") and not word.endswith("ss")
    return not plural or bool(_A_BEFORE.search(text[:e.start - offset]))


def _speaker_near(sent: Sentence, cue: re.Match[str], ents: list[Entity],
                  quotes: list[tuple[int, int]]) -> Entity | None:
    """The entity right after the cue ("said Talal Salo") or the subject before it.

    Entities inside quotation marks are what is said, not who says it. Before the cue, a
    person wins over an organisation: "Col. Dillon, a spokesman for the military in
    Baghdad, said" is Dillon speaking, not Baghdad. An entity that is half of a compound
    ("American-backed forces") or the object of a preposition ("in Syria") is not a subject.
    """
    text = sent.text
    # NER reads a bare title as a name ("Senate President Pro Tem David Long": "Pro Tem").
    cands = [e for e in ents if e.label in SPEAKER_LABELS and not _inside(e.start - sent.start, quotes)
             and TITLES.sub("", e.text.strip() + " ").strip() and not _modifier(e, text, sent.start, ents)]
    cue_start, cue_end = sent.start + cue.start(), sent.start + cue.end()
    word = cue.group(0).lower()
    # "Asked by reporters whether …, he said": who asks is not who answers.
    passive = _BY.match(text[cue.end():]) if word not in _ASK else None
    if passive:  # "described by a BBC investigative report": the agent is the source
        at = cue.end() + passive.end()
        # "described by Irish physicist John Smith": the person after a role, not the nationality.
        named = [e for e in cands if e.label == "PERSON" and 0 <= e.start - sent.start - at <= _ROLE_WINDOW
                 and _ROLE_GAP.match(text[at:e.start - sent.start])]
        agent = named or [e for e in cands if e.start - sent.start == at]
        return agent[0] if agent else None
    # "officials who said Cohen … acknowledged": after a relative pronoun the name that follows
    # the cue is the subject of what was said, not the speaker.
    # "told Fox News", "tells reporters": after these the name is who was told, not who spoke;
    # after a participle ("announcing former governor William Weld as his running mate") it is
    # what was announced or said.
    # A name with a possessive after the cue is what was said about ("Rice said Israeli Prime
    # Minister Benjamin Netanyahu's planned speech …"), not who said it.
    after = [] if (_RELATIVE_CUE.search(text[:cue.start()]) or word in _TOLD or word in _PARTICIPLE
                   or word in _OBJECT_CUES) else [
        e for e in cands if 0 <= e.start - cue_end <= _ROLE_WINDOW
        and _ROLE_GAP.match(text[cue_end - sent.start:e.start - sent.start])
        and not _POSSESSIVE_NEXT.match(text[e.end - sent.start:])
        # Half of a compound is no speaker: "said the Atlanta-based company was …".
        and text[e.end - sent.start:e.end - sent.start + 1] != "-"]
    if after:
        persons = [e for e in after if e.label == "PERSON"]
        if persons:
            return persons[0]
        # An institution right after the cue speaks when its name ends the frame ("…," said the
        # Pentagon. / said the White House on Monday), not when a clause goes on ("Earnest also
        # said the Indiana law was …", "said the California progressive has lost …").
        # ("according to an FBI summary" names its source either way.)
        if after[0].start - cue_end <= 6 and (word in _SOURCE_AFTER
                                              or not _CLAUSE_GOES_ON.match(text[after[0].end - sent.start:])):
            return after[0]
    if word in _SOURCE_AFTER:
        return None

    def subject_like(e: Entity) -> bool:
        rel_end, rel_start = e.end - sent.start, e.start - sent.start
        # Half of a compound: "American-backed forces", "Ryan, R-Wis.,".
        return (text[rel_end:rel_end + 1] != "-" and text[rel_start - 1:rel_start] != "-"
                and not _PREPOSITION_BEFORE.search(text[:rel_start])
                and not _OBJECT_VERB_BEFORE.search(text[:rel_start]) and not _ROLE_AFTER.match(text[rel_end:])
                and not _ROLE_NOUN_AFTER.match(text[rel_end:]))

    def possessive(e: Entity) -> bool:
        return bool(_POSSESSIVE_NEXT.match(text[e.end - sent.start:]))

    participle_clause = word in _PARTICIPLE and bool(_COMMA_BEFORE.search(text[:cue.start()]))
    if participle_clause:
        # ", saying …" takes the subject of the sentence, however far: "Rick Santorum on Sunday tried
        # to clarify his comment that President Obama subscribed to a “phony theology,” saying …".
        persons = [e for e in cands if e.end <= cue_start and e.label == "PERSON" and subject_like(e)]
        if persons:
            return persons[0]
    before = [e for e in cands if 0 <= cue_start - e.end <= _SUBJECT_WINDOW and subject_like(e)]
    # "… confounded Justice Kennedy also drew the ire of Justice Antonin Scalia who said": the
    # person right before "who" speaks (BASIL, outside the gold).
    who = _WHO_BEFORE.search(text[:cue.start()])
    if who:
        named = [e for e in before if e.label == "PERSON" and e.end - sent.start == who.start()]
        if named:
            return named[0]
    # "Clinton's campaign chairman, John Podesta, said": the person named speaks before the one
    # whose campaign it is. (Dropping a possessive name altogether — "fault Clinton's use of a
    # server, saying" — was right more often on PolNeAR, but made two more wrong "corroborated"
    # claims on the claims gold's tune half, two statements the same-fact model joins that had
    # hidden behind one wrong speaker; not shipped.)
    persons = sorted((e for e in before if e.label == "PERSON"), key=possessive)
    if persons:
        return persons[0]
    near = [e for e in before if cue_start - e.end <= 25 and not _RELATIVE.search(text[:cue.start()])]
    if near:
        return near[-1]
    if participle_clause:
        # Only the sentence's opening noun phrase is its subject: "Senior White House officials
        # raised the stakes on congressional Democrats …, warning" is not Democrats speaking.
        subjects = [e for e in cands if e.end <= cue_start and subject_like(e)
                    and _OPENING.match(text[:e.start - sent.start])]
        return subjects[0] if subjects else None
    return None


# Unnamed sources: a noun phrase headed by a role right before the cue ("one SDF fighter told",
# "officials have said") or right after "according to" ("according to residents reached by phone").
COURT_FILINGS = r"indictment|complaint|lawsuit|affidavit|charging documents|court (?:documents|papers|filings)"
"""Court documents that speak as a source ("the indictment said"); claims.origins counts a
story's filings as one source."""
# "one person familiar with the investigation said", "officials close to the president say": an
# unnamed source described by what they know. Without this, "the president" would be the speaker.
_KNOWING = (
    r"(?:person|people|sources?|officials?|someone|individuals?|aides?|associates?)\s+"
    r"(?:(?:directly\s+)?familiar\s+with|close\s+to|briefed\s+on|involved\s+in|knowledgeable\s+about|"
    r"with\s+(?:direct\s+|firsthand\s+|detailed\s+)?knowledge\s+of)\s+"
    r"(?:the\s+|his\s+|her\s+|their\s+|its\s+|a\s+|an\s+)?(?:[\w.'’-]+\s+){0,8}?[\w'’-]+"
)
_KNOWING_RE = re.compile(_KNOWING)
_ROLE_HEAD = (
    r"(?:officials?|spokes(?:man|woman|person)|fighters?|residents?|witness(?:es)?|sources?|activists?|"
    r"forces|commanders?|militants?|soldiers?|troops|police|authorities|analysts?|experts?|observers?|"
    r"diplomats?|monitors?|ministry|military|government|administration|army|coalition|officers?|civilians?|doctors?|"
    r"medics?|workers?|journalists?|reporters?|lawmakers?|investigators?|prosecutors?|aides?|insiders?|"
    rf"{_KNOWING}|{COURT_FILINGS})"
)
# "one SDF fighter told": the organisation's name modifies an unnamed source.
_ROLE_AFTER = re.compile(rf"^\s+{_ROLE_HEAD}\b")
_NP_WORD = (r"(?:[A-Z][\w.'’-]*|[a-z]+-[a-z]+|local|senior|several|some|many|other|two|three|one|another|top|U\.S\.|"
            # Bodies an unnamed source speaks for ("a senior administration official"): kept in the
            # name so that origins can tell one institution's voices (origins.same_institution).
            r"administration|government|military|campaign|police|defense|intelligence|security)")
_NP_BEFORE = re.compile(
    rf"(?:^|[\s,;(])(?P<np>(?:{_NP_WORD}\s+){{0,3}}{_ROLE_HEAD})\s+(?:also\s+|have\s+|has\s+|had\s+|later\s+)?$"
)
_NP_AFTER = re.compile(rf"^\s+(?:the\s+|an?\s+)?(?P<np>(?:{_NP_WORD}\s+){{0,3}}{_ROLE_HEAD})\b")
_RELATIVE_TAIL = re.compile(r"(?:\s+(?:in|from|at|on)\s+[A-Z][\w-]*)?,?\s+who\s+(?:also\s+|later\s+)?$")
_ROLE_FIRST = re.compile(rf"(?i:{_ROLE_HEAD})\s")
_NP_DROP = re.compile(r"^(?:one|another|some|several|many|other|two|three|the|a|an)\s+", re.I)


def _unnamed_source(text: str, cue: re.Match[str]) -> str | None:
    """"one SDF fighter told" → "SDF fighter"; "according to residents" → "residents"."""
    if cue.group(0).lower() == "according to":
        m = _NP_AFTER.match(text[cue.end():])
        np_text = m.group("np") if m else ""
    else:
        prefix = _RELATIVE_TAIL.sub(" ", text[: cue.start()])
        # "Police said", "Officials close to the president say": a role that opens the sentence
        # is matched in lower case and kept as written.
        lowered = prefix[0].lower() + prefix[1:] if _ROLE_FIRST.match(prefix) else prefix
        m = _NP_BEFORE.search(lowered)
        np_text = prefix[m.start("np"):m.end("np")] if m else ""
    if not np_text:
        return None
    while _NP_DROP.match(np_text):
        np_text = _NP_DROP.sub("", np_text, count=1)
    return np_text


def _unnamed_subject(text: str, cue: re.Match[str], np_text: str | None) -> str | None:
    """``np_text`` (the cue's unnamed source, :func:`_unnamed_source`) when it is the subject
    right before a reporting verb ("officials said") and not someone's ("Trump's spokesman" is
    left to the named person, as before)."""
    word = cue.group(0).lower()
    if np_text is None or word == "according to" or word.startswith("ask") \
            or _RELATIVE_TAIL.search(text[: cue.start()]):
        # "A reporter asked Sanders …": the answer that follows is Sanders's. "BuzzFeed …,
        # citing officials who said …": the sentence is BuzzFeed's relay, read as before.
        return None
    knows = _KNOWING_RE.search(np_text)
    owner = re.search(r"['’]s\b", np_text[: knows.start()] if knows else np_text)
    return None if owner else np_text


# A quotation that ends in a later sentence than it began is attributed back to its start, at
# most this many sentences back: unbalanced straight quotes must not smear a speaker over a page.
_MAX_QUOTE_SENTENCES = 6


def attribute(text: str, sentences: list[Sentence], entities: list[Entity]) -> list[Attribution]:
    """One attribution per attributed sentence, speaker names resolved within the article.

    Quotations over several sentences are attributed as a whole: forward from a cue that
    opens them ("According to Ruth Sherlock, “Raqqa is …"), backward from a cue that closes
    them ("… It's some 150 miles,” Bowman reported."), and a quote paragraph with no cue of
    its own right after an attributed quote keeps that speaker.
    """
    full_names = names.full_names(entities)
    defined = acronyms(text)
    out: dict[int, Attribution] = {}
    last: Attribution | None = None
    open_quote: Attribution | None = None
    opened_at: int | None = None
    prev_quoted = False
    inside = False
    for index, sent in enumerate(sentences):
        was_inside = inside
        quotes, inside = quoted_spans(sent.text, inside)
        if inside and _next_mark_opens(text, sent.end):
            # The quotation opened here is never closed: the next mark opens another one
            # (… called it "a disaster. Officials said … that "we are …"). Carried on, it
            # would turn every later quotation inside out and hide the cues between them.
            inside = False
        if not was_inside:
            opened_at = index if inside else None
        found = _find_speaker(sent, index, quotes, entities, full_names, defined, last)
        starts_quote = sent.text.lstrip().startswith(("“", '"'))
        if found is None and open_quote and (was_inside or starts_quote):
            found = Attribution(index, open_quote.speaker, "quote-continues", sent.start, sent.start,
                                open_quote.anonymous)
        elif found is None and starts_quote and prev_quoted and (index - 1) in out:
            found = Attribution(index, out[index - 1].speaker, "quote-continues", sent.start, sent.start,
                                out[index - 1].anonymous)
        if found and was_inside and opened_at is not None and index - opened_at <= _MAX_QUOTE_SENTENCES:
            for j in range(opened_at, index):
                if j not in out:
                    out[j] = Attribution(j, found.speaker, "quote-continues", sentences[j].start,
                                         sentences[j].start, found.anonymous)
        if found:
            out[index] = found
            last = found
        # A quote opened and not closed in this sentence continues in the next one.
        open_quote = (found or open_quote) if inside else None
        prev_quoted = bool(quotes)
    return [out[i] for i in sorted(out)]


# A reporting frame set off by a comma ("…, the indictment said." / "…, said Mr. Smith,"):
# it attributes everything before it, so it outranks a reporting verb inside the reported
# content ("Mr. Stone told Mr. Credico he should …, the indictment said": the indictment
# speaks, not Stone), and its speaker is looked for inside the frame only.
_FRAME_SUBJECT = re.compile(r",\s+(?:[\w.'’-]+\s+){1,8}$")
# After the frame's verb only a time or a channel may follow ("…, the indictment said Friday.",
# "…, police said in a statement.").
_FRAME_END = re.compile(
    r"^(?:\s+(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight|"
    r"earlier|later|last\s+\w+|this\s+\w+|in\s+an?\s+(?:statement|interview|email|e-mail|post)))?"
    r"\s*(?:[,.;!?”\"]|$)")
_FRAME_AGENT = re.compile(r"^\s+(?:[\w.'’-]+\s+){0,5}[\w.'’-]+\s*(?:[,.;”\"]|$)")


def _frame_start(text: str, cue: re.Match[str]) -> int | None:
    """Where the comma-set frame around ``cue`` begins (an offset in ``text``), or None."""
    before, after = text[: cue.start()], text[cue.end():]
    m = _FRAME_SUBJECT.search(before)
    if m and _FRAME_END.match(after):
        return m.start() + 1
    if before.rstrip().endswith(",") and _FRAME_AGENT.match(after):
        return cue.start()
    return None


def _find_speaker(sent: Sentence, index: int, quotes: list[tuple[int, int]], entities: list[Entity],
                  full_names: dict[str, str], defined: dict[str, str], last: Attribution | None,
                  ) -> Attribution | None:
    """The attribution a reporting cue of this sentence makes, if any."""
    ents = [e for e in entities if sent.start <= e.start < sent.end]
    cues = [c for c in _CUE.finditer(sent.text) if not _inside(c.start(), quotes)]
    framed = [(c, lo) for c in cues if (lo := _frame_start(sent.text, c)) is not None]
    # The last frame first; every cue (the frame again among them, unrestricted) after it.
    ordered: list[tuple[re.Match[str], int | None]] = framed[-1:] + [(c, None) for c in cues]
    for cue, lo in ordered:
        span = (sent.start + cue.start(), sent.start + cue.end())
        word = cue.group(0).lower()
        if word in _ACT_CUES and _ACT_OBJECT.match(sent.text[cue.end():]):
            continue  # "declared a national emergency", "announced his candidacy": an act, not words
        if (last and word in _PARTICIPLE and _COMMA_BEFORE.search(sent.text[:cue.start()])
                and _PRONOUN_SUBJECT.match(sent.text) and _pronoun_fits(sent.text, last)):
            # "But he aimed his fire at Republicans as well as Democrats, …, saying …": the
            # clause's subject is the pronoun, so the speaker is whom it stands for.
            return Attribution(index, last.speaker, word, *span, anonymous=last.anonymous)
        unnamed = _unnamed_source(sent.text, cue)  # read once per cue: as subject here, as last resort below
        subject = _unnamed_subject(sent.text, cue, unnamed)
        if subject:
            # "Police said John Smith was arrested", "Two people briefed on the talks said Comey
            # was fired": an unnamed source right before the cue is its subject, so a name after
            # the cue (or inside what the source knows) is what was said, not who said it.
            return Attribution(index, canonical_name(subject, defined), word, *span, anonymous=True)
        ent = _speaker_near(sent, cue, ents if lo is None else [e for e in ents if e.start - sent.start >= lo],
                            quotes)
        if ent is not None:
            short = normalise_speaker(ent.text)
            by_surname = full_names.get(short.split()[-1], short)
            # A surname takes the full name; a full name keeps its own first name ("Tracy Martin,
            # Trayvon's father" is not Trayvon Martin).
            name = full_names.get(short) or (by_surname if names.same_person(short, by_surname) else short)
            return Attribution(index, canonical_name(name, defined), word, *span)
        known = _known_surname(sent.text, cue, full_names)
        if known:  # "Dillon tweeted" where NER missed "Dillon" but the article named him
            return Attribution(index, canonical_name(known, defined), word, *span)
        if last and _PRONOUN_BEFORE.search(sent.text[: cue.start()]) and _pronoun_fits(sent.text[: cue.start()], last):
            return Attribution(index, last.speaker, word, *span, anonymous=last.anonymous)
        if unnamed:
            return Attribution(index, canonical_name(unnamed, defined), word, *span, anonymous=True)
    return None


# Sentences that introduce a person by title or role ("Army Col. Ryan Dillon, Spokesman for …",
# "Hassan Mohammad Ali, a member of …"): NER reads them for full names that later cues use.
_INTRODUCES = re.compile(
    r"\b(?:Col|Gen|Lt|Maj|Capt|Sgt|Adm|Dr|Mr|Mrs|Ms|Prof|Sen|Rep|Gov)\.?\s+[A-Z]|"
    r"\b(?:President|Minister|Secretary|Colonel|General|Ambassador|spokes(?:man|woman|person))\s+[A-Z]|"
    r"[A-Z][\w'’-]+\s+[A-Z][\w'’-]+,\s+(?:a|an|the)?\s*(?:[\w-]+\s+){0,2}"
    r"(?:spokes\w+|member|head|director|chief|leader|commander|minister|secretary|president|founder|"
    r"official|reporter|correspondent|analyst)"
)


# "declared a national emergency", "announced his candidacy": with a noun phrase for object these
# verbs report an act, not words; the outlets that report the act are its sources. (On a third of
# PolNeAR train about ten sentences change; PolNeAR dev and the claims gold do not.)
_ACT_CUES = {"announced", "announces", "declared", "declares"}
_ACT_OBJECT = re.compile(r"^\s+(?:(?:on\s+)?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\s+)?"
                         r"(?:a|an|the|his|her|their|its)\s+(?!(?:intention|plan|belief|view|opinion|decision|determination|hope|commitment|confidence|concern)\b)")
_HE_OR_SHE = re.compile(r"\b(?:he|she)\b", re.I)
_PRONOUN_SUBJECT = re.compile(r"^\W*(?:(?:but|and|so|yet|then|still)\s+)?(?:he|she)\b", re.I)
# Groups that speak as one ("Democrats said") but that no "he" or "she" stands for. Surnames end
# in -s too (Sanders, Harris, Davis), so the groups are listed, not guessed.
_GROUPS = frozenset({
    "democrats", "republicans", "americans", "russians", "israelis", "palestinians", "saudis", "kurds",
    "iranians", "syrians", "iraqis", "afghans", "europeans", "conservatives", "liberals", "progressives",
    "muslims", "christians", "jews", "catholics", "evangelicals", "gop",
})


_NAME_PARTICLES = frozenset({"al", "bin", "ibn", "da", "de", "del", "della", "der", "di", "du", "la", "le", "van",
                             "von"})
_INSTITUTIONS = frozenset({"government", "ministry", "military", "administration", "army", "coalition", "police",
                           "department", "agency", "office", "committee", "court", "campaign", "party", "indictment",
                           "complaint", "lawsuit", "affidavit"})


def _pronoun_fits(text: str, last: Attribution) -> bool:
    """Whether the last speaker can be what a "he"/"she" in ``text`` stands for: a person, not a
    group ("Democrats", "officials"). "They" and "it" take any speaker."""
    if not _HE_OR_SHE.search(text):
        return True
    if last.anonymous:  # "a diplomat said … he said"; not "aides said", nor "the government said"
        head = last.speaker.lower().split()[-1] if last.speaker.split() else ""
        return not head.endswith("s") and head not in _INSTITUTIONS
    # A person's name, not an institution's ("the Turkish government said … He denounced");
    # name particles ("al-Baghdadi", "van der", "bin") are lowercase too.
    return last.speaker.lower() not in _GROUPS and all(
        w[:1].isupper() or w in _NAME_PARTICLES or "-" in w for w in last.speaker.split())


def needs_entities(text: str) -> bool:
    """Whether a sentence can name or introduce a speaker, so NER must read it.

    Extract runs NER on these sentences only.
    """
    return _CUE.search(text) is not None or _INTRODUCES.search(text) is not None


_NAME_BEFORE = re.compile(r"(?P<name>[A-Z][\w'’-]+)\s+(?:also\s+|then\s+|later\s+)?$")
_NAME_AFTER = re.compile(r"^\s+(?:[A-Z][\w'’-]+\s+)?(?P<name>[A-Z][\w'’-]+)\b")


def _known_surname(text: str, cue: re.Match[str], full_names: dict[str, str]) -> str | None:
    """Full name of a person already named in the article whose surname stands at the cue."""
    # After "told", "telling", "asked" the name is who was told or asked ("telling USA TODAY").
    after = None if cue.group(0).lower() in _TOLD | _ASK | _PARTICIPLE else _NAME_AFTER.match(text[cue.end():])
    for m in (_NAME_BEFORE.search(text[: cue.start()]), after):
        if not m:
            continue
        name = m.group("name")
        if name in full_names:
            return full_names[name]
        if re.fullmatch(r"[A-Z]{2,6}", name):  # "RBSS also reported": an organisation's acronym
            return name
        # "Dillion added": a misspelt surname (one letter more, less or changed) of a long name.
        if len(name) >= 5:
            for surname, full in full_names.items():
                if " " not in surname and len(surname) >= 5 and one_edit(name, surname):
                    return full
    return None

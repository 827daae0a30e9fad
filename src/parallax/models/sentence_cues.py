"""Sentence cues for the sentence-level classifier heads (subjectivity, check-worthiness, abuse).

Cheap lexical signals of *how* a sentence is written rather than *what about*: person, hedges,
obligation, intensifiers, evaluative words, negation, comparison, attribution, quantities, time
references, punctuation, the share of capitalised words and the length. Topic n-grams learnt on
one development set rarely carry over to other sources and years; these cues, like the sentence
embeddings, do better there (see the model card). Stateless, shared by training
(``scripts/train_classifiers.py``) and inference (:mod:`parallax.models.classifiers`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import numpy as np

_QUOTE_TRANS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})

# Each cue is log1p(count) except the last two; all are matched on the lowercased text (a
# case-insensitive flag defeats the regex engine's literal-prefix search, see classifiers.py).
_SENTENCE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("first_person_singular", re.compile(r"\b(?:i|me|my|mine|myself|i'm|i've|i'd|i'll)\b")),
    ("first_person_plural", re.compile(r"\b(?:we|us|our|ours|ourselves|we're|we've|we'll)\b")),
    ("second_person", re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'll)\b")),
    ("hedge", re.compile(
        r"\b(?:may|might|perhaps|maybe|possibly|probably|likely|seems?|seemed|appears?|"
        r"apparently|suggests?|arguably|presumably|supposedly)\b")),
    ("obligation", re.compile(r"\b(?:must|should|ought|need to|needs to|have to|has to)\b")),
    ("intensifier", re.compile(
        r"\b(?:very|really|so|too|extremely|totally|completely|absolutely|utterly|truly|"
        r"clearly|obviously|simply|just|even|quite|incredibly|deeply|hugely)\b")),
    ("evaluative", re.compile(
        r"\b(?:good|bad|great|terrible|awful|horrible|wonderful|excellent|best|worst|"
        r"ridiculous|absurd|stupid|shameful|disgrac\w*|outrageous|pathetic|brilliant|"
        r"disastrous|tragic|evil|wrong|right|fair|unfair|important|dangerous|crazy|insane|"
        r"beautiful|ugly|sad|happy|hope|fear|love|hate|wish|deserve\w*)\b")),
    ("dehumanising", re.compile(
        r"\b(?:vermin|animals?|beasts?|parasites?|subhuman\w*|sub-human\w*|scum|filth\w*|"
        r"plague|infest\w*|savages?|cockroach\w*|rats|pigs|apes|monkeys|swine|invaders?|"
        r"degenerates?|mongrels?|lice|germs?|disease|cancer|trash|garbage|thrown out|wiped out|"
        r"exterminat\w*|gassed|deport \w+ all|kill (?:them|all))\b")),
    ("identity_group", re.compile(
        r"\b(?:muslims?|islam\w*|jews?|jewish|blacks|black people|whites|white people|"
        r"immigrants?|migrants?|refugees?|asylum seekers?|gays?|lesbians?|homosexuals?|"
        r"transgender|trans people|women|mexicans?|arabs?|africans?|asians?|chinese|"
        r"hispanics?|latinos?|christians?|hindus?|sikhs?|roma|gypsies|foreigners)\b")),
    ("negation", re.compile(r"\b(?:not|no|never|nothing|nobody|none|n't|cannot)\b|n't\b")),
    ("comparison", re.compile(r"\b(?:more|less|fewer|most|least|than|\w+est)\b")),
    ("attribution", re.compile(
        r"\b(?:said|says|told|according to|reported|stated|announced|added|confirmed|"
        r"claimed|wrote|asked)\b")),
    ("quantity", re.compile(
        r"\d+(?:[.,]\d+)*|\b(?:percent|per cent|million|billion|trillion|thousand|hundred|dozen|half|"
        r"twice|double|triple)\b|[$%\u00a3\u20ac]")),
    ("time_reference", re.compile(
        r"\b(?:(?:19|20)\d\d|yesterday|today|monday|tuesday|wednesday|thursday|friday|"
        r"saturday|sunday|january|february|march|april|june|july|august|september|october|"
        r"november|december|last year|this year|since)\b")),
    ("question", re.compile(r"\?")),
    ("exclamation", re.compile(r"!")),
    ("quote_mark", re.compile(r"[\"\u201c\u201d]")),
)
_CAPITALISED_RE = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_CUE = dict(_SENTENCE_CUES)
# An identity group predicated as vermin, disease, animals… ("Muslims are vermin", "refugees are
# a disease"): the group word, a copula within three words, a dehumanising word within three
# more. A linear model over the cues counts the two words but cannot compose them.
_DEHUMANISING_PREDICATION = re.compile(
    rf"{_CUE['identity_group'].pattern}(?:\W+\w+){{0,2}}?\W+(?:are|is|were|r|be|being|as)\b"
    rf"(?:\W+\w+){{0,3}}?\W+{_CUE['dehumanising'].pattern}")
_SENT_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
SENTENCE_CUE_NAMES: tuple[str, ...] = (
    *(name for name, _ in _SENTENCE_CUES), "capitalised_share", "log_words",
)
"""Sentence cues (see :func:`sentence_cues`)."""


def dehumanises_group(text: str) -> bool:
    """True when the text calls an identity group vermin, a disease, animals and the like."""
    return bool(_DEHUMANISING_PREDICATION.search(html.unescape(text).translate(_QUOTE_TRANS).lower()))


def sentence_cues(texts: Sequence[str]) -> np.ndarray:
    """Sentence cues (:data:`SENTENCE_CUE_NAMES`), shape ``(n, n_cues)``, float64.

    ``log1p`` of each cue's count; the share of words written with a capital (names, not the
    first word) and ``log(1 + words) / 4``. Unscaled: the model's weights absorb the scale.
    """
    out = np.zeros((len(texts), len(SENTENCE_CUE_NAMES)), dtype=np.float64)
    n_lex = len(_SENTENCE_CUES)
    for i, raw in enumerate(texts):
        text = html.unescape(raw).translate(_QUOTE_TRANS)
        lower = text.lower()
        for j, (_, pattern) in enumerate(_SENTENCE_CUES):
            out[i, j] = np.log1p(len(pattern.findall(lower)))
        n_words = len(_SENT_WORD_RE.findall(text))
        out[i, n_lex] = len(_CAPITALISED_RE.findall(text)) / max(n_words, 1)
        out[i, n_lex + 1] = np.log1p(n_words) / 4.0
    return out

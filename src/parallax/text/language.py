"""The language of an article: py3langid (BSD-3-Clause; its 4.6 MB model ships in the wheel).

py3langid is a numpy port of langid.py: 97 languages, about 2 ms for an article's first
600 characters, and its normalised probability serves as the confidence. The signals,
extractors and stance models of Parallax are trained on English: an article detected with
confidence in another language is grouped into stories with articles of its own language only,
and the English-only stages give it no score ("language not supported").
"""

from __future__ import annotations

import threading
from typing import Any

# Languages the models and rules of later stages are built for.
SUPPORTED = frozenset({"en"})
# The detector reads the title and the lead (its time grows with the length: 2,000 characters cost
# ~6 ms, a third of the HTML path); 600 characters decide every test and benchmark article.
_SAMPLE_CHARS = 600
# Below this many letters the guess is noise ("OK", a byline): no language is claimed.
_MIN_LETTERS = 20
# An article counts as another language only when the detector is this sure; below, it is
# treated as English (the project's default) so short or mixed texts are never set aside. On
# SemEval-2019's 645 hyperpartisan articles, the Turkish and Malay ones scored 0.80-0.81 and
# the lowest non-English guesses for English text (tag lists read as Nigerian Pidgin) 0.46-0.48.
CONFIDENT = 0.75
_lock = threading.Lock()
_identifier: Any = None


def _model() -> Any:
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _identifier


def detect(text: str) -> tuple[str | None, float | None]:
    """(ISO 639-1 code, confidence in [0, 1]) of ``text``; (None, None) when too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < _MIN_LETTERS:
        return None, None
    code, prob = _model().classify(sample)
    return str(code), round(float(prob), 4)


def language_group(code: str | None, confidence: float | None) -> str:
    """The language an article is grouped and scored under: its own when sure, else English."""
    if code and confidence is not None and confidence >= CONFIDENT:
        return code
    return "en"


def supported(group: str | None) -> bool:
    """Whether the English-only stages apply to articles of this language group."""
    return (group or "en") in SUPPORTED


_STOP_CACHE: dict[str, frozenset[str]] = {}


def content_words(text: str, code: str) -> str:
    """``text`` without the function words of language ``code`` (spaCy's stop-word lists).

    The story vectors weigh terms by an English background IDF, in which "der", "und", "que"
    are unseen and so weigh most: two unrelated German articles would match on their articles
    and conjunctions. Dropping them leaves the names and nouns a story is made of.
    """
    import re

    stops = _STOP_CACHE.get(code)
    if stops is None:
        try:
            module = __import__(f"spacy.lang.{code}.stop_words", fromlist=["STOP_WORDS"])
            stops = frozenset(w.lower() for w in module.STOP_WORDS)
        except ImportError:
            stops = frozenset()
        _STOP_CACHE[code] = stops
    if not stops:
        return text
    return re.sub(r"\w+", lambda m: "" if m.group(0).lower() in stops else m.group(0), text)

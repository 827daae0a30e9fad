"""Do two sentences of different articles state one fact? A small calibrated pair model.

Shared words are weak evidence inside one story: every sentence says "Raqqa" and "forces", and
two sentences that share "eliminate" (Dillon's "eliminated leaders at all levels", NPR's "the
fight to eliminate ISIS") state different facts. The model reads:

- the **meaning** of each sentence: cosine of their all-MiniLM-L6-v2 vectors
  (:mod:`parallax.models.encoder`), and its square (the evidence rises steeply near the top);
- the story-weighted **stem cosine** of :mod:`parallax.claims.claimsim` and the plain word overlap;
- shared **names** (capitalised words) and **figures** (a shared number, or numbers on both
  sides that differ);
- a **negation** on one side only, quotation marks on one or both sides, one speaker on both,
  the **length** ratio and whether either sentence is short.

It is a logistic regression trained by ``scripts/train_samefact.py`` on the sentence pairs of
the *tune* half of the hand-written claims gold (``tests/fixtures/claims_gold``; the *report*
half is never seen); weights are plain JSON in ``models/weights/samefact.json``, with the
threshold and its measured precision in ``models/weights/SAMEFACT_CARD.md``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

import numpy as np

FEATURES = ("meaning", "meaning_sq", "stems", "words", "names", "same_number", "other_numbers",
            "negation_one_side", "length_ratio", "both_quoted", "one_quoted", "same_speaker", "short")

_NEGATION = re.compile(r"\b(?:not|no|never|nor|none|nobody|nothing|neither|without|denied|denies|deny|"
                       r"refused|false|hoax)\b|n't\b", re.I)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_NUMBER = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"[A-Za-z0-9']+")
# Under this many words a sentence rarely states a whole fact on its own ("And it has to end.").
SHORT_WORDS = 8


@dataclass(frozen=True)
class PairText:
    """What the model reads of one side of a pair (its parts are read once per sentence: a
    sentence of a 40-article story takes part in hundreds of pairs)."""

    text: str
    speaker: str | None = None

    @functools.cached_property
    def words(self) -> frozenset[str]:
        return frozenset(w.lower() for w in _WORD.findall(self.text))

    @functools.cached_property
    def names(self) -> frozenset[str]:
        return frozenset(_NAME.findall(self.text))

    @functools.cached_property
    def numbers(self) -> frozenset[str]:
        return frozenset(_NUMBER.findall(self.text))

    @functools.cached_property
    def quoted(self) -> bool:
        return _quoted(self.text)

    @functools.cached_property
    def negated(self) -> bool:
        return negated(self.text)


def _quoted(text: str) -> bool:
    return "“" in text or '"' in text


def negated(text: str) -> bool:
    """A negation word in the sentence ("not", "never", "n't", "denied", …)."""
    return bool(_NEGATION.search(text))


def pair_features(a: PairText, b: PairText, meaning: float, stems: float) -> list[float]:
    """The feature vector of one pair, in the order of :data:`FEATURES`."""
    wa, wb, na, nb, fa, fb = a.words, b.words, a.names, b.names, a.numbers, b.numbers
    qa, qb = a.quoted, b.quoted
    return [
        meaning, meaning * meaning, stems,
        len(wa & wb) / max(len(wa | wb), 1),
        len(na & nb) / max(len(na | nb), 1),
        float(bool(fa & fb)),
        float(bool(fa) and bool(fb) and not fa & fb),
        float(a.negated != b.negated),
        min(len(wa), len(wb)) / max(len(wa), len(wb), 1),
        float(qa and qb), float(qa != qb),
        float(a.speaker is not None and a.speaker == b.speaker),
        float(min(len(wa), len(wb)) < SHORT_WORDS),
    ]


@dataclass(frozen=True)
class SameFactModel:
    """Logistic regression over :data:`FEATURES`; ``threshold`` is the probability to link."""

    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """P(same fact) of each feature row."""
        if not len(rows):
            return np.zeros(0)
        z = np.asarray(rows, dtype=np.float64) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@functools.cache
def load_samefact() -> SameFactModel:
    """The shipped pair model (plain JSON weights), loaded once."""
    path = resources.files("parallax.models") / "weights" / "samefact.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError("samefact.json was trained on other features; run scripts/train_samefact.py")
    return SameFactModel(np.asarray(data["coef"], dtype=np.float64), float(data["intercept"]),
                         float(data["threshold"]))


__all__ = ["FEATURES", "PairText", "SameFactModel", "load_samefact", "negated", "pair_features"]

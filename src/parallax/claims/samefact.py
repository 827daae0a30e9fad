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

Its **second stage** (:class:`SecondStage`), off by default, reads again the pairs it finds
plausible: a cross-encoder (:mod:`parallax.models.pair_reader`: both sentences read together by
the shared encoder fine-tuned with low-rank adapters, ``scripts/train_samefact_contextual.py``)
whose logit joins the features in a second regression. Switched on (``PARALLAX_CROSS_ENCODER=1``),
its threshold decides (``models/weights/SAMEFACT_CONTEXTUAL_CARD.md``).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parallax.models.packaged import read_packaged, weights_dir
from parallax.models.pair_reader import PairReader, reader_from_arrays

# The second stage's files (scripts/train_samefact_contextual.py): LoRA arrays and head, and the
# settings, regression and figures.
SECOND_STEM = "samefact_contextual"
# Set to 1 to link claims with the second stage (slower; see load_second_stage).
CROSS_ENCODER_ENV = "PARALLAX_CROSS_ENCODER"

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
    path = weights_dir() / "samefact.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError("samefact.json was trained on other features; run scripts/train_samefact.py")
    return SameFactModel(np.asarray(data["coef"], dtype=np.float64), float(data["intercept"]),
                         float(data["threshold"]))


@dataclass(frozen=True)
class SecondStage:
    """The same-fact cascade's second stage: pairs the first model gives at least ``gate`` and
    less than ``ceiling`` are read again by a cross-encoder (both sentences together), and a
    logistic regression over the first model's features plus the cross-encoder's logit decides,
    at ``threshold``. Pairs from ``ceiling`` up keep the first model's probability."""

    reader: PairReader
    coef: np.ndarray  # over FEATURES + ("reader_logit",)
    intercept: float
    gate: float
    threshold: float
    ceiling: float = 2.0  # above any probability: every pair from the gate up is read

    def probability(self, rows: Sequence[Sequence[float]], texts: Sequence[tuple[str, str]]) -> np.ndarray:
        """P(same fact) of each pair from its feature row and its two texts."""
        if not len(rows):
            return np.zeros(0)
        x = np.column_stack([np.asarray(rows, dtype=np.float64), self.reader.logits(texts)])
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(x @ self.coef + self.intercept, -50.0, 50.0))))

    def rescore(self, rows: Sequence[Sequence[float]], texts: Sequence[tuple[str, str]],
                first: np.ndarray, skip: np.ndarray | None = None) -> np.ndarray:
        """The cascade: the first model's probability under the gate, from the ceiling up and
        where ``skip``; this stage's in between."""
        out = np.array(first, dtype=np.float64, copy=True)
        todo = (out >= self.gate) & (out < self.ceiling)
        if skip is not None:
            todo &= ~skip
        idx = np.flatnonzero(todo)
        if len(idx):
            out[idx] = self.probability([rows[int(i)] for i in idx], [texts[int(i)] for i in idx])
        return out


def second_stage_enabled() -> bool:
    """Whether ``$PARALLAX_CROSS_ENCODER`` asks for the second stage (any value but "", 0, no, false)."""
    return os.environ.get(CROSS_ENCODER_ENV, "").strip().lower() not in ("", "0", "no", "false", "off")


def load_second_stage(enabled: bool | None = None) -> SecondStage | None:
    """The shipped second stage when it is switched on (``enabled``, or by default
    ``$PARALLAX_CROSS_ENCODER``), else None: the first model then decides alone, at its own
    threshold. Off by default: it reads about 12 % of compared pairs again, which more than
    halves `analyze`'s speed on large corpora (docs/claims.md)."""
    if not (second_stage_enabled() if enabled is None else enabled):
        return None
    return _shipped_second_stage()


@functools.cache
def _shipped_second_stage() -> SecondStage | None:
    """The second stage's weights, loaded once; None when they are not in the package."""
    found = read_packaged(SECOND_STEM)
    if found is None:
        return None
    meta, arrays = found
    if tuple(meta["features"]) != (*FEATURES, "reader_logit"):
        raise ValueError(f"{SECOND_STEM}.json was trained on other features; run scripts/train_samefact_contextual.py")
    reader = reader_from_arrays("samefact", arrays, float(meta["lora_scale"]), int(meta["max_tokens"]),
                                bool(meta.get("both_orders", True)), meta.get("layers"))
    return SecondStage(reader, np.asarray(meta["coef"], dtype=np.float64), float(meta["intercept"]),
                       float(meta["gate"]), float(meta["threshold"]), float(meta.get("ceiling", 2.0)))


__all__ = ["CROSS_ENCODER_ENV", "FEATURES", "PairText", "SameFactModel", "SecondStage", "load_samefact",
           "load_second_stage", "negated", "pair_features", "second_stage_enabled"]

"""Binary headline cues of clickbait (numbers up front, shouting, "you", questions, superlatives…),
shared by training and inference through :mod:`parallax.models.classifiers`."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|hundred"
)
_HEADLINE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("starts_with_number", re.compile(rf"^\W*(?:\d+|(?:{_NUMBER_WORDS})\b)", re.IGNORECASE)),
    ("shouting_prefix", re.compile(r"^\W*[A-Z][A-Z0-9 ]{1,15}[:!]")),
    (
        "media_tag",
        re.compile(r"[\[(](?:video|photos?|pics?|watch|gallery|quiz|poll|gifs?)[\])]", re.I),
    ),
    ("second_person", re.compile(r"\b(?:you|your|you're|yours|yourself|you'll|ya)\b", re.I)),
    ("question_mark", re.compile(r"\?")),
    (
        "starts_interrogative",
        re.compile(r"^\W*(?:what|why|how|which|who|can|should|would|could|do|does|is|are)\b", re.I),
    ),
    ("exclamation", re.compile(r"!")),
    (
        "superlative",
        re.compile(
            r"\b(?:best|worst|most|greatest|biggest|cutest|weirdest|ever|amazing|incredible|"
            r"unbelievable|shocking|insane|epic|literally|totally|absolutely)\b",
            re.I,
        ),
    ),
    (
        "forward_reference",
        re.compile(
            r"\b(?:this|these|here's|here is|what happened|will make you|won't believe|"
            r"reasons|things|times when|ways to)\b",
            re.I,
        ),
    ),
    ("all_caps_word", re.compile(r"(?<!^)\b[A-Z]{3,}\b(?!:)")),
)
HEADLINE_FEATURE_NAMES: tuple[str, ...] = tuple(name for name, _ in _HEADLINE_CUES)


def headline_features(texts: Sequence[str]) -> np.ndarray:
    """Binary headline cues (see :data:`HEADLINE_FEATURE_NAMES`), shape ``(n, n_cues)``."""
    out = np.zeros((len(texts), len(_HEADLINE_CUES)), dtype=np.float32)
    for i, text in enumerate(texts):
        for j, (_, pattern) in enumerate(_HEADLINE_CUES):
            if pattern.search(text):
                out[i, j] = 1.0
    return out

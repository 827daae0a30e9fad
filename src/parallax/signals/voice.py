"""Cues of an outlet's own voice: sensational headline devices and opinion in the author's voice.

The trained models miss two things the Raqqa sample shows plainly:

- **Headline devices.** The clickbait training set (Chakraborty et al.) labels by publisher,
  and its clickbait publishers never write "ALERT:" or "OOPS:", so the model learnt a
  *negative* weight for a shouting prefix. The devices below are the ones the issue and the
  clickbait literature name (Chakraborty et al. 2016; Potthast et al. 2016: teasers, shouting,
  media tags, hyperbole, direct address); each adds evidence with a stated weight, combined with
  the model's probability as independent signals: ``1 - (1 - p) * prod(1 - w)``. The weights
  are set by hand (no data here labels these devices) and kept below the model's say: one
  device alone moves a 0.1 headline to 0.5-0.6, two to about 0.8.
- **The author's voice.** Reporters do not write "I mean", "Maybe one of the MAGApedes could
  enlighten me?" or "don't come to me crying" outside quotation marks; bloggers do. Such
  sentences are opinion whatever the subjectivity model (trained on news sentences) says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parallax.text.quotes import QUOTATION_IN_SENTENCE as _QUOTED

_HEADLINE_DEVICES: tuple[tuple[str, float, re.Pattern[str]], ...] = (
    ("shouting prefix", 0.55, re.compile(r"^\W*(?:[A-Z]{2,}[A-Z ]{0,12})[:!]\s")),
    ("media teaser tag", 0.3, re.compile(r"[\[(](?:video|photos?|pics?|watch|gallery|gifs?)[\])]", re.I)),
    ("hyperbole", 0.25, re.compile(
        r"\b(?:insane|shocking|unbelievable|incredible|epic|jaw-?dropping|mind-?blowing|massive|"
        r"apocalyptic|stunning|you won'?t believe|never did this|destroys?|slams?|epic)\b", re.I)),
    ("direct address", 0.2, re.compile(r"\b(?:you|your|you'll|you're)\b", re.I)),
    ("teaser", 0.25, re.compile(
        r"\b(?:here'?s (?:why|what|how)|what happened next|this is (?:why|what)|the reason why|"
        r"(?:did|does) this|you need to)\b", re.I)),
)


@dataclass(frozen=True)
class Cue:
    """One device found in a text: its span, its name and its weight."""

    start: int
    end: int
    text: str
    why: str
    weight: float


def headline_devices(title: str) -> list[Cue]:
    """Sensational devices in a headline, each once, in the order of the table."""
    out = []
    for name, weight, pattern in _HEADLINE_DEVICES:
        m = pattern.search(title)
        if m:
            out.append(Cue(m.start(), m.end(), m.group(0).strip(), f"headline: {name}", weight))
    return out


def combine(p_model: float, cues: list[Cue]) -> float:
    """The model's probability and the devices' weights as independent evidence."""
    q = 1.0 - p_model
    for c in cues:
        q *= 1.0 - c.weight
    return 1.0 - q


_AUTHOR_VOICE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("first person singular", re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|me|my|myself)\b")),
    ("speaks to the reader", re.compile(r"\b(?:don'?t|don’t) (?:come to me|tell me|you)\b|\bmark my words\b", re.I)),
    ("interjection", re.compile(r"^\W*(?:yeah|well|hopefully|sadly|thankfully|frankly|honestly|of course|"
                                r"maybe|obviously|clearly|i mean)\b", re.I)),
    ("rhetorical question", re.compile(r"\?\W*$")),
)


def author_voice(sentence: str) -> str | None:
    """Why a sentence is the author's own opinion, or None.

    Only the text outside quotation marks counts: "I saw them," a fighter said is a quote.
    """
    own = _QUOTED.sub(" ", sentence)
    if len(own.split()) < 3:
        return None
    for name, pattern in _AUTHOR_VOICE:
        if pattern.search(own):
            return name
    return None

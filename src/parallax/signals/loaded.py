"""Span-level detector of persuasion techniques / loaded language.

Two stages, both learned from the PTC corpus (SemEval-2020 Task 11); see
``models/weights/LOADED_LANGUAGE_CARD.md`` for data, method and held-out metrics.

1. Candidates: a JSON lexicon of lowercased 1-3-grams over-represented inside gold technique
   spans (``scripts/train_loaded_lexicon.py``), matched greedily (longest match) over word
   tokens; matches of techniques whose gold spans are typically whole clauses (Doubt, Appeal to
   fear, ...) are grown to the enclosing sentence.
2. Filter: a token logistic-regression tagger (:mod:`parallax.signals.loaded_tagger`,
   ``scripts/train_loaded_spans.py``) scores every token in context; a candidate is kept when
   its best token clears the tagger's threshold.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from dataclasses import dataclass
from importlib.resources import files

from parallax.signals.loaded_tagger import sentences as _sentences
from parallax.signals.loaded_tagger import tagger as _tagger

__all__ = ["TechniqueSpan", "find_loaded_spans", "lexicon_words", "loaded_score"]

_NORMALISE = {**{c: c + 32 for c in range(65, 91)}, 0x2019: ord("'")}
#: Pseudo-token count added to the denominator of the density so that one hit in a very short
#: text does not saturate the score.
_LENGTH_PRIOR_TOKENS = 50.0


@dataclass(frozen=True)
class TechniqueSpan:
    """One detected span: ``text == source[start:end]`` (Python ``str`` indices)."""

    start: int
    end: int
    text: str
    technique: str
    weight: float


@dataclass(frozen=True)
class _Lexicon:
    entries: dict[str, tuple[float, str]]
    prefixes: frozenset[str]
    firsts: frozenset[str]
    max_n: int
    merge: bool
    expand: frozenset[str]
    token_re: re.Pattern[str]
    density_ref: float


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Load the packaged lexicon once."""
    path = files("parallax.models") / "weights" / "loaded_language.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    techs: list[str] = raw["techniques"]
    entries = {g: (float(w), techs[int(t)]) for g, (w, t) in raw["entries"].items()}
    prefixes = frozenset(
        " ".join(parts[:k]) for parts in (g.split(" ") for g in entries) for k in range(1, len(parts))
    )
    return _Lexicon(
        entries=entries,
        prefixes=prefixes,
        firsts=frozenset(g.split(" ", 1)[0] for g in entries),
        max_n=int(raw["max_n"]),
        merge=bool(raw["merge_adjacent"]),
        expand=frozenset(raw.get("sentence_expand_techniques", [])),
        token_re=re.compile(raw["token_pattern"]),
        density_ref=float(raw["density_ref_per_100_tokens"]),
    )


def lexicon_words(techniques: frozenset[str]) -> frozenset[str]:
    """The lexicon's single words labelled with one of ``techniques`` (e.g. name calling)."""
    return frozenset(g for g, (_, t) in _lexicon().entries.items() if " " not in g and t in techniques)


def _detect(text: str) -> tuple[list[TechniqueSpan], int]:
    """Spans plus the number of word tokens of ``text``."""
    lex = _lexicon()
    # ASCII-only lowercasing keeps str length, so offsets in ``low`` are offsets in ``text``.
    low = text.lower()
    if len(low) != len(text):  # a few non-ASCII letters lowercase to 2+ chars
        low = text.translate(_NORMALISE)
    low = low.replace("\u2019", "'")
    words: list[str] = lex.token_re.findall(low)
    entries, prefixes = lex.entries, lex.prefixes
    offs: list[tuple[int, int]] | None = None
    sents: list[tuple[int, int]] | None = None
    out: list[tuple[int, int, str, float]] = []
    last_tok, nxt, n_tok = -2, 0, len(words)
    for i in [j for j, w in enumerate(words) if w in lex.firsts]:
        if i < nxt:
            continue
        g = words[i]
        v = entries.get(g)
        hit = None if v is None else (1, v)
        k = i + 1
        while g in prefixes and k < n_tok:  # longest match via the prefix set
            g = g + " " + words[k]
            k += 1
            v = entries.get(g)
            if v is not None:
                hit = (k - i, v)
        if hit is None:
            continue
        if offs is None:
            offs = [m.span() for m in lex.token_re.finditer(low)]
        n, (w, tech) = hit
        s, e = offs[i][0], offs[i + n - 1][1]
        if tech in lex.expand:
            if sents is None:
                sents = _sentences(text)
            k = bisect.bisect_right(sents, (s, len(text) + 1)) - 1
            if k >= 0 and sents[k][0] <= s and e <= sents[k][1]:
                s, e = sents[k]
        if out and lex.merge and last_tok == i - 1:
            gap = text[out[-1][1] : s]
            if gap.strip() == "" and "\n" not in gap:
                s = out[-1][0]
        while out and s < out[-1][1]:  # expanded sentences swallow earlier matches
            ps, pe, ptech, pw = out.pop()
            s, e = min(s, ps), max(e, pe)
            tech, w = (tech, w) if w >= pw else (ptech, pw)
        out.append((s, e, tech, w))
        last_tok = nxt = i + n
        last_tok -= 1
    if out:  # the tagger keeps the candidates it confirms in context
        if offs is None:
            offs = [m.span() for m in lex.token_re.finditer(low)]
        if sents is None:
            sents = _sentences(text)
        keep = _tagger().keep(text, offs, words, out, sents)
        out = [sp for sp, k in zip(out, keep, strict=True) if k]
    return [TechniqueSpan(s, e, text[s:e], t, w) for s, e, t, w in out], n_tok


def find_loaded_spans(text: str) -> list[TechniqueSpan]:
    """Return non-overlapping technique spans in ``text``, sorted by start offset.

    Offsets are Python ``str`` indices into ``text``; ``span.weight`` is the smoothed training
    precision of the matched n-gram (probability that it lies inside a gold technique span).
    Candidates come from a greedy longest match over lowercased word tokens, left to right; the
    token tagger drops those it does not confirm in context.
    """
    return _detect(text)[0]


def loaded_score(text: str, spans: list[TechniqueSpan] | None = None) -> float:
    """Article-level persuasion/loaded-language intensity in ``[0, 1]``.

    Density-based so that long articles are not penalised for their length:
    ``d = 100 * sum(span weights) / (n_tokens + 50)`` is the weighted number of technique cues
    per 100 words (the 50 pseudo-tokens damp very short texts, where a single hit would
    otherwise dominate).  It is mapped through a saturating curve
    ``score = 1 - 2 ** (-d / d_ref)`` where ``d_ref`` is the median density of the PTC training
    articles (stored in the tagger model), so a typical propaganda-rich PTC article scores about 0.5,
    text with no cues scores 0 and the score rises monotonically and never exceeds 1.
    Pass ``spans`` (from :func:`find_loaded_spans` on the same text) to avoid recomputing them.
    """
    lex = _lexicon()
    if spans is None:
        spans, n_tok = _detect(text)
    else:
        n_tok = len(lex.token_re.findall(text))
    if not spans:
        return 0.0
    density = 100.0 * sum(s.weight for s in spans) / (n_tok + _LENGTH_PRIOR_TOKENS)
    return float(min(1.0, max(0.0, 1.0 - math.pow(2.0, -density / _tagger().density_ref))))

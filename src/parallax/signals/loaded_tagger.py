"""Token tagger that filters the PTC lexicon's spans (the model behind :mod:`parallax.signals.loaded`).

A linear model (logistic regression) scores every word token as inside/outside a persuasion
technique span (PTC, SemEval-2020 Task 11) from sparse indicator features: the lowercased word
and its neighbours in a +-2 window, the bigrams around it, word shapes, the characters touching
it, the lexicon match covering it, whether it is quoted, and features of its sentence (``!``/
``?``, first/second person, all-caps words, length, title line, position).  A lexicon span is
kept when the best score of its tokens clears a threshold (one for spans of long-span
techniques, which the lexicon grows to the sentence, one for the rest).  Trained by
``scripts/train_loaded_spans.py``; data, CV selection and held-out metrics are in
``models/weights/LOADED_LANGUAGE_CARD.md``.

Feature extraction is shared verbatim with the training script; the model files hold only
vocabularies, weights and thresholds (``loaded_spans.json`` + ``loaded_spans.npz``, plain arrays).
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass
from importlib.resources import files

import numpy as np

#: The 14 PTC technique names, in a fixed order (index = technique id; 0 in features = none).
TECHNIQUES = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
_TECH_ID = {t: i + 1 for i, t in enumerate(TECHNIQUES)}
_LEX_W_BINS = (0.35, 0.45, 0.55, 0.7)
_SENT_LEN_BINS = (5, 10, 20, 35, 60)
_FIRST_SING = frozenset({"i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"})
_FIRST_PLUR = frozenset({"we", "us", "our", "ours", "ourselves", "we're", "we've", "we'd", "we'll", "let's"})
_SECOND = frozenset({"you", "your", "yours", "yourself", "yourselves", "you're", "you've", "you'd", "you'll"})
_QUOTED_RE = re.compile(r"\u201c[^\u201d\n]*\u201d|\"[^\"\n]*\"")
_SENT_BREAK_RE = re.compile(r"\n|(?<=[.!?])[\"'\u201d\u2019)\]]*\s+")
_CHAR_CLASS = {
    **{c: 0 for c in " \t\xa0"},
    **{c: 1 for c in "\n\r"},
    **{c: 2 for c in "\"'\u201c\u201d\u2018\u2019"},
    **{c: 3 for c in "()[]{}"},
    **{c: 4 for c in ",;:"},
    **{c: 5 for c in ".!?"},
    **{c: 6 for c in "-\u2013\u2014"},
}
#: Feature templates (name, number of values); ``V``/``B`` are the word/bigram vocabulary sizes.
#: Every token gets exactly one value per template, so a feature row is one index per column.
_TEMPLATES = (
    ("w-2", "V"), ("w-1", "V"), ("w0", "V"), ("w+1", "V"), ("w+2", "V"),
    ("b-1", "B"), ("b+1", "B"),
    ("shape-1", 6), ("shape0", 6), ("shape+1", 6),
    ("prev_char", 8), ("next_char", 8),
    ("lex_tech", 15), ("lex_w", 5), ("lex_nb", 4),
    ("quote", 2), ("s_punct", 4), ("s_person", 8), ("s_caps", 2), ("s_len", 6),
    ("s_title", 2), ("s_pos", 5), ("t_pos", 4), ("bias", 1),
)  # fmt: skip


def template_sizes(n_vocab: int, n_bigrams: int) -> list[int]:
    """Number of values of each template (the model's weight vector is their concatenation)."""
    return [n_vocab if s == "V" else n_bigrams if s == "B" else int(s) for _, s in _TEMPLATES]


def sentences(text: str) -> list[tuple[int, int]]:
    """Whitespace-trimmed sentence bounds (newline, or ``.!?`` followed by whitespace)."""
    raw: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_BREAK_RE.finditer(text):
        if m.start() > start:
            raw.append((start, m.start()))
        start = m.end()
    if start < len(text):
        raw.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for a, b in raw:
        seg = text[a:b]
        if seg.strip():
            out.append((a + len(seg) - len(seg.lstrip()), b - len(seg) + len(seg.rstrip())))
    return out


def _shape(tok: str) -> int:
    if tok.islower():
        return 1
    if tok.isupper():
        return 3 if len(tok) > 1 else 2
    if tok[0].isupper():
        return 2
    return 4 if tok[0].isdigit() else 5


def _bins(x: np.ndarray, edges: tuple[float, ...]) -> np.ndarray:
    return np.searchsorted(np.asarray(edges), x, side="right")


def featurize(
    text: str,
    offs: list[tuple[int, int]],
    words: list[str],
    lex_spans: list[tuple[int, int, str, float]],
    sents: list[tuple[int, int]],
    vocab: dict[str, int],
    bigram_keys: np.ndarray,
) -> np.ndarray:
    """Feature index matrix ``(n_tokens, n_templates)``; row i holds the global feature indices of
    token i (template offsets included), so its score is ``weights[rows].sum(1)``.

    ``offs``/``words``: token character bounds and lowercased tokens; ``lex_spans``: the lexicon's
    matches ``(start, end, technique, weight)`` (after its sentence growth); ``vocab``: word ->
    id (0 = unknown, 1 = padding); ``bigram_keys``: sorted ``id1 * V + id2`` of known bigrams.
    """
    n = len(words)
    n_vocab = len(vocab) + 2
    n_big = len(bigram_keys) + 1
    cols: list[np.ndarray] = []
    if n == 0:
        return np.zeros((0, len(_TEMPLATES)), dtype=np.int64)
    ids = np.fromiter((vocab.get(w, 0) for w in words), dtype=np.int64, count=n)
    pad = np.concatenate([[1, 1], ids, [1, 1]])
    for k in range(5):
        cols.append(pad[k : k + n])
    keys = ids[:-1] * n_vocab + ids[1:]
    big = np.zeros(len(keys), dtype=np.int64)
    if len(bigram_keys):
        pos = np.minimum(np.searchsorted(bigram_keys, keys), len(bigram_keys) - 1)
        big = np.where((bigram_keys[pos] == keys) & (ids[:-1] > 1) & (ids[1:] > 1), pos + 1, 0)
    cols.append(np.concatenate([[0], big]))
    cols.append(np.concatenate([big, [0]]))
    shp = np.fromiter((_shape(text[s:e]) for s, e in offs), dtype=np.int64, count=n)
    spad = np.concatenate([[0], shp, [0]])
    cols += [spad[:-2], shp, spad[2:]]
    cc = _CHAR_CLASS
    cols.append(np.fromiter((cc.get(text[s - 1], 7) if s > 0 else 1 for s, _ in offs), np.int64, n))
    cols.append(np.fromiter((cc.get(text[e], 7) if e < len(text) else 1 for _, e in offs), np.int64, n))
    starts = np.fromiter((s for s, _ in offs), dtype=np.int64, count=n)
    ends = np.fromiter((e for _, e in offs), dtype=np.int64, count=n)
    lt = np.zeros(n, dtype=np.int64)
    lw = np.zeros(n, dtype=np.int64)
    for s, e, tech, w in lex_spans:
        a = int(np.searchsorted(starts, s))
        b = int(np.searchsorted(ends, e, side="right"))
        lt[a:b] = _TECH_ID.get(tech, 0)
        lw[a:b] = 1 + bisect.bisect_right(_LEX_W_BINS, w) if w >= _LEX_W_BINS[0] else 1
    has = (lt > 0).astype(np.int64)
    hp = np.concatenate([[0], has, [0]])
    cols += [lt, lw, hp[:-2] + 2 * hp[2:]]
    quoted = np.zeros(n, dtype=np.int64)
    for m in _QUOTED_RE.finditer(text):
        quoted[np.searchsorted(starts, m.start()) : np.searchsorted(starts, m.end())] = 1
    cols.append(quoted)
    # sentence of each token (tokens before the first sentence start fall into sentence 0)
    sstarts = np.fromiter((a for a, _ in sents), dtype=np.int64, count=len(sents))
    sid = np.maximum(np.searchsorted(sstarts, starts, side="right") - 1, 0)
    n_s = max(len(sents), 1)
    excl = np.fromiter(("!" in text[a:b] for a, b in sents), dtype=np.int64, count=len(sents))
    ques = np.fromiter(("?" in text[a:b] for a, b in sents), dtype=np.int64, count=len(sents))
    if not len(sents):
        excl = ques = np.zeros(1, dtype=np.int64)
    cols.append((excl + 2 * ques)[sid])
    person = np.zeros(n_s, dtype=np.int64)
    caps = np.zeros(n_s, dtype=np.int64)
    for i, word in enumerate(words):
        if word in _FIRST_SING:
            person[sid[i]] |= 1
        elif word in _FIRST_PLUR:
            person[sid[i]] |= 2
        elif word in _SECOND:
            person[sid[i]] |= 4
    caps[sid[shp == 3]] = 1
    cols += [person[sid], caps[sid]]
    slen = np.bincount(sid, minlength=n_s)
    cols.append(_bins(slen, _SENT_LEN_BINS)[sid])
    first_nl = text.find("\n")
    cols.append((starts < (first_nl if first_nl >= 0 else len(text))).astype(np.int64))
    cols.append(np.minimum(sid * 5 // n_s, 4))
    first = np.ones(n, dtype=bool)
    first[1:] = sid[1:] != sid[:-1]
    last = np.ones(n, dtype=bool)
    last[:-1] = sid[1:] != sid[:-1]
    second = np.zeros(n, dtype=bool)
    second[1:] = first[:-1] & ~first[1:]
    cols.append(np.where(first, 1, np.where(second, 2, np.where(last, 3, 0))))
    cols.append(np.zeros(n, dtype=np.int64))
    mat = np.stack(cols, axis=1)
    sizes = template_sizes(n_vocab, n_big)
    return mat + np.cumsum([0] + sizes[:-1])[None, :]


@dataclass(frozen=True)
class Tagger:
    vocab: dict[str, int]
    bigram_keys: np.ndarray
    weights: np.ndarray
    tau_short: float
    tau_long: float
    long_techniques: frozenset[str]
    density_ref: float

    def keep(
        self,
        text: str,
        offs: list[tuple[int, int]],
        words: list[str],
        lex_spans: list[tuple[int, int, str, float]],
        sents: list[tuple[int, int]],
    ) -> list[bool]:
        """Which lexicon spans to keep: those whose best token score (inside-span log-odds)
        exceeds the threshold of their kind (sentence-grown long-span technique or not)."""
        if not lex_spans:
            return []
        x = featurize(text, offs, words, lex_spans, sents, self.vocab, self.bigram_keys)
        return span_filter(self.weights[x].sum(axis=1), offs, lex_spans, self.tau_short, self.tau_long,
                           self.long_techniques)


def span_filter(
    z: np.ndarray,
    offs: list[tuple[int, int]],
    lex_spans: list[tuple[int, int, str, float]],
    tau_short: float,
    tau_long: float,
    long_techniques: frozenset[str],
) -> list[bool]:
    """Keep a lexicon span iff ``max(z)`` over its tokens exceeds ``tau_long`` (span labelled with
    a long-span technique, i.e. grown to its sentence) or ``tau_short`` (otherwise)."""
    starts = [s for s, _ in offs]
    ends = [e for _, e in offs]
    out = []
    for s, e, tech, _ in lex_spans:
        a = bisect.bisect_left(starts, s)
        b = bisect.bisect_right(ends, e)
        tau = tau_long if tech in long_techniques else tau_short
        out.append(b > a and float(z[a:b].max()) > tau)
    return out


@functools.lru_cache(maxsize=1)
def tagger() -> Tagger:
    """Load the packaged tagger once."""
    base = files("parallax.models") / "weights"
    meta = json.loads((base / "loaded_spans.json").read_text(encoding="utf-8"))
    with (base / "loaded_spans.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as z:
        bigram_keys = z["bigram_keys"].astype(np.int64)
        weights = z["weights"].astype(np.float64)
    vocab = {w: i + 2 for i, w in enumerate(meta["vocab"])}
    if len(weights) != sum(template_sizes(len(vocab) + 2, len(bigram_keys) + 1)):
        raise ValueError("loaded_spans.npz does not match loaded_spans.json")
    return Tagger(
        vocab=vocab,
        bigram_keys=bigram_keys,
        weights=weights,
        tau_short=float(meta["tau_short"]),
        tau_long=float(meta["tau_long"]),
        long_techniques=frozenset(meta["long_span_techniques"]),
        density_ref=float(meta["density_ref_per_100_tokens"]),
    )

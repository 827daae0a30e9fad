"""Features of the linear text classifiers: normalisation, hashed word and char n-gram blocks,
IDF, style and headline cues, sentence vectors, assembled into one matrix.

Stateless: a text's features depend on the text, the :class:`FeatureSpec` and the stored IDF
only. The training scripts (``scripts/classifier_fit.py`` and the ``train_*`` scripts) import
this code through :mod:`parallax.models.classifiers`, so training and inference cannot drift apart.
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from .headline_cues import headline_features
from .sentence_cues import sentence_cues
from .vectors import sentence_vectors

FORMAT_VERSION = 1
WORD_TOKEN_PATTERN = r"(?u)\b\w+(?:'\w+)*\b|[!?]"

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?:(?<![\w@])@\w+|<user>)", re.IGNORECASE)
_QUOTE_TRANS = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_WS_RE = re.compile(r"\s+")
_DOUBLE_QUOTE_RE = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb]")


def partly_quoted(text: str) -> bool:
    """True when ``text`` holds an odd number of double quotation marks: it opens or closes a
    quotation that runs past the sentence ("We need to close those holes.”), so part of it is
    reported speech. Single quotes are not counted (apostrophes)."""
    return len(_DOUBLE_QUOTE_RE.findall(text)) % 2 == 1


# Article-level style cues (hyperpartisan model): rates per 100 words of cheap lexical signals
# associated with opinionated / partisan writing vs. wire-style reporting.
_ARTICLE_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")
_SENTENCE_END_RE = re.compile(r"[.!?]+(?:\s|$)")
_TITLE_CAPS_RE = re.compile(r"\b[A-Z]{3,}\b")
_LOADED_WORDS = (
    r"radical|leftists?|liberals?|libtards?|snowflakes?|globalists?|elites?|corrupt(?:ion)?|"
    r"traitors?|treason|lies|lying|liars?|disgrac\w*|outrage\w*|hypocri\w*|propaganda|regime|"
    r"tyrann\w*|fascis\w*|nazis?|racis\w*|bigot\w*|evil|destroy\w*|disaster\w*|crooked|fake|"
    r"hoax|witch hunt|deep state|mainstream media|msm|sheeple|idiot\w*|stupid|moron\w*|insane|"
    r"pathetic|shameful|shameless|despicable|vile|thugs?|puppet|scam|rigged|socialis\w*|"
    r"marxis\w*|communis\w*|totalitarian|war on|so-called|establishment|patriots?|freedom|"
    r"agenda|narrative|absurd|ridiculous|horrific|atrocit\w*|brainwash\w*|sham|"
    r"coward\w*|lunatic\w*|unhinged|hysteri\w*|slam\w*|blast\w*"
)
_ARTICLE_RATE_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("exclamation", re.compile(r"!")),
    ("question_mark", re.compile(r"\?")),
    ("all_caps_word", re.compile(r"\b[A-Z]{3,}\b")),
    ("first_person_singular", re.compile(r"\b(?:I|me|my|mine|myself|I'm|I've|I'd|I'll)\b")),
    ("first_person_plural", re.compile(r"\b(?:we|us|our|ours|ourselves|we're|we've|we'll)\b", re.I)),
    ("second_person", re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'll)\b", re.I)),
    ("quote_mark", re.compile(r"\"")),
    ("loaded_word", re.compile(rf"\b(?:{_LOADED_WORDS})\b", re.I)),
    ("attribution", re.compile(r"\b(?:said|says|told|according to|reported|stated|announced)\b", re.I)),
    ("number", re.compile(r"\d+")),
    ("modal", re.compile(r"\b(?:must|should|need to|ought)\b", re.I)),
    (
        "intensifier",
        re.compile(
            r"\b(?:very|really|totally|completely|absolutely|utterly|truly|extremely|clearly|"
            r"obviously|simply)\b",
            re.I,
        ),
    ),
)
# The same cues, matched faster: case-insensitive patterns run case-sensitively on the lowercased
# text (``re.IGNORECASE`` defeats the regex engine's literal-prefix search; the loaded-word
# alternation was 4-5x slower with it). Same counts.
_ARTICLE_RATE_MATCHERS: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
    (re.compile(p.pattern), True) if p.flags & re.IGNORECASE else (p, False)
    for _, p in _ARTICLE_RATE_CUES
)
STYLE_FEATURE_NAMES: tuple[str, ...] = (
    *(f"{name}_rate" for name, _ in _ARTICLE_RATE_CUES),
    "log_words",
    "title_exclamation",
    "title_question",
    "title_all_caps",
    "log_words_per_sentence",
)
"""Article style cues (see :func:`style_features`); rates are ``log1p(count per 100 words)``."""


def normalize_text(text: str) -> str:
    """Unescape HTML, unify quotes and replace URLs / @mentions with placeholder tokens."""
    text = html.unescape(text).translate(_QUOTE_TRANS)
    text = _URL_RE.sub(" xxurl ", text)
    text = _MENTION_RE.sub(" xxuser ", text)
    return _WS_RE.sub(" ", text).strip()


def style_features(texts: Sequence[str]) -> np.ndarray:
    """Raw article style cues (:data:`STYLE_FEATURE_NAMES`), shape ``(n, n_cues)``, float64.

    Each text is ``title + "\\n" + body`` (see :func:`article_text`); the first line is taken
    as the title. Values are unstandardised; :func:`assemble` centres and scales them with the
    statistics stored in the model.
    """
    out = np.zeros((len(texts), len(STYLE_FEATURE_NAMES)), dtype=np.float64)
    for i, raw in enumerate(texts):
        text = html.unescape(raw).translate(_QUOTE_TRANS)
        title, _, body = text.partition("\n")
        lower = text.lower()
        n_words = max(len(_ARTICLE_WORD_RE.findall(text)), 1)
        row = [
            np.log1p(len(p.findall(lower if on_lower else text)) * 100.0 / n_words)
            for p, on_lower in _ARTICLE_RATE_MATCHERS
        ]
        n_sent = max(len(_SENTENCE_END_RE.findall(body)), 1)
        row += [
            np.log(n_words),
            float("!" in title),
            float("?" in title),
            float(bool(_TITLE_CAPS_RE.search(title))),
            np.log(n_words / n_sent),
        ]
        out[i] = row
    return out


def embedding_inputs(texts: Sequence[str], spec: FeatureSpec) -> list[str]:
    """What the embedding block encodes: each text cut to ``spec.embedding_chars`` (if set).

    Cut before encoding, not left to the encoder's own token limit, so that the memo in
    :mod:`.vectors` keys on the short lead rather than on whole articles.
    """
    n = spec.embedding_chars
    return [t[:n] for t in texts] if n > 0 else list(texts)


def article_text(title: str, body: str) -> str:
    """The input expected by the ``hyperpartisan`` model: ``title + "\\n" + body``."""
    return f"{title.strip()}\n{body}"


@dataclass(frozen=True)
class FeatureSpec:
    """Configuration of the stateless feature extractor (stored in each model's JSON)."""

    word_bits: int = 18
    word_ngrams: tuple[int, int] = (1, 2)
    char_bits: int = 0
    """0 disables the char_wb block."""
    char_ngrams: tuple[int, int] = (2, 5)
    char_weight: float = 1.0
    sublinear_tf: bool = True
    use_idf: bool = True
    headline: bool = False
    headline_weight: float = 0.5
    style: bool = False
    """Append standardised article style cues (:data:`STYLE_FEATURE_NAMES`)."""
    style_weight: float = 0.1
    max_chars: int = 0
    """Only the first ``max_chars`` characters of each text are used (0 = no limit)."""
    word_weight: float = 1.0
    """Scale of the (L2-normalised) word n-gram block against the dense blocks."""
    cues: bool = False
    """Append standardised sentence cues (:data:`SENTENCE_CUE_NAMES`)."""
    cues_weight: float = 0.3
    embedding: str = ""
    """Append a dense sentence-embedding block: "" (none), "static" or "minilm" (see
    :func:`parallax.models.vectors.sentence_vectors`)."""
    embedding_weight: float = 1.0
    embedding_chars: int = 0
    """Embed only the first ``embedding_chars`` characters of each text (0 = the whole text):
    for an article, its title and lead, one encoder pass (see :func:`embedding_inputs`)."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureSpec:
        """Inverse of :meth:`to_json`."""
        data = dict(data)
        # Obsolete: the char block is now always built per distinct word (same matrix).
        data.pop("char_by_word", None)
        for key in ("word_ngrams", "char_ngrams"):
            data[key] = tuple(data[key])
        return cls(**data)

    def blocks(self) -> tuple[str, ...]:
        """Names of the hashed blocks in feature order (``word_bits=0`` drops the word block,
        ``char_bits=0`` the char block)."""
        return tuple(b for b, bits in (("word", self.word_bits), ("char", self.char_bits)) if bits)

    def block_size(self, block: str) -> int:
        """Number of hashed columns of ``block``."""
        return 2 ** (self.word_bits if block == "word" else self.char_bits)


@functools.lru_cache(maxsize=16)
def _vectorizer(spec: FeatureSpec, block: str) -> HashingVectorizer:
    if block == "word":
        return HashingVectorizer(
            n_features=spec.block_size("word"),
            ngram_range=spec.word_ngrams,
            token_pattern=WORD_TOKEN_PATTERN,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
    return HashingVectorizer(
        n_features=spec.block_size("char"),
        analyzer="char_wb",
        ngram_range=spec.char_ngrams,
        alternate_sign=False,
        norm=None,
        dtype=np.float32,
    )


def truncate(texts: Sequence[str], spec: FeatureSpec) -> list[str]:
    """``texts`` cut to ``spec.max_chars`` characters (unchanged when it is 0)."""
    if spec.max_chars <= 0:
        return list(texts)
    return [t[: spec.max_chars] for t in texts]


def char_wb_counts(normed: Sequence[str], spec: FeatureSpec) -> sp.csr_matrix:
    """Hashed char_wb n-gram counts of ``normed``, equal to ``_vectorizer(spec, "char")``'s.

    char_wb n-grams never cross a word boundary (the analyzer lowercases, splits on
    whitespace, pads each word with one space and takes its n-grams), so the count matrix is
    (documents x distinct words counts) @ (distinct words x hashed n-gram counts): each
    distinct word of the batch is analysed and hashed once instead of at every occurrence.
    """
    vocab: dict[str, int] = {}
    cols: list[int] = []
    vals: list[int] = []
    indptr = [0]
    for text in normed:
        for word, count in Counter(text.lower().split()).items():
            cols.append(vocab.setdefault(word, len(vocab)))
            vals.append(count)
        indptr.append(len(cols))
    n_features = spec.block_size("char")
    if not vocab:
        return sp.csr_matrix((len(normed), n_features), dtype=np.float32)
    docs = sp.csr_matrix(
        (np.asarray(vals, dtype=np.float32), np.asarray(cols, dtype=np.int32), np.asarray(indptr)),
        shape=(len(normed), len(vocab)),
    )
    words = sp.csr_matrix(_vectorizer(spec, "char").transform(list(vocab)), dtype=np.float32)
    out = sp.csr_matrix(docs @ words, dtype=np.float32)
    out.sort_indices()
    return out


def hashed_counts(texts: Sequence[str], spec: FeatureSpec) -> dict[str, sp.csr_matrix]:
    """Raw (optionally log-scaled) hashed term counts per block for normalised ``texts``."""
    out: dict[str, sp.csr_matrix] = {}
    if not spec.blocks():
        return out
    normed = [normalize_text(t) for t in truncate(texts, spec)]
    for block in spec.blocks():
        if block == "char":  # the char_wb vectorizer's matrix, each distinct word hashed once
            mat = char_wb_counts(normed, spec)
        else:
            mat = sp.csr_matrix(_vectorizer(spec, block).transform(normed), dtype=np.float32)
        if spec.sublinear_tf:
            mat.data = 1.0 + np.log(mat.data)
        out[block] = mat
    return out


def compute_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed IDF ``log((1+n)/(1+df)) + 1`` of a count matrix, as float32.

    Columns never seen in training (df = 0) get weight 0, so the IDF vector doubles as the
    vocabulary mask: unseen n-grams neither score nor dilute the L2 norm.
    """
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    idf[df == 0] = 0.0
    return idf.astype(np.float32)


def assemble(
    counts: dict[str, sp.csr_matrix],
    texts: Sequence[str],
    spec: FeatureSpec,
    idf: dict[str, np.ndarray],
    vectors: np.ndarray | None = None,
    cue_values: np.ndarray | None = None,
) -> sp.csr_matrix:
    """Apply IDF, per-block L2 norm and block weights; append headline / style cues and the
    sentence-embedding block.

    With ``spec.style``, ``idf`` must also hold ``style_center`` and ``style_scale`` (the
    training-set statistics used to standardise :func:`style_features`); with ``spec.cues``,
    ``cues_center`` and ``cues_scale`` (the same for :func:`sentence_cues`). With
    ``spec.embedding``, ``vectors`` are the unit-length embeddings of :func:`embedding_inputs`
    ``(texts, spec)`` from
    :func:`parallax.models.vectors.sentence_vectors` (computed here when not given: pass them
    when the caller already has them, so one encoding feeds every head). ``cue_values``: the
    texts' :func:`sentence_cues`, when already computed (training reuses them across folds).
    """
    n_rows = next(iter(counts.values())).shape[0] if counts else len(texts)
    parts: list[sp.spmatrix] = [sp.csr_matrix((n_rows, 0), dtype=np.float64)]
    for block in spec.blocks():
        # Scaled in place: multiplying by sp.diags(idf) builds a matrix as wide as the hash
        # space on every call, which made per-text calls (top_terms) 7x slower.
        mat = sp.csr_matrix(counts[block], dtype=np.float64, copy=True)
        if spec.use_idf:
            mat.data *= idf[block][mat.indices]
        # Row norms by bincount: np.add.reduceat fails when the last rows are empty (a text with
        # no features, e.g. a sentence that was all quotation once the quotation is left out).
        lengths = np.diff(mat.indptr)
        rows = np.repeat(np.arange(mat.shape[0]), lengths)
        row_norm = np.sqrt(np.bincount(rows, weights=mat.data ** 2, minlength=mat.shape[0]))
        row_norm[row_norm == 0] = 1.0
        mat.data /= np.repeat(row_norm, lengths)
        if block == "char" and spec.char_weight != 1.0:
            mat = mat * spec.char_weight
        if block == "word" and spec.word_weight != 1.0:
            mat = mat * spec.word_weight
        parts.append(mat)
    if spec.headline:
        parts.append(sp.csr_matrix(headline_features(texts) * spec.headline_weight))
    if spec.style:
        raw = style_features(truncate(texts, spec))
        z = (raw - idf["style_center"]) / idf["style_scale"]
        parts.append(sp.csr_matrix(z * spec.style_weight))
    if spec.cues:
        raw = sentence_cues(truncate(texts, spec)) if cue_values is None else cue_values
        z = (raw - idf["cues_center"]) / idf["cues_scale"]
        parts.append(sp.csr_matrix(z * spec.cues_weight))
    if spec.embedding:
        if vectors is None:
            vectors = sentence_vectors(embedding_inputs(texts, spec), spec.embedding)
        if vectors.shape[0] != len(texts):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(texts)} texts")
        parts.append(sp.csr_matrix(np.asarray(vectors, dtype=np.float64) * spec.embedding_weight))
    return sp.csr_matrix(sp.hstack(parts, format="csr"), dtype=np.float32)


def featurize(texts: Sequence[str], spec: FeatureSpec, idf: dict[str, np.ndarray],
              vectors: np.ndarray | None = None) -> sp.csr_matrix:
    """Full feature matrix for ``texts`` (the exact function used at training and inference)."""
    return assemble(hashed_counts(texts, spec), texts, spec, idf, vectors)

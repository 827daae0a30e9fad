"""Small calibrated linear text classifiers (subjectivity, check-worthiness, clickbait, abuse,
hyperpartisan slant).

Features are stateless: texts are normalised, hashed into word n-gram and (optionally) char
n-gram blocks with :class:`~sklearn.feature_extraction.text.HashingVectorizer`, re-weighted by a
stored IDF vector, L2-normalised per block and concatenated with a few hand-written headline
cues (headlines) or standardised article style cues (hyperpartisan). A logistic-regression
weight vector (Platt calibration already folded in) maps them to
P(positive). Weights live in ``parallax/models/weights/<name>.json`` (configuration, intercept,
threshold) and ``<name>.npz`` (plain arrays, loaded with ``allow_pickle=False``); they are
produced by ``scripts/train_classifiers.py`` (``scripts/train_hyperpartisan.py`` for
``hyperpartisan``), which import the feature code from this module so
that training and inference cannot drift apart.
"""

from __future__ import annotations

import copy
import functools
import html
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import HashingVectorizer

from .hate_contextual import ContextualHate, load_contextual_hate
from .headline_cues import HEADLINE_FEATURE_NAMES, headline_features
from .sentence_cues import SENTENCE_CUE_NAMES, dehumanises_group, sentence_cues
from .vectors import sentence_vectors

AVAILABLE: tuple[str, ...] = ("subjectivity", "checkworthy", "clickbait", "hate", "hyperpartisan")
"""Names accepted by :func:`load_classifier`."""

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


class TextClassifier:
    """A binary linear text classifier returning calibrated P(positive)."""

    def __init__(
        self,
        name: str,
        spec: FeatureSpec,
        coef: np.ndarray,
        intercept: float,
        idf: dict[str, np.ndarray],
        threshold: float = 0.5,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """Build from plain arrays; ``coef`` spans all feature blocks in :func:`assemble` order."""
        self.name = name
        self.spec = spec
        self.coef = np.asarray(coef, dtype=np.float32)
        self.intercept = float(intercept)
        self.idf = idf
        self.threshold = float(threshold)
        """Decision threshold on P(positive) tuned at training time (see the model card)."""
        self.meta: dict[str, Any] = meta or {}
        self.contextual: ContextualHate | None = None
        """A second stage that reads again the texts this model gives at least its gate
        (:meth:`with_contextual`; the abuse model has one)."""

    def with_contextual(self, second: ContextualHate) -> TextClassifier:
        """This model as the first stage of a cascade: texts it gives at least ``second.gate`` are
        scored by ``second`` instead, and the decision threshold becomes the second stage's."""
        out = copy.copy(self)
        out.contextual = second
        out.threshold = second.threshold
        return out

    def decision_function(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Calibrated logits, shape ``(n,)``; ``vectors`` as in :func:`assemble`."""
        if isinstance(texts, str):
            raise TypeError("pass a sequence of texts, not a single string")
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float64)
        x = featurize(list(texts), self.spec, self.idf, vectors)
        return np.asarray(x @ self.coef, dtype=np.float64) + self.intercept

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """P(positive) for each text, shape ``(n,)``, values in [0, 1].

        ``vectors``: the texts' embeddings of kind ``spec.embedding`` when the caller has them
        (ignored by models without an embedding block)."""
        z = np.clip(self.decision_function(texts, vectors), -50.0, 50.0)
        p = 1.0 / (1.0 + np.exp(-z))
        if self.contextual is not None and len(p):
            p = self.contextual.rescore(list(texts), p)
        # Guideline rule (subjectivity): a sentence partly inside a quotation is reported speech;
        # its probability is capped at the rate such sentences were subjective in the training
        # data (the model's JSON says which, and on what).
        cap = self.meta.get("partly_quoted_cap")
        if cap is not None and len(p):
            quoted = np.fromiter((partly_quoted(t) for t in texts), dtype=bool, count=len(p))
            p = np.where(quoted, np.minimum(p, float(cap)), p)
        # Guideline rule (abuse): an identity group called vermin, a disease, animals… is hate
        # speech; its probability is raised to the rate such texts were abusive in training.
        floor = self.meta.get("dehumanising_floor")
        if floor is not None and len(p):
            hit = np.fromiter((dehumanises_group(t) for t in texts), dtype=bool, count=len(p))
            p = np.where(hit, np.maximum(p, float(floor)), p)
        return p

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        """Boolean decisions at :attr:`threshold`."""
        return self.predict_proba(texts, vectors) >= self.threshold

    def top_terms(self, text: str, k: int = 5) -> list[tuple[str, float]]:
        """Word n-grams of ``text`` with the largest positive contribution to the logit.

        Returns up to ``k`` ``(ngram, contribution)`` pairs sorted by decreasing contribution;
        n-grams that push towards the negative class are omitted.
        """
        spec = self.spec
        if "word" not in spec.blocks():
            return []
        counts = hashed_counts([text], spec)
        row = assemble(counts, [text], spec, self.idf)
        n_word = spec.block_size("word")
        word_row = row[:, :n_word].toarray().ravel()
        grams = sorted(set(_vectorizer(spec, "word").build_analyzer()(normalize_text(text))))
        if not grams:
            return []
        hasher = FeatureHasher(n_features=n_word, input_type="string", alternate_sign=False)
        idx = hasher.transform([[g] for g in grams]).indices
        contrib = self.coef[:n_word][idx] * word_row[idx]
        order = np.argsort(-contrib, kind="stable")[:k]
        return [(grams[i], round(float(contrib[i]), 4)) for i in order if contrib[i] > 0]

    def __repr__(self) -> str:
        return f"TextClassifier(name={self.name!r}, n_features={self.coef.shape[0]})"


def _dense(arrays: dict[str, np.ndarray], prefix: str, size: int, default: float) -> np.ndarray:
    """Rebuild a dense float32 vector stored as ``<prefix>_idx`` / ``<prefix>_val``."""
    out = np.full(size, default, dtype=np.float32)
    out[arrays[f"{prefix}_idx"].astype(np.int64)] = arrays[f"{prefix}_val"].astype(np.float32)
    return out


def classifier_from_arrays(
    meta: dict[str, Any], arrays: dict[str, np.ndarray]
) -> TextClassifier:
    """Rebuild a :class:`TextClassifier` from its JSON metadata and ``.npz`` arrays."""
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unsupported model format {meta.get('format_version')!r}")
    spec = FeatureSpec.from_json(meta["features"])
    coefs: list[np.ndarray] = []
    idf: dict[str, np.ndarray] = {}
    for block in spec.blocks():
        size = spec.block_size(block)
        coefs.append(_dense(arrays, f"{block}_coef", size, 0.0))
        if spec.use_idf:
            idf[block] = _dense(arrays, f"{block}_idf", size, float(arrays[f"{block}_idf_default"]))
    if spec.headline:
        coefs.append(arrays["headline_coef"].astype(np.float32))
    if spec.style:
        coefs.append(arrays["style_coef"].astype(np.float32))
        idf["style_center"] = arrays["style_center"].astype(np.float64)
        idf["style_scale"] = arrays["style_scale"].astype(np.float64)
    if spec.cues:
        coefs.append(arrays["cues_coef"].astype(np.float32))
        idf["cues_center"] = arrays["cues_center"].astype(np.float64)
        idf["cues_scale"] = arrays["cues_scale"].astype(np.float64)
    if spec.embedding:
        coefs.append(arrays["embedding_coef"].astype(np.float32))
    return TextClassifier(
        name=meta["name"],
        spec=spec,
        coef=np.concatenate(coefs),
        intercept=float(meta["intercept"]),
        idf=idf,
        threshold=float(meta.get("threshold", 0.5)),
        meta=meta,
    )


def classifier_to_arrays(clf: TextClassifier) -> dict[str, np.ndarray]:
    """Sparse plain-array representation of ``clf`` (inverse of :func:`classifier_from_arrays`).

    Coefficients are stored as float16 (enough for a linear model, halves the file size).
    """
    arrays: dict[str, np.ndarray] = {}
    offset = 0
    for block in clf.spec.blocks():
        size = clf.spec.block_size(block)
        coef = clf.coef[offset : offset + size]
        offset += size
        nz = np.flatnonzero(coef).astype(np.int32)
        arrays[f"{block}_coef_idx"] = nz
        arrays[f"{block}_coef_val"] = coef[nz].astype(np.float16)
        if clf.spec.use_idf:
            idf = clf.idf[block]
            default = 0.0 if bool((idf == 0).any()) else float(idf.max())
            keep = np.flatnonzero(idf != default).astype(np.int32)
            arrays[f"{block}_idf_idx"] = keep
            arrays[f"{block}_idf_val"] = idf[keep].astype(np.float16)
            arrays[f"{block}_idf_default"] = np.asarray(default, dtype=np.float32)
    if clf.spec.headline:
        n_cues = len(HEADLINE_FEATURE_NAMES)
        arrays["headline_coef"] = clf.coef[offset : offset + n_cues].astype(np.float32)
        offset += n_cues
    if clf.spec.style:
        n_style = len(STYLE_FEATURE_NAMES)
        arrays["style_coef"] = clf.coef[offset : offset + n_style].astype(np.float32)
        offset += n_style
        arrays["style_center"] = np.asarray(clf.idf["style_center"], dtype=np.float64)
        arrays["style_scale"] = np.asarray(clf.idf["style_scale"], dtype=np.float64)
    if clf.spec.cues:
        n_cues = len(SENTENCE_CUE_NAMES)
        arrays["cues_coef"] = clf.coef[offset : offset + n_cues].astype(np.float32)
        offset += n_cues
        arrays["cues_center"] = np.asarray(clf.idf["cues_center"], dtype=np.float64)
        arrays["cues_scale"] = np.asarray(clf.idf["cues_scale"], dtype=np.float64)
    if clf.spec.embedding:
        arrays["embedding_coef"] = clf.coef[offset:].astype(np.float32)
    return arrays


# Names of the two classes of each task, positive first, for labelled output.
LABELS: dict[str, tuple[str, str]] = {
    "subjectivity": ("subjective", "objective"),
    "checkworthy": ("checkworthy", "not-checkworthy"),
    "clickbait": ("clickbait", "not-clickbait"),
    "hate": ("abusive", "not-abusive"),
    "hyperpartisan": ("hyperpartisan", "not-hyperpartisan"),
}


def classify_texts(task: str, texts: Sequence[str], threshold: float | None = None) -> list[tuple[str, float]]:
    """(label, P(positive)) per text, labelled at ``threshold`` (default: the model's tuned one)."""
    clf = load_classifier(task)
    probs = clf.predict_proba(list(texts))
    pos, neg = LABELS[task]
    cut = clf.threshold if threshold is None else threshold
    return [(pos if p >= cut else neg, round(float(p), 4)) for p in probs]


def model_available(name: str) -> bool:
    """Whether the packaged weights of classifier ``name`` are installed."""
    root = resources.files("parallax.models") / "weights"
    return (root / f"{name}.json").is_file() and (root / f"{name}.npz").is_file()


@functools.cache
def load_classifier(name: str, contextual: bool = True) -> TextClassifier:
    """Load (once, then cached) the packaged classifier ``name``; see :data:`AVAILABLE`.

    The abuse model (``hate``) comes with its contextual second stage
    (:mod:`parallax.models.hate_contextual`) when that is installed; ``contextual=False`` gives
    the first stage alone."""
    if name not in AVAILABLE:
        raise KeyError(f"unknown classifier {name!r}; available: {', '.join(AVAILABLE)}")
    root = resources.files("parallax.models") / "weights"
    json_res, npz_res = root / f"{name}.json", root / f"{name}.npz"
    if not (json_res.is_file() and npz_res.is_file()):
        raise FileNotFoundError(
            f"weights for classifier {name!r} are missing from parallax/models/weights; "
            "run `python scripts/train_classifiers.py`"
        )
    meta = json.loads(json_res.read_text(encoding="utf-8"))
    with npz_res.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    clf = classifier_from_arrays(meta, arrays)
    if name == "hate" and contextual:
        second = load_contextual_hate()
        if second is not None:
            clf = clf.with_contextual(second)
    return clf

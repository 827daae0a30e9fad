"""Stance of a text towards a claim: agree, disagree, discuss or unrelated (FNC-1 style).

The first text of a pair is the claim (a headline or a claim sentence), the second the text
taking a stance (an article body, a passage or a single sentence). Features are stateless
functions of the pair, so every pair scores the same whatever else is in the batch:

- *relatedness*: background-IDF TF-IDF cosine (:mod:`parallax.text.textvec`) of the claim against the
  whole text, its best-matching sentences and its lead, the share of the claim's IDF mass that
  the text (or its best sentences) covers, and stemmed bigram / trigram overlap;
- *stance cues*: refuting (hoax, fake, denied, no evidence…), hedging / reporting (reportedly,
  allegedly, according to, unconfirmed…) and confirming (confirmed, officially…) words in the
  claim, in the best-matching sentences, in the lead and across the text, plus their
  claim-by-text interactions (a hoax headline over a body saying "hoax" agrees with it);
- *lexical*: hashed word 1-2-grams of the sentences most similar to the claim (where the stance
  is usually expressed), L2-normalised.

Sentence-level cues are computed on "the best *k* sentences" and shares of sentences rather
than raw counts, so a single sentence or a short passage gets features on the same scale as a
full article body (its best sentences are itself).

Two stages, both plain arrays: a logistic regression on the dense features gives
P(related), and a softmax model on dense + lexical features gives P(agree/disagree/discuss |
related); the four probabilities are their product (``unrelated`` = 1 - P(related)). Weights
live in ``parallax/models/weights/stance.json`` (configuration, feature names, intercepts) and
``stance.npz`` (loaded with ``allow_pickle=False``), produced by ``scripts/train_stance.py``,
which imports the feature code from this module so training and inference cannot drift.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import blingfire
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, HashingVectorizer

from parallax.models.packaged import packaged_available, read_packaged
from parallax.text import textvec

LABELS: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
"""Output classes, in the column order of :meth:`StanceModel.predict_proba`."""

RELATED_LABELS: tuple[str, ...] = LABELS[:3]
FORMAT_VERSION = 1
MODEL_NAME = "stance"

_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Function words left out of the overlap features (they match between any two English texts).
_STOP = frozenset(ENGLISH_STOP_WORDS | {"s", "said", "says"})


def _phrases(words: str) -> re.Pattern[str]:
    """Whole-word regex for a ``|``-separated list (``*`` = any word ending)."""
    alts = [re.escape(w.strip()).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for w in words.split("|")]
    return re.compile(r"\b(?:" + "|".join(alts) + r")\b")


# Lexicons follow the FNC-1 baseline's refuting list, Ferreira & Vlachos (2016, Emergent) hedging
# words and common newsroom confirmation verbs; matched on lower-cased text.
_LEXICONS: dict[str, re.Pattern[str]] = {
    "refute": _phrases(
        "fake*|fraud*|hoax*|false|falsely|deny|denies|denied|denial|denying|debunk*|bogus|untrue|not true|"
        "no evidence|no proof|nothing to|prank*|retract*|satir*|myth|fabricat*|made up|misleading|baseless|"
        "unfounded|rumou?rs? (?:are|is|was) false|incorrect|refute*|dismiss*|reject*|rubbish|nonsense|"
        "lie|lies|lying|doctored|photoshop*|spoof*|parody|scam*|never|wasn't|isn't|didn't|doesn't|not"
    ),
    "hedge": _phrases(
        "reportedly|allegedly|alleged|alleges|purported*|apparently|supposedly|claim|claims|claimed|claiming|"
        "according to|rumou?r*|unconfirmed|unverified|could not be verified|cannot be verified|may|might|"
        "possibly|perhaps|appears?|appeared|seems?|suggest*|speculat*|believed|thought to|unclear|if true|"
        "report|reports|reported|sources?|unnamed|unknown"
    ),
    "confirm": _phrases(
        "confirm*|officially|official|announced|verified|indeed|proved|proven|true|real|genuine|in fact|"
        "revealed|shows|showed|evidence|footage|photos? show"
    ),
}
LEXICON_NAMES: tuple[str, ...] = tuple(_LEXICONS)


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    """Very light suffix stripping so "denies"/"denied"/"deny" and "reports"/"reported" meet."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 5:
        for suffix in ("ing", "ied", "ies", "ed", "es"):
            if word.endswith(suffix):
                return word[: -len(suffix)]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _clean(text: str) -> str:
    # Chained str.replace: str.translate with a dict table is ~20x slower on article bodies.
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


def _stems(text: str) -> list[str]:
    return [_stem(w) for w in _WORD_RE.findall(text.lower())]


def _ngrams(stems: list[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(stems[i:] for i in range(n)), strict=False))


@dataclass(frozen=True)
class StanceSpec:
    """Configuration of the stateless pair features (stored in the model JSON)."""

    top_k: int = 3
    """Number of best-matching sentences that form the "stance passage"."""
    lead_sentences: int = 2
    sparse_bits: int = 16
    """0 disables the hashed n-gram block of the stance passage."""
    sparse_ngrams: tuple[int, int] = (1, 2)
    sparse_weight: float = 1.0
    sparse_headline: bool = False
    """Also hash the claim's own n-grams (separate block)."""

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StanceSpec:
        """Inverse of :meth:`to_json`."""
        data = dict(data)
        data["sparse_ngrams"] = tuple(data["sparse_ngrams"])
        return cls(**data)

    def sparse_size(self) -> int:
        """Total number of hashed columns (0 when the lexical block is off)."""
        if not self.sparse_bits:
            return 0
        return (2 if self.sparse_headline else 1) * 2**self.sparse_bits


DENSE_FEATURE_NAMES: tuple[str, ...] = (
    "cos_text",
    "cos_max",
    "cos_second",
    "cos_topk_mean",
    "cos_lead",
    "best_position",
    "cover_text",
    "cover_best",
    "cover_topk",
    "cover_lead",
    "stem_cover_text",
    "bigram_cover_text",
    "trigram_cover_text",
    "bigram_cover_topk",
    "claim_length",
    "claim_question",
    *(f"claim_{name}" for name in LEXICON_NAMES),
    *(f"best_{name}" for name in LEXICON_NAMES),
    *(f"topk_{name}" for name in LEXICON_NAMES),
    *(f"lead_{name}" for name in LEXICON_NAMES),
    *(f"text_{name}" for name in LEXICON_NAMES),
    *(f"near_{name}" for name in LEXICON_NAMES),
    "claim_refute_x_topk_refute",
    "claim_refute_x_topk_not_refute",
    "claim_plain_x_topk_refute",
    "topk_quote",
    "single_sentence",
)


_LOWER_START = re.compile(r"^[\"'(\[]?[a-z]")


def sentences(text: str) -> list[str]:
    """Sentences of ``text``; paragraph breaks always end one.

    Same rule as :func:`parallax.text.segment.split_sentences` (pieces starting lower-case are glued
    back: "U.S. officials") but without character offsets, which cost blingfire a second pass
    and made sentence splitting the slowest step of a headline-vs-body pair.
    """
    out: list[str] = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        start = len(out)
        for piece in blingfire.text_to_sentences(para).split("\n"):
            if not piece.strip():
                continue
            if len(out) > start and _LOWER_START.match(piece):
                out[-1] = f"{out[-1]} {piece}"
            else:
                out.append(piece)
    return out


@dataclass
class _Text:
    """Per-text cache (one per distinct second text in a batch)."""

    sentences: list[str]
    terms: np.ndarray
    """Sorted hash buckets present anywhere in the text."""
    weights: np.ndarray
    """(n_sentences, len(terms)) background TF-IDF of each sentence (L2-normalised rows)."""
    whole: np.ndarray
    """(len(terms),) TF-IDF of the whole text over the same buckets."""
    lex: np.ndarray
    """(n_sentences, n_lexicons) 0/1 lexicon hits."""
    quote: np.ndarray
    stem_set: set[str]
    bigrams: set[tuple[str, ...]]
    trigrams: set[tuple[str, ...]]
    sent_bigrams: list[set[tuple[str, ...]]]


@dataclass
class _Claim:
    """Per-claim cache."""

    terms: np.ndarray
    weights: np.ndarray
    content: set[str]
    bigrams: set[tuple[str, ...]]
    trigrams: set[tuple[str, ...]]
    lex: np.ndarray
    n_words: int
    question: bool


def _lexicon_hits(text: str) -> np.ndarray:
    low = text.lower()
    return np.array([1.0 if pat.search(low) else 0.0 for pat in _LEXICONS.values()], dtype=np.float64)


def _tfidf_rows(counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    out = np.zeros_like(counts)
    nz = counts > 0
    out[nz] = 1.0 + np.log(counts[nz])
    out *= idf
    norms = np.sqrt((out**2).sum(axis=1, keepdims=True))
    norms[norms == 0] = 1.0
    return out / norms


def _prepare_texts(texts: Sequence[str]) -> list[_Text]:
    sentence_lists = [sentences(text) or [text] for text in texts]
    flat = [s for sents in sentence_lists for s in sents]
    counts = textvec.hasher().transform(flat).tocsr()
    idf = textvec.background_idf()
    out: list[_Text] = []
    offset = 0
    for sents in sentence_lists:
        block = counts[offset : offset + len(sents)]
        offset += len(sents)
        terms, cols = np.unique(block.indices, return_inverse=True)
        raw = np.zeros((len(sents), len(terms)))
        rows = np.repeat(np.arange(len(sents)), np.diff(block.indptr))
        raw[rows, cols.ravel()] = block.data
        # Same weighting as textvec.tfidf (sublinear tf x background IDF, L2 rows), computed
        # from the sentence counts so the text is hashed once for both sentence and whole vectors.
        whole = _tfidf_rows(raw.sum(axis=0, keepdims=True), idf[terms])[0]
        weights = _tfidf_rows(raw, idf[terms])
        sent_stems = [_stems(s) for s in sents]
        stems = [w for ss in sent_stems for w in ss]
        sent_bigrams = [_ngrams(ss, 2) for ss in sent_stems]
        out.append(
            _Text(
                sentences=sents,
                terms=terms,
                weights=weights,
                whole=whole,
                lex=np.vstack([_lexicon_hits(s) for s in sents]),
                quote=np.array([1.0 if '"' in s else 0.0 for s in sents]),
                stem_set=set(stems),
                bigrams=set().union(*sent_bigrams),
                trigrams=_ngrams(stems, 3),
                sent_bigrams=sent_bigrams,
            )
        )
    return out


def _prepare_claims(claims: Sequence[str]) -> list[_Claim]:
    vecs = textvec.tfidf(list(claims)).tocsr()
    out = []
    for i, claim in enumerate(claims):
        row = vecs[i]
        order = np.argsort(row.indices)
        stems = _stems(claim)
        out.append(
            _Claim(
                terms=row.indices[order],
                weights=row.data[order].astype(np.float64),
                content={w for w in stems if w not in _STOP},
                bigrams=_ngrams(stems, 2),
                trigrams=_ngrams(stems, 3),
                lex=_lexicon_hits(claim),
                n_words=len(stems),
                question="?" in claim,
            )
        )
    return out


def _frac(part: set[Any], whole: set[Any]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def _pair_dense(claim: _Claim, body: _Text, spec: StanceSpec) -> tuple[np.ndarray, list[int]]:
    """Dense features of one pair and the indices of its best-matching sentences."""
    n = len(body.sentences)
    pos = np.searchsorted(body.terms, claim.terms)
    ok = pos < len(body.terms)
    ok[ok] = body.terms[pos[ok]] == claim.terms[ok]
    w = claim.weights[ok]
    w2 = w**2
    sub = body.weights[:, pos[ok]]
    cos = sub @ w
    hit = sub > 0
    cover = hit @ w2
    order = np.argsort(-cos, kind="stable")
    top = [int(j) for j in order[: spec.top_k]]
    lead = list(range(min(spec.lead_sentences, n)))
    cos_sorted = cos[order]

    def union_cover(rows: list[int]) -> float:
        return float(hit[rows].any(axis=0) @ w2)

    top_bigrams: set[tuple[str, ...]] = set().union(*(body.sent_bigrams[j] for j in top))
    # "Near" = sentences sharing at least a third of the claim's IDF mass: a denial there is
    # about the claim, a denial elsewhere in a long body often is not.
    near = cover >= 0.33
    near_lex = body.lex[near].mean(axis=0) if near.any() else np.zeros(len(LEXICON_NAMES))
    topk_lex = body.lex[top].mean(axis=0)
    refute = LEXICON_NAMES.index("refute")
    claim_ref, topk_ref = claim.lex[refute], float(topk_lex[refute] > 0)
    feats = [
        float(body.whole[pos[ok]] @ w),
        float(cos_sorted[0]),
        float(cos_sorted[1]) if n > 1 else float(cos_sorted[0]),
        float(cos_sorted[: spec.top_k].mean()),
        float(cos[lead].max()),
        float(order[0]) / max(n - 1, 1),
        union_cover(list(range(n))),
        float(cover[order[0]]),
        union_cover(top),
        union_cover(lead),
        _frac(claim.content, body.stem_set),
        _frac(claim.bigrams, body.bigrams),
        _frac(claim.trigrams, body.trigrams),
        _frac(claim.bigrams, top_bigrams),
        float(np.log1p(claim.n_words)),
        1.0 if claim.question else 0.0,
        *claim.lex,
        *body.lex[top[0]],
        *topk_lex,
        *body.lex[lead].max(axis=0),
        *body.lex.mean(axis=0),
        *near_lex,
        claim_ref * topk_ref,
        claim_ref * (1.0 - topk_ref),
        (1.0 - claim_ref) * topk_ref,
        float(body.quote[top].mean()),
        1.0 if n == 1 else 0.0,
    ]
    return np.asarray(feats, dtype=np.float64), top


@functools.lru_cache(maxsize=8)
def _passage_hasher(bits: int, ngrams: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(
        n_features=2**bits,
        ngram_range=ngrams,
        token_pattern=r"(?u)\b\w+(?:'\w+)*\b",
        alternate_sign=False,
        binary=True,
        norm="l2",
        dtype=np.float32,
    )


def pair_features(pairs: Sequence[tuple[str, str]], spec: StanceSpec) -> tuple[np.ndarray, sp.csr_matrix]:
    """Dense features ``(n, len(DENSE_FEATURE_NAMES))`` and the hashed lexical block of ``pairs``.

    Distinct second texts are prepared once per call (a headline batch against one body costs
    one sentence split); the result for a pair does not depend on the rest of the batch.
    """
    claims = [_clean(c) for c, _ in pairs]
    texts = [_clean(t) for _, t in pairs]
    uniq_texts = list(dict.fromkeys(texts))
    uniq_claims = list(dict.fromkeys(claims))
    text_at = {t: i for i, t in enumerate(uniq_texts)}
    claim_at = {c: i for i, c in enumerate(uniq_claims)}
    prepared = _prepare_texts(uniq_texts) if pairs else []
    prepared_claims = _prepare_claims(uniq_claims) if pairs else []
    dense = np.zeros((len(pairs), len(DENSE_FEATURE_NAMES)), dtype=np.float64)
    passages: list[str] = []
    for i, (claim, text) in enumerate(zip(claims, texts, strict=True)):
        body = prepared[text_at[text]]
        dense[i], top = _pair_dense(prepared_claims[claim_at[claim]], body, spec)
        passages.append(" ".join(body.sentences[j] for j in sorted(top)))
    if not spec.sparse_bits:
        return dense, sp.csr_matrix((len(pairs), 0), dtype=np.float32)
    hasher = _passage_hasher(spec.sparse_bits, spec.sparse_ngrams)
    blocks = [hasher.transform([p.lower() for p in passages])]
    if spec.sparse_headline:
        blocks.append(hasher.transform([c.lower() for c in claims]))
    sparse = sp.csr_matrix(sp.hstack(blocks, format="csr"), dtype=np.float32) * spec.sparse_weight
    return dense, sparse


@dataclass(frozen=True)
class StanceResult:
    """Predicted stance of one pair: the arg-max label and the four probabilities."""

    label: str
    probs: dict[str, float]


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


class StanceModel:
    """Two-stage stance model over :func:`pair_features` (plain numpy arrays).

    Stage 1, P(related): a one-hidden-layer ReLU network (or a logistic regression when
    ``rel_hidden`` is empty) on the standardised dense features. Stage 2, P(agree / disagree /
    discuss | related): a softmax regression on the standardised dense features plus the hashed
    lexical block, with per-class logit offsets tuned on out-of-fold predictions.
    """

    def __init__(self, spec: StanceSpec, arrays: dict[str, np.ndarray], meta: dict[str, Any] | None = None) -> None:
        """Build from the arrays written by ``scripts/train_stance.py`` (see :meth:`to_arrays`)."""
        self.spec = spec
        self.arrays = {k: np.asarray(v) for k, v in arrays.items()}
        self.meta: dict[str, Any] = meta or {}
        a = self.arrays
        self.mean = a["dense_mean"].astype(np.float64)
        self.scale = a["dense_scale"].astype(np.float64)
        self.rel_layers = [
            (a[f"rel_w{i}"].astype(np.float64), a[f"rel_b{i}"].astype(np.float64))
            for i in range(int(a["rel_n_layers"]))
        ]
        self.cls_dense = a["cls_dense_coef"].astype(np.float64)
        n_sparse = spec.sparse_size()
        self.cls_sparse = np.zeros((n_sparse, len(RELATED_LABELS)), dtype=np.float32)
        if n_sparse:
            self.cls_sparse[a["cls_sparse_idx"].astype(np.int64)] = a["cls_sparse_val"].astype(np.float32)
        self.cls_bias = a["cls_intercept"].astype(np.float64) + a["cls_offset"].astype(np.float64)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for ``np.savez`` (the lexical weights stored sparse, as float16)."""
        out = dict(self.arrays)
        rows = np.flatnonzero(np.abs(self.cls_sparse).max(axis=1) > 0).astype(np.int32)
        out["cls_sparse_idx"] = rows
        out["cls_sparse_val"] = self.cls_sparse[rows].astype(np.float16)
        return out

    def related_proba(self, dense: np.ndarray) -> np.ndarray:
        """P(related) from raw dense features, shape ``(n,)``."""
        h = (dense - self.mean) / self.scale
        for i, (w, b) in enumerate(self.rel_layers):
            h = h @ w + b
            if i < len(self.rel_layers) - 1:
                h = _relu(h)
        z = np.clip(h[:, 0], -50.0, 50.0)
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def stance_proba(self, dense: np.ndarray, sparse: sp.csr_matrix) -> np.ndarray:
        """P(agree, disagree, discuss | related), shape ``(n, 3)``."""
        z = ((dense - self.mean) / self.scale) @ self.cls_dense + self.cls_bias
        if sparse.shape[1]:
            z = z + np.asarray(sparse @ self.cls_sparse, dtype=np.float64)
        return _softmax(z)

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities over :data:`LABELS` for each (claim, text) pair, shape ``(n, 4)``."""
        if len(pairs) == 0:
            return np.zeros((0, len(LABELS)))
        dense, sparse = pair_features(pairs, self.spec)
        p_rel = self.related_proba(dense)
        return np.column_stack([self.stance_proba(dense, sparse) * p_rel[:, None], 1.0 - p_rel])


def model_available() -> bool:
    """Whether the packaged stance weights are installed."""
    return packaged_available(MODEL_NAME)


def model_from_files(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> StanceModel:
    """Rebuild a :class:`StanceModel` from its JSON metadata and ``.npz`` arrays."""
    if meta.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"unsupported stance model format {meta.get('format_version')!r}")
    if tuple(meta["dense_features"]) != DENSE_FEATURE_NAMES:
        raise ValueError("stance model was trained on a different dense feature list")
    return StanceModel(StanceSpec.from_json(meta["features"]), arrays, meta)


@functools.cache
def load_model() -> StanceModel:
    """Load (once, then cached) the packaged stance model."""
    found = read_packaged(MODEL_NAME)
    if found is None:
        raise FileNotFoundError(
            "stance weights are missing from parallax/models/weights; run `python scripts/train_stance.py`"
        )
    return model_from_files(*found)


def predict_stance(pairs: Sequence[tuple[str, str]]) -> list[StanceResult]:
    """Stance of the second text of each pair towards the first (claim / headline).

    ``pairs`` are ``(claim, text)`` tuples; ``text`` may be a whole article body, a passage or a
    single sentence. Returns one :class:`StanceResult` per pair, in order.
    """
    if isinstance(pairs, tuple) and len(pairs) == 2 and all(isinstance(x, str) for x in pairs):
        raise TypeError("pass a sequence of (claim, text) pairs, not a single pair")
    probs = load_model().predict_proba(list(pairs))
    return [
        StanceResult(decide(row), {lab: round(float(p), 4) for lab, p in zip(LABELS, row, strict=True)})
        for row in probs
    ]


def decide(probs: np.ndarray) -> str:
    """Label of one probability row: two-stage, like the model.

    ``unrelated`` when P(unrelated) >= 0.5, else the most probable of agree / disagree /
    discuss (a plain arg-max would call a pair unrelated at P(related) = 0.6 split 0.3/0.3).
    """
    if probs[3] >= 0.5:
        return "unrelated"
    return LABELS[int(np.argmax(probs[:3]))]

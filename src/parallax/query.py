"""Questions asked of an analysed database: which articles agree with, dispute or discuss a claim.

Read-only on the SQLite file (safe while ``analyze`` writes: WAL readers see the last committed
state). Not a pipeline stage: it reads what the stages stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from parallax.claims.claimsim import stems
from parallax.claims.disputes import Figure, conflicting, figures
from parallax.claims.stance import predict_stance
from parallax.extract.quantities import find_quantities
from parallax.store.database import Store
from parallax.text.language import supported
from parallax.text.segment import split_sentences
from parallax.text.textvec import N_FEATURES, tfidf
from parallax.types import Quantity

# Articles whose lead vector is at least this close to the claim are read sentence by sentence;
# at most MAX_ARTICLES of them, best first. The lead (title and first 1,200 characters) is what
# clustering indexes; a claim buried deep in an unrelated-looking article can be missed.
MIN_ARTICLE_COSINE = 0.03
MAX_ARTICLES = 200
# A sentence must share this share of the claim's content stems to be put to the stance model.
MIN_STEM_OVERLAP = 0.3
SENTENCES_PER_ARTICLE = 3


def check_claim(db_path: str | Path, claim: str, max_articles: int = MAX_ARTICLES) -> dict[str, Any]:
    """Sentences of the database that agree with, disagree with or discuss ``claim``.

    Returns ``{"claim", "articles_read", "agree": [...], "disagree": [...], "discuss": [...]}``;
    each item has the article, its title and outlet, the sentence with its offsets, the stance
    probabilities (None for a conflicting figure, which is a rule) and ``why``. Unrelated
    sentences are left out.
    """
    path = Path(db_path)
    if not path.exists():
        raise FileNotFoundError(f"no database at {path} (run `parallax analyze` first)")
    store = Store(path, readonly=True)
    try:
        query = tfidf([claim])
        dense = np.zeros(N_FEATURES, dtype=np.float32)
        dense[query.indices] = query.data
        scored = []
        for row, idx, val in store.lead_vectors():
            if not supported(row["language"]):
                continue  # the stance model reads English only
            sim = float(dense[idx] @ val)
            if sim >= MIN_ARTICLE_COSINE:
                scored.append((sim, row["id"]))
        scored.sort(reverse=True)
        ids = [a for _, a in scored[:max_articles]]
        rows = store.articles_by_id(ids)
    finally:
        store.db.close()
    claim_stems = set(stems(claim))
    claim_figs = _claim_figures(claim)
    pairs: list[tuple[str, str]] = []
    where: list[dict[str, Any]] = []
    out: dict[str, Any] = {"claim": claim, "articles_read": len(ids), "agree": [], "disagree": [], "discuss": []}
    for aid in ids:
        row = rows[aid]
        doc = json.loads(row["document"])
        qty: dict[int, list[Any]] = {}
        for q in json.loads(row["extraction"])["quantities"]:
            qty.setdefault(q["sentence"], []).append(q)
        ranked = sorted(
            ((len(claim_stems & set(stems(s["text"]))) / max(len(claim_stems), 1), i, s)
             for i, s in enumerate(doc["sentences"])), key=lambda t: -t[0])
        for rank, (overlap, i, s) in enumerate(ranked):
            item = {"article": aid, "title": row["title"], "outlet": row["outlet"],
                    "start": s["start"], "end": s["end"], "sentence": s["text"]}
            clash = _figure_clash(claim_figs, s, qty.get(i, []))
            if clash:  # the same thing counted differently: a disagreement, whatever the wording
                out["disagree"].append({**item, "probs": None, "why": clash})  # a rule, not a model
            elif rank < SENTENCES_PER_ARTICLE and overlap >= MIN_STEM_OVERLAP:
                pairs.append((claim, s["text"]))
                where.append(item)
    for item, res in zip(where, predict_stance(pairs) if pairs else [], strict=True):
        if res.label != "unrelated":
            out[res.label].append({**item, "probs": {k: round(v, 4) for k, v in res.probs.items()},
                                   "why": "stance model"})
    for label in ("agree", "disagree", "discuss"):  # rule findings (conflicting figures) first
        out[label].sort(key=lambda it, lab=label: -(it["probs"][lab] if it["probs"] else 2.0))
    return out


def _claim_figures(claim: str) -> list[Figure]:
    sents = split_sentences(claim)
    found: list[Figure] = []
    for q in find_quantities(claim, sents):
        found += figures(sents[q.sentence].text, sents[q.sentence].start, (q,))
    return found


def _figure_clash(claim_figs: list[Figure], sentence: dict[str, Any], quantities: list[dict[str, Any]]) -> str | None:
    """"450,000 vs 270,000 (how many fled or were displaced)" when a sentence's figure conflicts."""
    if not claim_figs or not quantities:
        return None
    qs = tuple(Quantity(**q) for q in quantities)
    for f in figures(sentence["text"], sentence["start"], qs):
        for c in claim_figs:
            if conflicting(c, f):  # conflicting implies comparable
                return f"conflicting figure: {f.text} against {c.text}"
    return None


def read_ledger(db_path: str | Path) -> dict[str, Any]:
    """The input ledger of a database (read-only): counts and each reason with its units."""
    with Store(db_path, readonly=True) as store:
        return store.ledger_details()

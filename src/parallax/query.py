"""Questions asked of an analysed database: which articles agree with, dispute or discuss a claim.

Read-only on the SQLite file (safe while ``analyze`` writes: WAL readers see the last committed
state). Not a pipeline stage: it reads what the stages stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .claimsim import stems
from .stance import predict_stance
from .store import Store
from .textvec import N_FEATURES, tfidf

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
    each item has the article, its title and outlet, the sentence with its offsets, and the
    stance probabilities. Unrelated sentences are left out.
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
            sim = float(dense[idx] @ val)
            if sim >= MIN_ARTICLE_COSINE:
                scored.append((sim, row["id"]))
        scored.sort(reverse=True)
        ids = [a for _, a in scored[:max_articles]]
        rows = store.articles_by_id(ids)
    finally:
        store.db.close()
    claim_stems = set(stems(claim))
    pairs: list[tuple[str, str]] = []
    where: list[dict[str, Any]] = []
    for aid in ids:
        row = rows[aid]
        doc = json.loads(row["document"])
        ranked = sorted(
            ((len(claim_stems & set(stems(s["text"]))) / max(len(claim_stems), 1), s) for s in doc["sentences"]),
            key=lambda t: -t[0])
        for overlap, s in ranked[:SENTENCES_PER_ARTICLE]:
            if overlap < MIN_STEM_OVERLAP:
                break
            pairs.append((claim, s["text"]))
            where.append({"article": aid, "title": row["title"], "outlet": row["outlet"],
                          "start": s["start"], "end": s["end"], "sentence": s["text"]})
    out: dict[str, Any] = {"claim": claim, "articles_read": len(ids), "agree": [], "disagree": [], "discuss": []}
    for item, res in zip(where, predict_stance(pairs) if pairs else [], strict=True):
        if res.label != "unrelated":
            out[res.label].append({**item, "probs": {k: round(v, 4) for k, v in res.probs.items()}})
    for label in ("agree", "disagree", "discuss"):
        out[label].sort(key=lambda it: -it["probs"][label])
    return out

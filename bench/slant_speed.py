"""What the slant model's features cost at the score stage, block by block.

Scores ~300 articles of the benchmark corpus (``bench/corpus/articles.jsonl``, built by
``bench/build_corpus.py``; evenly spaced over it) the way ``signals.score.score_batch`` does (one
``predict_proba`` batch of ``article_text(title, body)``, then ``top_terms`` for the articles
labelled hyperpartisan), and times, in CPU seconds of this process (all threads) and wall seconds:

- ``ngrams_style``: the model without its embedding block (what the previous model cost);
- ``lead_vectors``: the MiniLM pass over each article's title + lead (vector memo cleared first,
  so every article pays it, as new articles do);
- ``full``: the shipped model end to end (memo cleared), plus ``top_terms``.

Usage: ``python bench/slant_speed.py [--n 300]``; prints a table, writes
``bench/results/slant_speed.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parallax.models import vectors  # noqa: E402
from parallax.models.classifiers import TextClassifier, article_text, embedding_inputs, load_classifier  # noqa: E402
from parallax.models.encoder import default_threads  # noqa: E402

CORPUS = ROOT / "bench" / "corpus" / "articles.jsonl"
RESULTS = ROOT / "bench" / "results" / "slant_speed.json"


def load_texts(path: Path, n: int) -> list[str]:
    """``n`` articles evenly spaced over the corpus, as the slant model's input."""
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    idx = np.linspace(0, len(rows) - 1, min(n, len(rows))).astype(int)
    return [article_text(rows[i].get("title") or "", rows[i].get("text") or "") for i in idx]


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of ``fn()``."""
    c0, w0 = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c0, time.perf_counter() - w0


def without_embedding(clf: TextClassifier) -> TextClassifier:
    """The same model minus its embedding block (its n-gram and style features only)."""
    n_emb = 384 if clf.spec.embedding == "minilm" else 256 if clf.spec.embedding else 0
    spec = dataclasses.replace(clf.spec, embedding="")
    return TextClassifier(clf.name, spec, clf.coef[: len(clf.coef) - n_emb], clf.intercept, clf.idf, clf.threshold)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    args = ap.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"no corpus at {args.corpus}: run python bench/build_corpus.py first")
    texts = load_texts(args.corpus, args.n)
    clf = load_classifier("hyperpartisan")
    base = without_embedding(clf)
    clf.predict_proba(texts[:3])  # load weights, tokenizer and encoder outside the timings
    vectors._MEMO.clear()
    out: dict[str, Any] = {"n_articles": len(texts), "mean_chars": round(float(np.mean([len(t) for t in texts]))),
                           "embedding": clf.spec.embedding, "embedding_chars": clf.spec.embedding_chars,
                           "encoder_threads": default_threads(), "cpu_count": os.cpu_count()}
    if clf.spec.embedding:
        out["lead_vectors"] = timed(lambda: vectors.sentence_vectors(embedding_inputs(texts, clf.spec),
                                                                      clf.spec.embedding))
    out["ngrams_style"] = timed(lambda: base.predict_proba(texts))
    vectors._MEMO.clear()

    def full() -> None:
        p = clf.predict_proba(texts)
        for t, pk in zip(texts, p, strict=True):
            if pk >= clf.threshold:
                clf.top_terms(t, 5)

    out["full"] = timed(full)
    print(f"{len(texts)} articles (mean {out['mean_chars']} chars), encoder threads {out['encoder_threads']}")
    print(f"{'part':<14} {'CPU ms/article':>15} {'wall ms/article':>16}")
    for part in ("ngrams_style", "lead_vectors", "full"):
        if part in out:
            cpu, wall = out[part]
            out[part] = {"cpu_ms_per_article": round(cpu * 1000 / len(texts), 2),
                         "wall_ms_per_article": round(wall * 1000 / len(texts), 2)}
            print(f"{part:<14} {out[part]['cpu_ms_per_article']:>15.2f} {out[part]['wall_ms_per_article']:>16.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

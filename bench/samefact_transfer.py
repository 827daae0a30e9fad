"""Does a pair head trained on MSRP or ECB+ tell same-fact sentence pairs apart? (issue #12, item 2)

The same-fact model (``parallax.claims.samefact``) is fitted on the claims gold's tune half
only. The issue also names MSRP (news paraphrase pairs) and ECB+ (sentences of different
articles that mention one real event) as training data. This bench fits a logistic regression
on MiniLM vectors of each pair (``u * v`` and ``|u - v|``, the usual siamese pair features) on
one of them, and scores it on the pairs the aligner compares in the tune half's stories (label:
both sentences state one gold fact), beside the plain cosine of the same vectors. It then adds
the head's probability to the shipped pair features and compares out-of-fold (5 folds by story)
average precision and recall at precision 0.9 / 0.8. The report half is not read.

    python bench/samefact_transfer.py [--data DIR]     (about 2 minutes)

Prints a table and writes ``bench/results/samefact_transfer.json``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT / "scripts")]
import claims_gold as CG  # noqa: E402
import train_samefact as T  # noqa: E402
from datapath import data_root  # noqa: E402

from parallax.claims.align import compare, story_space  # noqa: E402
from parallax.models.encoder import encode  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "samefact_transfer.json"
ECB_PAIRS = 3000  # per class, seeded
SEED = 7


def pair_features(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.hstack([u * v, np.abs(u - v)])


def tune_pairs(data: Path) -> tuple[list[str], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Texts, shipped feature rows, labels and story of every pair the aligner compares."""
    stories = CG.load_gold("tune")
    fnc = CG._fnc_bodies(data)
    a, b, feats, ys, groups = [], [], [], [], []
    for g in stories:
        for cands, facts in T.story_candidates(g, data, fnc):
            space, figs = story_space(cands)
            pairs, rows, _ = compare(cands, space, figs)
            for (i, j), row in zip(pairs, rows, strict=True):
                a.append(cands[i].text)
                b.append(cands[j].text)
                feats.append(row)
                ys.append(int(bool(facts[i] & facts[j])))
                groups.append(g["story"])
    return a, b, np.asarray(feats), np.asarray(ys), np.asarray(groups)


def msrp(data: Path) -> tuple[list[str], list[str], np.ndarray]:
    with (data / "msrp" / "train.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["text1"] for r in rows], [r["text2"] for r in rows], np.array([int(r["label"]) for r in rows])


def ecbplus(data: Path) -> tuple[list[str], list[str], np.ndarray]:
    """Sentence pairs of different train-topic documents: 1 when they mention one event (a shared
    non-singleton ACT cluster), 0 when both mention events and none is shared."""
    text: dict[tuple[str, int], str] = {}
    for line in (data / "ecbplus" / "docs.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        for s in d["sentences"]:
            text[(d["id"], s["index"])] = d["text"][s["start"]:s["end"]]
    events: dict[tuple[str, int], set[str]] = defaultdict(set)
    topic: dict[tuple[str, int], str] = {}
    for line in (data / "ecbplus" / "mentions.jsonl").open(encoding="utf-8"):
        m = json.loads(line)
        if m["mention_type"].startswith("ACT") and not m["singleton"] and m["split"] == "train":
            events[(m["doc_id"], m["sentence_index"])].add(m["cluster"])
            topic[(m["doc_id"], m["sentence_index"])] = m["topic"]
    by_topic: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for k in sorted(events):
        if text.get(k, "").strip():
            by_topic[topic[k]].append(k)
    pos, neg = [], []
    for keys in by_topic.values():
        for x, y in itertools.combinations(keys, 2):
            if x[0] != y[0]:
                (pos if events[x] & events[y] else neg).append((x, y))
    rng = random.Random(SEED)
    rng.shuffle(pos)
    rng.shuffle(neg)
    pairs = pos[:ECB_PAIRS] + neg[:ECB_PAIRS]
    labels = np.array([1] * len(pos[:ECB_PAIRS]) + [0] * len(neg[:ECB_PAIRS]))
    return [text[x] for x, _ in pairs], [text[y] for _, y in pairs], labels


def vectors(a: list[str], b: list[str]) -> tuple[np.ndarray, np.ndarray]:
    texts = sorted(set(a) | set(b))
    vec = dict(zip(texts, encode(texts), strict=True))
    return np.stack([vec[t] for t in a]), np.stack([vec[t] for t in b])


def curve(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    order = np.argsort(-p, kind="stable")
    hits = np.cumsum(y[order])
    prec = hits / np.arange(1, len(y) + 1)
    rec = hits / max(int(y.sum()), 1)
    return {"auc": round(float(roc_auc_score(y, p)), 3), "ap": round(float(average_precision_score(y, p)), 3),
            "recall_at_p90": round(float(rec[prec >= 0.9].max()) if (prec >= 0.9).any() else 0.0, 3),
            "recall_at_p80": round(float(rec[prec >= 0.8].max()) if (prec >= 0.8).any() else 0.0, 3)}


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The pair model's protocol (scripts/train_samefact.py): 5 folds by story."""
    out = np.zeros(len(y))
    for tr, te in GroupKFold(5).split(x, y, groups):
        m = LogisticRegression(C=T.C, max_iter=5000, class_weight={0: 1.0, 1: T.POSITIVE_WEIGHT}).fit(x[tr], y[tr])
        out[te] = m.predict_proba(x[te])[:, 1]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=data_root())
    args = ap.parse_args()
    a, b, shipped, y, groups = tune_pairs(args.data)
    ua, ub = vectors(a, b)
    rows: dict[str, Any] = {"tune pairs": {"pairs": len(y), "same fact": int(y.sum())}}
    rows["cosine (MiniLM)"] = curve(y, (ua * ub).sum(axis=1))
    rows["shipped pair model, out of fold"] = curve(y, out_of_fold(shipped, y, groups))
    for name, loader in (("MSRP", msrp), ("ECB+", ecbplus)):
        ta, tb, ty = loader(args.data)
        va, vb = vectors(ta, tb)
        head = LogisticRegression(C=0.1, max_iter=3000).fit(pair_features(va, vb), ty)
        p = head.predict_proba(pair_features(ua, ub))[:, 1]
        rows[f"{name} head alone ({len(ty)} pairs)"] = curve(y, p)
        rows[f"shipped + {name} head, out of fold"] = curve(y, out_of_fold(np.hstack([shipped, p[:, None]]), y, groups))
    print(f"{'scored on the tune half pairs':44} {'AUC':>6} {'AP':>6} {'R@P.9':>6} {'R@P.8':>6}")
    for name, r in rows.items():
        if "auc" in r:
            print(f"{name:44} {r['auc']:6.3f} {r['ap']:6.3f} {r['recall_at_p90']:6.3f} {r['recall_at_p80']:6.3f}")
    RESULTS.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

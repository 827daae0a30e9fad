"""Gold sets and the synthetic corpus for bench/clustering.py.

- BASIL: 300 articles, gold = event triplet; BCubed precision / recall / F1.
- FNC-1 train: bodies grouped into stories = connected components of the bipartite graph
  headline–body over all related (agree/discuss/disagree) training pairs.
- Synthetic scaling corpus: pseudo-articles assembled from real sentences of FNC-1 train
  bodies, BASIL and SemEval-19 hyperpartisan (by-article train), deterministic.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src")]

from parallax.stories.cluster import ClusterInput  # noqa: E402

__all__ = ["basil_articles", "bcubed", "ecbplus_articles", "fnc_articles", "group_sizes", "synthetic_articles"]

# ECB+ development topics (its MANIFEST.md); the others here are train topics, 36-45 are held out.
ECBPLUS_DEV_TOPICS = frozenset({2, 5, 12, 18, 21, 23, 34, 35})


def bcubed(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 of a clustering against gold labels."""
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    prec = rec = 0.0
    for i in range(len(pred)):
        inter = len(by_pred[pred[i]] & by_gold[gold[i]])
        prec += inter / len(by_pred[pred[i]])
        rec += inter / len(by_gold[gold[i]])
    prec, rec = prec / len(pred), rec / len(pred)
    return prec, rec, 2 * prec * rec / (prec + rec)


def basil_articles(data: Path) -> tuple[list[ClusterInput], list[str]]:
    """BASIL's 300 articles (title + body) and their gold event ids, in file order."""
    arts, gold = [], []
    for path in sorted((data / "basil" / "articles").rglob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        paras = [p if isinstance(p, str) else " ".join(p) for p in rec["body-paragraphs"]]
        arts.append(ClusterInput(path.stem, rec["title"], "\n\n".join(paras), rec.get("date")))
        gold.append(rec["triplet-uuid"])
    return arts, gold


def _read_csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def ecbplus_articles(data: Path, split: str = "dev") -> tuple[list[ClusterInput], list[str]]:
    """ECB+ articles of the ``dev`` or ``train`` topics and their gold event (two look-alike
    real events per topic: telling them apart is the test)."""
    arts, gold = [], []
    with (data / "ecbplus" / "docs.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            if (int(d["topic"]) in ECBPLUS_DEV_TOPICS) != (split == "dev"):
                continue
            arts.append(ClusterInput(d["id"], d["title"], d["text"], None))
            gold.append(str(d["event"]))
    return arts, gold


def fnc_articles(data: Path) -> tuple[list[ClusterInput], list[str], dict[str, int]]:
    """FNC-1 train bodies (title "", in Body ID order), gold story ids, and counts.

    Two bodies share a story when a path of related headline–body pairs joins them.
    Bodies with no related headline are left out (counted in ``info["bodies_left_out"]``).
    """
    bodies = {r["Body ID"]: r["articleBody"] for r in _read_csv(data / "fnc1" / "train_bodies.csv")}
    pairs = [(r["Headline"], r["Body ID"]) for r in _read_csv(data / "fnc1" / "train_stances_related_only.csv")]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for head, body in pairs:
        a, b = find("h:" + head), find("b:" + body)
        if a != b:
            parent[max(a, b)] = min(a, b)
    arts, gold = [], []
    for bid in sorted(bodies, key=int):
        if "b:" + bid in parent:
            arts.append(ClusterInput(f"fnc{bid}", "", bodies[bid], None))
            gold.append(find("b:" + bid))
    info = {"bodies": len(bodies), "bodies_left_out": len(bodies) - len(arts), "related_pairs": len(pairs),
            "headlines": len({h for h, _ in pairs})}
    return arts, gold, info


def group_sizes(gold: list[str]) -> dict[str, float]:
    """Number of gold groups and their size distribution."""
    sizes = sorted(Counter(gold).values())
    q = lambda f: sizes[min(len(sizes) - 1, int(f * len(sizes)))]  # noqa: E731
    return {"groups": len(sizes), "singletons": sum(s == 1 for s in sizes), "min": sizes[0],
            "median": q(0.5), "p90": q(0.9), "max": sizes[-1], "mean": round(len(gold) / len(sizes), 2)}


def _source_docs(data: Path) -> list[list[str]]:
    """Sentences of every source document (FNC-1 train bodies, BASIL, hyperpartisan)."""
    from parallax.text.segment import split_sentences

    docs: list[list[str]] = []
    for r in _read_csv(data / "fnc1" / "train_bodies.csv"):
        docs.append([s.text for s in split_sentences(r["articleBody"])])
    for path in sorted((data / "basil" / "articles").rglob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        docs.append([" ".join(p) if isinstance(p, list) else p for p in rec["body-paragraphs"]])
        docs[-1] = [s.text for para in docs[-1] for s in split_sentences(para)]
    with (data / "hyperpartisan_semeval19" / "train_byarticle.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            docs.append([s.text for s in split_sentences(json.loads(line)["text"])])
    keep = [[s for s in d if 5 <= len(s.split()) <= 80] for d in docs]
    return [d for d in keep if len(d) >= 3]


def synthetic_articles(data: Path, n: int, seed: int = 13) -> list[ClusterInput]:
    """``n`` pseudo-articles; the first k are the same for every n >= k (one seeded stream).

    Each article picks a seed document: 8–25 sentences, about 60 % drawn from that document
    and the rest from the whole pool, title = another sentence of the seed document, dated
    within 3 days of a date fixed per seed document (spread over two years). Articles on the
    same seed document form a loose "story", so clusters grow as the corpus grows.
    """
    docs = _source_docs(data)
    pool = [s for d in docs for s in d]
    rng = random.Random(seed)
    start = dt.date(2017, 1, 1)
    base = [start + dt.timedelta(days=rng.randrange(730)) for _ in docs]
    out = []
    for i in range(n):
        k = rng.randrange(len(docs))
        doc = docs[k]
        sents = [rng.choice(doc) if rng.random() < 0.6 else rng.choice(pool) for _ in range(rng.randint(8, 25))]
        day = base[k] + dt.timedelta(days=rng.randrange(4))
        out.append(ClusterInput(f"syn{i}", rng.choice(doc), " ".join(sents), day.isoformat()))
    return out


def by_story(stories: list, arts: list[ClusterInput]) -> list[str]:
    """Predicted label per article from a list of Story."""
    where = {a: s.id for s in stories for a in s.articles}
    return [where[a.id] for a in arts]


def split_merge_report(pred: list[str], gold: list[str], arts: list[ClusterInput], top: int = 4) -> list[str]:
    """Lines describing the largest wrong merges (predicted stories mixing gold groups) and the
    most split gold groups, with a text snippet of each article involved."""
    snip = {a.id: (a.title or a.text)[:90].replace("\n", " ") for a in arts}
    pg: dict[str, Counter] = defaultdict(Counter)
    gp: dict[str, Counter] = defaultdict(Counter)
    ids: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a, p, g in zip(arts, pred, gold, strict=True):
        pg[p][g] += 1
        gp[g][p] += 1
        ids[(p, g)].append(a.id)
    lines = ["-- largest predicted stories mixing gold groups --"]
    for p in sorted((p for p in pg if len(pg[p]) > 1), key=lambda p: -sum(pg[p].values()))[:top]:
        lines.append(f"story {p}: {sum(pg[p].values())} articles from {len(pg[p])} gold groups")
        for g, c in pg[p].most_common(4):
            lines.append(f"   {c:3d} x gold {g[:14]}: {snip[ids[(p, g)][0]]}")
    lines.append("-- gold groups split most --")
    for g in sorted(gp, key=lambda g: -len(gp[g]))[:top]:
        lines.append(f"gold {g[:14]} ({sum(gp[g].values())} articles) split into {len(gp[g])} stories")
        for p, c in gp[g].most_common(4):
            lines.append(f"   {c:3d} x story {p}: {snip[ids[(p, g)][0]]}")
    return lines

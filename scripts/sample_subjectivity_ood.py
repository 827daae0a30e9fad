"""Draw the sentences of the out-of-distribution subjectivity gold (issue #15).

CheckThat!'s subjectivity sentences come from one research corpus (NewsSD-ENG); the heads were
only ever checked against it and against an article-genre proxy. This draws sentences from four
other kinds of news text in ``$PARALLAX_DATA`` — BASIL (Fox News, New York Times, HuffPost,
2010-2019), FNC-1 train bodies (tabloids and rumour sites, 2014-2015), SemEval-2023 Task 3 *dev*
articles (opinion and reporting, 2020-2022) and SemEval-2019 hyperpartisan articles (partisan
blogs, 2016-2018), never from the BASIL triplets held out for hidden scoring — for annotators
to label SUBJ/OBJ by the CheckThat! guidelines without ever seeing a model's output.
``bench/subjectivity_ood.py`` scores the heads on the result.

A second draw (``--extension``, seed 20261202) adds two sources to the tune half only:
SemEval-2023 Task 3 *train* articles (2020-2022) and PolNeAR *train* articles (2015-2016 election
coverage) of the publishers that neither BASIL nor the hyperpartisan articles carry (Breitbart,
USA Today, Washington Post, Western Journal; not NYT, HuffPost or Politico), so that the report
half stays other outlets.

Usage: ``python scripts/sample_subjectivity_ood.py OUT.jsonl [--per-source 120] [--seed 20261201]
[--extension]``
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

import blingfire
import numpy as np
from classifier_data import held_out_basil
from datapath import DATA

MAX_PER_ARTICLE = 2
_OK = re.compile(r"^[\"'“‘(]?[A-Z0-9]")


def _sentences(text: str) -> list[str]:
    out = []
    for para in text.split("\n"):
        for s in blingfire.text_to_sentences(para.strip()).split("\n"):
            s = " ".join(s.split())
            if 6 <= len(s.split()) <= 60 and _OK.match(s) and not s.isupper():
                out.append(s)
    return out


def _basil(data: Path) -> list[tuple[str, list[str]]]:
    docs = []
    for path in sorted((data / "basil" / "articles").rglob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        paras = [p if isinstance(p, str) else " ".join(p) for p in rec["body-paragraphs"]]
        docs.append((f"basil/{path.parent.name}/{path.stem}", _sentences("\n".join(paras))))
    return docs


def _fnc(data: Path) -> list[tuple[str, list[str]]]:
    with (data / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        return [(f"fnc1/{r['Body ID']}", _sentences(r["articleBody"])) for r in csv.DictReader(fh)]


def _semeval(data: Path) -> list[tuple[str, list[str]]]:
    folder = data / "semeval2023_t3_en" / "dev-articles"
    docs = []
    for path in sorted(folder.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        docs.append((f"semeval23-dev/{path.stem}", _sentences("\n".join(lines[1:]))))  # line 1: title
    return docs


def _hyperpartisan(data: Path) -> list[tuple[str, list[str]]]:
    docs = []
    with (data / "hyperpartisan_semeval19" / "train_byarticle.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            docs.append((f"hyperpartisan19/{rec['id']}", _sentences(rec["text"])))
    return docs


def _semeval_train(data: Path) -> list[tuple[str, list[str]]]:
    docs = []
    for path in sorted((data / "semeval2023_t3_en" / "train-articles").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").split("\n")
        docs.append((f"semeval23-train/{path.stem}", _sentences("\n".join(lines[1:]))))  # line 1: title
    return docs


# PolNeAR publishers whose text is in neither report-half source (BASIL: Fox, NYT, HuffPost; the
# hyperpartisan articles' URLs include nytimes.com and politico.com).
POLNEAR_PUBLISHERS = ("breitbart", "usa-today", "wash-post", "west-journal")


def _polnear(data: Path) -> list[tuple[str, list[str]]]:
    docs = []
    for path in sorted((data / "polnear" / "train" / "text").glob("*.txt")):
        if path.stem.split("_", 1)[0] in POLNEAR_PUBLISHERS:
            docs.append((f"polnear/{path.stem}", _sentences(path.read_text(encoding="utf-8"))))
    return docs


def _triplet(doc_id: str) -> str:
    return doc_id.rsplit("/", 1)[-1].rsplit("_", 1)[0]


def sample(data: Path, per_source: int, seed: int) -> list[dict[str, str]]:
    """``per_source`` sentences of each source, at most two per article, in a seeded order.

    The first draw (1 Dec 2026) did not leave out BASIL's held-out triplets; its sentences from
    them are dropped and replaced by a second seeded draw (``seed + 1``) from the other triplets,
    so that the sentences annotated first keep their place.
    """
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    basil_docs: list[tuple[str, list[str]]] = []
    for name, load in (("basil", _basil), ("fnc1", _fnc), ("semeval23", _semeval),
                       ("hyperpartisan19", _hyperpartisan)):
        docs = [d for d in load(data) if d[1]]
        if name == "basil":
            basil_docs = docs
        rows += _draw(rng, docs, name, per_source)
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    held = held_out_basil(data)
    kept = [r for r in rows if r["source"] != "basil" or _triplet(r["id"].split("#")[0]) not in held]
    used = {r["id"].split("#")[0] for r in kept}
    refill = np.random.default_rng(seed + 1)
    need = len(rows) - len(kept)
    for i in refill.permutation(len(basil_docs)):
        doc_id, sents = basil_docs[i]
        if need <= 0:
            break
        if _triplet(doc_id) in held or doc_id in used:
            continue
        j = int(refill.integers(len(sents)))
        kept.append({"id": f"{doc_id}#{j}", "source": "basil", "sentence": sents[j]})
        need -= 1
    return kept


def _draw(rng: np.random.Generator, docs: list[tuple[str, list[str]]], name: str,
          per_source: int) -> list[dict[str, str]]:
    picked: list[dict[str, str]] = []
    for i in rng.permutation(len(docs)):
        doc_id, sents = docs[i]
        for j in sorted(rng.choice(len(sents), size=min(MAX_PER_ARTICLE, len(sents)), replace=False)):
            picked.append({"id": f"{doc_id}#{j}", "source": name, "sentence": sents[j]})
        if len(picked) >= per_source:
            break
    return picked[:per_source]


def sample_extension(data: Path, per_source: int, seed: int) -> list[dict[str, str]]:
    """The second draw: ``per_source`` sentences of SemEval-2023 train and of PolNeAR train."""
    rng = np.random.default_rng(seed)
    rows: list[dict[str, str]] = []
    for name, load in (("semeval23train", _semeval_train), ("polnear", _polnear)):
        rows += _draw(rng, [d for d in load(data) if d[1]], name, per_source)
    return [rows[i] for i in rng.permutation(len(rows))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--per-source", type=int, default=120)
    ap.add_argument("--seed", type=int, default=20261201)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--extension", action="store_true", help="the second draw (tune half only)")
    args = ap.parse_args()
    if args.extension:
        rows = sample_extension(args.data, args.per_source, args.seed)
    else:
        rows = sample(args.data, args.per_source, args.seed)
    with args.out.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences -> {args.out}")


if __name__ == "__main__":
    main()

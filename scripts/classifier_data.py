"""Data loaders and metrics shared by scripts/train_classifiers.py and bench/quality.py.

Each loader reads one development set from ../shared/data (see its MANIFEST.md) into binary
``Split``s; the official test splits are not there and are never read.
"""

from __future__ import annotations

import ast
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

SEED = 0
csv.field_size_limit(1 << 30)

# --------------------------------------------------------------------------- data loading


@dataclass
class Split:
    texts: list[str]
    labels: np.ndarray  # binary 0/1
    extra: dict[str, Any] = field(default_factory=dict)


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t"))


def load_subjectivity(data: Path) -> dict[str, Split]:
    out = {}
    for split in ("train_en", "dev_en", "dev_test_en"):
        rows = _read_tsv(data / "checkthat_subjectivity_en" / f"{split}.tsv")
        header, rows = rows[0], rows[1:]
        si, li = header.index("sentence"), header.index("label")
        labels = np.array([{"SUBJ": 1, "OBJ": 0}[r[li]] for r in rows])
        out[split] = Split([r[si] for r in rows], labels)
    return out


def load_checkworthy(data: Path) -> dict[str, Split]:
    out = {}
    for split in ("train", "dev", "dev-test"):
        rows = _read_tsv(data / "checkthat24_checkworthy_en" / f"CT24_checkworthy_english_{split}.tsv")
        recs: list[tuple[str, str]] = []
        for r in rows[1:]:
            if len(r) == 5:  # two records glued together (see MANIFEST): "...\tNo29286\t..."
                lab = "Yes" if r[2].startswith("Yes") else "No"
                recs += [(r[1], lab), (r[3], r[4])]
            else:
                recs.append((r[1], r[2]))
        labels = np.array([{"Yes": 1, "No": 0}[lab.strip()] for _, lab in recs])
        out[split] = Split([t for t, _ in recs], labels)
    return out


def load_clickbait(data: Path) -> dict[str, Split]:
    with (data / "clickbait_chakraborty" / "headlines.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {"all": Split([r["headline"] for r in rows], np.array([int(r["label"]) for r in rows]))}


def load_davidson(data: Path) -> dict[str, Split]:
    with (data / "davidson_hate" / "labeled_data.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["tweet"] for r in rows]
    cls = np.array([int(r["class"]) for r in rows])  # 0 hate, 1 offensive, 2 neither
    idx_tr, idx_te = train_test_split(
        np.arange(len(rows)), test_size=0.2, stratify=cls, random_state=SEED
    )
    return {
        name: Split([texts[i] for i in idx], (cls[idx] != 2).astype(int), {"class3": cls[idx]})
        for name, idx in (("train80", idx_tr), ("test20", idx_te))
    }


def load_hatexplain_val(data: Path) -> Split:
    with (data / "hatexplain" / "val.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts, labels = [], []
    for r in rows:
        votes = ast.literal_eval(r["annotators"])["label"]  # 0 hatespeech, 1 normal, 2 offensive
        majority = Counter(votes).most_common(1)[0][0]
        texts.append(" ".join(ast.literal_eval(r["post_tokens"])))
        labels.append(int(majority != 1))
    return Split(texts, np.array(labels))


# --------------------------------------------------------------------------- model fitting


def macro_f1(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(f1_score(y, p >= t, average="macro"))


def pos_f1(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(f1_score(y, p >= t))


def accuracy(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(accuracy_score(y, p >= t))


def weighted_f1(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(f1_score(y, p >= t, average="weighted"))

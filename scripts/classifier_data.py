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
ROOT = Path(__file__).resolve().parents[1]
SUBJECTIVITY_OOD = ROOT / "tests" / "fixtures" / "subjectivity_ood" / "gold.jsonl"
SUBJECTIVITY_OOD_HALVES = {"tune": ("semeval23", "fnc1", "semeval23train", "polnear"),
                           "report": ("basil", "hyperpartisan19")}
"""The two halves of the out-of-distribution subjectivity gold, of different sources: settings
may be chosen and fitted on ``tune``; ``report`` is never used for either."""

# --------------------------------------------------------------------------- data loading


@dataclass
class Split:
    texts: list[str]
    labels: np.ndarray  # binary 0/1
    extra: dict[str, Any] = field(default_factory=dict)


def held_out_basil(data: Path) -> set[str]:
    """The BASIL triplets its MANIFEST holds out for hidden claim scoring: never annotated,
    inspected or trained on (only story clustering reads all 300 articles)."""
    import re

    manifest = (data / "basil" / "MANIFEST.md").read_text(encoding="utf-8")
    return set(re.findall(r"^- ([0-9a-f-]{36})$", manifest.split("## Held out", 1)[-1], re.MULTILINE))


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


def load_subjectivity_ood(path: Path = SUBJECTIVITY_OOD) -> dict[str, Split]:
    """The out-of-distribution subjectivity gold (720 sentences of six other news sources,
    labelled SUBJ/OBJ by the CheckThat! guidelines; see its README) as ``tune`` and ``report``
    halves; ``extra`` holds each sentence's ``source`` and ``id``."""
    import json

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    out = {}
    for half, sources in SUBJECTIVITY_OOD_HALVES.items():
        part = [r for r in rows if r["source"] in sources]
        out[half] = Split([r["sentence"] for r in part], np.array([r["label"] == "SUBJ" for r in part], dtype=int),
                          {"source": [r["source"] for r in part], "id": [r["id"] for r in part]})
    return out


def load_checkworthy(data: Path) -> dict[str, Split]:
    out = {}
    for split in ("train", "dev", "dev-test"):
        rows = _read_tsv(data / "checkthat24_checkworthy_en" / f"CT24_checkworthy_english_{split}.tsv")
        recs: list[tuple[int, str, str]] = []
        for r in rows[1:]:
            if len(r) == 5:  # two records glued together (see MANIFEST): "...\tNo29286\t..."
                lab = "Yes" if r[2].startswith("Yes") else "No"
                recs += [(int(r[0]), r[1], lab), (int(r[2][len(lab):]), r[3], r[4])]
            else:
                recs.append((int(r[0]), r[1], r[2]))
        labels = np.array([{"Yes": 1, "No": 0}[lab.strip()] for _, _, lab in recs])
        out[split] = Split([t for _, t, _ in recs], labels, {"id": np.array([i for i, _, _ in recs])})
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
    texts, labels, rationales, platform = [], [], [], []
    for r in rows:
        platform.append(r["id"].rsplit("_", 1)[-1] if r["id"].endswith(("_gab", "_twitter")) else "other")
        votes = ast.literal_eval(r["annotators"])["label"]  # 0 hatespeech, 1 normal, 2 offensive
        majority = Counter(votes).most_common(1)[0][0]
        tokens = ast.literal_eval(r["post_tokens"])
        texts.append(" ".join(tokens))
        labels.append(int(majority != 1))
        rationales.append(_rationale_text(tokens, ast.literal_eval(r["rationales"])))
    return Split(texts, np.array(labels), {"rationale": rationales, "platform": platform})


def _rationale_text(tokens: list[str], rationales: list[list[int]]) -> str:
    """The tokens a majority of the rationale annotators marked, in order ("" when none).

    HateXplain annotators who call a post hateful or offensive mark the tokens that make it so
    (one 0/1 list per such annotator); the abuse model uses these snippets as extra abusive
    examples (see ``scripts/train_classifiers.py``).
    """
    if not rationales:
        return ""
    marks = np.asarray(rationales).sum(axis=0)
    need = (len(rationales) + 1) // 2
    return " ".join(t for t, m in zip(tokens, marks, strict=True) if m >= need)


def hatexplain_halves(split: Split) -> dict[str, Split]:
    """HateXplain validation split in two fixed halves (stratified, seeded): ``train50`` joins
    the abuse model's training data, ``test50`` is held out for evaluation.

    Only the validation split is available here (its train split is not; the test split is held
    out), and Davidson's tweets hold few identity slurs ("kike" occurs 10 times in 24,783 tweets,
    97 times in HateXplain's 1,922 validation posts), so the model needs some of HateXplain to
    learn targeted hate at all. Half is used for that; the other half measures it.
    """
    idx_a, idx_b = train_test_split(np.arange(len(split.texts)), test_size=0.5, stratify=split.labels,
                                    random_state=SEED)
    return {name: Split([split.texts[i] for i in idx], split.labels[idx],
                        {k: [v[i] for i in idx] for k, v in split.extra.items()})
            for name, idx in (("train50", idx_a), ("test50", idx_b))}


def load_news_sentences(data: Path, n: int = 15000) -> dict[str, Split]:
    """Sentences of news bodies (BASIL, FNC-1 train bodies) as negatives for the abuse model.

    News reports on wars and terror use words that abusive tweets use ("black flag", "jihadists",
    "killed"); a tweet-trained model flags them. These sentences, sampled with a fixed seed and
    split 80/20, teach the model that reporting is not abuse (label 0; BASIL and FNC-1 are
    mainstream outlets, so the label noise is small).
    """
    import json

    import blingfire

    texts: list[str] = []
    held = held_out_basil(data)
    for path in sorted((data / "basil" / "articles").rglob("*.json")):
        rec = json.loads(path.read_text(encoding="utf-8"))
        if rec["triplet-uuid"] in held:
            continue  # held out for hidden claim scoring (until 1 Dec 2026 they were read here)
        for para in rec["body-paragraphs"]:
            texts += blingfire.text_to_sentences(para if isinstance(para, str) else " ".join(para)).split("\n")
    with (data / "fnc1" / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for para in row["articleBody"].split("\n"):
                texts += blingfire.text_to_sentences(para).split("\n")
    texts = sorted({t.strip() for t in texts if len(t.split()) >= 4})
    rng = np.random.default_rng(SEED)
    pick = rng.choice(len(texts), size=min(n, len(texts)), replace=False)
    chosen = [texts[i] for i in pick]
    cut = int(0.8 * len(chosen))
    return {"train80": Split(chosen[:cut], np.zeros(cut, dtype=int)),
            "test20": Split(chosen[cut:], np.zeros(len(chosen) - cut, dtype=int))}


@dataclass
class GenreArticles:
    """SemEval-2023 Task 3 articles with their genre (opinion 1 / reporting 0; satire left out)."""

    ids: list[str]
    labels: np.ndarray
    sentences: list[list[str]]


def load_semeval_genre(data: Path, split: str) -> GenreArticles:
    """Articles of SemEval-2023 Task 3 ``split`` ("train" or "dev") as sentences, with genre.

    An out-of-distribution check of the subjectivity head: other outlets and years than
    CheckThat!'s, and labels of a different kind (the whole article's genre, by other
    annotators). The article's share of subjective sentences (Parallax's opinion share) should
    rank opinion pieces above reporting.
    """
    import blingfire

    root = data / "semeval2023_t3_en"
    genre = dict(r[:2] for r in _read_tsv(root / f"{split}-labels-subtask-1.tsv") if len(r) >= 2)
    ids, labels, sents = [], [], []
    for art_id, g in sorted(genre.items()):
        if g not in ("opinion", "reporting"):
            continue
        text = (root / f"{split}-articles" / f"article{art_id}.txt").read_text(encoding="utf-8")
        body = text.split("\n", 1)[1] if "\n" in text else text  # line 1 is the title
        ss = [s.strip() for para in body.split("\n") if para.strip()
              for s in blingfire.text_to_sentences(para.strip()).split("\n")]
        ss = [s for s in ss if len(s.split()) >= 3]
        if ss:
            ids.append(art_id)
            labels.append(int(g == "opinion"))
            sents.append(ss)
    return GenreArticles(ids, np.array(labels), sents)


# --------------------------------------------------------------------------- model fitting


def macro_f1(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(f1_score(y, p >= t, average="macro"))


def pos_f1(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(f1_score(y, p >= t))


def accuracy(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(accuracy_score(y, p >= t))


def weighted_f1(y: np.ndarray, p: np.ndarray, t: float = 0.5) -> float:
    return float(f1_score(y, p >= t, average="weighted"))

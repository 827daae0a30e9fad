"""The hyperpartisan training data, grouped by publisher, and the BASIL leaning proxy.

Shared by ``scripts/train_hyperpartisan.py`` (training, nested CV, CI gate) and its tests.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from classifier_data import held_out_basil

from parallax.models import classifiers as C

DATA_SUBDIR = "hyperpartisan_semeval19"


@dataclasses.dataclass
class Articles:
    texts: list[str]
    labels: np.ndarray
    domains: list[str]


# Second-level labels under which a country code's registrable names sit (bbc.co.uk,
# abc.net.au): the publisher is then the last three labels, not two.
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu"}


def publisher(url: str) -> str:
    """Registrable domain of ``url``: ``insider.foxnews.com`` → ``foxnews.com``, one group per outlet."""
    host = urlparse(url).netloc.lower().split("@")[-1].split(":")[0].removeprefix("www.")
    parts = [p for p in host.split(".") if p]
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:]) or url


def load_hyperpartisan(data: Path) -> Articles:
    """The 645 by-article training articles as ``title + "\\n" + body`` with 0/1 labels."""
    path = data / DATA_SUBDIR / "train_byarticle.jsonl"
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return Articles(
        texts=[C.article_text(r["title"], r["text"]) for r in rows],
        labels=np.array([int(bool(r["hyperpartisan"])) for r in rows]),
        domains=[publisher(r["url"] or r["id"]) for r in rows],
    )


_LEANING = {"left": 1, "liberal": 1, "right": 1, "conservative": 1, "center": 0}


def load_basil_leaning(data: Path) -> tuple[list[str], np.ndarray]:
    """BASIL articles (minus the triplets its MANIFEST holds out) as ``article_text``, with
    1 = leaning (left / liberal / right / conservative relative stance), 0 = centre."""
    root = data / "basil"
    held = held_out_basil(data)
    arts = {}
    for path in sorted((root / "articles").glob("*/*.json")):
        art = json.loads(path.read_text(encoding="utf-8"))
        arts[art["uuid"]] = art
    texts, labels = [], []
    for path in sorted((root / "annotations").glob("*/*.json")):
        ann = json.loads(path.read_text(encoding="utf-8"))
        art = arts.get(ann["uuid"])
        stance = ann["article-level-annotations"].get("relative_stance", "").lower()
        if art is None or stance not in _LEANING or art["triplet-uuid"] in held:
            continue
        paras = [" ".join(p) if isinstance(p, list) else str(p) for p in art["body-paragraphs"]]
        texts.append(C.article_text(art["title"], "\n".join(paras)))
        labels.append(_LEANING[stance])
    return texts, np.array(labels)

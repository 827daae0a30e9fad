"""The packaged weights: ``models/weights/NAME.json`` (settings, figures) with ``NAME.npz`` (arrays).

Every trained model Parallax ships is such a pair of plain files (no pickles); this is the one
place that reads them.
"""

from __future__ import annotations

import json
from importlib import resources
from importlib.abc import Traversable
from typing import Any

import numpy as np


def weights_dir() -> Traversable:
    """The installed ``parallax/models/weights`` folder."""
    return resources.files("parallax.models") / "weights"


def packaged_available(stem: str) -> bool:
    """Whether ``stem.json`` and ``stem.npz`` are both installed."""
    root = weights_dir()
    return (root / f"{stem}.json").is_file() and (root / f"{stem}.npz").is_file()


def read_packaged(stem: str) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
    """The JSON and the arrays of ``stem``, or None when either file is missing."""
    if not packaged_available(stem):
        return None
    root = weights_dir()
    meta = json.loads((root / f"{stem}.json").read_text(encoding="utf-8"))
    with (root / f"{stem}.npz").open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        arrays = {key: npz[key] for key in npz.files}
    return meta, arrays


__all__ = ["packaged_available", "read_packaged", "weights_dir"]

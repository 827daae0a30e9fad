"""Where the development data sets live: ``$PARALLAX_DATA``, else ``../shared/data`` beside the checkout.

Every training script and benchmark takes its default data folder from here, so one variable
points them all elsewhere (``PARALLAX_DATA=/data/parallax python bench/quality.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_root() -> Path:
    """The folder holding the data sets (each in its own subfolder with a MANIFEST.md)."""
    return Path(os.environ.get("PARALLAX_DATA") or ROOT.parent / "shared" / "data")


DATA = data_root()

"""Shared fixtures: the bundled Raqqa sample, analysed once per session, and the schema."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAQQA = ROOT / "examples" / "raqqa-2017"
SHARED = ROOT.parent / "shared"
SCHEMA = SHARED / "spec" / "report.schema.json"

# The five samples by file, named after what they are (see README).
CLICKBAIT = "000_87e7a20db27051f6.txt"
PARTISAN = "001_40f3ba37e42615d7.txt"
AMN = "002_b6b6eb2c3090f42d.txt"
SMALL_BLOG = "003_a707947fb3bf9d89.txt"
FAR_RIGHT = "004_0b3010b372b9284b.txt"


@pytest.fixture(scope="session")
def raqqa_dir() -> Path:
    return RAQQA


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    if not SCHEMA.exists():
        pytest.fail(f"report schema not found at {SCHEMA}: shared/ must sit beside the checkout")
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def raqqa_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The Raqqa sample analysed once into a fresh folder; returns the AnalyzeResult."""
    from parallax.pipeline import analyze

    out = tmp_path_factory.mktemp("raqqa")
    return analyze([RAQQA], out_dir=out)


@pytest.fixture(scope="session")
def raqqa_report(raqqa_run: Any) -> dict[str, Any]:
    return json.loads(raqqa_run.report_json.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def raqqa_by_input(raqqa_report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {a["input"]: a for a in raqqa_report["articles"]}


@pytest.fixture()
def raqqa_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "raqqa"
    shutil.copytree(RAQQA, dest)
    return dest

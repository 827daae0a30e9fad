"""CI quality gate: shipped models and clustering may not fall below the committed floors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quality():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_quality", ROOT / "bench" / "quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_metrics_at_or_above_baseline(data_dir: Path) -> None:
    quality = _quality()
    baseline = json.loads((ROOT / "bench" / "baseline.json").read_text())
    metrics = quality.measure(data_dir)
    assert quality.check(metrics, baseline) == []
    assert set(baseline["floors"]) <= set(metrics)


def test_bcubed_is_right_on_small_cases() -> None:
    bcubed = _quality().bcubed
    assert bcubed(["a", "a", "b"], ["x", "x", "y"]) == (1.0, 1.0, 1.0)
    p, r, _ = bcubed(["a", "a", "a"], ["x", "x", "y"])
    assert round(p, 4) == round((2 / 3 + 2 / 3 + 1 / 3) / 3, 4) and r == 1.0

"""What a packaged model says about itself: threshold, training data, licences and measured figures.

Read from the model's JSON (its ``"evaluation"`` block, where the training script wrote one) and
from its model card in ``weights/``. Used by ``parallax classify --about``; nothing here is
measured at run time, so the figures are exactly those the training scripts recorded.

The ``"evaluation"`` block (same keys for every model)::

    {"protocol": "how settings were chosen, on what data",
     "in_distribution": [{"data": ..., "split": ..., "metric": ..., "value": ..., "n": ...}],
     "out_of_distribution": [... same keys ...]}

*In-distribution*: held-out parts of the data the model was trained and tuned on (same sources,
same publishers). *Out-of-distribution*: data whose sources never took part in training or in
choosing settings; the better guide to how a model does on news it has not seen.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from importlib.abc import Traversable
from typing import Any

# The model files behind each task ``parallax classify`` knows, and the card describing them.
_FILES: dict[str, tuple[str, str]] = {
    "subjectivity": ("subjectivity.json", "MODEL_CARD.md"),
    "checkworthy": ("checkworthy.json", "MODEL_CARD.md"),
    "clickbait": ("clickbait.json", "MODEL_CARD.md"),
    "hate": ("hate.json", "MODEL_CARD.md"),
    "hyperpartisan": ("hyperpartisan.json", "MODEL_CARD.md"),
    "stance": ("stance.json", "MODEL_CARD.md"),
    "loaded_language": ("loaded_language.json", "LOADED_LANGUAGE_CARD.md"),
}
ABOUT_TASKS: tuple[str, ...] = tuple(_FILES)
"""Tasks :func:`model_about` can describe."""

EVALUATION_KEYS = ("data", "split", "metric", "value", "n")
"""Keys of each figure in an ``"evaluation"`` block's lists."""


def _weights() -> Traversable:
    return resources.files("parallax.models") / "weights"


def card_section(card_text: str, name: str) -> str:
    """The ``## `name` …`` section of a shared card (the whole text when it has no such section)."""
    start = card_text.find(f"## `{name}`")
    if start < 0:
        return card_text
    end = card_text.find("\n## ", start + 1)
    return card_text[start:] if end < 0 else card_text[start:end]


def _training_data(meta: dict[str, Any], section: str) -> str | None:
    for key in ("data", "source", "trained_on"):
        if isinstance(meta.get(key), str) and meta[key].strip():
            return str(meta[key])
    m = re.search(r"^- Training data: (.+)$", section, re.MULTILINE)
    if m:
        return m.group(1).strip()
    m = re.search(r"^## Data and licence\n+((?:.+\n?)+)", section, re.MULTILINE)
    return " ".join(line.strip(" -") for line in m.group(1).splitlines()).strip() if m else None


def validate_evaluation(block: Any) -> list[str]:
    """Problems with an ``"evaluation"`` block (empty when it has the agreed shape)."""
    if not isinstance(block, dict):
        return ["evaluation is not an object"]
    problems = []
    if not isinstance(block.get("protocol"), str) or not block["protocol"].strip():
        problems.append("evaluation.protocol missing")
    for part in ("in_distribution", "out_of_distribution"):
        rows = block.get(part)
        if not isinstance(rows, list):
            problems.append(f"evaluation.{part} is not a list")
            continue
        for i, row in enumerate(rows):
            missing = [k for k in EVALUATION_KEYS if not isinstance(row, dict) or k not in row]
            if missing:
                problems.append(f"evaluation.{part}[{i}] lacks {', '.join(missing)}")
            elif not isinstance(row["value"], (int, float)) or not isinstance(row["n"], int):
                problems.append(f"evaluation.{part}[{i}]: value must be a number and n an integer")
    return problems


def model_about(task: str) -> dict[str, Any]:
    """What the packaged model of ``task`` records about itself (see :data:`ABOUT_TASKS`).

    Keys: ``task``, ``positive`` (what a positive label means, where recorded), ``model_file``,
    ``card`` (paths), ``threshold`` (None for models without one), ``training_data`` (sources
    and licences as the card states them), ``evaluation`` (the block, or None when the model
    has none: its card may still describe figures in prose).
    """
    if task not in _FILES:
        raise KeyError(f"unknown model {task!r}; known: {', '.join(ABOUT_TASKS)}")
    json_name, card_name = _FILES[task]
    root = _weights()
    json_res, card_res = root / json_name, root / card_name
    if not json_res.is_file():
        raise FileNotFoundError(f"the weights of {task!r} ({json_name}) are not installed")
    meta = json.loads(json_res.read_text(encoding="utf-8"))
    section = card_section(card_res.read_text(encoding="utf-8"), task) if card_res.is_file() else ""
    evaluation = meta.get("evaluation")
    if evaluation is not None and validate_evaluation(evaluation):
        raise ValueError(f"{json_name}: malformed evaluation block: "
                         + "; ".join(validate_evaluation(evaluation)))
    threshold = meta.get("threshold")
    second = _second_stage(task)
    if second is not None:
        threshold = second["threshold"]  # the cascade decides at the second stage's threshold
    return {
        "task": task,
        "positive": meta.get("positive"),
        "model_file": str(json_res),
        "card": str(card_res) if card_res.is_file() else None,
        "threshold": float(threshold) if isinstance(threshold, (int, float)) else None,
        "training_data": _training_data(meta, section),
        "evaluation": evaluation,
        "second_stage": second,
    }


def _second_stage(task: str) -> dict[str, Any] | None:
    """The contextual second stage of the abuse model (``hate_contextual.json``), when installed."""
    res = _weights() / "hate_contextual.json"
    if task != "hate" or not res.is_file():
        return None
    meta = json.loads(res.read_text(encoding="utf-8"))
    if validate_evaluation(meta.get("evaluation")):
        raise ValueError("hate_contextual.json: malformed evaluation block: "
                         + "; ".join(validate_evaluation(meta.get("evaluation"))))
    card = _weights() / "HATE_CONTEXTUAL_CARD.md"
    return {"model_file": str(res), "card": str(card) if card.is_file() else None,
            "threshold": float(meta["threshold"]), "gate": float(meta["gate"]),
            "training_data": meta.get("trained_on"), "evaluation": meta["evaluation"]}


def format_about(about: dict[str, Any]) -> str:
    """Plain-text rendering of :func:`model_about`'s result, for the terminal."""
    lines = [f"{about['task']}" + (f" — P({about['positive']})" if about.get("positive") else "")]
    lines.append(f"model file: {about['model_file']}")
    lines.append(f"model card: {about['card'] or '(none)'}")
    thr = about["threshold"]
    lines.append(f"threshold:  {thr:g} (tuned at training; change it with --threshold)" if thr is not None
                 else "threshold:  (none: the model labels by its own rule)")
    lines.append(f"training data and licences: {about['training_data'] or '(not recorded)'}")
    second = about.get("second_stage")
    if second is not None:
        lines.append(f"second stage: {second['model_file']} (card: {second['card'] or '(none)'}); texts the first "
                     f"stage gives at least the gate ({second['gate']:g}) are scored by it")
        lines.append(f"second stage training data and licences: {second['training_data'] or '(not recorded)'}")
        lines += _evaluation_lines(second["evaluation"], "second stage (the cascade as shipped) ")
        lines.append("first stage (the linear model alone):")
    ev = about["evaluation"]
    if ev is None:
        lines.append("evaluation: none recorded in the model file (see the model card)")
        return "\n".join(lines)
    lines += _evaluation_lines(ev, "")
    return "\n".join(lines)


def _evaluation_lines(ev: dict[str, Any], prefix: str) -> list[str]:
    lines = [f"{prefix}evaluation protocol: {ev['protocol']}"]
    for part, title in (("in_distribution", "in-distribution (same sources as training)"),
                        ("out_of_distribution", "out-of-distribution (sources unseen in training)")):
        rows = ev[part]
        lines.append(f"{title}:" + ("" if rows else " none measured"))
        for r in rows:
            lines.append(f"  {r['metric']} {r['value']:.3f}  {r['data']}, {r['split']} (n={r['n']})")
    return lines

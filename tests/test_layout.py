"""The house's layout: one folder per stage, imports only down the flow, docstrings that say so.

The flow is ingest → text → extract / stories → claims → signals → report → pipeline (and the
``tasks`` it hands to an engine) → cli.
``types`` and ``models`` sit below every stage (any stage may use them); ``store`` is used only by
``pipeline`` and ``query``; the CLI (and later the web app) sits on top. A module may import from
its own layer or a lower one, never from a higher one: the test reads every module's imports
(including those inside functions) from its syntax tree, so a late import cannot hide one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "parallax"

# Layer of each top-level part of the package; equal layers may import each other only where
# listed in SIDEWAYS. Lower numbers are further down the flow.
LAYER = {
    "types": 0, "models": 0, "schema": 0,
    "ingest": 1,
    "text": 2,
    "extract": 3, "stories": 3,
    "claims": 4,
    "signals": 5,
    "report": 6,
    "store": 7,
    "pipeline": 8, "tasks": 8, "query": 8, "engine": 8,
    "cli": 9, "web": 9,
}
# e.g. ("extract", "stories") if one ever must use the other. `parallax serve` is the CLI's thin
# wrapper around the web app, so the CLI may start it; the web app never imports the CLI. The
# pipeline hands its tasks (``tasks``) to an engine (where they run); engines and tasks never
# import the pipeline.
SIDEWAYS: set[tuple[str, str]] = {("cli", "web"), ("pipeline", "engine"), ("pipeline", "tasks")}
STAGES = ("ingest", "text", "extract", "stories", "claims", "signals", "models", "store", "report", "engine")


def _part(module: str) -> str:
    """``parallax.text.clean`` → ``text``; ``parallax.pipeline`` → ``pipeline``."""
    return module.split(".")[1] if module.count(".") else module


def _imports(source: str, package: list[str]) -> list[tuple[int, str]]:
    """(line, imported parallax module) for every import in ``source``, relative ones resolved.

    ``package`` is the dotted package the source sits in (``["parallax", "text"]``).
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name == "parallax":  # from parallax import x
                found += [(node.lineno, f"parallax.{a.name}") for a in node.names if not a.name.startswith("__")]
            elif name.startswith("parallax."):
                found.append((node.lineno, name))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("parallax.")]
    return found


def _upward(source: str, package: list[str], own: str) -> list[str]:
    """The imports of ``source`` (in part ``own`` of the package) that go up the flow."""
    bad = []
    for line, module in _imports(source, package):
        other = _part(module)
        if other not in LAYER:
            bad.append(f"line {line}: {module} is in no known part")
        elif LAYER[other] > LAYER[own] or (LAYER[other] == LAYER[own] and other != own
                                            and (own, other) not in SIDEWAYS):
            bad.append(f"line {line}: {own} imports {module}")
    return bad


def _modules() -> list[Path]:
    return sorted(p for p in PKG.rglob("*.py"))


def test_every_module_sits_in_a_known_part() -> None:
    unknown = [str(p.relative_to(PKG)) for p in _modules()
               if p.relative_to(PKG).parts[0].removesuffix(".py") not in LAYER | {"__init__": 0}]
    assert not unknown, f"modules outside the layout (add them to a stage folder or to LAYER): {unknown}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PKG)))
def test_imports_run_down_the_flow(path: Path) -> None:
    rel = path.relative_to(PKG.parent).with_suffix("")
    own = rel.parts[1]
    if own == "__init__":
        return
    bad = _upward(path.read_text(encoding="utf-8"), list(rel.parts[:-1]), own)
    assert not bad, f"{rel} imports up the flow: {bad}"


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_folder_says_what_it_takes_and_gives(stage: str) -> None:
    init = PKG / stage / "__init__.py"
    assert init.exists(), f"{stage}/ has no __init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert "Modules:" in doc and len(doc) > 200, f"{stage}/__init__.py must say what it takes, gives and holds"
    listed = {p.stem for p in (PKG / stage).glob("*.py") if p.stem != "__init__"}
    missing = [m for m in listed if f"``{m}``" not in doc]
    assert not missing, f"{stage}/__init__.py does not describe {missing}"


def test_the_layout_check_catches_upward_imports_even_late_or_relative() -> None:
    late = "def f():\n    from parallax.claims.align import align_story\n"
    relative = "from ..signals import score\n"
    assert _upward(late, ["parallax", "text"], "text") == ["line 2: text imports parallax.claims.align"]
    assert _upward(relative, ["parallax", "extract"], "extract") == ["line 1: extract imports parallax.signals"]
    assert _upward("from parallax.types import Article\n", ["parallax", "text"], "text") == []
    assert _upward("from parallax.stories import groups\n", ["parallax", "extract"], "extract") != []

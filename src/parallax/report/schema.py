"""The report's contract: ``parallax/schema/report.schema.json``, shipped with the package.

The schema is a copy of the project's reference (``shared/spec/report.schema.json``), which it
may extend but never break: every field the reference requires stays required here, and a
report valid here is valid there (``tests/test_schema.py`` checks both where the reference is
present). ``SCHEMA_VERSION`` is what ``report.json`` says it follows.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

SCHEMA_VERSION = "1.0"


@functools.cache
def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that every ``report.json`` validates against."""
    text = (resources.files("parallax") / "schema" / "report.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema

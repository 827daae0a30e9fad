"""The packaged report schema is the contract, and it stays compatible with the reference."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
from conftest import REFERENCE_SCHEMA, require


def _required_paths(schema: dict[str, Any], prefix: str = "") -> set[str]:
    """Every required field of a schema, as dotted paths (``articles[].signals.clickbait``)."""
    out: set[str] = set()
    for name in schema.get("required", []):
        out.add(f"{prefix}{name}")
    for name, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict):
            out |= _required_paths(sub, f"{prefix}{name}.")
            if isinstance(sub.get("items"), dict):
                out |= _required_paths(sub["items"], f"{prefix}{name}[].")
    return out


def test_packaged_schema_is_a_valid_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["type"] == "string"


def test_packaged_schema_requires_all_the_reference_requires(schema: dict[str, Any]) -> None:
    reference = json.loads(require(REFERENCE_SCHEMA, "reference schema", "PARALLAX_SPEC").read_text(encoding="utf-8"))
    missing = _required_paths(reference) - _required_paths(schema)
    assert not missing, f"the packaged schema dropped required fields of the reference: {sorted(missing)}"


def test_raqqa_report_validates_against_the_reference_too(raqqa_report: dict[str, Any]) -> None:
    reference = json.loads(require(REFERENCE_SCHEMA, "reference schema", "PARALLAX_SPEC").read_text(encoding="utf-8"))
    jsonschema.validate(raqqa_report, reference)

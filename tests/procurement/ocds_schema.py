"""Validators for OCDS exports: the published 1.1.5 schemas with the bids extension and the site's own extension.

The schemas are read from ../shared/data (never copied into the project). A release is checked against the core
release schema patched (JSON Merge Patch, RFC 7386) with each extension's release-schema.json, and made strict:
an object may hold only the fields some schema declares, so a field the local extension forgets to declare fails.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from procurement.ocds import EXTENSION_DIR
from tests.conftest import SHARED_DATA

OCDS = SHARED_DATA / "ocds-1.1.5"
BIDS_EXTENSION = SHARED_DATA / "ocds_bid_extension"
RELEASE_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def merge_patch(target, patch):
    """RFC 7386: objects merge key by key, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _forbid_undeclared(schema):
    """additionalProperties: false on every object schema that lists its properties (patternProperties still
    allow the language variants such as title_fr)."""
    if isinstance(schema, dict):
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            _forbid_undeclared(value)
    elif isinstance(schema, list):
        for value in schema:
            _forbid_undeclared(value)
    return schema


@cache
def release_schema(*, local_extension: bool = True, strict: bool = True) -> dict:
    schema = merge_patch(_load(OCDS / "release-schema.json"), _load(BIDS_EXTENSION / "release-schema.json"))
    if local_extension:
        schema = merge_patch(schema, _load(EXTENSION_DIR / "release-schema.json"))
    return _forbid_undeclared(schema) if strict else schema


def _is_datetime(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value and parsed.tzinfo is not None


def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme in ("http", "https") and parts.netloc) and " " not in value


def format_checker() -> FormatChecker:
    # jsonschema checks date-time and uri only with optional packages installed; these two are what OCDS uses.
    checker = FormatChecker()
    checker.checks("date-time")(_is_datetime)
    checker.checks("uri")(_is_uri)
    return checker


def release_validator(**kwargs) -> Draft4Validator:
    schema = release_schema(**kwargs)
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=format_checker())


def package_validator() -> Draft4Validator:
    """The release package schema, its releases checked against the published core release schema."""
    core = _load(OCDS / "release-schema.json")
    registry = Registry().with_resource(RELEASE_SCHEMA_URL, Resource.from_contents(core, default_specification=DRAFT4))
    return Draft4Validator(_load(OCDS / "release-package-schema.json"), registry=registry,
                           format_checker=format_checker())


def errors(validator: Draft4Validator, data) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(data)]

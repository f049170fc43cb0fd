"""Kubernetes-style field paths and messages for schema validation errors."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

_REQUIRED_MESSAGE = re.compile(r"^'(.*)' is a required property$")


@dataclass(frozen=True)
class FieldError:
    """One validation failure: a Kubernetes field path and a message."""

    field: str
    message: str


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def format_path(parts: list[str | int]) -> str:
    """Kubernetes field-path text: `spec.containers[0].image`, map keys dotted (`limits.cpu`)."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def field_error(err: ValidationError, prefix: tuple[str | int, ...] = ()) -> FieldError:
    """A jsonschema error as a FieldError (`prefix`: path of the validated sub-document)."""
    parts: list[str | int] = [*prefix, *err.absolute_path]
    field = format_path(parts)
    value = err.instance
    if err.validator == "required":
        match = _REQUIRED_MESSAGE.match(err.message)
        missing = match.group(1) if match else "?"
        return FieldError(format_path([*parts, missing]), "Required value")
    shown = json.dumps(value) if not isinstance(value, (dict, list)) else f'"{_json_type(value)}"'
    if err.validator == "type":
        actual = _json_type(value)
        return FieldError(
            field,
            f'Invalid value: "{actual}": {field} in body must be of type '
            f'{_expected_type(err.validator_value)}: "{actual}"',
        )
    if err.validator == "enum":
        supported = ", ".join(json.dumps(v) for v in err.validator_value)
        return FieldError(field, f"Unsupported value: {shown}: supported values: {supported}")
    templates = {
        "minimum": "should be greater than or equal to {v}",
        "maximum": "should be less than or equal to {v}",
        "minLength": "should be at least {v} chars long",
        "maxLength": "may not be longer than {v}",
        "minItems": "should have at least {v} items",
        "maxItems": "must have at most {v} items",
        "pattern": "should match '{v}'",
        "minProperties": "should have at least {v} properties",
        "maxProperties": "should have at most {v} properties",
    }
    template = templates.get(str(err.validator))
    detail = template.format(v=err.validator_value) if template else err.message
    return FieldError(field, f"Invalid value: {shown}: {field} in body {detail}")


def _expected_type(value: Any) -> str:
    if isinstance(value, list):
        return "/".join(str(v) for v in value if v != "null")
    return str(value)

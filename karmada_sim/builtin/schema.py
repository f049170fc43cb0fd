"""A tiny vocabulary for writing structural schemas by hand (OpenAPI v3 dicts).

The built-in model's kinds are written with these helpers; `ResourceSchema` then applies the
API server's defaulting, pruning and validation to them exactly as to a CRD's schema. Only the
keywords `openapi_schema.py` acts on are produced: type, properties, required, items,
additionalProperties, enum, default, pattern/length/range/item limits, nullable,
x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string and
x-kubernetes-embedded-resource.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Schema = dict[str, Any]

# resource.Quantity's regular expression as CRDs carry it (k8s.io/apimachinery
# pkg/api/resource/quantity.go, emitted by controller-gen for every Quantity field).
QUANTITY_PATTERN = (
    r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?"
    r"(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"
)


def _put(node: Schema, **extra: Any) -> Schema:
    for key, value in extra.items():
        if value is not None:
            node[_KEYWORDS.get(key, key)] = value
    return node


_KEYWORDS = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "min_items": "minItems",
    "max_items": "maxItems",
    "min_properties": "minProperties",
}


def string(
    *,
    enum: Iterable[str] | None = None,
    default: str | None = None,
    pattern: str | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    nullable: bool | None = None,
) -> Schema:
    return _put(
        {"type": "string"},
        enum=list(enum) if enum is not None else None,
        default=default,
        pattern=pattern,
        min_length=min_length,
        max_length=max_length,
        nullable=nullable,
    )


def integer(
    *, default: int | None = None, minimum: int | None = None, maximum: int | None = None
) -> Schema:
    return _put({"type": "integer"}, default=default, minimum=minimum, maximum=maximum)


def number() -> Schema:
    return {"type": "number"}


def boolean(*, default: bool | None = None) -> Schema:
    return _put({"type": "boolean"}, default=default)


def array(
    items: Schema, *, min_items: int | None = None, max_items: int | None = None
) -> Schema:
    return _put({"type": "array", "items": items}, min_items=min_items, max_items=max_items)


def strings() -> Schema:
    return array(string())


def obj(
    properties: Mapping[str, Schema] | None = None,
    *,
    required: Iterable[str] = (),
    default: Any = None,
    preserve: bool = False,
    additional: Schema | bool | None = None,
    embedded: bool = False,
    min_properties: int | None = None,
    nullable: bool | None = None,
) -> Schema:
    """An object; keys not in `properties` are pruned unless `preserve` or `additional`."""
    node: Schema = {"type": "object"}
    if properties:
        node["properties"] = dict(properties)
    req = list(required)
    if req:
        node["required"] = req
    if preserve:
        node["x-kubernetes-preserve-unknown-fields"] = True
    if embedded:
        node["x-kubernetes-embedded-resource"] = True
    return _put(
        node,
        additionalProperties=additional,
        default=default,
        min_properties=min_properties,
        nullable=nullable,
    )


def map_of(values: Schema) -> Schema:
    return obj(additional=values)


def string_map() -> Schema:
    return map_of(string())


def free_object() -> Schema:
    """An object kept as it is (x-kubernetes-preserve-unknown-fields)."""
    return obj(preserve=True)


def int_or_string(*, pattern: str | None = None) -> Schema:
    """IntOrString as controller-gen writes it (anyOf integer/string)."""
    node: Schema = {
        "anyOf": [{"type": "integer"}, {"type": "string"}],
        "x-kubernetes-int-or-string": True,
    }
    return _put(node, pattern=pattern)


def quantity() -> Schema:
    """resource.Quantity in a CRD."""
    return int_or_string(pattern=QUANTITY_PATTERN)


def builtin_quantity() -> Schema:
    """resource.Quantity in the Kubernetes OpenAPI v3 documents (oneOf string/number)."""
    return {"oneOf": [{"type": "string"}, {"type": "number"}]}


def builtin_int_or_string() -> Schema:
    """intstr.IntOrString in the Kubernetes OpenAPI v3 documents."""
    return {"oneOf": [{"type": "integer"}, {"type": "string"}]}


def resource_root(properties: Mapping[str, Schema], *, required: Iterable[str] = ()) -> Schema:
    """A kind's root: apiVersion, kind, metadata plus `properties`."""
    return obj(
        {"apiVersion": string(), "kind": string(), "metadata": obj(), **properties},
        required=required,
    )

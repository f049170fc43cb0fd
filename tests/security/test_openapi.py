"""The committed OpenAPI document describes exactly the REST routes app.server.rest serves."""

from __future__ import annotations

from starlette.routing import Route

from app.server import rest
from app.server.openapi import documented_operations, openapi_spec


def served_operations() -> set[tuple[str, str]]:
    pairs = set()
    for route in rest.routes:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":  # Starlette adds HEAD to every GET
                pairs.add((method, route.path))
    return pairs


def test_document_matches_the_routes() -> None:
    spec = openapi_spec()
    documented = documented_operations(spec)
    served = served_operations()
    assert documented - served == set(), "documented but not served"
    assert served - documented == set(), "served but not in app/server/openapi.json"


def test_document_is_well_formed_openapi() -> None:
    # OpenAPI 3.0's schema object follows JSON Schema draft 4 where they differ (a boolean
    # exclusiveMinimum; OpenAPI 3.0.3, "Schema Object").
    from jsonschema import Draft4Validator

    spec = openapi_spec()
    assert spec["openapi"].startswith("3.")
    Draft4Validator.check_schema(spec["components"]["schemas"]["JobRequest"])
    ids = [op["operationId"] for item in spec["paths"].values()
           for key, op in item.items() if key != "parameters"]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    for path, item in spec["paths"].items():
        for key, op in item.items():
            if key == "parameters":
                continue
            if op.get("security") != []:
                assert "401" in op["responses"], f"{key.upper()} {path} must document 401"

"""The `/_sim/` control API (unauthenticated; a loopback-only test tool).

    GET    /_sim/healthz                     {"status": "ok", "resourceVersion": N}
    GET    /_sim/reference                   {"source": "directory"|"builtin", "path",
                                              "origin", "versions": {...}, "notes": [...]}
    GET    /_sim/requests                    {"counts": {"list ray.io/v1/rayjobs": 3, ...}}
    GET    /_sim/requests/recent             {"requests": [{"method", "path", "query"}, ...]}
                                              (the last 500, raw: as escaped on the wire)
    POST   /_sim/requests/reset
    GET    /_sim/faults                      {"faults": [...]}
    POST   /_sim/faults                      {"pathRegex", "methods"?, "latencyMs"?, "status"?,
                                              "drop"?, "count"?, "durationSeconds"?} -> rule
    DELETE /_sim/faults                      remove all rules
    DELETE /_sim/faults/{id}                 remove one rule
    GET    /_sim/watches                     {"open": n}
    POST   /_sim/watches/close               {"mode": "close"|"abort"|"expire"|"corrupt",
                                              "afterEvents"?: N} -> {"watches": n}
    POST   /_sim/history/compact             older watch resourceVersions become 410 Gone

SIM-KARMADA's `install()` appends its own routes (scenarios, clusters) to
`Simulator.control_routes`; they are mounted here too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from karmada_sim.errors import ApiError, BadRequest, NotFound
from karmada_sim.handlers import json_response, status_response

if TYPE_CHECKING:
    from karmada_sim.runtime import Simulator


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"invalid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def control_routes(sim: Simulator) -> list[BaseRoute]:
    """The built-in `/_sim/` routes for `sim` (plus `sim.control_routes`)."""

    async def healthz(_: Request) -> Response:
        return json_response({"status": "ok", "resourceVersion": sim.store.resource_version})

    async def reference(_: Request) -> Response:
        return json_response(sim.reference.as_dict())

    async def requests(_: Request) -> Response:
        return json_response({"counts": sim.requests.snapshot()})

    async def recent_requests(_: Request) -> Response:
        return json_response({"requests": sim.requests.recent()})

    async def reset_requests(_: Request) -> Response:
        sim.requests.reset()
        return json_response({"counts": {}})

    async def faults(request: Request) -> Response:
        try:
            if request.method == "GET":
                return json_response({"faults": sim.faults.describe()})
            if request.method == "DELETE":
                sim.faults.clear()
                return json_response({"faults": []})
            rule = sim.faults.add(await _json(request))
            return json_response(rule.describe(), status=201)
        except ApiError as exc:
            return status_response(exc)

    async def fault(request: Request) -> Response:
        rule_id = int(request.path_params["rule_id"])
        if not sim.faults.remove(rule_id):
            return status_response(NotFound(f"fault {rule_id} not found"))
        return json_response({"deleted": rule_id})

    async def close_watches(request: Request) -> Response:
        try:
            body = await _json(request)
            mode = body.get("mode", "close")
            if mode not in ("close", "abort", "expire", "corrupt"):
                raise BadRequest("mode must be close, abort, expire or corrupt")
            after = body.get("afterEvents")
            if after is not None and (not isinstance(after, int) or after < 1):
                raise BadRequest("afterEvents must be a positive integer")
        except ApiError as exc:
            return status_response(exc)
        count = sim.watches.close_all(mode, after)
        return json_response({"watches": count})

    async def open_watches(_: Request) -> Response:
        return json_response({"open": len(sim.watches)})

    async def compact(_: Request) -> Response:
        sim.store.compact()
        return json_response({"compactedResourceVersion": sim.store.resource_version})

    return [
        Route("/_sim/healthz", healthz, methods=["GET"]),
        Route("/_sim/reference", reference, methods=["GET"]),
        Route("/_sim/requests", requests, methods=["GET"]),
        Route("/_sim/requests/recent", recent_requests, methods=["GET"]),
        Route("/_sim/requests/reset", reset_requests, methods=["POST"]),
        Route("/_sim/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/_sim/faults/{rule_id:int}", fault, methods=["DELETE"]),
        Route("/_sim/watches", open_watches, methods=["GET"]),
        Route("/_sim/watches/close", close_watches, methods=["POST"]),
        Route("/_sim/history/compact", compact, methods=["POST"]),
        *sim.control_routes,
    ]

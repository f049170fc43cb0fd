"""Control routes for scenarios and member health (``/_sim/scenarios``, ``/_sim/clusters``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from karmada_sim.errors import ApiError, BadRequest, NotFound
from karmada_sim.handlers import json_response, status_response
from karmada_sim.members.scenario import ScenarioBook

if TYPE_CHECKING:
    from karmada_sim.karmada.controller import KarmadaController


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError as exc:
        raise BadRequest(f"invalid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def _member_state(controller: KarmadaController, name: str) -> dict[str, Any]:
    member = controller.members[name]
    return {"name": name, "ready": member.ready, "reachable": member.reachable,
            "workloads": len(member.workloads), "pods": len(member.pods)}


def karmada_control_routes(book: ScenarioBook, controller: KarmadaController) -> list[BaseRoute]:
    """Routes appended to ``Simulator.control_routes``."""

    async def scenarios(request: Request) -> Response:
        try:
            if request.method == "GET":
                return json_response({"scenarios": book.to_list()})
            if request.method == "DELETE":
                book.clear()
                return json_response({"scenarios": []})
            try:
                rule = book.add(await _body(request))
            except ValueError as exc:
                raise BadRequest(str(exc)) from exc
            return json_response({"match": {"nameContains": rule.name_contains},
                                  "scenario": rule.scenario.to_dict()}, status=201)
        except ApiError as exc:
            return status_response(exc)

    async def clusters(_: Request) -> Response:
        return json_response({"clusters": [_member_state(controller, n)
                                           for n in sorted(controller.members)]})

    async def cluster(request: Request) -> Response:
        name = request.path_params["name"]
        try:
            if name not in controller.members:
                raise NotFound(f'cluster "{name}" not found')
            if request.method == "POST":
                body = await _body(request)
                member = controller.members[name]
                for field in ("ready", "reachable"):
                    if field in body:
                        if not isinstance(body[field], bool):
                            raise BadRequest(f"{field} must be a boolean")
                        setattr(member, field, body[field])
                controller.mark_member_changed()
            return json_response(_member_state(controller, name))
        except ApiError as exc:
            return status_response(exc)

    return [
        Route("/_sim/scenarios", scenarios, methods=["GET", "POST", "DELETE"]),
        Route("/_sim/clusters", clusters, methods=["GET"]),
        Route("/_sim/clusters/{name}", cluster, methods=["GET", "POST"]),
    ]

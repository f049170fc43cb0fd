"""Control routes for scenarios, member health and faults (``/_sim/scenarios``,
``/_sim/clusters``, ``/_sim/disruptions``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from karmada_sim.errors import ApiError, BadRequest, NotFound
from karmada_sim.handlers import json_response, status_response
from karmada_sim.members.disruption import TYPES as DISRUPTION_TYPES
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
            "workloads": len(member.workloads), "pods": len(member.pods),
            "pendingWrites": len(member.pending), "lostNodes": sorted(member.lost_nodes)}


def _member_workloads(controller: KarmadaController, name: str) -> list[dict[str, Any]]:
    """What really runs on a member, whatever Karmada's view (stale copies included)."""
    member = controller.members[name]
    return [{"apiVersion": key[0], "kind": key[1], "namespace": key[2], "name": key[3],
             "phase": str(w.run.phase), "attempt": w.run.attempt,
             "pendingDelete": key in member.pending and member.pending[key] is None}
            for key, w in sorted(member.workloads.items())]


def _disrupt(controller: KarmadaController, body: dict[str, Any]) -> list[dict[str, Any]]:
    """POST /_sim/disruptions: find the targets, then hit each (docs/simulator-karmada.md)."""
    type_ = body.get("type")
    if type_ not in DISRUPTION_TYPES:
        raise BadRequest(f"type must be one of {sorted(DISRUPTION_TYPES)}")
    for field in ("cluster", "namespace", "name", "kind", "node", "message"):
        if field in body and not isinstance(body[field], str):
            raise BadRequest(f"{field} must be a string")
    pods = body.get("pods")
    if pods is not None and not (isinstance(pods, list) and all(isinstance(p, str) for p in pods)):
        raise BadRequest("pods must be a list of pod names")
    exit_code = body.get("exitCode")
    if exit_code is not None and (not isinstance(exit_code, int) or isinstance(exit_code, bool)
                                  or not 1 <= exit_code <= 255):
        raise BadRequest("exitCode must be an integer in 1..255")
    cluster, name, node = body.get("cluster"), body.get("name"), body.get("node")
    if name is None and not (type_ == "NodeLost" and cluster and node):
        raise BadRequest("name the workload (name, optionally namespace, kind, cluster), or "
                         "for NodeLost the cluster and node")
    if cluster is not None and cluster not in controller.members:
        raise NotFound(f'cluster "{cluster}" not found')
    members = [controller.members[cluster]] if cluster else [
        controller.members[n] for n in sorted(controller.members)]
    found = []
    for member in members:
        for key in sorted(member.workloads):
            _, kind, namespace, wname = key
            if name is not None and wname != name:
                continue
            if body.get("namespace") not in (None, namespace) or body.get("kind") not in (
                    None, kind):
                continue
            if name is None and not any(member.node_of(i) == node for i, _ in
                                        enumerate(member.workloads[key].plans)):
                continue
            found.append((member, key))
    if not found:
        raise NotFound("no workload matches " + json.dumps(
            {k: body[k] for k in ("cluster", "namespace", "name", "kind", "node") if k in body}))
    running = [(m, k) for m, k in found if m.disruptable(k)]
    if not running:
        raise ApiError("the matching workloads have no running pods", code=409,
                       reason="Conflict")
    out = []
    for member, key in running:
        try:
            out.append(member.disrupt(key, type_, pods=pods, node=node, exit_code=exit_code,
                                      message=body.get("message")))
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
    return out


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

    async def cluster_workloads(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in controller.members:
            return status_response(NotFound(f'cluster "{name}" not found'))
        return json_response({"cluster": name, "workloads": _member_workloads(controller, name)})

    history: list[dict[str, Any]] = []

    async def disruptions(request: Request) -> Response:
        try:
            if request.method == "GET":
                return json_response({"disruptions": history})
            if request.method == "DELETE":
                history.clear()
                for member in controller.members.values():
                    member.lost_nodes.clear()  # the nodes are back (new, empty)
                controller.mark_member_changed()
                return json_response({"disruptions": []})
            hit = _disrupt(controller, await _body(request))
            history.extend(hit)
            return json_response({"disrupted": hit}, status=201)
        except ApiError as exc:
            return status_response(exc)

    return [
        Route("/_sim/scenarios", scenarios, methods=["GET", "POST", "DELETE"]),
        Route("/_sim/clusters", clusters, methods=["GET"]),
        Route("/_sim/clusters/{name}", cluster, methods=["GET", "POST"]),
        Route("/_sim/clusters/{name}/workloads", cluster_workloads, methods=["GET"]),
        Route("/_sim/disruptions", disruptions, methods=["GET", "POST", "DELETE"]),
    ]

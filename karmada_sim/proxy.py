"""The Karmada cluster proxy for simulated members (read-only member API subset).

``/apis/cluster.karmada.io/v1alpha1/clusters/{name}/proxy/{path}`` with ``path`` one of
``api/v1/namespaces/{ns}/pods`` (labelSelector), ``.../pods/{pod}``, ``.../pods/{pod}/log``
(tailLines, sinceSeconds, timestamps, container, follow=true streaming until the pod ends),
``.../events``, ``.../services``, ``apis/batch/v1/namespaces/{ns}/jobs`` and the other kinds the
member holds. An unreachable member answers 503, as Karmada's proxy does when it cannot dial.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from karmada_sim.errors import (
    ApiError,
    BadRequest,
    MethodNotAllowed,
    NotFound,
    ServiceUnavailable,
)
from karmada_sim.handlers import json_response, status_response
from karmada_sim.members.cluster import MemberCluster
from karmada_sim.selectors import parse_label_selector

_CORE = re.compile(r"^api/v1/namespaces/(?P<ns>[^/]+)/(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?"
                   r"(?:/(?P<sub>log))?/?$")
_GROUP = re.compile(r"^apis/(?P<group>[^/]+)/(?P<version>[^/]+)/namespaces/(?P<ns>[^/]+)/"
                    r"(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?/?$")


def _pod_filter(selector: str | None) -> Callable[[dict[str, Any]], bool]:
    """A test of a pod's labels against ``selector``: its first equality requirement (the
    archiver's job label) inline, so the pods of other jobs cost one dict lookup each."""
    if not selector:
        return lambda labels: True
    parsed = parse_label_selector(selector)
    pairs = parsed.equality_pairs()
    if not pairs:
        return parsed.matches
    key, value = pairs[0]
    return lambda labels: labels.get(key) == value and parsed.matches(labels)


def wants_metadata_list(accept: str | None) -> bool:
    """Whether the Accept header's first media range asks for metadata only
    (``application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1``, what client-go's
    metadata client sends): the member's API server then answers each item's ``metadata``
    alone (k8s.io/apiserver pkg/endpoints/handlers/response.go, asPartialObjectMetadataList)."""
    first = (accept or "").split(",")[0]
    return "as=PartialObjectMetadataList" in first and "g=meta.k8s.io" in first


def _list(kind: str, api_version: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": f"{kind}List",
            "metadata": {"resourceVersion": "0"}, "items": items}


def _rfc3339nano(wall: float) -> str:
    return datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


class MemberProxy:
    """ProxyHandler over the simulated members."""

    def __init__(self, members: dict[str, MemberCluster], poll_seconds: float = 0.1) -> None:
        self.members = members
        self.poll_seconds = poll_seconds

    async def __call__(self, request: Request, cluster: str, path: str) -> Response:
        try:
            member = self.members.get(cluster)
            if member is None:
                raise NotFound(f'clusters.cluster.karmada.io "{cluster}" not found')
            if not member.reachable:
                raise ServiceUnavailable(
                    f"error trying to reach service: dial tcp: cluster {cluster} is unreachable")
            if request.method != "GET":
                raise MethodNotAllowed("the simulated member proxy is read-only")
            return await self._get(request, member, path.lstrip("/"))
        except ApiError as exc:
            return status_response(exc)

    async def _get(self, request: Request, member: MemberCluster, path: str) -> Response:
        query = request.query_params
        core = _CORE.match(path)
        if core:
            ns, plural, name, sub = core.group("ns", "plural", "name", "sub")
            if plural == "pods":
                if sub == "log":
                    return await self._log(request, member, ns, name)
                if name:
                    pod = member.pods.get((ns, name))
                    if pod is None:
                        raise NotFound(f'pods "{name}" not found')
                    return json_response(pod)
                # Filter before sorting: a member keeps every finished job's pods, and the
                # log archiver lists one job's pods by label.
                wanted = _pod_filter(query.get("labelSelector"))
                found = sorted((key, pod) for key, pod in member.pods.items()
                               if key[0] == ns and wanted(pod["metadata"].get("labels") or {}))
                return json_response(_list("Pod", "v1", [pod for _, pod in found]))
            if plural == "events":
                events = [e for e in member.events if e["metadata"]["namespace"] == ns]
                return json_response(_list("Event", "v1", events))
            kinds = {"services": "Service", "configmaps": "ConfigMap", "secrets": "Secret",
                     "persistentvolumeclaims": "PersistentVolumeClaim",
                     "serviceaccounts": "ServiceAccount"}
            if plural in kinds and not sub:
                return self._objects(member, "v1", kinds[plural], ns, name, query,
                                     request.headers.get("accept"))
            raise NotFound("the server could not find the requested resource")
        group = _GROUP.match(path)
        if group:
            api_version = f"{group.group('group')}/{group.group('version')}"
            plural = group.group("plural")
            kind = next((r["kind"] for e in member.api_enablements()
                         if e["groupVersion"] == api_version
                         for r in e["resources"] if r["name"] == plural), None)
            if kind is None:
                raise NotFound("the server could not find the requested resource")
            return self._objects(member, api_version, kind, group.group("ns"),
                                 group.group("name"), query, request.headers.get("accept"))
        raise NotFound("the server could not find the requested resource")

    @staticmethod
    def _objects(member: MemberCluster, api_version: str, kind: str, ns: str,
                 name: str | None, query: Any, accept: str | None = None) -> Response:
        if name:
            found = member.get((api_version, kind, ns, name)) or next(
                (o for o in member.list_kind(api_version, kind, ns)
                 if o["metadata"]["name"] == name), None)
            if found is None:
                raise NotFound(f'{kind.lower()}s "{name}" not found')
            return json_response(found)
        # Selected before anything is copied, and not copied at all: the answer is encoded
        # right here, before the member can change (MemberCluster.list_kind).
        selector = query.get("labelSelector")
        labels = parse_label_selector(selector).matches if selector else None
        items = member.list_kind(api_version, kind, ns, labels, copies=False)
        if wants_metadata_list(accept):
            return json_response({
                "apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList",
                "metadata": {"resourceVersion": "0"},
                "items": [{"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
                           "metadata": o["metadata"]} for o in items]})
        return json_response(_list(kind, api_version, items))

    async def _log(self, request: Request, member: MemberCluster, ns: str, pod: str
                   ) -> Response:
        query = request.query_params
        if (ns, pod) not in member.pods:
            raise NotFound(f'pods "{pod}" not found')
        container = query.get("container")
        containers = [c.get("name") for c in member.pods[(ns, pod)]["spec"].get("containers")
                      or []]
        if container and containers and container not in containers:
            raise BadRequest(f"container {container} is not valid for pod {pod}")
        try:
            tail = int(query["tailLines"]) if "tailLines" in query else None
            since = float(query["sinceSeconds"]) if "sinceSeconds" in query else None
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        stamps = query.get("timestamps") in ("true", "1")
        follow = query.get("follow") in ("true", "1")

        def render(lines: list[tuple[float, str]]) -> str:
            return "".join(f"{_rfc3339nano(t)} {text}\n" if stamps else f"{text}\n"
                           for t, text in lines)

        def select() -> tuple[list[tuple[float, str]], bool] | None:
            got = member.pod_log(ns, pod)
            if got is None:
                return None
            lines, done = got
            if since is not None:
                cutoff = time.time() - since
                lines = [line for line in lines if line[0] >= cutoff]
            return lines, done

        first = select()
        if first is None:
            raise NotFound(f'pods "{pod}" not found')
        lines, done = first
        if tail is not None:
            lines = lines[-tail:] if tail > 0 else []
        if not follow:
            return PlainTextResponse(render(lines))

        async def stream() -> AsyncIterator[bytes]:
            sent_until = lines[-1][0] if lines else float("-inf")
            seen = len([line for line in lines if line[0] == sent_until])
            if lines:
                yield render(lines).encode()
            finished = done
            while not finished:
                await asyncio.sleep(self.poll_seconds)
                if not member.reachable:
                    return
                current = select()
                if current is None:
                    return  # the pod is gone
                all_lines, finished = current
                fresh = [line for line in all_lines if line[0] > sent_until]
                same = [line for line in all_lines if line[0] == sent_until]
                fresh = same[seen:] + fresh
                if fresh:
                    sent_until = fresh[-1][0]
                    seen = len([line for line in all_lines if line[0] == sent_until])
                    yield render(fresh).encode()

        return StreamingResponse(stream(), media_type="text/plain")


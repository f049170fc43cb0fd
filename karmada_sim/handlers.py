"""HTTP handlers for resource requests: get/list/watch/create/update/patch/delete(collection).

Thin: parse the request, call the `ObjectStore`, shape the answer (JSON, Table or a watch
stream). Errors are `ApiError`s, rendered as `Status` objects by the caller.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from karmada_sim.errors import ApiError, BadRequest, MethodNotAllowed, NotFound
from karmada_sim.patches import APPLY_PATCH
from karmada_sim.resource_types import ResourceType
from karmada_sim.routing import ApiPath
from karmada_sim.selectors import parse_field_selector, parse_label_selector
from karmada_sim.server_side_apply import server_side_apply
from karmada_sim.store import ObjectStore
from karmada_sim.table import build_table, wants_table
from karmada_sim.watch import WatchRegistry, WatchRequest, WatchStream

JSON = "application/json"


def json_response(body: Any, status: int = 200) -> Response:
    """A compact JSON answer."""
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type=JSON)


def status_response(error: ApiError) -> Response:
    """The `Status` answer of an error."""
    headers = {}
    retry = error.details.get("retryAfterSeconds")
    if retry is not None:
        headers["Retry-After"] = str(retry)
    return Response(
        json.dumps(error.status(), separators=(",", ":")),
        status_code=error.code,
        media_type=JSON,
        headers=headers,
    )


def _field_validation(request: Request) -> str:
    # The server's default is Warn (kubectl asks for Strict).
    value = request.query_params.get("fieldValidation") or "Warn"
    if value not in ("Ignore", "Warn", "Strict"):
        raise BadRequest(f"fieldValidation parameter unsupported: {value}")
    return value


def _with_warnings(response: Response, warnings: list[str]) -> Response:
    for text in warnings:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        response.headers.append("Warning", f'299 - "{escaped}"')
    return response


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise BadRequest("the request body is empty")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the body of the request was not valid JSON: {exc}") from exc


def resolve_resource(store: ObjectStore, ap: ApiPath) -> ResourceType:
    """The served resource addressed by a path (404 like the real server otherwise)."""
    rt = store.resource_by_path(ap.group, ap.version, ap.plural)
    if rt is None or (ap.namespace is not None and not rt.namespaced):
        raise NotFound("the server could not find the requested resource")
    if ap.subresource is not None and not (
        (ap.subresource == "status" and rt.has_status)
        or (ap.subresource == "finalize" and rt.kind == "Namespace")
    ):
        raise NotFound("the server could not find the requested resource")
    return rt


async def handle_resource(
    store: ObjectStore, watches: WatchRegistry, request: Request, ap: ApiPath
) -> Response:
    """Serve one resource request."""
    rt = resolve_resource(store, ap)
    method = request.method.upper()
    subresource = "status" if ap.subresource == "status" else None
    q = request.query_params
    if method == "GET":
        if ap.name is not None:
            return _get(store, rt, ap, request)
        if _flag(q.get("watch")):
            return _watch(store, watches, rt, ap, request)
        return _list(store, rt, ap, request)
    if method == "POST" and ap.name is None:
        created = _create(store, rt, ap, await _body(request), _field_validation(request))
        return _with_warnings(created, store.warnings)
    if ap.name is None:
        if method == "DELETE":
            return _delete_collection(store, rt, ap, request)
        raise MethodNotAllowed(f"{method} is not supported on a collection")
    if method == "PUT":
        obj = await _body(request)
        if not isinstance(obj, dict):
            raise BadRequest("the body must be an object")
        meta = obj.setdefault("metadata", {})
        if meta.get("name") not in (None, ap.name):
            raise BadRequest(
                "the name of the object "
                f"({meta.get('name')}) does not match the name on the URL ({ap.name})"
            )
        meta["name"] = ap.name
        _check_namespace(rt, ap, meta)
        updated = store.update(
            rt, obj, subresource=subresource, field_validation=_field_validation(request)
        )
        return _with_warnings(json_response(updated), store.warnings)
    if method == "PATCH":
        content_type = request.headers.get("content-type", "application/merge-patch+json")
        if content_type.split(";")[0].strip().lower() == APPLY_PATCH:
            applied, is_new = server_side_apply(
                store,
                rt,
                ap.namespace,
                ap.name,
                await request.body(),
                field_manager=q.get("fieldManager"),
                subresource=subresource,
                field_validation=_field_validation(request),
            )
            status = 201 if is_new else 200
            return _with_warnings(json_response(applied, status=status), store.warnings)
        patch = await _body(request)
        result = store.patch(
            rt,
            ap.namespace,
            ap.name,
            patch,
            subresource=subresource,
            content_type=content_type,
            field_validation=_field_validation(request),
        )
        return _with_warnings(json_response(result), store.warnings)
    if method == "DELETE":
        options = await _delete_options(request)
        propagation = options.get("propagationPolicy") or q.get("propagationPolicy")
        if options.get("orphanDependents") is True:
            propagation = "Orphan"
        deleted = store.delete(
            rt,
            ap.namespace,
            ap.name,
            propagation=propagation or "Background",
            preconditions=options.get("preconditions"),
        )
        if deleted is None:
            raise NotFound.of(rt.plural, rt.group, ap.name)
        return _deleted_response(store, rt, ap, deleted)
    raise MethodNotAllowed(f"{method} is not supported")


def _deleted_response(
    store: ObjectStore, rt: ResourceType, ap: ApiPath, deleted: dict[str, Any]
) -> Response:
    # As the real handler (apiserver handlers/delete.go): the object while deletion is
    # pending (finalizers); once deleted, the object or a Success Status depending on the
    # registry. (202 only for the deprecated orphanDependents=false, not emulated.)
    assert ap.name is not None
    if store.get_raw(rt, ap.namespace, ap.name) is not None:
        return json_response(deleted)
    if rt.return_deleted_object:
        return json_response(deleted)
    details: dict[str, Any] = {"name": ap.name, "group": rt.group, "kind": rt.plural}
    details["uid"] = deleted.get("metadata", {}).get("uid")
    return json_response(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": details,
        }
    )


def _check_namespace(rt: ResourceType, ap: ApiPath, meta: dict[str, Any]) -> None:
    if not rt.namespaced:
        return
    if ap.namespace is None:
        raise NotFound("the server could not find the requested resource")
    body_ns = meta.get("namespace")
    if body_ns not in (None, "", ap.namespace):
        raise BadRequest(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    meta["namespace"] = ap.namespace


def _get(store: ObjectStore, rt: ResourceType, ap: ApiPath, request: Request) -> Response:
    assert ap.name is not None
    raw = store.get_raw(rt, ap.namespace, ap.name)
    if raw is None:
        raise NotFound.of(rt.plural, rt.group, ap.name)
    if wants_table(request.headers.get("accept")):
        obj = json.loads(raw)
        return json_response(
            build_table(rt, [obj], {"resourceVersion": obj["metadata"]["resourceVersion"]})
        )
    return Response(raw, media_type=JSON)


def _list(store: ObjectStore, rt: ResourceType, ap: ApiPath, request: Request) -> Response:
    q = request.query_params
    selector = parse_label_selector(q.get("labelSelector"))
    fields = parse_field_selector(q.get("fieldSelector"), rt.group, rt.kind)
    limit_text = q.get("limit")
    limit: int | None = None
    if limit_text:
        try:
            limit = int(limit_text)
        except ValueError as exc:
            raise BadRequest(f"invalid limit {limit_text!r}") from exc
        limit = limit if limit > 0 else None
    page = store.list_page(
        rt,
        ap.namespace,
        selector,
        fields,
        limit=limit,
        continue_token=q.get("continue") or None,
    )
    meta: dict[str, Any] = {"resourceVersion": str(page.resource_version)}
    if page.continue_token:
        meta["continue"] = page.continue_token
    if wants_table(request.headers.get("accept")):
        objects = [json.loads(raw) for raw in page.items]
        return json_response(build_table(rt, objects, meta))
    head = json.dumps(
        {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta},
        separators=(",", ":"),
    ).encode()
    body = head[:-1] + b',"items":[' + b",".join(page.items) + b"]}"
    return Response(body, media_type=JSON)


def _watch(
    store: ObjectStore,
    watches: WatchRegistry,
    rt: ResourceType,
    ap: ApiPath,
    request: Request,
) -> Response:
    q = request.query_params
    timeout_text = q.get("timeoutSeconds")
    try:
        timeout = float(timeout_text) if timeout_text else None
    except ValueError as exc:
        raise BadRequest(f"invalid timeoutSeconds {timeout_text!r}") from exc
    stream = WatchStream(
        store,
        watches,
        WatchRequest(
            rt=rt,
            namespace=ap.namespace,
            selector=parse_label_selector(q.get("labelSelector")),
            fields=parse_field_selector(q.get("fieldSelector"), rt.group, rt.kind),
            resource_version=q.get("resourceVersion"),
            timeout_seconds=timeout,
            bookmarks=_flag(q.get("allowWatchBookmarks")),
            table=wants_table(request.headers.get("accept")),
        ),
    )
    return StreamingResponse(
        stream.events(),
        media_type=JSON,
        headers={"Cache-Control": "no-cache, private", "X-Content-Type-Options": "nosniff"},
    )


def _create(
    store: ObjectStore, rt: ResourceType, ap: ApiPath, obj: Any, field_validation: str
) -> Response:
    if not isinstance(obj, dict):
        raise BadRequest("the body must be an object")
    meta = obj.setdefault("metadata", {})
    if not isinstance(meta, dict):
        raise BadRequest("metadata must be an object")
    body_kind = obj.get("kind")
    if body_kind not in (None, rt.kind):
        raise BadRequest(f"the kind {body_kind!r} does not match the resource {rt.plural!r}")
    _check_namespace(rt, ap, meta)
    return json_response(store.create(rt, obj, field_validation=field_validation), status=201)


async def _delete_options(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    try:
        options = json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"invalid DeleteOptions: {exc}") from exc
    return options if isinstance(options, dict) else {}


def _delete_collection(
    store: ObjectStore, rt: ResourceType, ap: ApiPath, request: Request
) -> Response:
    q = request.query_params
    selector = parse_label_selector(q.get("labelSelector"))
    fields = parse_field_selector(q.get("fieldSelector"), rt.group, rt.kind)
    page = store.list_page(rt, ap.namespace, selector, fields)
    deleted: list[dict[str, Any]] = []
    for raw in page.items:
        meta = json.loads(raw)["metadata"]
        result = store.delete(
            rt,
            meta.get("namespace"),
            meta["name"],
            propagation=q.get("propagationPolicy") or "Background",
        )
        if result is not None:
            deleted.append(result)
    return json_response(
        {
            "kind": rt.list_kind,
            "apiVersion": rt.api_version,
            "metadata": {"resourceVersion": str(store.resource_version)},
            "items": deleted,
        }
    )

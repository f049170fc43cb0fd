"""KarmadaClient: the only code that talks to the Kubernetes API (of the Karmada control plane).

It uses kubernetes-asyncio's ApiClient (kubeconfig loading, auth, TLS, connection pool) and
speaks to resources by path, so one code path serves every workload kind, Karmada's own
resources, and the cluster proxy.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import orjson
from aiohttp.http_exceptions import HttpProcessingError
from kubernetes_asyncio import client as k8s_client
from kubernetes_asyncio import config as k8s_config

from app.karmada.errors import (
    AlreadyExists,
    KarmadaError,
    KarmadaUnavailable,
    NotFound,
    Unauthorized,
    error_for_status,
)
from app.karmada.lookup_cache import LookupCache
from app.karmada.paths import cluster_proxy_path
from app.karmada.refusals import Refusals
from app.karmada.resources import CLUSTERS, ApiResource
from app.observability import metrics

log = logging.getLogger(__name__)

MERGE_PATCH = "application/merge-patch+json"
#: Longest line a stream (a watch event carries one whole object) may have. aiohttp's
#: readline stops at 128 KiB (2 x its 64 KiB buffer limit) with LineTooLong, which is no
#: ClientError; etcd stores objects up to 1.5 MiB, and a watch event wraps one.
MAX_STREAM_LINE_BYTES = 4 * 1024 * 1024
#: A Table of rows if the server can (kubectl's own Accept for `get`), else the plain List.
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
#: Each item's metadata alone if the server can (client-go's metadata client asks this way:
#: k8s.io/client-go/metadata), else the plain List; either way ``items[].metadata``.
METADATA_LIST_ACCEPT = (
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)


def decode_json(raw: bytes | str) -> Any:
    """``raw`` as JSON: orjson (watch events and answers are most of the server's decoding;
    it is several times faster), and the standard library where orjson refuses what
    ``json.loads`` accepts (integers beyond 64 bits, NaN); ValueError if neither reads it."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


class UndecodableAnswer(KarmadaUnavailable):
    """Karmada answered something we cannot read (not JSON, a line over the bound)."""


class KarmadaClient:
    def __init__(
        self,
        api_client: k8s_client.ApiClient,
        *,
        timeout: float = 10.0,
        lookup_cache_seconds: float = 0.0,
    ) -> None:
        self._api = api_client
        self._timeout = timeout
        #: Requests sent, by verb; read by metrics and tests.
        self.request_count = 0
        #: 401/403 answers still standing, per resource (shown by /health/ready).
        self.refusals = Refusals()
        #: Found prerequisites of job creation (app.karmada.lookup_cache; 0 s: off).
        self.lookups = LookupCache(lookup_cache_seconds)

    @classmethod
    async def from_kubeconfig(
        cls,
        path: str | os.PathLike[str],
        *,
        timeout: float = 10.0,
        trust_env: bool = False,
        lookup_cache_seconds: float = 0.0,
    ) -> KarmadaClient:
        api_client = await k8s_config.new_client_from_config(config_file=str(path))
        if not trust_env:
            # kubernetes-asyncio opens its aiohttp session with trust_env=True: every request
            # then reads ~/.netrc and the proxy variables in a worker thread (~5% of the
            # server's CPU under load). Off unless KARMADA_TRUST_ENV asks for a proxy. aiohttp
            # has no public setter; tests/karmada checks the public ``trust_env`` reads False.
            api_client.rest_client.pool_manager._trust_env = False
        return cls(api_client, timeout=timeout, lookup_cache_seconds=lookup_cache_seconds)

    @property
    def trust_env(self) -> bool:
        """Whether requests honour the proxy variables and ~/.netrc (KARMADA_TRUST_ENV)."""
        return bool(self._api.rest_client.pool_manager.trust_env)

    async def close(self) -> None:
        await self._api.close()

    # -- raw requests -----------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str | int] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        accept: str = "application/json",
        timeout: float | None = None,
    ) -> dict[str, Any]:
        raw = await self.request_bytes(
            method,
            path,
            query=query,
            body=body,
            content_type=content_type,
            accept=accept,
            timeout=timeout,
        )
        try:
            data = decode_json(raw) if raw else {}
        except ValueError as exc:
            raise UndecodableAnswer(f"{method} {path}: answer is not JSON") from exc
        if not isinstance(data, dict):
            raise UndecodableAnswer(f"{method} {path}: answer is not a JSON object")
        return data

    async def request_bytes(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, str | int] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        accept: str = "*/*",
        timeout: float | None = None,
    ) -> bytes:
        response = await self._send(method, path, query, body, content_type, accept, timeout)
        try:
            data: bytes = await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            broken = KarmadaUnavailable(f"{method} {path}: {exc!r}")
            metrics.count_karmada_error(broken)
            raise broken from exc
        finally:
            response.release()
        if not 200 <= response.status < 300:
            error = _error_from_answer(method, path, response.status, data)
            metrics.count_karmada_error(error)
            if isinstance(error, Unauthorized):
                self.refusals.record(method, path, response.status)
            raise error
        self.refusals.clear(path)
        return data

    async def stream_lines(
        self,
        path: str,
        *,
        query: Mapping[str, str | int] | None = None,
        timeout: float | aiohttp.ClientTimeout | None = None,
    ) -> AsyncIterator[bytes]:
        """GET a streaming answer (watch, log follow) line by line until the server ends it.

        ``timeout``: seconds (total), or an ``aiohttp.ClientTimeout`` for long-lived streams.
        """
        response = await self._send("GET", path, query, None, "application/json", "*/*", timeout)
        try:
            if not 200 <= response.status < 300:
                raise _error_from_answer("GET", path, response.status, await response.read())
            while True:
                try:
                    line = await response.content.readuntil(
                        b"\n", max_size=MAX_STREAM_LINE_BYTES
                    )
                except (TimeoutError, aiohttp.ClientError) as exc:
                    raise KarmadaUnavailable(f"GET {path}: stream broke: {exc!r}") from exc
                except (ValueError, HttpProcessingError) as exc:  # aiohttp's LineTooLong
                    raise UndecodableAnswer(f"GET {path}: line over the bound: {exc}") from exc
                if not line:
                    return
                yield line
        finally:
            response.release()

    async def _send(
        self,
        method: str,
        path: str,
        query: Mapping[str, str | int] | None,
        body: Any,
        content_type: str,
        accept: str,
        timeout: float | aiohttp.ClientTimeout | None,
    ) -> aiohttp.ClientResponse:
        self.request_count += 1
        metrics.KARMADA_REQUESTS.labels(method=method).inc()
        try:
            response: aiohttp.ClientResponse = await self._api.call_api(
                path,
                method,
                query_params=list((query or {}).items()),
                header_params={"Content-Type": content_type, "Accept": accept},
                body=body,
                auth_settings=["BearerToken"],
                _preload_content=False,
                _request_timeout=timeout if timeout is not None else self._timeout,
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            error = KarmadaUnavailable(f"{method} {path}: {exc!r}")
            metrics.count_karmada_error(error)
            raise error from exc
        except k8s_client.ApiException as exc:  # only raised for transport-level problems here
            error = KarmadaUnavailable(f"{method} {path}: {exc.reason}", status=exc.status or 0)
            metrics.count_karmada_error(error)
            raise error from exc
        return response

    # -- typed helpers ----------------------------------------------------------------

    async def create(
        self, resource: ApiResource, namespace: str, manifest: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.request("POST", resource.path(namespace), body=manifest)

    async def get(self, resource: ApiResource, namespace: str | None, name: str) -> dict[str, Any]:
        return await self.request("GET", resource.path(namespace, name))

    async def get_or_none(
        self, resource: ApiResource, namespace: str | None, name: str
    ) -> dict[str, Any] | None:
        try:
            return await self.get(resource, namespace, name)
        except NotFound:
            return None

    async def merge_patch(
        self, resource: ApiResource, namespace: str | None, name: str, patch: dict[str, Any]
    ) -> dict[str, Any]:
        return await self.request(
            "PATCH", resource.path(namespace, name), body=patch, content_type=MERGE_PATCH
        )

    async def delete(
        self,
        resource: ApiResource,
        namespace: str | None,
        name: str,
        *,
        propagation: str = "Background",
    ) -> bool:
        """Delete; True if it was there. The object may linger while finalizers run."""
        try:
            await self.request(
                "DELETE",
                resource.path(namespace, name),
                body={
                    "kind": "DeleteOptions",
                    "apiVersion": "v1",
                    "propagationPolicy": propagation,
                },
            )
        except NotFound:
            return False
        return True

    async def list_pages(
        self,
        resource: ApiResource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        page_size: int = 500,
        accept: str = "application/json",
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield each page (a List object, or a Table when asked for) of a paged LIST."""
        query: dict[str, str | int] = {"limit": page_size}
        if label_selector:
            query["labelSelector"] = label_selector
        while True:
            page = await self.request("GET", resource.path(namespace), query=query, accept=accept)
            yield page
            token = (page.get("metadata") or {}).get("continue")
            if not token:
                return
            query["continue"] = token

    async def list_all(
        self,
        resource: ApiResource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        page_size: int = 500,
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        async for page in self.list_pages(
            resource, namespace, label_selector=label_selector, page_size=page_size
        ):
            items.extend(page.get("items") or [])
        return items

    async def list_metadata(
        self,
        resource: ApiResource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        page_size: int = 500,
    ) -> list[dict[str, Any]]:
        """The ``metadata`` of every object of a paged LIST, fetched as compact Table rows.

        Asks for ``meta.k8s.io/v1`` Table rows, whose ``object`` is PartialObjectMetadata
        (the API server's default ``includeObject=Metadata``): names and resourceVersions
        without specs and statuses. A server that answers with a plain List instead (the
        Accept header allows it) is read the same way.
        """
        metas: list[dict[str, Any]] = []
        async for page in self.list_pages(
            resource,
            namespace,
            label_selector=label_selector,
            page_size=page_size,
            accept=TABLE_ACCEPT,
        ):
            if page.get("kind") == "Table":
                objects = [row.get("object") or {} for row in page.get("rows") or []]
            else:
                objects = page.get("items") or []
            metas.extend(obj.get("metadata") or {} for obj in objects)
        return metas

    async def watch(
        self,
        resource: ApiResource,
        namespace: str | None = None,
        *,
        label_selector: str | None = None,
        resource_version: str | None = None,
        timeout_seconds: int = 300,
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield the watch events (``{"type", "object"}``) of a WATCH until the server ends it.

        Bookmarks are asked for so a quiet watch still advances its resourceVersion. The
        socket read timeout is a little longer than ``timeout_seconds`` (the server ends the
        stream then), so a silent dead connection surfaces as ``KarmadaUnavailable``.
        """
        query: dict[str, str | int] = {
            "watch": "true",
            "allowWatchBookmarks": "true",
            "timeoutSeconds": timeout_seconds,
        }
        if label_selector:
            query["labelSelector"] = label_selector
        if resource_version:
            query["resourceVersion"] = resource_version
        read_timeout = aiohttp.ClientTimeout(
            connect=self._timeout, sock_read=timeout_seconds + self._timeout
        )
        async for line in self.stream_lines(
            resource.path(namespace), query=query, timeout=read_timeout
        ):
            line = line.strip()
            if not line:
                continue
            try:
                event = decode_json(line)
            except ValueError as exc:
                raise UndecodableAnswer(f"watch {resource.path(namespace)}: bad line") from exc
            if isinstance(event, dict):
                yield event

    async def apply_create(self, resource: ApiResource, manifest: dict[str, Any]) -> dict[str, Any]:
        """Create, treating "already exists" as success (idempotent submission).

        The existing object is returned; the caller checks it is ours by its labels.
        """
        namespace = manifest["metadata"].get("namespace")
        try:
            return await self.create(resource, namespace, manifest)
        except AlreadyExists:
            return await self.get(resource, namespace, manifest["metadata"]["name"])

    # -- clusters and the cluster proxy ---------------------------------------------------

    async def list_clusters(self) -> list[dict[str, Any]]:
        return await self.list_all(CLUSTERS)

    async def cached_list_clusters(self) -> list[dict[str, Any]]:
        """The Cluster list, possibly up to ``lookups.ttl`` seconds old (job creation)."""
        clusters: list[dict[str, Any]] = await self.lookups.get(("clusters",), self.list_clusters)
        return clusters

    async def cached_get_or_none(
        self, resource: ApiResource, namespace: str | None, name: str
    ) -> dict[str, Any] | None:
        """``get_or_none``; a found object may be answered from ``lookups`` (job creation)."""
        found: dict[str, Any] | None = await self.lookups.get(
            (resource.path(namespace, name),), lambda: self.get_or_none(resource, namespace, name)
        )
        return found

    def proxy_path(self, cluster: str, member_path: str) -> str:
        """``member_path`` comes from app.karmada.paths (validated, escaped)."""
        return cluster_proxy_path(cluster, member_path)

    async def proxy_get(
        self,
        cluster: str,
        member_path: str,
        *,
        query: Mapping[str, str | int] | None = None,
        accept: str = "application/json",
    ) -> dict[str, Any]:
        return await self.request(
            "GET", self.proxy_path(cluster, member_path), query=query, accept=accept
        )

    async def proxy_get_text(
        self, cluster: str, member_path: str, *, query: Mapping[str, str | int] | None = None
    ) -> str:
        raw = await self.request_bytes("GET", self.proxy_path(cluster, member_path), query=query)
        return raw.decode("utf-8", errors="replace")


def _error_from_answer(method: str, path: str, status: int, data: bytes) -> KarmadaError:
    try:
        body = json.loads(data) if data else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return error_for_status(status, body, f"{method} {path}: HTTP {status}")

"""Parse Kubernetes API URL paths and name requests for the request counters.

    /api | /apis | /apis/<g> | /api/v1 | /apis/<g>/<v>                       discovery
    /api/v1[/namespaces/<ns>]/<plural>[/<name>[/<subresource>]]            core resources
    /apis/<g>/<v>[/namespaces/<ns>]/<plural>[/<name>[/<subresource>]]      group resources
    /apis/cluster.karmada.io/v1alpha1/clusters/<name>/proxy/<path>          cluster proxy

`/api/v1/namespaces/<name>` and `/api/v1/namespaces/<name>/{status,finalize}` address the
Namespace object itself.
"""

from __future__ import annotations

from dataclasses import dataclass

_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


@dataclass(frozen=True)
class ApiPath:
    """A parsed API path."""

    kind: str  # "discovery" | "resource" | "proxy" | "version" | "openapi" | "unknown"
    group: str = ""
    version: str = ""
    namespace: str | None = None
    plural: str = ""
    name: str | None = None
    subresource: str | None = None
    rest: str = ""  # the member path for "proxy"; the discovery path for "discovery"

    @property
    def group_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def parse_api_path(path: str) -> ApiPath:
    """Parse a request path (no query string)."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return ApiPath("unknown")
    if parts[0] == "version":
        return ApiPath("version")
    if parts[0] in ("openapi", "swagger.json"):
        return ApiPath("openapi", rest=path)
    if parts[0] == "api":
        if len(parts) <= 2:
            return ApiPath("discovery", version=parts[1] if len(parts) == 2 else "", rest=path)
        return _resource("", parts[1], parts[2:])
    if parts[0] == "apis":
        if len(parts) <= 3:
            return ApiPath(
                "discovery",
                group=parts[1] if len(parts) > 1 else "",
                version=parts[2] if len(parts) > 2 else "",
                rest=path,
            )
        return _resource(parts[1], parts[2], parts[3:])
    return ApiPath("unknown")


def _resource(group: str, version: str, rest: list[str]) -> ApiPath:
    if (
        group == "cluster.karmada.io"
        and len(rest) >= 3
        and rest[0] == "clusters"
        and rest[2] == "proxy"
    ):
        return ApiPath(
            "proxy",
            group,
            version,
            plural="clusters",
            name=rest[1],
            subresource="proxy",
            rest="/".join(rest[3:]),
        )
    namespace: str | None = None
    if (
        group == ""
        and rest[0] == "namespaces"
        and (len(rest) == 2 or (len(rest) == 3 and rest[2] in _NAMESPACE_SUBRESOURCES))
    ):
        return ApiPath(
            "resource",
            group,
            version,
            plural="namespaces",
            name=rest[1],
            subresource=rest[2] if len(rest) == 3 else None,
        )
    if rest[0] == "namespaces" and len(rest) >= 3:
        namespace = rest[1]
        rest = rest[2:]
    if len(rest) > 3:
        return ApiPath("unknown")
    return ApiPath(
        "resource",
        group,
        version,
        namespace=namespace,
        plural=rest[0],
        name=rest[1] if len(rest) > 1 else None,
        subresource=rest[2] if len(rest) > 2 else None,
    )


def verb_for(method: str, ap: ApiPath, *, watch: bool) -> str:
    """The Kubernetes verb of a request (get/list/watch/create/update/patch/delete...)."""
    method = method.upper()
    if ap.kind == "proxy":
        return "proxy"
    if ap.kind != "resource":
        return "get"
    if method in ("GET", "HEAD"):
        if watch:
            return "watch"
        return "get" if ap.name else "list"
    if method == "POST":
        return "create"
    if method == "PUT":
        return "update"
    if method == "PATCH":
        return "patch"
    if method == "DELETE":
        return "delete" if ap.name else "deletecollection"
    return method.lower()


def counter_key(method: str, ap: ApiPath, *, watch: bool) -> str:
    """e.g. "list ray.io/v1/rayjobs", "get v1/pods/log", "proxy cluster.karmada.io/..."."""
    verb = verb_for(method, ap, watch=watch)
    if ap.kind in ("resource", "proxy"):
        template = f"{ap.group_version}/{ap.plural}"
        if ap.subresource:
            template += f"/{ap.subresource}"
        return f"{verb} {template}"
    if ap.kind == "discovery":
        return f"discovery {ap.rest}"
    return f"{verb} /{ap.kind}"

"""Discovery documents: /api, /apis, /apis/<g>, /api/v1, /apis/<g>/<v>, /version.

The legacy (unaggregated) JSON shapes; clients that ask for aggregated discovery
(apidiscovery.k8s.io/v2) fall back to these when the answer's content type is plain JSON.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from karmada_sim.errors import NotFound
from karmada_sim.resource_types import ResourceType
from karmada_sim.routing import ApiPath

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
SUBRESOURCE_VERBS = ["get", "patch", "update"]

# What the simulated karmada-apiserver reports (a kube-apiserver of the Karmada v1.18 era).
VERSION_INFO = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.4",
    "gitCommit": "simulated",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.4",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def _groups(types: list[ResourceType]) -> OrderedDict[str, list[ResourceType]]:
    groups: OrderedDict[str, list[ResourceType]] = OrderedDict()
    for rt in types:
        groups.setdefault(rt.group, []).append(rt)
    return groups


def _versions(types: list[ResourceType]) -> tuple[list[str], str]:
    versions: list[str] = []
    preferred = ""
    for rt in types:
        if rt.version not in versions:
            versions.append(rt.version)
        if rt.preferred and not preferred:
            preferred = rt.version
    # Preferred version first, as the real aggregator orders them.
    preferred = preferred or versions[0]
    versions.sort(key=lambda v: v != preferred)
    return versions, preferred


def _group_doc(group: str, types: list[ResourceType]) -> dict[str, Any]:
    versions, preferred = _versions(types)
    return {
        "name": group,
        "versions": [{"groupVersion": f"{group}/{v}", "version": v} for v in versions],
        "preferredVersion": {"groupVersion": f"{group}/{preferred}", "version": preferred},
    }


def resource_list(group: str, version: str, types: list[ResourceType]) -> dict[str, Any]:
    """The APIResourceList of one group/version."""
    resources: list[dict[str, Any]] = []
    for rt in types:
        if rt.group != group or rt.version != version:
            continue
        entry: dict[str, Any] = {
            "name": rt.plural,
            "singularName": rt.singular or rt.kind.lower(),
            "namespaced": rt.namespaced,
            "kind": rt.kind,
            "verbs": VERBS,
        }
        if rt.short_names:
            entry["shortNames"] = list(rt.short_names)
        if rt.categories:
            entry["categories"] = list(rt.categories)
        resources.append(entry)
        subresources = (["status"] if rt.has_status else []) + list(rt.extra_subresources)
        for sub in subresources:
            resources.append(
                {
                    "name": f"{rt.plural}/{sub}",
                    "singularName": "",
                    "namespaced": rt.namespaced,
                    "kind": rt.kind,
                    "verbs": SUBRESOURCE_VERBS if sub == "status" else ["get", "create"],
                }
            )
    if not resources:
        raise NotFound("the server could not find the requested resource")
    gv = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": resources,
    }


def discovery_document(ap: ApiPath, types: list[ResourceType], server: str) -> dict[str, Any]:
    """The discovery answer for a parsed discovery path."""
    groups = _groups(types)
    if ap.rest.strip("/") == "api":
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server}],
        }
    if ap.rest.strip("/").startswith("api/"):
        return resource_list("", ap.version, types)
    if not ap.group:
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [_group_doc(g, t) for g, t in groups.items() if g],
        }
    if ap.group not in groups or not ap.group:
        raise NotFound("the server could not find the requested resource")
    if not ap.version:
        return {"kind": "APIGroup", "apiVersion": "v1", **_group_doc(ap.group, groups[ap.group])}
    return resource_list(ap.group, ap.version, types)

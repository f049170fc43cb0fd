"""The one place that builds Karmada URL paths and label selectors (pure).

Every value that goes into a path is validated first (the Kubernetes name rules) and then
escaped as a single segment (``quote(..., safe="")``): a ``/``, ``#``, ``?`` or ``..`` can
never change which resource a request reaches. aiohttp (yarl) resolves ``.``/``..`` segments
even when the rest is escaped, which is why validation comes before escaping, not instead.

Name rules: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/ and
k8s.io/apimachinery/pkg/util/validation/validation.go (IsDNS1123Label, IsDNS1123Subdomain,
IsQualifiedName, IsValidLabelValue).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from app.karmada.errors import KarmadaRejected

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
LABEL_VALUE_MAX = 63

_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")
_QUALIFIED_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_SEGMENT = re.compile(r"[a-z0-9][-a-z0-9.]*")  # API groups, versions, plurals (ours, static)


class InvalidPathValue(KarmadaRejected):
    """A value that may not go into a Karmada URL; ``field`` and ``reason`` say which and why.

    A KarmadaRejected (status 400) so code that handles Karmada errors never crashes on it;
    the REST and GraphQL layers validate first and answer 400 naming the field.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", status=400)
        self.field = field
        self.reason = reason


def _check(value: object, field: str, pattern: re.Pattern[str], maximum: int, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidPathValue(field, f"must be a non-empty {what}")
    if len(value) > maximum:
        raise InvalidPathValue(field, f"must be at most {maximum} characters")
    if not value.isascii() or pattern.fullmatch(value) is None:
        raise InvalidPathValue(field, f"must be a {what}")
    return value


def check_namespace(value: object, field: str = "namespace") -> str:
    return _check(value, field, _LABEL, DNS1123_LABEL_MAX, "DNS-1123 label (a-z, 0-9, '-')")


def check_cluster(value: object, field: str = "cluster") -> str:
    return _check(
        value, field, _SUBDOMAIN, DNS1123_SUBDOMAIN_MAX, "DNS-1123 subdomain (a-z, 0-9, '-', '.')"
    )


def check_name(value: object, field: str = "name") -> str:
    """An object name (pods, workloads, policies, Secrets, PVCs): a DNS-1123 subdomain."""
    return _check(
        value, field, _SUBDOMAIN, DNS1123_SUBDOMAIN_MAX, "DNS-1123 subdomain (a-z, 0-9, '-', '.')"
    )


def check_container(value: object, field: str = "container") -> str:
    return _check(value, field, _LABEL, DNS1123_LABEL_MAX, "DNS-1123 label (a-z, 0-9, '-')")


def segment(value: str) -> str:
    """One escaped path segment (nothing in it is a delimiter any more)."""
    return quote(value, safe="")


def api_path(
    group: str,
    version: str,
    plural: str,
    namespace: str | None = None,
    name: str | None = None,
    subresource: str | None = None,
) -> str:
    """``/api/v1/...`` or ``/apis/<group>/<version>/...`` for a resource (and object)."""
    for part in (version, plural, *((group,) if group else ()), *(
        (subresource,) if subresource else ()
    )):
        if _SEGMENT.fullmatch(part) is None:
            raise InvalidPathValue("resource", f"{part!r} is not an API path segment")
    base = f"/apis/{group}/{version}" if group else f"/api/{version}"
    if namespace is not None:
        base += f"/namespaces/{segment(check_namespace(namespace))}"
    base += f"/{plural}"
    if name is not None:
        base += f"/{segment(check_name(name, f'{plural} name'))}"
    if subresource is not None:
        base += f"/{subresource}"
    return base


def cluster_proxy_path(cluster: str, member_path: str) -> str:
    """The Karmada cluster proxy: ``/apis/cluster.karmada.io/v1alpha1/clusters/<c>/proxy/...``.

    ``member_path`` must come from :func:`api_path` (or :data:`MEMBER_TYPES`): it is appended
    as it is, so only already-escaped paths belong here.
    """
    if not member_path.startswith(("/api/", "/apis/")):
        raise InvalidPathValue("path", "must be an API path built by app.karmada.paths")
    check_cluster(cluster)
    return f"/apis/cluster.karmada.io/v1alpha1/clusters/{segment(cluster)}/proxy{member_path}"


#: Member resource types the cluster-resources route may read (never Secrets):
#: type -> (group, version, plural).
MEMBER_TYPES: dict[str, tuple[str, str, str]] = {
    "pods": ("", "v1", "pods"),
    "services": ("", "v1", "services"),
    "events": ("", "v1", "events"),
    "jobs": ("batch", "v1", "jobs"),
}


def member_resources_path(resource_type: str, namespace: str) -> str:
    """The member path of an allowed type in a namespace (``type`` outside the allowlist: 400)."""
    entry = MEMBER_TYPES.get(resource_type)
    if entry is None:
        raise InvalidPathValue("type", f"must be one of {', '.join(sorted(MEMBER_TYPES))}")
    group, version, plural = entry
    path = api_path(group, version, plural, namespace)
    # The allowlist holds for the path actually sent, not only for the parameter.
    if not path.endswith(f"/namespaces/{namespace}/{plural}"):
        raise InvalidPathValue("namespace", "does not name one namespace")
    return path


def pod_log_path(namespace: str, pod: str) -> str:
    return api_path("", "v1", "pods", namespace, check_name(pod, "pod"), "log")


def label_selector(pairs: Iterable[tuple[str, str]]) -> str:
    """``k1=v1,k2=v2`` with every key a qualified name (optional DNS prefix) and every value a
    label value: nothing can add a requirement or a query parameter."""
    parts = []
    for key, value in pairs:
        prefix, _, name = key.rpartition("/")
        if prefix:
            check_name(prefix, f"label {key!r} prefix")
        _check(name, f"label {key!r}", _QUALIFIED_NAME, 63, "qualified name")
        if len(value) > LABEL_VALUE_MAX or not value.isascii() or not _LABEL_VALUE.fullmatch(value):
            raise InvalidPathValue(f"label {key!r}", "value must be a label value (63 characters)")
        parts.append(f"{key}={value}")
    return ",".join(parts)

"""Object-name rules, per kind, as the real API server and operators enforce them.

The generic rule for every object is a DNS-1123 subdomain (apimachinery
`validation.IsDNS1123Subdomain`). Some kinds are stricter because their name becomes part of a
DNS label elsewhere; the table below lists those, each with where the rule comes from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_MAX = 63

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = _DNS1123_LABEL + r"(\." + _DNS1123_LABEL + ")*"
_DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?"

_DNS1123_LABEL_RE = re.compile(f"^{_DNS1123_LABEL}$")
_DNS1123_SUBDOMAIN_RE = re.compile(f"^{_DNS1123_SUBDOMAIN}$")
_DNS1035_LABEL_RE = re.compile(f"^{_DNS1035_LABEL}$")

NameRule = Callable[[str], list[str]]


def dns1123_subdomain_errors(name: str) -> list[str]:
    """Messages (empty if valid) as apimachinery's IsDNS1123Subdomain words them."""
    errors: list[str] = []
    if len(name) > DNS1123_SUBDOMAIN_MAX:
        errors.append(f"must be no more than {DNS1123_SUBDOMAIN_MAX} characters")
    if not _DNS1123_SUBDOMAIN_RE.match(name):
        errors.append(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
            " '-' or '.', and must start and end with an alphanumeric character (e.g."
            " 'example.com', regex used for validation is"
            f" '{_DNS1123_SUBDOMAIN}')"
        )
    return errors


def dns1123_label_errors(name: str) -> list[str]:
    """Messages (empty if valid) as apimachinery's IsDNS1123Label words them."""
    errors: list[str] = []
    if len(name) > DNS1123_LABEL_MAX:
        errors.append(f"must be no more than {DNS1123_LABEL_MAX} characters")
    if not _DNS1123_LABEL_RE.match(name):
        errors.append(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or"
            " '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or"
            f" '123-abc', regex used for validation is '{_DNS1123_LABEL}')"
        )
    return errors


def dns1035_label_errors(name: str) -> list[str]:
    """Messages (empty if valid) as apimachinery's IsDNS1035Label words them."""
    errors: list[str] = []
    if len(name) > DNS1035_LABEL_MAX:
        errors.append(f"must be no more than {DNS1035_LABEL_MAX} characters")
    if not _DNS1035_LABEL_RE.match(name):
        errors.append(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start"
            " with an alphabetic character, and end with an alphanumeric character (e.g."
            f" 'my-name',  or 'abc-123', regex used for validation is '{_DNS1035_LABEL}')"
        )
    return errors


def _kuberay_rule(kind: str, max_len: int) -> NameRule:
    # KubeRay ray-operator/controllers/ray/utils/validation.go (ValidateRayJobMetadata /
    # ValidateRayClusterMetadata): the name must fit MaxRay<Kind>NameLength and be a DNS-1035
    # label. MaxRayClusterNameLength = 53; RayJob = 53 - 6 because KubeRay appends a 6-character
    # suffix when it names the RayCluster it creates. The real check runs in KubeRay's webhook
    # or controller; the simulator applies it at admission so the failure is visible at once.
    def rule(name: str) -> list[str]:
        errors: list[str] = []
        if len(name) > max_len:
            errors.append(f"{kind} name should be no more than {max_len} characters")
        if dns1035_label_errors(name):
            errors.append(f"{kind} name should be a valid DNS1035 label")
        return errors

    return rule


# (group, kind) -> rule. Anything not listed: DNS-1123 subdomain.
NAME_RULES: dict[tuple[str, str], NameRule] = {
    # Kubernetes core: ValidateNamespaceName / ValidateServiceName (DNS-1123 label / DNS-1035).
    ("", "Namespace"): dns1123_label_errors,
    ("", "Service"): dns1035_label_errors,
    ("ray.io", "RayJob"): _kuberay_rule("RayJob", 47),
    ("ray.io", "RayCluster"): _kuberay_rule("RayCluster", 53),
}


def name_errors(group: str, kind: str, name: str) -> list[str]:
    """Why `name` is not a valid name for objects of this kind (empty list if it is)."""
    rule = NAME_RULES.get((group, kind), dns1123_subdomain_errors)
    return rule(name)


# ---- labels and annotations (apimachinery validation.IsQualifiedName / IsValidLabelValue) ----

QUALIFIED_NAME_MAX = 63
LABEL_VALUE_MAX = 63
_QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QUALIFIED_NAME_RE = re.compile(f"^{_QUALIFIED_NAME}$")
_LABEL_VALUE = f"({_QUALIFIED_NAME})?"
_LABEL_VALUE_RE = re.compile(f"^{_LABEL_VALUE}$")


def qualified_name_errors(key: str) -> list[str]:
    """Why `key` is not a qualified name (`[prefix/]name`), as label and annotation keys must be."""
    errors: list[str] = []
    prefix, _, name = key.rpartition("/")
    if "/" in key:
        if not prefix:
            errors.append("prefix part must be non-empty")
        else:
            errors.extend("prefix part " + e for e in dns1123_subdomain_errors(prefix))
    if not name:
        errors.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errors.append(f"name part must be no more than {QUALIFIED_NAME_MAX} characters")
    if name and not _QUALIFIED_NAME_RE.match(name):
        errors.append(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start"
            " and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or"
            f" '123-abc', regex used for validation is '{_QUALIFIED_NAME}')"
        )
    return errors


def label_value_errors(value: str) -> list[str]:
    """Why `value` is not a valid label value (empty is valid)."""
    errors: list[str] = []
    if len(value) > LABEL_VALUE_MAX:
        errors.append(f"must be no more than {LABEL_VALUE_MAX} characters")
    if not _LABEL_VALUE_RE.match(value):
        errors.append(
            "a valid label must be an empty string or consist of alphanumeric characters, '-',"
            " '_' or '.', and must start and end with an alphanumeric character (e.g."
            f" 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
            f" '{_LABEL_VALUE}')"
        )
    return errors

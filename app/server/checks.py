"""``mlplatform check``: validate a deployment before (or while) it serves, and say how to fix it.

Each check yields Findings (ok / warn / fail) with what is wrong and the command or setting
that fixes it. Only ``fail`` findings make the command exit non-zero. The Karmada checks read
what the server itself needs: Cluster objects (reachability and each member's
``status.apiEnablements``, where Karmada lists the CRDs a member serves), our
ResourceInterpreterCustomizations from ``k8s/karmada/``, the storage-credentials Secret and
the configured PriorityClasses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from app.karmada import KarmadaClient, KarmadaError
from app.karmada.embedded import embedded_reference_source
from app.karmada.errors import Unauthorized
from app.karmada.resources import ApiResource
from app.server.health import check_database
from app.settings import Settings
from app.workloads import ALL_KINDS, WorkloadKind, required_api

INTERPRETER_CUSTOMIZATIONS = ApiResource(
    "config.karmada.io", "v1alpha1", "resourceinterpretercustomizations"
)
SECRETS = ApiResource("", "v1", "secrets")
PRIORITY_CLASSES = ApiResource("scheduling.k8s.io", "v1", "priorityclasses")
#: Where the interpreter customizations live in a source checkout.
DEFAULT_KARMADA_MANIFESTS = Path(__file__).resolve().parents[2] / "k8s" / "karmada"


class Severity(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    detail: str
    fix: str = ""


def ok(check: str, detail: str) -> Finding:
    return Finding(check, Severity.OK, detail)


def fail(check: str, detail: str, fix: str) -> Finding:
    return Finding(check, Severity.FAIL, detail, fix)


def warn(check: str, detail: str, fix: str = "") -> Finding:
    return Finding(check, Severity.WARN, detail, fix)


def has_failures(findings: Iterable[Finding]) -> bool:
    return any(f.severity is Severity.FAIL for f in findings)


def render_findings(findings: Sequence[Finding]) -> str:
    """One line per finding, a ``fix:`` line under each problem, and a summary."""
    lines = []
    for f in findings:
        lines.append(f"[{f.severity.value.upper():4}] {f.check}: {f.detail}")
        if f.fix and f.severity is not Severity.OK:
            lines.append(f"       fix: {f.fix}")
    failed = sum(1 for f in findings if f.severity is Severity.FAIL)
    warned = sum(1 for f in findings if f.severity is Severity.WARN)
    lines.append(f"{failed} problem(s), {warned} warning(s)")
    return "\n".join(lines) + "\n"


# -- pure checks over Karmada objects -------------------------------------------------------


def _cluster_ready(cluster: dict[str, Any]) -> bool:
    for condition in (cluster.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True")
    return False


def _enabled_kinds(cluster: dict[str, Any]) -> set[tuple[str, str]]:
    enabled = set()
    for enablement in (cluster.get("status") or {}).get("apiEnablements") or []:
        group_version = enablement.get("groupVersion", "")
        for resource in enablement.get("resources") or []:
            enabled.add((group_version, resource.get("kind", "")))
    return enabled


def check_members(
    clusters: Sequence[dict[str, Any]], kinds: Sequence[WorkloadKind] = ALL_KINDS
) -> list[Finding]:
    """Members are Ready, and each workload kind's CRD is served by at least one member."""
    if not clusters:
        return [
            fail(
                "members",
                "Karmada has no member clusters",
                "join a member: karmadactl join <name> --cluster-kubeconfig=<member kubeconfig>",
            )
        ]
    findings = []
    for cluster in clusters:
        name = (cluster.get("metadata") or {}).get("name", "?")
        if _cluster_ready(cluster):
            findings.append(ok(f"member {name}", "Ready"))
        else:
            findings.append(
                warn(
                    f"member {name}",
                    "not Ready: jobs will not be scheduled there",
                    f"kubectl --kubeconfig $KARMADA_KUBECONFIG describe cluster {name}",
                )
            )
    enabled = {
        (cluster.get("metadata") or {}).get("name", "?"): _enabled_kinds(cluster)
        for cluster in clusters
    }
    for kind in kinds:
        api = required_api(kind)
        serving = sorted(name for name, apis in enabled.items() if api in apis)
        if serving:
            findings.append(ok(f"CRD {kind.kind}", f"{api[0]} served by {', '.join(serving)}"))
        else:
            findings.append(
                fail(
                    f"CRD {kind.kind}",
                    f"no member serves {api[0]} {api[1]}: jobs of this kind cannot be placed",
                    f"install the operator providing {kind.plural}.{kind.group} on a member "
                    "cluster (Karmada lists it in the Cluster's status.apiEnablements)",
                )
            )
    return findings


def expected_customizations(manifests_dir: Path) -> list[str]:
    """Names of the ResourceInterpreterCustomizations in ``manifests_dir``."""
    names = []
    for path in sorted(manifests_dir.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "ResourceInterpreterCustomization":
                names.append(str(doc["metadata"]["name"]))
    return names


# -- I/O ------------------------------------------------------------------------------------


async def check_database_setup(database_url: str) -> list[Finding]:
    from app.db.session import database  # local: keeps this module importable without a DB

    try:
        async with database(database_url):
            result = await check_database()
    except Exception as exc:
        result_detail = f"cannot open the database: {type(exc).__name__}: {exc}"
        return [fail("database", result_detail, "check DATABASE_URL and that the server is up")]
    if result.ok:
        return [ok("database", "reachable, schema at head")]
    fix = (
        "run `mlplatform migrate` (the pre-deploy Job)"
        if "schema" in result.detail
        else "check DATABASE_URL, network policy and credentials"
    )
    return [fail("database", result.detail, fix)]


async def check_karmada_setup(
    settings: Settings, *, namespaces: Sequence[str], manifests_dir: Path
) -> list[Finding]:
    if settings.embedded_karmada:
        return [
            ok("karmada", "KARMADA_KUBECONFIG unset: the embedded simulator is used"),
            _embedded_reference(settings),
        ]
    path = str(settings.karmada.karmada_kubeconfig)
    try:
        client = await KarmadaClient.from_kubeconfig(
            path,
            timeout=min(settings.karmada.karmada_request_timeout_seconds, 10.0),
            trust_env=settings.karmada.karmada_trust_env,
        )
    except Exception as exc:
        return [
            fail(
                "karmada",
                f"cannot load the kubeconfig {path}: {type(exc).__name__}: {exc}",
                "point KARMADA_KUBECONFIG at the karmada-apiserver kubeconfig "
                "(Secret backend-kubeconfig, key karmada-kubeconfig)",
            )
        ]
    try:
        return await _karmada_findings(client, settings, namespaces, manifests_dir)
    finally:
        await client.close()


async def _karmada_findings(
    client: KarmadaClient, settings: Settings, namespaces: Sequence[str], manifests_dir: Path
) -> list[Finding]:
    try:
        clusters = await client.list_clusters()
    except Unauthorized as exc:
        return [
            fail(
                "karmada",
                f"credentials rejected (HTTP {exc.status})",
                "the kubeconfig's user needs get/list on clusters.cluster.karmada.io and the "
                "workload kinds; see k8s/ for the RBAC",
            )
        ]
    except KarmadaError as exc:
        return [
            fail(
                "karmada",
                f"unreachable: {exc}",
                "check the server address in KARMADA_KUBECONFIG and the network path to it",
            )
        ]
    findings = [ok("karmada", f"reachable, {len(clusters)} member cluster(s)")]
    findings.extend(await _simulator_reference(client))
    findings.extend(check_members(clusters))
    findings.extend(await _customization_findings(client, manifests_dir))
    secret = settings.workloads.storage_secret_name
    for namespace in namespaces:
        findings.append(
            await _exists(
                client,
                SECRETS,
                namespace,
                secret,
                f"storage Secret {namespace}/{secret}",
                f"kubectl --kubeconfig $KARMADA_KUBECONFIG -n {namespace} create secret generic "
                f"{secret} --from-literal=accessKey=... --from-literal=secretKey=... "
                "(or set STORAGE_SECRET_NAME)",
            )
        )
    for name in sorted(settings.workloads.priority_classes):
        findings.append(
            await _exists(
                client,
                PRIORITY_CLASSES,
                None,
                name,
                f"PriorityClass {name}",
                f"create PriorityClass {name} on Karmada and propagate it to the members, or "
                "remove it from PRIORITY_CLASSES",
            )
        )
    return findings


_REFERENCE_FIX = (
    "for the real upstream schemas and interpreters: mlplatform reference fetch, "
    "or K8S_REFERENCE_DIR / --reference-dir"
)


def _reference_finding(source: dict[str, Any]) -> Finding:
    """The simulator's reference source (`GET /_sim/reference`) as a finding."""
    if source.get("source") == "builtin":
        return warn("simulator reference", f"built-in model ({source.get('origin')})",
                    _REFERENCE_FIX)
    versions = ", ".join(f"{k} {v}" for k, v in (source.get("versions") or {}).items())
    return ok("simulator reference", f"{source.get('path')} ({source.get('origin')}; {versions})")


def _embedded_reference(settings: Settings) -> Finding:
    source = embedded_reference_source(settings)
    if source is None:  # installed without the [simulator] extra
        return fail("simulator reference", "the simulator is not installed",
                    "pip install 'ml-platform[simulator]' or set KARMADA_KUBECONFIG")
    return _reference_finding(source)


async def _simulator_reference(client: KarmadaClient) -> list[Finding]:
    """A finding only when the Karmada is the simulator (a real one has no `/_sim/`)."""
    try:
        answer = await client.request("GET", "/_sim/reference", timeout=5.0)
    except KarmadaError:
        return []
    if answer.get("source") not in ("builtin", "directory"):
        return []
    return [_reference_finding(answer)]


def customizations_in(manifests_dir: Path) -> list[str] | None:
    """The expected customization names, or None when the directory is absent."""
    return expected_customizations(manifests_dir) if manifests_dir.is_dir() else None


async def _customization_findings(client: KarmadaClient, manifests_dir: Path) -> list[Finding]:
    expected = await asyncio.to_thread(customizations_in, manifests_dir)
    if expected is None:
        return [
            warn(
                "interpreter customizations",
                f"{manifests_dir} not found: cannot tell which ones to expect",
                "run from a source checkout or pass --karmada-manifests <dir>",
            )
        ]
    findings = []
    for name in expected:
        findings.append(
            await _exists(
                client,
                INTERPRETER_CUSTOMIZATIONS,
                None,
                name,
                f"ResourceInterpreterCustomization {name}",
                f"kubectl --kubeconfig $KARMADA_KUBECONFIG apply -f {manifests_dir}/",
            )
        )
    return findings


async def _exists(
    client: KarmadaClient,
    resource: ApiResource,
    namespace: str | None,
    name: str,
    label: str,
    fix: str,
) -> Finding:
    try:
        found = await client.get_or_none(resource, namespace, name)
    except KarmadaError as exc:
        return fail(label, f"cannot read it: {exc}", "check the kubeconfig user's permissions")
    if found is None:
        return fail(label, "missing", fix)
    return ok(label, "present")


def check_configuration(settings: Settings) -> list[Finding]:
    """What `serve` would refuse, plus settings that are legal but unwise when exposed."""
    from app.auth import InsecureConfiguration, check_startup_safety

    try:
        check_startup_safety(settings)
    except InsecureConfiguration as exc:
        return [fail("configuration", str(exc), "set AUTH_MODE (see docs/deployment.md)")]
    findings = [ok("configuration", f"settings parsed; AUTH_MODE={settings.auth.auth_mode}")]
    if not settings.server.is_loopback and settings.server.log_format != "json":
        findings.append(
            warn(
                "logging",
                "LOG_FORMAT=console on a non-loopback address",
                "set LOG_FORMAT=json so log collectors get one JSON object per line",
            )
        )
    return findings


async def run_checks(
    settings: Settings,
    *,
    namespaces: Sequence[str] = ("default",),
    manifests_dir: Path = DEFAULT_KARMADA_MANIFESTS,
) -> list[Finding]:
    """Every check, in the order an operator would fix them."""
    findings = check_configuration(settings)
    findings.extend(await check_database_setup(settings.db.database_url))
    findings.extend(
        await check_karmada_setup(settings, namespaces=namespaces, manifests_dir=manifests_dir)
    )
    return findings

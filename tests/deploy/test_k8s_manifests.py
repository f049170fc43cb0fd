"""k8s/: every overlay renders, validates against the Kubernetes 1.35 OpenAPI schemas (strict:
unknown fields are errors) and follows the deployment policy (probes, non-root, read-only root,
grace period, exposure, no committed secrets)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.deploy.manifests import (
    K8S_DIR,
    OVERLAYS,
    Obj,
    find,
    labels_match,
    one,
    pod_template,
    render,
    schema_problems,
)

BACKEND = "ml-platform-backend"
ALL_RENDERS = (*OVERLAYS, "jobs")
WORKLOAD_KINDS = {"Deployment", "StatefulSet", "Job"}
CLUSTER_SCOPED = {"Namespace"}
# GRACEFUL_SHUTDOWN_SECONDS in the ConfigMap (app.server.cli)
UVICORN_GRACEFUL_SHUTDOWN_SECONDS = 20


def workloads(objs: list[Obj]) -> list[Obj]:
    return [o for o in objs if o["kind"] in WORKLOAD_KINDS]


def backend(objs: list[Obj]) -> Obj:
    return one(objs, "Deployment", BACKEND)


def container(obj: Obj) -> Obj:
    containers: list[Obj] = pod_template(obj)["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def config(objs: list[Obj]) -> dict[str, str]:
    data: dict[str, str] = one(objs, "ConfigMap", "backend-config")["data"]
    return data


# ---- schema --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_RENDERS)
def test_every_object_validates_against_the_openapi_schema(name: str) -> None:
    objs = render(name)
    assert objs
    problems = {
        f"{o['kind']}/{o['metadata']['name']}": schema_problems(o)
        for o in objs
    }
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_validation_catches_broken_manifests() -> None:
    deployment = backend(render("prod"))
    spec = pod_template(deployment)["spec"]
    spec["containers"][0]["ports"][0]["containerPort"] = "8080"
    spec["containers"][0]["readinessProbe"]["httpGett"] = {"path": "/x"}
    problems = schema_problems(deployment)
    assert any("containerPort" in p and "integer" in p for p in problems)
    assert any("unknown field" in p and "httpGett" in p for p in problems)


@pytest.mark.parametrize("name", ALL_RENDERS)
def test_namespaced_objects_live_in_ml_platform(name: str) -> None:
    for obj in render(name):
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"].get("namespace") == "ml-platform", obj["metadata"]["name"]


@pytest.mark.parametrize("name", OVERLAYS)
def test_overlays_contain_only_host_cluster_objects(name: str) -> None:
    kinds = {o["kind"] for o in render(name)}
    # k8s/karmada/ is applied to the Karmada API server by deploy.sh, never to the host cluster
    assert "ResourceInterpreterCustomization" not in kinds
    assert "Namespace" in kinds


# ---- backend Deployment --------------------------------------------------------------------


@pytest.mark.parametrize("name", OVERLAYS)
def test_backend_probes_hit_the_health_routes_on_the_http_port(name: str) -> None:
    c = container(backend(render(name)))
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports == {"http": 8080}
    assert c["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}


@pytest.mark.parametrize("name", OVERLAYS)
def test_backend_rolls_without_losing_capacity_and_spreads_over_nodes(name: str) -> None:
    d = backend(render(name))
    assert d["spec"]["strategy"]["type"] == "RollingUpdate"
    assert d["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    term = pod_template(d)["spec"]["affinity"]["podAntiAffinity"][
        "preferredDuringSchedulingIgnoredDuringExecution"
    ][0]["podAffinityTerm"]
    assert term["topologyKey"] == "kubernetes.io/hostname"
    assert labels_match(term["labelSelector"]["matchLabels"], pod_template(d)["metadata"]["labels"])
    # selector <-> template labels: a cross-field rule the schema cannot check
    assert labels_match(d["spec"]["selector"]["matchLabels"], pod_template(d)["metadata"]["labels"])


@pytest.mark.parametrize("name", OVERLAYS)
def test_grace_period_outlasts_uvicorns_graceful_shutdown(name: str) -> None:
    objs = render(name)
    grace = pod_template(backend(objs))["spec"]["terminationGracePeriodSeconds"]
    assert grace >= 30
    assert grace > UVICORN_GRACEFUL_SHUTDOWN_SECONDS
    assert grace > float(config(objs)["GRACEFUL_SHUTDOWN_SECONDS"])


@pytest.mark.parametrize("name", OVERLAYS)
def test_backend_configuration_and_secrets(name: str) -> None:
    objs = render(name)
    d = backend(objs)
    c = container(d)
    data = config(objs)
    assert data["HOST"] == "0.0.0.0"
    assert data["PORT"] == "8080"
    assert data["KARMADA_KUBECONFIG"] == "/etc/kubeconfig/karmada-kubeconfig"
    assert data["MGMT_KUBECONFIG"] == "/etc/kubeconfig/mgmt-kubeconfig"
    assert float(data["POLL_INTERVAL_SECONDS"]) > 0
    assert "DATABASE_URL" not in data  # a credential: only from the Secret
    assert c["envFrom"] == [{"configMapRef": {"name": "backend-config"}}]
    (db_env,) = [e for e in c["env"] if e["name"] == "DATABASE_URL"]
    assert db_env["valueFrom"]["secretKeyRef"] == {
        "name": "backend-database",
        "key": "DATABASE_URL",
    }
    mounts = {m["name"]: m for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod_template(d)["spec"]["volumes"]}
    assert mounts["kubeconfig"]["mountPath"] == "/etc/kubeconfig"
    assert mounts["kubeconfig"]["readOnly"] is True
    assert volumes["kubeconfig"]["secret"]["secretName"] == "backend-kubeconfig"
    assert mounts["tmp"]["mountPath"] == "/tmp"
    assert "emptyDir" in volumes["tmp"]


@pytest.mark.parametrize("name", OVERLAYS)
def test_workers_follow_the_cpu_limit(name: str) -> None:
    c = container(backend(render(name)))
    (workers,) = [e for e in c["env"] if e["name"] == "WEB_CONCURRENCY"]
    assert workers["valueFrom"]["resourceFieldRef"] == {
        "containerName": c["name"], "resource": "limits.cpu", "divisor": "1"
    }
    assert "cpu" in c["resources"]["limits"]


def test_prod_uses_token_auth_and_json_logs() -> None:
    data = config(render("prod"))
    assert data["AUTH_MODE"] == "token"
    assert data["LOG_FORMAT"] == "json"
    assert backend(render("prod"))["spec"]["replicas"] >= 2


# ---- pod security --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_RENDERS)
def test_every_pod_is_locked_down(name: str) -> None:
    for workload in workloads(render(name)):
        spec = pod_template(workload)["spec"]
        label = f"{workload['kind']}/{workload['metadata']['name']}"
        assert spec["automountServiceAccountToken"] is False, label
        pod_sc = spec["securityContext"]
        assert pod_sc["runAsNonRoot"] is True, label
        assert isinstance(pod_sc["runAsUser"], int) and pod_sc["runAsUser"] > 0, label
        assert pod_sc["seccompProfile"] == {"type": "RuntimeDefault"}, label
        for c in spec["containers"]:
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True, label
            assert sc["allowPrivilegeEscalation"] is False, label
            assert sc["capabilities"]["drop"] == ["ALL"], label
            assert "add" not in sc["capabilities"], label
            # a read-only root needs a writable /tmp
            assert "/tmp" in {m["mountPath"] for m in c["volumeMounts"]}, label
            resources = c["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), label
            assert {"cpu", "memory"} <= set(resources["limits"]), label


@pytest.mark.parametrize("name", OVERLAYS)
def test_service_account_has_no_token(name: str) -> None:
    objs = render(name)
    sa = one(objs, "ServiceAccount", BACKEND)
    assert sa["automountServiceAccountToken"] is False
    assert pod_template(backend(objs))["spec"]["serviceAccountName"] == BACKEND


# ---- images --------------------------------------------------------------------------------


def image_tag(image: str) -> str | None:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@pytest.mark.parametrize("name", ALL_RENDERS)
def test_no_floating_image_tags(name: str) -> None:
    for workload in workloads(render(name)):
        for c in pod_template(workload)["spec"]["containers"]:
            tag = image_tag(c["image"])
            assert tag not in (None, "latest"), c["image"]
            if name == "prod":
                # a release, not a moving development tag
                assert re.fullmatch(r"v?\d+(\.\d+)+([-+][\w.-]+)?", tag or ""), c["image"]


def test_image_tag_parser() -> None:
    assert image_tag("reg:5000/a/b:1.2") == "1.2"
    assert image_tag("reg:5000/a/b") is None
    assert image_tag("b:latest") == "latest"


def test_migration_job_runs_migrate_with_the_backend_image() -> None:
    (job,) = find(render("jobs"), "Job")
    c = container(job)
    assert c["command"] == ["mlplatform", "migrate"]
    assert c["image"] == container(backend(render("prod")))["image"]
    (db_env,) = [e for e in c["env"] if e["name"] == "DATABASE_URL"]
    assert db_env["valueFrom"]["secretKeyRef"]["name"] == "backend-database"
    assert pod_template(job)["spec"]["restartPolicy"] in {"Never", "OnFailure"}


# ---- exposure ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OVERLAYS)
def test_nodeport_30180_only_where_asked(name: str) -> None:
    objs = render(name)
    service = one(objs, "Service", BACKEND)
    node_ports = [p.get("nodePort") for s in find(objs, "Service") for p in s["spec"]["ports"]]
    if name in {"nodeport", "dev"}:
        assert service["spec"]["type"] == "NodePort"
        assert [p for p in node_ports if p] == [30180]
    else:
        assert service["spec"]["type"] == "ClusterIP"
        assert not any(node_ports)
    backend_labels = pod_template(backend(objs))["metadata"]["labels"]
    assert labels_match(service["spec"]["selector"], backend_labels)
    assert service["spec"]["ports"][0]["targetPort"] == "http"


@pytest.mark.parametrize("name", OVERLAYS)
def test_disruption_budget_follows_replicas(name: str) -> None:
    objs = render(name)
    replicas = backend(objs)["spec"]["replicas"]
    pdbs = find(objs, "PodDisruptionBudget")
    if replicas > 1:
        (pdb,) = pdbs
        assert pdb["spec"]["minAvailable"] == 1
        labels = pod_template(backend(objs))["metadata"]["labels"]
        assert labels_match(pdb["spec"]["selector"]["matchLabels"], labels)
    else:
        # minAvailable 1 over one replica would block every node drain
        assert pdbs == []


# ---- database ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["dev", "prod", "nodeport"])
def test_in_cluster_postgres(name: str) -> None:
    objs = render(name)
    sts = one(objs, "StatefulSet", "postgres")
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
    service = one(objs, "Service", "postgres")
    assert service["spec"]["clusterIP"] == "None"
    assert sts["spec"]["serviceName"] == "postgres"
    assert labels_match(service["spec"]["selector"], pod_template(sts)["metadata"]["labels"])
    env = {e["name"]: e for e in container(sts)["env"]}
    assert env["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "postgres-credentials"


def test_external_db_has_no_in_cluster_database() -> None:
    objs = render("external-db")
    assert find(objs, "StatefulSet") == []
    assert find(objs, "Service", "postgres") == []
    assert find(objs, "NetworkPolicy", "postgres-ingress") == []
    env = {e["name"]: e for e in container(backend(objs))["env"]}
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "backend-database"
    # the database is outside the cluster: 5432 is allowed to any destination
    egress = one(objs, "NetworkPolicy", "database-clients-egress")["spec"]["egress"]
    (pg_rule,) = [r for r in egress if {"port": 5432, "protocol": "TCP"} in r["ports"]]
    assert "to" not in pg_rule


# ---- network policies ----------------------------------------------------------------------


def egress_ports(rule: Obj) -> set[tuple[Any, str]]:
    return {(p["port"], p["protocol"]) for p in rule["ports"]}


@pytest.mark.parametrize("name", OVERLAYS)
def test_network_policies(name: str) -> None:
    objs = render(name)
    backend_labels = pod_template(backend(objs))["metadata"]["labels"]
    (job,) = find(render("jobs"), "Job")
    migrate_labels = pod_template(job)["metadata"]["labels"]

    deny = one(objs, "NetworkPolicy", "default-deny")
    assert deny["spec"]["podSelector"] == {}
    assert sorted(deny["spec"]["policyTypes"]) == ["Egress", "Ingress"]

    ingress = one(objs, "NetworkPolicy", "backend-ingress")
    assert labels_match(ingress["spec"]["podSelector"]["matchLabels"], backend_labels)
    assert ingress["spec"]["ingress"][0]["ports"] == [{"port": 8080, "protocol": "TCP"}]

    egress = one(objs, "NetworkPolicy", "database-clients-egress")
    selector = egress["spec"]["podSelector"]["matchLabels"]
    assert labels_match(selector, backend_labels)
    assert labels_match(selector, migrate_labels)
    allowed = set().union(*(egress_ports(r) for r in egress["spec"]["egress"]))
    assert {(53, "UDP"), (53, "TCP"), (5432, "TCP")} <= allowed
    assert {(443, "TCP"), (6443, "TCP"), (5443, "TCP")} <= allowed  # Karmada API server

    if name != "external-db":
        pg = one(objs, "NetworkPolicy", "postgres-ingress")
        sts = one(objs, "StatefulSet", "postgres")
        db_labels = pod_template(sts)["metadata"]["labels"]
        assert labels_match(pg["spec"]["podSelector"]["matchLabels"], db_labels)
        (rule,) = pg["spec"]["ingress"]
        (source,) = rule["from"]
        assert labels_match(source["podSelector"]["matchLabels"], backend_labels)
        assert labels_match(source["podSelector"]["matchLabels"], migrate_labels)
        assert rule["ports"] == [{"port": 5432, "protocol": "TCP"}]
        # the database itself reaches nothing but what default-deny allows (no egress policy)
        for policy in find(objs, "NetworkPolicy"):
            if policy["metadata"]["name"] == "default-deny":
                continue
            if "Egress" in policy["spec"]["policyTypes"]:
                selector = policy["spec"]["podSelector"].get("matchLabels", {})
                assert not labels_match(selector, db_labels)


# ---- secrets -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_RENDERS)
def test_no_secret_is_rendered(name: str) -> None:
    # Secrets are created by deploy.sh or by hand from k8s/secret-templates/
    assert find(render(name), "Secret") == []


def test_no_secret_manifest_is_committed_outside_the_templates() -> None:
    for path in K8S_DIR.rglob("*.y*ml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict):
                assert doc.get("kind") != "Secret", path


TEMPLATES = sorted((K8S_DIR / "secret-templates").glob("*.yaml.example"))


def test_secret_templates_exist() -> None:
    assert {p.name for p in TEMPLATES} == {
        "backend-database.yaml.example",
        "backend-kubeconfig.yaml.example",
        "postgres-credentials.yaml.example",
    }


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: Path(p).name)
def test_secret_templates_are_placeholders(path: Path) -> None:
    (secret,) = [d for d in yaml.safe_load_all(path.read_text()) if d]
    assert secret["kind"] == "Secret"
    assert schema_problems(secret) == []
    assert "data" not in secret  # base64 data would hide what is in it
    not_secret = {"POSTGRES_USER", "POSTGRES_DB"}  # names, not credentials
    for key, value in secret["stringData"].items():
        if key in not_secret:
            continue
        placeholder = "CHANGE-ME" in value or value.lstrip().startswith("#")
        assert placeholder, f"{path.name}: {key} looks like a real value"
    # the names the Deployment and StatefulSet read
    referenced = {"backend-database", "backend-kubeconfig", "postgres-credentials"}
    assert secret["metadata"]["name"] in referenced


def test_kubeconfig_template_has_the_keys_the_old_deployment_used() -> None:
    path = K8S_DIR / "secret-templates" / "backend-kubeconfig.yaml.example"
    (secret,) = [d for d in yaml.safe_load_all(path.read_text()) if d]
    assert set(secret["stringData"]) == {"karmada-kubeconfig", "mgmt-kubeconfig"}


# ---- the ConfigMap against the application's settings ----------------------------------------

# Read outside app.settings: GRAPHIQL_ASSETS_DIR by app.graphql.graphiql_assets; the
# graceful-shutdown
# seconds are passed to uvicorn by `mlplatform serve`.
NON_SETTINGS_KEYS = {"GRAPHIQL_ASSETS_DIR", "GRACEFUL_SHUTDOWN_SECONDS"}


def settings_field_names() -> set[str]:
    import dataclasses

    from app.settings import Settings

    names: set[str] = set()
    for group in dataclasses.fields(Settings):
        model: Any = group.default_factory
        names |= {name.upper() for name in model.model_fields}
    return names


@pytest.mark.parametrize("name", OVERLAYS)
def test_configmap_keys_are_settings_the_app_reads(name: str) -> None:
    unknown = set(config(render(name))) - settings_field_names() - NON_SETTINGS_KEYS
    assert unknown == set()


@pytest.mark.parametrize("name", OVERLAYS)
def test_configmap_parses_into_the_app_settings(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.settings import Settings

    data = config(render(name))
    for key, value in data.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@postgres.ml-platform.svc:5432/db")
    settings = Settings()
    assert settings.server.host == "0.0.0.0"
    assert settings.server.port == 8080
    assert settings.karmada.karmada_kubeconfig == data["KARMADA_KUBECONFIG"]
    assert not settings.embedded_karmada
    if settings.auth.auth_mode == "none":
        # the authenticator refuses AUTH_MODE=none on a non-loopback address otherwise
        assert settings.auth.auth_allow_insecure_none

"""Pod templates: the subset of PodSpec the product's builders and kubectl users write.

Two flavours of the same fields. In a CRD (controller-gen output of k8s.io/api core/v1, as in
kuberay/crds/ray.io_rayjobs.yaml @ kuberay v1.7.0, kubeflow trainer v1.9.4 and mpi-operator
caa3c47 manifests) quantities are int-or-string with the Quantity pattern and a few structural
defaults apply (`ports[].protocol: TCP`, `name: ""` of object references). In the Kubernetes
1.35 OpenAPI documents (api__v1_openapi.json, release-1.35) quantities are oneOf string/number
and no schema default applies (built-in kinds are defaulted by Go code).

Fields of PodSpec/Container not listed here are pruned by the built-in model; upstream keeps
them (docs/simulator-karmada.md, "Built-in model": coverage).
"""

from __future__ import annotations

from karmada_sim.builtin.meta import OBJECT_META, TEMPLATE_META
from karmada_sim.builtin.schema import (
    Schema,
    array,
    boolean,
    builtin_int_or_string,
    builtin_quantity,
    int_or_string,
    integer,
    map_of,
    obj,
    quantity,
    string,
    string_map,
    strings,
)


def pod_template(*, crd: bool) -> Schema:
    """PodTemplateSpec (metadata + spec)."""
    return obj({"metadata": TEMPLATE_META if crd else OBJECT_META, "spec": pod_spec(crd=crd)})


def pod_spec(*, crd: bool) -> Schema:
    qty = quantity() if crd else builtin_quantity()
    ref_name = string(default="") if crd else string()
    container = _container(crd=crd)
    key_path = obj({"key": string(), "path": string(), "mode": integer()}, required=("key", "path"))
    volume = obj(
        {
            "name": string(),
            "persistentVolumeClaim": obj(
                {"claimName": string(), "readOnly": boolean()}, required=("claimName",)
            ),
            "emptyDir": obj({"medium": string(), "sizeLimit": qty}),
            "configMap": obj(
                {
                    "name": ref_name,
                    "items": array(key_path),
                    "defaultMode": integer(),
                    "optional": boolean(),
                }
            ),
            "secret": obj(
                {
                    "secretName": string(),
                    "items": array(key_path),
                    "defaultMode": integer(),
                    "optional": boolean(),
                }
            ),
        },
        required=("name",),
    )
    return obj(
        {
            "containers": array(container),
            "initContainers": array(container),
            "volumes": array(volume),
            "restartPolicy": string(),
            "priorityClassName": string(),
            "serviceAccountName": string(),
            "nodeSelector": string_map(),
            "tolerations": array(
                obj(
                    {
                        "key": string(),
                        "operator": string(),
                        "value": string(),
                        "effect": string(),
                        "tolerationSeconds": integer(),
                    }
                )
            ),
            "imagePullSecrets": array(obj({"name": ref_name})),
            "terminationGracePeriodSeconds": integer(),
            "schedulerName": string(),
            "securityContext": POD_SECURITY,
        },
        required=("containers",),
    )


def _int_or_string(*, crd: bool) -> Schema:
    return int_or_string() if crd else builtin_int_or_string()


def _probe(*, crd: bool) -> Schema:
    port = _int_or_string(crd=crd)
    return obj(
        {
            "exec": obj({"command": strings()}),
            "httpGet": obj(
                {"path": string(), "port": port, "host": string(), "scheme": string()},
                required=("port",),
            ),
            "tcpSocket": obj({"port": port, "host": string()}, required=("port",)),
            "initialDelaySeconds": integer(),
            "periodSeconds": integer(),
            "timeoutSeconds": integer(),
            "successThreshold": integer(),
            "failureThreshold": integer(),
        }
    )


_SECCOMP = obj({"type": string(), "localhostProfile": string()}, required=("type",))

# SecurityContext (container) and PodSecurityContext: the usual user/privilege fields.
CONTAINER_SECURITY = obj(
    {
        "allowPrivilegeEscalation": boolean(),
        "capabilities": obj({"add": strings(), "drop": strings()}),
        "privileged": boolean(),
        "readOnlyRootFilesystem": boolean(),
        "runAsGroup": integer(),
        "runAsNonRoot": boolean(),
        "runAsUser": integer(),
        "seccompProfile": _SECCOMP,
    }
)
POD_SECURITY = obj(
    {
        "fsGroup": integer(),
        "runAsGroup": integer(),
        "runAsNonRoot": boolean(),
        "runAsUser": integer(),
        "seccompProfile": _SECCOMP,
        "supplementalGroups": array(integer()),
    }
)


def _container(*, crd: bool) -> Schema:
    qty = quantity() if crd else builtin_quantity()
    ref_name = string(default="") if crd else string()
    key_ref = obj(
        {"key": string(), "name": ref_name, "optional": boolean()}, required=("key",)
    )
    return obj(
        {
            "name": string(),
            "image": string(),
            "imagePullPolicy": string(),
            "command": strings(),
            "args": strings(),
            "workingDir": string(),
            "env": array(
                obj(
                    {
                        "name": string(),
                        "value": string(),
                        "valueFrom": obj(
                            {
                                "secretKeyRef": key_ref,
                                "configMapKeyRef": key_ref,
                                "fieldRef": obj(
                                    {"apiVersion": string(), "fieldPath": string()},
                                    required=("fieldPath",),
                                ),
                            }
                        ),
                    },
                    required=("name",),
                )
            ),
            "envFrom": array(
                obj(
                    {
                        "prefix": string(),
                        "configMapRef": obj({"name": ref_name, "optional": boolean()}),
                        "secretRef": obj({"name": ref_name, "optional": boolean()}),
                    }
                )
            ),
            "ports": array(
                obj(
                    {
                        "containerPort": integer(),
                        "name": string(),
                        "protocol": string(default="TCP") if crd else string(),
                        "hostPort": integer(),
                    },
                    required=("containerPort",),
                )
            ),
            "resources": obj({"limits": map_of(qty), "requests": map_of(qty)}),
            "securityContext": CONTAINER_SECURITY,
            "livenessProbe": _probe(crd=crd),
            "readinessProbe": _probe(crd=crd),
            "startupProbe": _probe(crd=crd),
            "volumeMounts": array(
                obj(
                    {
                        "name": string(),
                        "mountPath": string(),
                        "readOnly": boolean(),
                        "subPath": string(),
                    },
                    required=("mountPath", "name"),
                )
            ),
        },
        required=("name",),
    )

"""Object metadata and conditions, shared by the kinds of the built-in model.

Built-in kinds validate `metadata` against ObjectMeta (Kubernetes 1.35 OpenAPI v3,
kubernetes/kubernetes api/openapi-spec/v3/api__v1_openapi.json @ release-1.35:
io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta); CRDs only declare `metadata: object` and the
server reduces it to ObjectMeta's fields (openapi_schema.OBJECT_META_FIELDS).
"""

from __future__ import annotations

from karmada_sim.builtin.schema import (
    Schema,
    array,
    boolean,
    integer,
    obj,
    string,
    string_map,
    strings,
)

# ObjectMeta of the built-in kinds; FieldsV1 (managedFields[].fieldsV1) is a free-form object.
OBJECT_META = obj(
    {
        "name": string(),
        "generateName": string(),
        "namespace": string(),
        "selfLink": string(),
        "uid": string(),
        "resourceVersion": string(),
        "generation": integer(),
        "creationTimestamp": string(),
        "deletionTimestamp": string(),
        "deletionGracePeriodSeconds": integer(),
        "labels": string_map(),
        "annotations": string_map(),
        "finalizers": strings(),
        "ownerReferences": array(
            obj(
                {
                    "apiVersion": string(),
                    "kind": string(),
                    "name": string(),
                    "uid": string(),
                    "controller": boolean(),
                    "blockOwnerDeletion": boolean(),
                },
                required=("apiVersion", "kind", "name", "uid"),
            )
        ),
        "managedFields": array(
            obj(
                {
                    "apiVersion": string(),
                    "fieldsType": string(),
                    "fieldsV1": obj(),
                    "manager": string(),
                    "operation": string(),
                    "subresource": string(),
                    "time": string(),
                }
            )
        ),
    }
)

# The part of ObjectMeta a CRD keeps for embedded pod templates (controller-gen emits these five).
TEMPLATE_META = obj(
    {
        "annotations": string_map(),
        "finalizers": strings(),
        "labels": string_map(),
        "name": string(),
        "namespace": string(),
    }
)

# metav1.Condition as controller-gen emits it (k8s.io/apimachinery pkg/apis/meta/v1/types.go).
METAV1_CONDITION = obj(
    {
        "lastTransitionTime": string(),
        "message": string(max_length=32768),
        "observedGeneration": integer(minimum=0),
        "reason": string(
            min_length=1, max_length=1024, pattern=r"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$"
        ),
        "status": string(enum=("True", "False", "Unknown")),
        "type": string(
            max_length=316,
            pattern=r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$",
        ),
    },
    required=("lastTransitionTime", "message", "reason", "status", "type"),
)


def label_selector() -> Schema:
    """metav1.LabelSelector."""
    return obj(
        {
            "matchExpressions": array(
                obj(
                    {"key": string(), "operator": string(), "values": strings()},
                    required=("key", "operator"),
                )
            ),
            "matchLabels": string_map(),
        }
    )

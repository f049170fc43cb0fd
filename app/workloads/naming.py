"""Job ids, derived object names, and the labels/annotations that tie objects to a job.

A job id is ``<jobName>-<8 hex>`` and can be 72 characters long, but label values are
limited to 63. So the full id goes in the ``ml-platform.io/job-id`` *annotation*, and the
``ml-platform.io/job-id`` *label* carries ``job_id_label_value(id)``: the id itself when it
fits, else the jobName shortened with the 8 hex kept (still unique per job). Pod templates
get the label (operators copy only pod-template labels onto pods; logs are found by it).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.workloads.kinds import WorkloadKind

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "ml-platform"
JOB_ID_LABEL = "ml-platform.io/job-id"
JOB_ID_ANNOTATION = "ml-platform.io/job-id"
INSTANCE_LABEL = "ml-platform.io/instance"
#: On pod templates only: the attempt (issue 19) the pods belong to, "1", "2"... Live logs of
#: the current attempt select its pods by it (with the job-id label).
ATTEMPT_LABEL = "ml-platform.io/attempt"
JOB_NAME_ANNOTATION = "ml-platform.io/job-name"

_ID_SUFFIX = re.compile(r"-[0-9a-f]{8}$")
LABEL_VALUE_MAX = 63


@dataclass(frozen=True)
class JobIdentity:
    """Who a set of manifests belongs to."""

    job_id: str
    object_name: str
    namespace: str
    instance_id: str
    #: Extra env of this attempt (ATTEMPT, CHECKPOINT_URI: app.jobstate.recovery.attempt_env).
    attempt_env: tuple[tuple[str, str], ...] = ()
    #: The name the job's own PVC derives from: attempt 1's object name, so every attempt
    #: mounts the same claim (None: ``object_name``).
    data_name: str | None = None
    #: The attempt number (1 until a recovery): the ``ml-platform.io/attempt`` pod label.
    attempt: int = 1


def new_job_id(job_name: str) -> str:
    """A fresh id ``<jobName>-<8 hex>`` (random; the only impure helper here)."""
    return f"{job_name}-{secrets.token_hex(4)}"


def _split_id(job_id: str) -> tuple[str, str]:
    if _ID_SUFFIX.search(job_id):
        return job_id[:-9], job_id[-8:]
    return job_id, ""


def _shorten(job_id: str, max_length: int, prefix: str = "") -> str:
    name, suffix = _split_id(job_id)
    room = max_length - len(prefix) - (len(suffix) + 1 if suffix else 0)
    head = name[:room].rstrip("-")
    parts = [p for p in (prefix + head, suffix) if p]
    return "-".join(parts)


def object_name_for(job_id: str, kind: WorkloadKind) -> str:
    """The Kubernetes name for the job's workload (also its policy's name).

    DNS-1035 (leading letter, so Services derived from it are valid): ids starting with a
    digit get a ``j`` prefix; the jobName part is truncated to the kind's limit and the
    8 hex are always kept, so distinct jobs never collide.
    """
    prefix = "" if job_id[:1].isalpha() else "j"
    if len(prefix + job_id) <= kind.max_name_length:
        return prefix + job_id
    return _shorten(job_id, kind.max_name_length, prefix)


def attempt_object_name(job_id: str, kind: WorkloadKind, attempt: int) -> str:
    """The workload (and policy) name of attempt ``attempt``: attempt 1 keeps the job's own
    name; later ones end in ``-a<n>``, the jobName part shortened so the whole stays within
    the kind's limit with the 8 hex kept (a new name per attempt: Karmada, its bindings and
    the members never mix two attempts' objects or statuses)."""
    base = object_name_for(job_id, kind)
    if attempt <= 1:
        return base
    suffix = f"-a{attempt}"
    if len(base) + len(suffix) <= kind.max_name_length:
        return base + suffix
    prefix = "" if job_id[:1].isalpha() else "j"
    return _shorten(job_id, kind.max_name_length - len(suffix), prefix) + suffix


def pvc_name_for(object_name: str) -> str:
    """The PVC we create when a volume is asked for without ``pvcName``."""
    return f"{object_name}-data"


def binding_name_for(object_name: str, kind: WorkloadKind) -> str:
    """The ResourceBinding Karmada derives: ``<name>-<kind>`` lower-cased
    (karmada pkg/util/names GenerateBindingName)."""
    return f"{object_name.replace(':', '.')}-{kind.kind}".lower()


def job_id_label_value(job_id: str) -> str:
    """The job id as a label value (<= 63 chars; shortened ids keep their 8 hex)."""
    if len(job_id) <= LABEL_VALUE_MAX:
        return job_id
    return _shorten(job_id, LABEL_VALUE_MAX)


def object_labels(identity: JobIdentity) -> dict[str, str]:
    """Labels for every object we create and every pod template."""
    return {
        MANAGED_BY_LABEL: MANAGED_BY_VALUE,
        JOB_ID_LABEL: job_id_label_value(identity.job_id),
        INSTANCE_LABEL: identity.instance_id,
    }


def pod_labels(identity: JobIdentity) -> dict[str, str]:
    """Labels for every pod template: the object labels plus the attempt number."""
    return {**object_labels(identity), ATTEMPT_LABEL: str(identity.attempt)}


def object_annotations(identity: JobIdentity) -> dict[str, str]:
    """Annotations for every object we create: the full job id."""
    return {JOB_ID_ANNOTATION: identity.job_id}


def instance_selector(instance_id: str) -> str:
    """Label selector for everything this installation created."""
    return f"{MANAGED_BY_LABEL}={MANAGED_BY_VALUE},{INSTANCE_LABEL}={instance_id}"


def job_id_of(obj: Mapping[str, Any]) -> str | None:
    """The job id an object belongs to: the annotation, else the label; None if neither."""
    metadata = obj.get("metadata") or {}
    annotations = metadata.get("annotations") or {}
    labels = metadata.get("labels") or {}
    value = annotations.get(JOB_ID_ANNOTATION) or labels.get(JOB_ID_LABEL)
    return value if isinstance(value, str) and value else None

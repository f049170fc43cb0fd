"""Pure manifest builders and status interpreters, one module per workload kind.

No I/O here: the lead's resolvers, Karmada client and poller call these functions.
"""

from app.workloads.batchjob import build_batchjob, interpret_batchjob_status
from app.workloads.common import BuildContext, Manifest, secret_name_for
from app.workloads.config import WorkloadSettings, priority_class_for
from app.workloads.jaxjob import build_jaxjob, interpret_jaxjob_status
from app.workloads.kinds import (
    ALGORITHM_KINDS,
    ALL_KINDS,
    BATCHJOB,
    JAXJOB,
    MPIJOB,
    PYTORCHJOB,
    RAYJOB,
    TFJOB,
    WorkloadKind,
    kind_by_name,
    kind_for,
    required_api,
)
from app.workloads.mpijob import build_mpijob, interpret_mpijob_status
from app.workloads.naming import (
    ATTEMPT_LABEL,
    INSTANCE_LABEL,
    JOB_ID_ANNOTATION,
    JOB_ID_LABEL,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    JobIdentity,
    attempt_object_name,
    binding_name_for,
    instance_selector,
    job_id_label_value,
    job_id_of,
    new_job_id,
    object_name_for,
    pvc_name_for,
)
from app.workloads.placement import ClusterCapabilities, away_from, check_target_clusters
from app.workloads.pytorchjob import build_pytorchjob, interpret_pytorchjob_status
from app.workloads.rayjob import build_rayjob, interpret_rayjob_status
from app.workloads.registry import Manifests, build_manifests, interpret_status
from app.workloads.status import InterpretedStatus
from app.workloads.tfjob import build_tfjob, interpret_tfjob_status

__all__ = [
    "ALGORITHM_KINDS",
    "ALL_KINDS",
    "ATTEMPT_LABEL",
    "BATCHJOB",
    "INSTANCE_LABEL",
    "JAXJOB",
    "JOB_ID_ANNOTATION",
    "JOB_ID_LABEL",
    "MANAGED_BY_LABEL",
    "MANAGED_BY_VALUE",
    "MPIJOB",
    "PYTORCHJOB",
    "RAYJOB",
    "TFJOB",
    "BuildContext",
    "ClusterCapabilities",
    "InterpretedStatus",
    "JobIdentity",
    "Manifest",
    "Manifests",
    "WorkloadKind",
    "WorkloadSettings",
    "attempt_object_name",
    "away_from",
    "binding_name_for",
    "build_batchjob",
    "build_jaxjob",
    "build_manifests",
    "build_mpijob",
    "build_pytorchjob",
    "build_rayjob",
    "build_tfjob",
    "check_target_clusters",
    "instance_selector",
    "interpret_batchjob_status",
    "interpret_jaxjob_status",
    "interpret_mpijob_status",
    "interpret_pytorchjob_status",
    "interpret_rayjob_status",
    "interpret_status",
    "interpret_tfjob_status",
    "job_id_label_value",
    "job_id_of",
    "kind_by_name",
    "kind_for",
    "new_job_id",
    "object_name_for",
    "priority_class_for",
    "pvc_name_for",
    "required_api",
    "secret_name_for",
]

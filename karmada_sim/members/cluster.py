"""One simulated member cluster: its own object space, pods, events, logs and capacity.

Work is event-driven: a single task per member sleeps until the earliest timer in a heap (or
a poke when something is applied/deleted), advances only the workloads that are due, and
re-tries pending workloads when capacity frees. Per-object work is a few dict operations.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import heapq
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from karmada_sim.config import MemberConfig
from karmada_sim.members import disruption as faults
from karmada_sim.members.disruption import Disruption
from karmada_sim.members.kinds import MODELS, KindModel, derived_objects, pod_total_requests
from karmada_sim.members.lifecycle import Phase, Run, RunPolicy, Timing, advance, fail_attempt
from karmada_sim.members.logs import pod_log_lines
from karmada_sim.members.pods import PodPlan, render_pod
from karmada_sim.members.scenario import Scenario

ObjKey = tuple[str, str, str, str]  # apiVersion, kind, namespace, name

OPERATORS = {
    "kuberay": [("ray.io/v1", "RayJob", "rayjobs"), ("ray.io/v1", "RayCluster", "rayclusters"),
                ("ray.io/v1", "RayService", "rayservices")],
    "training-operator": [("kubeflow.org/v1", k, p) for k, p in (
        ("PyTorchJob", "pytorchjobs"), ("TFJob", "tfjobs"), ("JAXJob", "jaxjobs"),
        ("XGBoostJob", "xgboostjobs"), ("PaddleJob", "paddlejobs"))],
    "mpi-operator": [("kubeflow.org/v2beta1", "MPIJob", "mpijobs")],
}
CORE_APIS = [
    ("v1", "ConfigMap", "configmaps"), ("v1", "Event", "events"), ("v1", "Namespace", "namespaces"),
    ("v1", "Node", "nodes"), ("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    ("v1", "Pod", "pods"), ("v1", "Secret", "secrets"), ("v1", "Service", "services"),
    ("v1", "ServiceAccount", "serviceaccounts"), ("apps/v1", "Deployment", "deployments"),
    ("apps/v1", "StatefulSet", "statefulsets"), ("batch/v1", "CronJob", "cronjobs"),
    ("batch/v1", "Job", "jobs"),
]


def iso_from_wall(wall: float) -> str:
    return datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Workload:
    """A job the member runs."""

    key: ObjKey
    obj: dict[str, Any]
    model: KindModel
    policy: RunPolicy
    scenario: Scenario
    run: Run
    plans: list[PodPlan] = field(default_factory=list)
    pod_keys: list[tuple[str, str]] = field(default_factory=list)
    holds_resources: bool = False
    plans_attempt: int = -1
    reported: set[tuple[str, int]] = field(default_factory=set)  # (event reason, attempt)
    requests: dict[str, int] = field(default_factory=dict)


class MemberCluster:
    """The member's state and its single lifecycle loop."""

    def __init__(self, config: MemberConfig, timing: Timing, log_interval: float) -> None:
        self.config = config
        self.name = config.name
        self.timing = timing
        self.log_interval = log_interval
        self.ready = config.ready
        self.reachable = True
        # Karmada's execution controller syncs (and deletes) nothing on a member that is not
        # Ready or cannot be reached (karmada pkg/controllers/execution/execution_controller.go
        # returns "cluster not ready" and retries): writes wait here, last one per object
        # wins, and run when the member is back. Meanwhile the old copy keeps running.
        self.pending: dict[ObjKey, tuple[dict[str, Any], Scenario] | None] = {}
        self.lost_nodes: set[str] = set()
        self.objects: dict[ObjKey, dict[str, Any]] = {}
        self.workloads: dict[ObjKey, Workload] = {}
        self.pods: dict[tuple[str, str], dict[str, Any]] = {}
        self.pod_owner: dict[tuple[str, str], ObjKey] = {}
        # Objects operators create besides pods (RayCluster, Services, submitter Jobs).
        self.derived: dict[ObjKey, list[dict[str, Any]]] = {}
        self.events: list[dict[str, Any]] = []
        self.allocated: dict[str, int] = {}
        self.allocating: dict[str, int] = {}
        self._heap: list[tuple[float, int, ObjKey]] = []
        self._seq = 0
        self._wake = asyncio.Event()
        # Called with (member name, workload key) when a workload's status changed.
        self.on_status_change: Callable[[str, ObjKey], None] | None = None
        self.on_capacity_change: Callable[[str], None] | None = None
        self._wall_offset = time.time() - time.monotonic()

    # -- clocks ---------------------------------------------------------------------------------
    @staticmethod
    def now() -> float:
        return time.monotonic()

    def iso(self, t: float) -> str:
        return iso_from_wall(t + self._wall_offset)

    # -- capacity -------------------------------------------------------------------------------
    def allocatable(self) -> dict[str, int]:
        n = self.config.nodes
        out = {"cpu": n * self.config.cpu_per_node * 1000,
               "memory": n * self.config.memory_gib_per_node * 2**30,
               "pods": n * 110, "ephemeral-storage": n * 100 * 10**9}
        if self.config.gpus_per_node:
            out["nvidia.com/gpu"] = n * self.config.gpus_per_node
        return out

    def _fits(self, requests: dict[str, int]) -> bool:
        free = self.allocatable()
        for name, amount in requests.items():
            if amount > free.get(name, 0) - self.allocated.get(name, 0):
                return False
        return True

    def _insufficient(self, requests: dict[str, int]) -> str:
        free = self.allocatable()
        short = [n for n, a in requests.items() if a > free.get(n, 0) - self.allocated.get(n, 0)]
        nodes = self.config.nodes
        detail = ", ".join(f"{nodes} Insufficient {n}" for n in sorted(short)) or (
            f"{nodes} node(s) didn't match Pod's node affinity/selector")
        return f"0/{nodes} nodes are available: {detail}. preemption: 0/{nodes} nodes are " \
               "available: {nodes} No preemption victims found for incoming pod.".replace(
                   "{nodes}", str(nodes))

    def api_enablements(self) -> list[dict[str, Any]]:
        """status.apiEnablements for this member (core kinds + installed operators)."""
        by_gv: dict[str, list[dict[str, str]]] = {}
        entries = list(CORE_APIS)
        for operator in self.config.operators:
            entries.extend(OPERATORS.get(operator, []))
        for gv, kind, plural in entries:
            by_gv.setdefault(gv, []).append({"kind": kind, "name": plural})
        return [{"groupVersion": gv, "resources": sorted(rs, key=lambda r: r["name"])}
                for gv, rs in sorted(by_gv.items())]

    def serves(self, api_version: str, kind: str) -> bool:
        return any(gv == api_version and k == kind
                   for e in self.api_enablements() for gv in [e["groupVersion"]]
                   for k in (r["kind"] for r in e["resources"]))

    # -- objects --------------------------------------------------------------------------------
    @property
    def available(self) -> bool:
        """Karmada can sync objects to this member (Ready and reachable)."""
        return self.ready and self.reachable

    def resume(self) -> int:
        """Run the writes that waited while the member was unavailable; how many ran."""
        if not self.available or not self.pending:
            return 0
        pending, self.pending = self.pending, {}
        for key, write in pending.items():
            if write is None:
                self.delete(key)
            else:
                self.apply(*write)
        return len(pending)

    def apply(self, obj: dict[str, Any], scenario: Scenario) -> None:
        """Create or update a propagated object (Karmada's execution controller)."""
        meta = obj["metadata"]
        key: ObjKey = (obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"])
        if not self.available:
            self.pending[key] = (copy.deepcopy(obj), scenario)
            return
        existing = self.objects.get(key)
        new = copy.deepcopy(obj)
        new_meta = new.setdefault("metadata", {})
        if existing is not None:
            new_meta["uid"] = existing["metadata"]["uid"]
            new_meta["creationTimestamp"] = existing["metadata"]["creationTimestamp"]
            new["status"] = existing.get("status")
            if new.get("status") is None:
                new.pop("status", None)
        else:
            new_meta["uid"] = str(uuid.uuid4())
            new_meta["creationTimestamp"] = self.iso(self.now())
            new.pop("status", None)
        for dropped in ("resourceVersion", "ownerReferences", "managedFields", "generation"):
            new_meta.pop(dropped, None)
        new_meta["generation"] = 1
        self.objects[key] = new
        model = MODELS.get((new["apiVersion"], new["kind"]))
        if model is None:
            return
        workload = self.workloads.get(key)
        if workload is None:
            run = Run(created_at=self.now())
            workload = Workload(key, new, model, model.policy(new), scenario, run)
            self.workloads[key] = workload
            self._event(new, "Normal", "Created", f"Created {new['kind']} {meta['name']}")
        else:
            workload.obj = new
            workload.policy = model.policy(new)
        self._schedule(key, self.now())

    def delete(self, key: ObjKey) -> None:
        """Remove a propagated object and everything its operator created."""
        if not self.available:
            self.pending[key] = None
            return
        self.objects.pop(key, None)
        workload = self.workloads.pop(key, None)
        self.derived.pop(key, None)
        if workload is not None:
            self._release(workload)
            self._drop_pods(workload)
            if self.on_capacity_change:
                self.on_capacity_change(self.name)
            self._poke_pending()

    def get(self, key: ObjKey) -> dict[str, Any] | None:
        obj = self.objects.get(key)
        return copy.deepcopy(obj) if obj is not None else None

    def list_kind(self, api_version: str, kind: str, namespace: str | None,
                  labels: Callable[[dict[str, str]], bool] | None = None, *,
                  copies: bool = True) -> list[dict[str, Any]]:
        """Copies of the member's objects of one kind (propagated ones, then those operators
        made), sorted by key; ``labels``: only those whose labels it accepts; ``copies=False``:
        the stored objects themselves, for a caller that only serializes them (the proxy).

        The test runs before anything is copied: a member holding a thousand RayJobs (each a
        few KB with its rayClusterSpec) deep-copied all of them for every proxied LIST, ~0.6 s
        of the simulator's one event loop per request, whatever the label selector kept.
        """
        def wanted(o: dict[str, Any]) -> bool:
            return labels is None or labels(o["metadata"].get("labels") or {})

        found = {key: o for key, o in self.objects.items()
                 if key[0] == api_version and key[1] == kind
                 and (namespace is None or key[2] == namespace)}
        for objects in self.derived.values():
            for o in objects:
                meta = o["metadata"]
                if o["apiVersion"] == api_version and o["kind"] == kind and (
                        namespace is None or meta.get("namespace") == namespace):
                    found.setdefault((api_version, kind, meta.get("namespace", ""),
                                      meta["name"]), o)
        kept = [found[k] for k in sorted(found) if wanted(found[k])]
        return [copy.deepcopy(o) for o in kept] if copies else kept

    def _event(self, obj: dict[str, Any], kind: str, reason: str, message: str) -> None:
        meta = obj["metadata"]
        stamp = self.iso(self.now())
        self.events.append({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{len(self.events):x}",
                         "namespace": meta.get("namespace", "default")},
            "involvedObject": {"apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"),
                               "name": meta["name"], "namespace": meta.get("namespace"),
                               "uid": meta.get("uid")},
            "reason": reason, "message": message, "type": kind, "count": 1,
            "firstTimestamp": stamp, "lastTimestamp": stamp,
            "source": {"component": "simulated-operator"},
        })
        if len(self.events) > 5000:
            del self.events[:1000]

    # -- the loop -------------------------------------------------------------------------------
    def _schedule(self, key: ObjKey, when: float) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (when, self._seq, key))
        self._wake.set()

    def _poke_pending(self) -> None:
        now = self.now()
        for key, workload in self.workloads.items():
            if workload.run.phase == Phase.PENDING:
                self._schedule(key, now)

    async def run(self) -> None:
        """Process due workloads forever (cancel to stop)."""
        while True:
            now = self.now()
            due: list[ObjKey] = []
            while self._heap and self._heap[0][0] <= now:
                due.append(heapq.heappop(self._heap)[2])
            for key in dict.fromkeys(due):
                self._step(key, now)
            self._wake.clear()
            timeout = (self._heap[0][0] - self.now()) if self._heap else None
            if timeout is not None and timeout <= 0:
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def step_now(self) -> None:
        """Advance every due workload synchronously (tests)."""
        now = self.now()
        due: list[ObjKey] = []
        while self._heap and self._heap[0][0] <= now:
            due.append(heapq.heappop(self._heap)[2])
        for key in dict.fromkeys(due):
            self._step(key, now)

    def _step(self, key: ObjKey, now: float) -> None:
        workload = self.workloads.get(key)
        if workload is None:
            return
        run = workload.run
        before = (run.phase, run.attempt)
        if run.attempt != workload.plans_attempt:
            self._plan(workload)
        fits = workload.holds_resources or self._fits(workload.requests)
        wake = advance(run, workload.policy, workload.scenario, self.timing, now, fits)
        self._after_change(workload, before)
        self._pod_events(workload, fits)
        self._publish(workload)
        if wake is not None:
            self._schedule(key, wake)

    def _after_change(self, workload: Workload, before: tuple[Phase, int]) -> None:
        run = workload.run
        if (run.phase, run.attempt) != before:
            if run.attempt != before[1]:
                self._release(workload)
                self._drop_pods(workload)
                self._plan(workload)
            self._on_phase(workload, before[0])

    def _publish(self, workload: Workload) -> None:
        run = workload.run
        if run.changed:
            run.changed = False
            self._render(workload)
            if self.on_status_change:
                self.on_status_change(self.name, workload.key)

    # -- faults (members/disruption.py) ---------------------------------------------------------
    def node_of(self, index: int) -> str:
        return f"{self.name}-node-{index % self.config.nodes}"

    def disruptable(self, key: ObjKey) -> bool:
        workload = self.workloads.get(key)
        return workload is not None and workload.run.phase in (Phase.STARTING, Phase.RUNNING)

    def disrupt(self, key: ObjKey, type_: str, *, pods: list[str] | None = None,
                node: str | None = None, exit_code: int | None = None,
                message: str | None = None) -> dict[str, Any]:
        """End the workload's current attempt with a fault; what its controller does next
        (retry or fail, and with which reason) is ``faults.*_outcome``.

        ``pods``: the pods hit (default: those on ``node`` for NodeLost, else the first pod:
        Ray head, Kubeflow master/launcher, the Job's first pod). ValueError when the
        workload has no running attempt or the pods are not its own.
        """
        workload = self.workloads.get(key)
        if workload is None or not self.disruptable(key):
            raise ValueError(f"{key[1]} {key[2]}/{key[3]} has no running pods on {self.name}")
        run = workload.run
        plans = workload.plans
        names = [p.name for p in plans]
        if type_ == "NodeLost" and node is None and not pods:
            node = self.node_of(0)
        if pods:
            unknown = sorted(set(pods) - set(names))
            if unknown:
                raise ValueError(f"pods {unknown} are not pods of {key[3]} on {self.name}")
            hit = [p for p in plans if p.name in pods]
        elif node is not None:
            hit = [p for i, p in enumerate(plans) if self.node_of(i) == node]
            if not hit:
                raise ValueError(f"no pod of {key[3]} runs on {node}")
        else:
            hit = plans[:1]
        if type_ == "NodeLost" and node is not None:
            self.lost_nodes.add(node)
        fault = Disruption.make(type_, run.attempt, frozenset(p.name for p in hit), self.now(),
                                exit_code=exit_code, message=message, node=node)
        first = hit[0]
        container = next((c.get("name", "main") for c in (first.template.get("spec") or {})
                          .get("containers") or []), "main")
        kind = key[1]
        if kind == "Job":
            outcome = faults.batch_outcome(workload.obj, fault, first.name, container)
        elif kind == "RayJob":
            outcome = faults.rayjob_outcome(fault)
        else:
            model = workload.model
            replica_field = str(getattr(model, "replica_field", ""))
            rtype = next((r for r in ((workload.obj.get("spec") or {}).get(replica_field) or {})
                          if r.lower() == first.role), first.role)
            outcome = faults.kubeflow_outcome(workload.obj, replica_field, rtype, fault)
            run.failed_replica = rtype
        before = (run.phase, run.attempt)
        run.disruption = fault
        fail_attempt(run, workload.policy, self.now(), retry=outcome.retry,
                     counts=outcome.counts, fail_now=outcome.fail_now)
        if run.phase == Phase.FAILED:
            run.failure_reason = outcome.reason
            run.failure_message = outcome.message
            run.exit_code = fault.exit_code
        self._event(workload.obj, "Warning", type_,
                    f"{fault.condition_message or f'exit code {fault.exit_code}'}: "
                    f"{', '.join(sorted(fault.pods))}")
        self._after_change(workload, before)
        self._publish(workload)
        self._schedule(key, self.now())
        if self.on_capacity_change:  # freed pods, a lost node: the Cluster summary changes
            self.on_capacity_change(self.name)
        return {"cluster": self.name, "apiVersion": key[0], "kind": kind, "namespace": key[2],
                "name": key[3], "phase": str(run.phase), **fault.to_dict()}

    def _pod_events(self, workload: Workload, fits: bool) -> None:
        """kube-scheduler / kubelet events for the pods, once per attempt."""
        run = workload.run
        namespace = workload.obj["metadata"].get("namespace", "default")
        reason, kind, message = "", "Normal", ""
        if run.phase == Phase.PENDING and (not fits or workload.scenario.stuck_pending):
            reason, kind = "FailedScheduling", "Warning"
            message = self._insufficient(workload.requests)
        elif run.phase == Phase.STARTING and workload.scenario.image_pull_backoff:
            image = next((c.get("image", "") for p in workload.plans[:1]
                          for c in (p.template.get("spec") or {}).get("containers") or []), "")
            reason, kind = "BackOff", "Warning"
            message = f'Back-off pulling image "{image}"'
        elif run.phase == Phase.RUNNING:
            reason, message = "Started", "Started container"
        if not reason or (reason, run.attempt) in workload.reported:
            return
        workload.reported.add((reason, run.attempt))
        for plan in workload.plans:
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"name": plan.name, "namespace": namespace,
                                "uid": (self.pods.get((namespace, plan.name)) or {}).get(
                                    "metadata", {}).get("uid", "")}}
            self._event(pod, kind, reason, message)

    def _plan(self, workload: Workload) -> None:
        workload.plans = workload.model.pods(workload.obj, workload.run)
        workload.plans_attempt = workload.run.attempt
        workload.requests = pod_total_requests(workload.plans)

    def _on_phase(self, workload: Workload, previous: Phase) -> None:
        run = workload.run
        obj = workload.obj
        if run.phase in (Phase.STARTING, Phase.RUNNING) and not workload.holds_resources:
            for k, v in workload.requests.items():
                self.allocated[k] = self.allocated.get(k, 0) + v
            workload.holds_resources = True
            if self.on_capacity_change:
                self.on_capacity_change(self.name)
        if run.phase == Phase.RUNNING:
            self._event(obj, "Normal", "Running", f"{obj['kind']} is running")
        if run.phase == Phase.SUCCEEDED:
            self._event(obj, "Normal", "Completed", f"{obj['kind']} completed")
        if run.phase == Phase.FAILED:
            self._event(obj, "Warning", "Failed", f"{obj['kind']} failed")
        if run.phase in (Phase.SUCCEEDED, Phase.FAILED, Phase.SUSPENDED):
            # finished pods free their requests; Ray head/workers keep theirs until teardown
            keeps = any(not p.ends_with_job for p in workload.plans) and run.phase != (
                Phase.SUSPENDED)
            if not keeps:
                self._release(workload)
                if self.on_capacity_change:
                    self.on_capacity_change(self.name)
                self._poke_pending()

    def _release(self, workload: Workload) -> None:
        if not workload.holds_resources:
            return
        for k, v in workload.requests.items():
            self.allocated[k] = max(self.allocated.get(k, 0) - v, 0)
        workload.holds_resources = False

    def _drop_pods(self, workload: Workload) -> None:
        for pod_key in workload.pod_keys:
            self.pods.pop(pod_key, None)
            self.pod_owner.pop(pod_key, None)
        workload.pod_keys = []

    def _render(self, workload: Workload) -> None:
        run = workload.run
        obj = workload.obj
        namespace = obj["metadata"].get("namespace", "default")
        obj["status"] = workload.model.status(obj, run, workload.scenario, self.iso)
        self.derived[workload.key] = derived_objects(obj, run, obj["status"], workload.plans)
        cleaned = run.terminal and workload.policy.clean_pods_on_finish
        if cleaned or run.cleaned_up or (run.phase == Phase.SUSPENDED and run.suspend_complete):
            if run.cleaned_up and workload.holds_resources:
                self._release(workload)
                if self.on_capacity_change:
                    self.on_capacity_change(self.name)
                self._poke_pending()
            self._drop_pods(workload)
            return
        if run.phase == Phase.SUSPENDED:
            return
        pending = self._insufficient(workload.requests) if (
            not workload.scenario.stuck_pending) else (
            f"0/{self.config.nodes} nodes are available: {self.config.nodes} node(s) had "
            "untolerated taint {simulator.ml-platform.io/stuck: }.")
        keys = []
        for i, plan in enumerate(workload.plans):
            pod_key = (namespace, plan.name)
            old = self.pods.get(pod_key)
            uid = old["metadata"]["uid"] if old else str(uuid.uuid4())
            fault = run.disruption
            hit = fault if fault is not None and fault.attempt == run.attempt and (
                plan.name in fault.pods) else None
            self.pods[pod_key] = render_pod(
                plan, namespace, run, workload.scenario, self.iso, uid=uid,
                node=self.node_of(i), pending_message=pending,
                job_succeeded=run.phase == Phase.SUCCEEDED, disruption=hit)
            self.pod_owner[pod_key] = workload.key
            keys.append(pod_key)
        for stale in set(workload.pod_keys) - set(keys):
            self.pods.pop(stale, None)
            self.pod_owner.pop(stale, None)
        workload.pod_keys = keys

    # -- logs -----------------------------------------------------------------------------------
    def pod_log(self, namespace: str, name: str) -> tuple[list[tuple[float, str]], bool] | None:
        """(lines with their wall times, terminated) of a pod, or None if it does not exist."""
        pod_key = (namespace, name)
        if pod_key not in self.pods:
            return None
        workload = self.workloads.get(self.pod_owner.get(pod_key, ("", "", "", "")))
        if workload is None:
            return [], True
        plan = next((p for p in workload.plans if p.name == name), None)
        run = workload.run
        now = self.now()
        # Every pod's training output ends with the run (pods.py keeps Ray nodes Running).
        lines = pod_log_lines(
            name, plan.role if plan else "pod", run.running_at, run.finished_at, now,
            self.log_interval, succeeded=run.phase == Phase.SUCCEEDED,
            scenario=workload.scenario, outlives_job=plan is not None and not plan.ends_with_job)
        terminated = run.phase in (Phase.SUCCEEDED, Phase.FAILED) and (
            plan is None or plan.ends_with_job)
        return [(t + self._wall_offset, text) for t, text in lines], terminated

    def resource_summary(self) -> dict[str, Any]:
        """Cluster.status.resourceSummary."""
        from karmada_sim.karmada.quantity import binary_bytes, decimal_count, milli_cpu

        def render(amounts: dict[str, int]) -> dict[str, str]:
            out: dict[str, str] = {}
            for k, v in sorted(amounts.items()):
                if k == "cpu":
                    out[k] = milli_cpu(v)
                elif k in ("memory", "ephemeral-storage"):
                    out[k] = binary_bytes(v)
                else:
                    out[k] = decimal_count(v)
            return out

        allocatable = self.allocatable()
        allocated = {k: self.allocated.get(k, 0) for k in allocatable}
        allocated["pods"] = sum(1 for p in self.pods.values()
                                if p["status"].get("phase") in ("Running", "Pending")
                                and p["spec"].get("nodeName"))
        pending: dict[str, int] = {k: 0 for k in allocatable}
        for workload in self.workloads.values():
            if workload.run.phase == Phase.PENDING:
                for k, v in workload.requests.items():
                    pending[k] = pending.get(k, 0) + v
                pending["pods"] += len(workload.plans)
        return {"allocatable": render(allocatable), "allocated": render(allocated),
                "allocating": render(pending)}

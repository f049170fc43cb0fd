"""The simulated karmada-controller-manager + karmada-scheduler, driven by the store's feed.

One task consumes the in-process change feed (policies, templates, bindings, interpreter
customizations) and a timer flushes member status changes into bindings and templates every
``status_sync_seconds``. Per change the work is proportional to what changed.

Flow (as in Karmada): template + (Cluster)PropagationPolicy -> claim labels on the template ->
ResourceBinding ``<name>-<kind>`` -> scheduler fills ``spec.clusters`` (Scheduled condition) ->
the member copies are applied (with propagateDeps dependencies) -> member status is reflected
into ``status.aggregatedStatus[]`` (FullyApplied condition) -> aggregated into the template's
``.status`` by the interpreter (Lua customizations / native Job rules).
Deleting the template garbage-collects the binding (owner reference) whose finalizer makes
this controller delete the member copies; deleting only the policy leaves binding and copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from app.simulator.errors import ApiError
from app.simulator.karmada import detector
from app.simulator.karmada.clusters import cluster_object, cluster_spec, cluster_status
from app.simulator.karmada.interpreter import ResourceInterpreter
from app.simulator.karmada.scheduler import (
    ClusterView,
    ScheduleRequest,
    SchedulingError,
    schedule,
)
from app.simulator.members.cluster import MemberCluster, ObjKey
from app.simulator.members.scenario import ScenarioBook
from app.simulator.runtime import Simulator
from app.simulator.store import ResourceType, StoreEvent

log = logging.getLogger(__name__)


def now_rfc3339() -> str:
    """Current UTC time as Kubernetes writes it (seconds, Z)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

_SYSTEM_GROUPS = {"work.karmada.io", "policy.karmada.io", "config.karmada.io",
                  "cluster.karmada.io", "coordination.k8s.io", "scheduling.k8s.io"}
_NOT_TEMPLATES = {("", "Event"), ("", "Namespace"), ("", "Pod")}
SUCCESS_MESSAGE = "Binding has been scheduled successfully."
FULLY_APPLIED = ("True", "FullyAppliedSuccess", "All works have been successfully applied")
NOT_FULLY_APPLIED = ("False", "FullyAppliedFailed",
                     "Failed to apply all works, see status.aggregatedStatus for details")
DEPENDENCY_KINDS = {"ConfigMap", "Secret", "PersistentVolumeClaim", "ServiceAccount"}


def job_status_rejected(old: dict[str, Any] | None, new: dict[str, Any]) -> str | None:
    """The kube-apiserver (>= 1.31) Job status validation Karmada's aggregate runs into.

    ``RejectFailedJobWithoutFailureTarget`` / ``RejectCompleteJobWithoutSuccessCriteriaMet``:
    a status that newly sets Failed=True without FailureTarget=True (or Complete=True without
    SuccessCriteriaMet=True) is refused. karmada#7844: ParsingJobStatus appends Failed but
    drops the member's FailureTarget, so a failed federated Job never reaches Failed.
    """
    def true(status: dict[str, Any] | None, kind: str) -> bool:
        return any(c.get("type") == kind and c.get("status") == "True"
                   for c in (status or {}).get("conditions") or [])

    if true(new, "Failed") and not true(old, "Failed") and not true(new, "FailureTarget"):
        return ("status.conditions: Invalid value: cannot set Failed=True condition without "
                "the FailureTarget=true condition")
    if true(new, "Complete") and not true(old, "Complete") and not true(
        new, "SuccessCriteriaMet"
    ):
        return ("status.conditions: Invalid value: cannot set Complete=True condition without "
                "the SuccessCriteriaMet=true condition")
    return None


def _condition(kind: str, triple: tuple[str, str, str], previous: list[dict[str, Any]],
               now: str) -> dict[str, Any]:
    status, reason, message = triple
    old = next((c for c in previous if c.get("type") == kind), None)
    when = old.get("lastTransitionTime", now) if old and old.get("status") == status else now
    return {"type": kind, "status": status, "reason": reason, "message": message,
            "lastTransitionTime": when}


def _merge_conditions(previous: list[dict[str, Any]], new: dict[str, Any]) -> list[dict[str, Any]]:
    out = [c for c in previous if c.get("type") != new["type"]]
    out.append(new)
    order = {"Scheduled": 0, "FullyApplied": 1}
    return sorted(out, key=lambda c: order.get(c.get("type", ""), 9))


class KarmadaController:
    """Controllers of the simulated Karmada control plane."""

    def __init__(self, sim: Simulator, members: dict[str, MemberCluster],
                 scenarios: ScenarioBook, interpreter: ResourceInterpreter) -> None:
        self.sim = sim
        self.store = sim.store
        self.members = members
        self.scenarios = scenarios
        self.interpreter = interpreter
        self.rb_rt = self.store.resource("work.karmada.io/v1alpha2", "ResourceBinding")
        self.pp_rt = self.store.resource("policy.karmada.io/v1alpha1", "PropagationPolicy")
        self.cpp_rt = self.store.resource("policy.karmada.io/v1alpha1",
                                          "ClusterPropagationPolicy")
        self.ric_rt = self.store.resource("config.karmada.io/v1alpha1",
                                          "ResourceInterpreterCustomization")
        self.cluster_rt = self.store.resource("cluster.karmada.io/v1alpha1", "Cluster")
        self._scheduled: dict[tuple[str, str], str] = {}  # binding -> placement fingerprint
        self._applied: dict[tuple[str, str], tuple[str, str]] = {}  # binding -> (clusters, gen)
        self._template_seen: dict[tuple[str, str, str, str], str] = {}
        self._dirty_status: set[tuple[str, str]] = set()
        self._unscheduled: set[tuple[str, str]] = set()
        self._cluster_dirty = True
        self._unreachable_since: dict[str, float] = {}
        self._last_status_flush = 0.0
        # Policy index: selectors naming an object, and "wide" ones (labelSelector/kind-only).
        self._policies_by_uid: dict[str, dict[str, Any]] = {}
        self._named: dict[tuple[str, str, str, str], set[str]] = {}
        self._wide: dict[tuple[str, str], set[str]] = {}
        for member in members.values():
            member.on_status_change = self._member_status_changed
            member.on_capacity_change = self._member_capacity_changed

    # -- wiring ---------------------------------------------------------------------------------
    def _member_status_changed(self, cluster: str, key: ObjKey) -> None:
        _, kind, namespace, name = key
        self._dirty_status.add((namespace, detector.binding_name(name, kind)))

    def _member_capacity_changed(self, cluster: str) -> None:
        self._cluster_dirty = True

    @property
    def sync_seconds(self) -> float:
        return max(self.sim.config.timing.status_sync_seconds, 0.01)

    def create_clusters(self) -> None:
        """Create the Cluster objects (install time)."""
        for member in self.members.values():
            if self.store.get(self.cluster_rt, None, member.name) is None:
                self.store.create(self.cluster_rt, cluster_object(member))
        self.sync_clusters(force=True)

    async def run(self, sim: Simulator) -> None:
        """Consume the store's feed; flush statuses and cluster summaries on a timer."""
        queue = self.store.subscribe()
        member_tasks = [asyncio.get_running_loop().create_task(m.run())
                        for m in self.members.values()]
        try:
            self._reload_customizations()
            for rt in (self.pp_rt, self.cpp_rt):
                for policy in self.store.list(rt):
                    self._index_policy(policy, policy["metadata"].get("uid", ""))
                    self._on_policy(policy)
            while True:
                timeout = max(self._last_status_flush + self.sync_seconds - time.monotonic(), 0)
                events: list[StoreEvent] = []
                with contextlib.suppress(TimeoutError):
                    events.append(await asyncio.wait_for(queue.get(), timeout))
                while not queue.empty() and len(events) < 5000:
                    events.append(queue.get_nowait())
                for index, event in enumerate(events):
                    try:
                        self._on_event(event)
                    except Exception:  # a bad object must not stop the control plane
                        log.exception("karmada controller failed on %s", event.type)
                    if index % 20 == 19:
                        await asyncio.sleep(0)  # keep the API server responsive in bursts
                if time.monotonic() >= self._last_status_flush + self.sync_seconds:
                    self._last_status_flush = time.monotonic()
                    try:
                        self.sync_clusters()
                        self._retry_unscheduled()
                        await self.flush_statuses_async()
                    except Exception:
                        log.exception("karmada status sync failed")
        finally:
            self.store.unsubscribe(queue)
            for task in member_tasks:
                task.cancel()
            for task in member_tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    # -- events ---------------------------------------------------------------------------------
    def _on_event(self, event: StoreEvent) -> None:
        rt = event.rt
        obj = event.object
        if rt.group_resource == self.rb_rt.group_resource:
            if event.type != "DELETED":
                self._on_binding(obj)
            return
        if rt.group_resource in (self.pp_rt.group_resource, self.cpp_rt.group_resource):
            uid = obj["metadata"].get("uid", "")
            if event.type == "DELETED":
                self._index_policy(None, uid)
            else:
                self._index_policy(obj, uid)
                self._on_policy(obj)
            return
        if rt.group_resource == self.ric_rt.group_resource:
            self._reload_customizations()
            return
        if rt.group_resource == self.cluster_rt.group_resource:
            return
        if not self._is_template_type(rt):
            return
        if event.type == "DELETED":
            self._template_seen.pop(self._template_key(obj), None)
            return
        self._on_template(obj)

    @staticmethod
    def _is_template_type(rt: ResourceType) -> bool:
        return rt.namespaced and rt.group not in _SYSTEM_GROUPS and (
            rt.group, rt.kind) not in _NOT_TEMPLATES

    @staticmethod
    def _template_key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
        meta = obj["metadata"]
        return obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"]

    def _reload_customizations(self) -> None:
        self.interpreter.set_user_customizations(self.store.list(self.ric_rt))

    def _index_policy(self, policy: dict[str, Any] | None, uid: str) -> None:
        """(Re)index one policy by its selectors; ``None`` removes it."""
        old = self._policies_by_uid.pop(uid, None)
        if old is not None:
            for bucket in (*self._named.values(), *self._wide.values()):
                bucket.discard(uid)
        if policy is None:
            return
        self._policies_by_uid[uid] = policy
        namespace = policy["metadata"].get("namespace", "") if policy.get(
            "kind") == "PropagationPolicy" else "*"
        for selector in (policy.get("spec") or {}).get("resourceSelectors") or []:
            gvk = (selector.get("apiVersion", ""), selector.get("kind", ""))
            if selector.get("name"):
                ns = selector.get("namespace") or namespace
                self._named.setdefault((*gvk, ns, selector["name"]), set()).add(uid)
            else:
                self._wide.setdefault(gvk, set()).add(uid)

    def _policies_for(self, template: dict[str, Any]) -> list[dict[str, Any]]:
        """Policies whose selectors could match ``template`` (from the index)."""
        meta = template["metadata"]
        gvk = (template["apiVersion"], template["kind"])
        uids = set(self._wide.get(gvk, ()))
        for ns in (meta.get("namespace", ""), "*"):
            uids |= self._named.get((*gvk, ns, meta["name"]), set())
        return [self._policies_by_uid[u] for u in sorted(uids) if u in self._policies_by_uid]

    def _policy_rt(self, policy: dict[str, Any]) -> ResourceType:
        return self.pp_rt if policy.get("kind") == "PropagationPolicy" else self.cpp_rt

    # -- policies -------------------------------------------------------------------------------
    def _on_policy(self, policy: dict[str, Any]) -> None:
        meta = policy["metadata"]
        rt = self._policy_rt(policy)
        is_pp = rt is self.pp_rt
        finalizer = detector.PP_FINALIZER if is_pp else detector.CPP_FINALIZER
        if meta.get("deletionTimestamp"):
            self._release_policy(policy)
            finalizers = [f for f in meta.get("finalizers") or [] if f != finalizer]
            self.store.patch(rt, meta.get("namespace"), meta["name"],
                             {"metadata": {"finalizers": finalizers or None}})
            return
        id_label = detector.PP_ID_LABEL if is_pp else detector.CPP_ID_LABEL
        # what karmada-webhook's mutating admission adds (pkg/webhook/propagationpolicy)
        if not (meta.get("labels") or {}).get(id_label) or finalizer not in (
            meta.get("finalizers") or []
        ):
            labels = dict(meta.get("labels") or {})
            labels.setdefault(id_label, str(uuid.uuid4()))
            patch: dict[str, Any] = {"metadata": {
                "labels": labels,
                "finalizers": [*(meta.get("finalizers") or []), finalizer]}}
            selectors = (policy.get("spec") or {}).get("resourceSelectors") or []
            if is_pp and any(not s.get("namespace") for s in selectors):
                # a PP's selectors default to the policy's namespace
                patch["spec"] = {"resourceSelectors": [
                    {**s, "namespace": s.get("namespace") or meta.get("namespace")}
                    for s in selectors]}
            self.store.patch(rt, meta.get("namespace"), meta["name"], patch)
            return  # the MODIFIED event brings us back here
        for template in self._candidate_templates(policy):
            self._on_template(template, force=True)

    def _candidate_templates(self, policy: dict[str, Any]) -> Iterable[dict[str, Any]]:
        namespace = policy["metadata"].get("namespace") if policy.get(
            "kind") == "PropagationPolicy" else None
        for selector in (policy.get("spec") or {}).get("resourceSelectors") or []:
            key = (selector.get("apiVersion", ""), selector.get("kind", ""))
            try:
                rt = self.store.resource(*key)
            except KeyError:
                continue
            if not self._is_template_type(rt):
                continue
            ns = selector.get("namespace") or namespace
            if selector.get("name"):
                if ns is None:
                    continue  # a CPP naming a namespaced object without its namespace
                obj = self.store.get(rt, ns, selector["name"])
                if obj is not None:
                    yield obj
            else:
                yield from self.store.list(rt, ns)

    def _release_policy(self, policy: dict[str, Any]) -> None:
        """A deleted policy stops claiming its templates; bindings and copies remain."""
        pmeta = policy["metadata"]
        owner = (pmeta.get("namespace", "") if policy.get("kind") == "PropagationPolicy"
                 else "", pmeta["name"])
        for template in self._candidate_templates(policy):
            if detector.claimed_by(template) == owner:
                tmeta = template["metadata"]
                with contextlib.suppress(ApiError):
                    self.store.patch(self.store.resource(template["apiVersion"], template["kind"]),
                                     tmeta.get("namespace"), tmeta["name"],
                                     detector.unclaim_patch())

    # -- templates ------------------------------------------------------------------------------
    def _on_template(self, template: dict[str, Any], *, force: bool = False) -> None:
        meta = template["metadata"]
        if meta.get("deletionTimestamp"):
            return
        key = self._template_key(template)
        fingerprint = json.dumps([meta.get("generation"), meta.get("labels"),
                                  (meta.get("annotations") or {})], sort_keys=True)
        if not force and self._template_seen.get(key) == fingerprint:
            return  # a status-only change (our own aggregation)
        claim = detector.claimed_by(template)
        policy: dict[str, Any] | None = None
        if claim is not None:
            rt = self.pp_rt if claim[0] else self.cpp_rt
            policy = self.store.get(rt, claim[0] or None, claim[1])
            if policy is not None and policy["metadata"].get("deletionTimestamp"):
                policy = None
        if policy is None:
            policy = detector.best_policy(template, self._policies_for(template))
            if policy is None or not detector.policy_id(policy):
                self._template_seen[key] = fingerprint
                return
            rt = self.store.resource(template["apiVersion"], template["kind"])
            template = self.store.patch(rt, meta.get("namespace"), meta["name"],
                                        detector.claim_patch(policy))
            meta = template["metadata"]
            fingerprint = json.dumps([meta.get("generation"), meta.get("labels"),
                                      (meta.get("annotations") or {})], sort_keys=True)
        self._template_seen[key] = fingerprint
        self._ensure_binding(template, policy)

    def _ensure_binding(self, template: dict[str, Any], policy: dict[str, Any]) -> None:
        meta = template["metadata"]
        namespace = meta.get("namespace", "")
        name = detector.binding_name(meta["name"], template["kind"])
        existing = self.store.get(self.rb_rt, namespace, name)
        if existing is not None and existing["metadata"].get("deletionTimestamp"):
            return
        try:
            replicas = self.interpreter.get_replicas(template)
        except Exception:
            log.exception("GetReplicas failed for %s/%s", namespace, meta["name"])
            replicas = None
        wanted = detector.build_binding(template, policy, replicas, existing)
        if existing is None:
            # Schedule before the first write: one create instead of create + patch.
            with contextlib.suppress(SchedulingError):
                wanted["spec"]["clusters"] = schedule(self._request(wanted),
                                                      self._cluster_views()).clusters
            binding = self.store.create(self.rb_rt, wanted)
        elif all(wanted["metadata"].get(k) == existing["metadata"].get(k)
                 for k in ("labels", "annotations", "ownerReferences")) and (
                wanted["spec"] == existing.get("spec")):
            binding = existing
        else:
            wanted["status"] = existing.get("status")
            if wanted["status"] is None:
                wanted.pop("status")
            binding = self.store.update(self.rb_rt, wanted)
        self._on_binding(binding)

    # -- bindings -------------------------------------------------------------------------------
    def _template_of(self, binding: dict[str, Any]) -> dict[str, Any] | None:
        ref = (binding.get("spec") or {}).get("resource") or {}
        try:
            rt = self.store.resource(ref.get("apiVersion", ""), ref.get("kind", ""))
        except KeyError:
            return None
        obj = self.store.get(rt, ref.get("namespace") or None, ref.get("name", ""))
        if obj is None or obj["metadata"].get("uid") != ref.get("uid"):
            return None
        return obj

    def _on_binding(self, binding: dict[str, Any]) -> None:
        meta = binding["metadata"]
        bkey = (meta.get("namespace", ""), meta["name"])
        if meta.get("deletionTimestamp"):
            self._cleanup_binding(binding)
            return
        spec = binding.get("spec") or {}
        fingerprint = json.dumps([spec.get("placement"), spec.get("replicas"),
                                  spec.get("replicaRequirements")], sort_keys=True)
        if self._scheduled.get(bkey) != fingerprint or not spec.get("clusters"):
            scheduled = self._schedule(binding, fingerprint)
            if scheduled is None:
                return
            binding = scheduled
        self._apply(binding)

    def _cluster_views(self) -> list[ClusterView]:
        return [ClusterView.from_cluster(c) for c in self.store.list(self.cluster_rt)]

    @staticmethod
    def _request(binding: dict[str, Any]) -> ScheduleRequest:
        spec = binding.get("spec") or {}
        resource = spec.get("resource") or {}
        return ScheduleRequest(
            api_version=resource.get("apiVersion", ""), kind=resource.get("kind", ""),
            placement=spec.get("placement") or {}, replicas=int(spec.get("replicas") or 0),
            requirements=spec.get("replicaRequirements"),
            previous=list(spec.get("clusters") or []))

    def _schedule(self, binding: dict[str, Any], fingerprint: str) -> dict[str, Any] | None:
        meta = binding["metadata"]
        bkey = (meta.get("namespace", ""), meta["name"])
        spec = binding.get("spec") or {}
        request = self._request(binding)
        now = now_rfc3339()
        previous = list((binding.get("status") or {}).get("conditions") or [])
        try:
            result = schedule(request, self._cluster_views())
        except SchedulingError as exc:
            self._unscheduled.add(bkey)
            condition = _condition("Scheduled", ("False", exc.reason, exc.message), previous, now)
            status = dict(binding.get("status") or {})
            status["conditions"] = _merge_conditions(previous, condition)
            status["schedulerObservedGeneration"] = meta.get("generation", 1)
            if status != binding.get("status"):
                self.store.patch(self.rb_rt, bkey[0], bkey[1], {"status": status},
                                 subresource="status")
            return None
        self._unscheduled.discard(bkey)
        self._scheduled[bkey] = fingerprint
        if result.clusters != spec.get("clusters"):
            binding = self.store.patch(self.rb_rt, bkey[0], bkey[1],
                                       {"spec": {"clusters": result.clusters}})
        status = dict(binding.get("status") or {})
        condition = _condition("Scheduled", ("True", "Success", SUCCESS_MESSAGE), previous, now)
        status["conditions"] = _merge_conditions(previous, condition)
        status["schedulerObservedGeneration"] = binding["metadata"].get("generation", 1)
        status.setdefault("lastScheduledTime", now)
        if result.affinity_name:
            status["schedulerObservingAffinityName"] = result.affinity_name
        if status != binding.get("status"):
            binding = self.store.patch(self.rb_rt, bkey[0], bkey[1], {"status": status},
                                       subresource="status")
        return binding

    def _retry_unscheduled(self) -> None:
        for namespace, name in list(self._unscheduled):
            binding = self.store.get(self.rb_rt, namespace, name)
            if binding is None:
                self._unscheduled.discard((namespace, name))
                continue
            self._scheduled.pop((namespace, name), None)
            self._on_binding(binding)

    def _apply(self, binding: dict[str, Any]) -> None:
        """Execution controller: put the (revised) copies on the target members."""
        meta = binding["metadata"]
        bkey = (meta.get("namespace", ""), meta["name"])
        template = self._template_of(binding)
        if template is None:
            return
        spec = binding.get("spec") or {}
        targets = list(spec.get("clusters") or [])
        fingerprint = (json.dumps(targets, sort_keys=True),
                       str(template["metadata"].get("generation")))
        if self._applied.get(bkey) == fingerprint:
            return
        previous = json.loads(self._applied[bkey][0]) if bkey in self._applied else []
        self._applied[bkey] = fingerprint
        scenario = self.scenarios.for_object(template)
        manifest = detector.member_manifest(template, binding)
        deps = self._dependencies(template) if spec.get("propagateDeps") else []
        wanted = {t["name"] for t in targets}
        for target in targets:
            member = self.members.get(target["name"])
            if member is None:
                continue
            copy_obj = manifest
            if "replicas" in target and spec.get("replicas"):
                copy_obj = self.interpreter.revise_replica(manifest, int(target["replicas"]))
            for dep in deps:
                member.apply(dep, scenario)
            member.apply(copy_obj, scenario)
        key = self._template_key(template)
        for old in previous:
            if old["name"] not in wanted and old["name"] in self.members:
                self.members[old["name"]].delete(key)
        self._dirty_status.add(bkey)

    def _dependencies(self, template: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            refs = self.interpreter.get_dependencies(template)
        except Exception:
            log.exception("GetDependencies failed")
            return []
        out = []
        for ref in refs:
            if ref.get("kind") not in DEPENDENCY_KINDS:
                continue
            try:
                rt = self.store.resource(ref.get("apiVersion", "v1"), ref["kind"])
            except KeyError:
                continue
            obj = self.store.get(rt, ref.get("namespace") or None, ref.get("name", ""))
            if obj is not None:
                out.append(detector.member_manifest(obj, {"metadata": {
                    "name": detector.binding_name(ref.get("name", ""), ref["kind"]),
                    "namespace": ref.get("namespace", ""), "labels": {}}}))
        return out

    def _cleanup_binding(self, binding: dict[str, Any]) -> None:
        meta = binding["metadata"]
        bkey = (meta.get("namespace", ""), meta["name"])
        resource = (binding.get("spec") or {}).get("resource") or {}
        key: ObjKey = (resource.get("apiVersion", ""), resource.get("kind", ""),
                       resource.get("namespace", ""), resource.get("name", ""))
        for target in (binding.get("spec") or {}).get("clusters") or []:
            member = self.members.get(target.get("name", ""))
            if member is not None:
                member.delete(key)
        self._scheduled.pop(bkey, None)
        self._applied.pop(bkey, None)
        self._unscheduled.discard(bkey)
        self._dirty_status.discard(bkey)
        finalizers = [f for f in meta.get("finalizers") or [] if f != detector.BINDING_FINALIZER]
        with contextlib.suppress(ApiError):
            self.store.patch(self.rb_rt, bkey[0], bkey[1],
                             {"metadata": {"finalizers": finalizers or None}})

    # -- status ---------------------------------------------------------------------------------
    def flush_statuses(self) -> None:
        """Reflect member statuses into bindings and aggregate them into templates."""
        dirty, self._dirty_status = self._dirty_status, set()
        for namespace, name in sorted(dirty):
            self._flush_one(namespace, name)

    async def flush_statuses_async(self) -> None:
        """``flush_statuses``, yielding to the loop between small batches."""
        dirty, self._dirty_status = self._dirty_status, set()
        for index, (namespace, name) in enumerate(sorted(dirty)):
            self._flush_one(namespace, name)
            if index % 10 == 9:
                await asyncio.sleep(0)

    def _flush_one(self, namespace: str, name: str) -> None:
        binding = self.store.get(self.rb_rt, namespace, name)
        if binding is None or binding["metadata"].get("deletionTimestamp"):
            return
        try:
            self._sync_status(binding)
        except Exception:
            log.exception("status sync failed for %s/%s", namespace, name)

    def _reachable(self, name: str) -> bool:
        member = self.members.get(name)
        return member is not None and member.reachable

    def _sync_status(self, binding: dict[str, Any]) -> None:
        meta = binding["metadata"]
        spec = binding.get("spec") or {}
        resource = spec.get("resource") or {}
        key: ObjKey = (resource.get("apiVersion", ""), resource.get("kind", ""),
                       resource.get("namespace", ""), resource.get("name", ""))
        old_status = binding.get("status") or {}
        old_items = {i.get("clusterName"): i for i in old_status.get("aggregatedStatus") or []}
        items: list[dict[str, Any]] = []
        for target in spec.get("clusters") or []:
            cluster = target.get("name", "")
            if not self._reachable(cluster):
                if cluster in old_items:
                    items.append(old_items[cluster])  # nothing flows from an unreachable member
                continue
            observed = self.members[cluster].get(key)
            if observed is None:
                items.append({"clusterName": cluster, "applied": False,
                              "appliedMessage": "the object is not present in the member",
                              "health": "Unknown"})
                continue
            item: dict[str, Any] = {"clusterName": cluster, "applied": True}
            reflected = self.interpreter.reflect_status(observed)
            if reflected is not None:
                item["status"] = reflected
            try:
                healthy = self.interpreter.interpret_health(observed)
                item["health"] = "Healthy" if healthy in (None, True) else "Unhealthy"
            except Exception:
                item["health"] = "Unknown"
            items.append(item)
        items.sort(key=lambda i: i["clusterName"])
        wanted = {t.get("name") for t in spec.get("clusters") or []}
        applied = bool(wanted) and all(i.get("applied") for i in items) and len(items) == len(
            wanted)
        previous = list(old_status.get("conditions") or [])
        condition = _condition("FullyApplied", FULLY_APPLIED if applied else NOT_FULLY_APPLIED,
                               previous, now_rfc3339())
        status = dict(old_status)
        status["aggregatedStatus"] = items
        status["conditions"] = _merge_conditions(previous, condition)
        if status != old_status:
            self.store.patch(self.rb_rt, meta.get("namespace"), meta["name"], {"status": status},
                             subresource="status")
        self._aggregate_into_template(binding, items)

    def _aggregate_into_template(self, binding: dict[str, Any], items: list[dict[str, Any]]
                                 ) -> None:
        template = self._template_of(binding)
        if template is None:
            return
        if not self.interpreter.hook_enabled(template["apiVersion"], template["kind"],
                                             "AggregateStatus"):
            return
        aggregated = self.interpreter.aggregate_status(template, items)
        new_status = aggregated.get("status")
        if new_status is None or new_status == template.get("status"):
            return
        if (template["apiVersion"], template["kind"]) == ("batch/v1", "Job"):
            rejection = job_status_rejected(template.get("status"), new_status)
            if rejection is not None:
                log.info("Job %s/%s status update refused: %s",
                         template["metadata"].get("namespace"), template["metadata"]["name"],
                         rejection)
                return
        rt = self.store.resource(template["apiVersion"], template["kind"])
        template["status"] = new_status
        with contextlib.suppress(ApiError):
            self.store.update(rt, template, subresource="status")

    # -- clusters -------------------------------------------------------------------------------
    def unreachable_grace(self) -> float:
        """How long a member stays silent before its Cluster goes NotReady (failure threshold)."""
        return max(3 * self.sync_seconds, 0.3)

    def sync_clusters(self, *, force: bool = False) -> None:
        """cluster-status-controller: Ready condition, apiEnablements, resource summary."""
        now = time.monotonic()
        changed = force or self._cluster_dirty
        for name, member in self.members.items():
            if not member.reachable:
                since = self._unreachable_since.setdefault(name, now)
                if now - since >= self.unreachable_grace():
                    changed = True
            else:
                if self._unreachable_since.pop(name, None) is not None:
                    changed = True
        if not changed:
            return
        self._cluster_dirty = False
        stamp = now_rfc3339()
        became_ready = False
        for name, member in self.members.items():
            current = self.store.get(self.cluster_rt, None, name)
            if current is None:
                continue
            unreachable = not member.reachable and (
                now - self._unreachable_since.get(name, now) >= self.unreachable_grace())
            spec = dict(current.get("spec") or {})
            wanted_spec = cluster_spec(member, unreachable=unreachable)
            if spec.get("taints") != wanted_spec.get("taints"):
                spec["taints"] = wanted_spec.get("taints")
                self.store.patch(self.cluster_rt, None, name,
                                 {"spec": {"taints": wanted_spec.get("taints")}})
                became_ready = became_ready or not wanted_spec.get("taints")
            status = cluster_status(member, unreachable=unreachable, since=stamp,
                                    previous=current.get("status"))
            if status != current.get("status"):
                self.store.patch(self.cluster_rt, None, name, {"status": status},
                                 subresource="status")
        if became_ready:
            self._retry_unscheduled()

    def mark_member_changed(self) -> None:
        """Control API hook: a member's readiness/reachability changed."""
        self._cluster_dirty = True
        self.sync_clusters(force=True)
        # statuses of its workloads flow again (or stop) from now on
        for member in self.members.values():
            for key in member.workloads:
                self._member_status_changed(member.name, key)

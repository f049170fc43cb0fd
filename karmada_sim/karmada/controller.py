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
import collections
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

from karmada_sim.errors import ApiError
from karmada_sim.karmada import detector
from karmada_sim.karmada.bindings import BindingSync
from karmada_sim.karmada.cluster_sync import ClusterSync
from karmada_sim.karmada.interpreter import ResourceInterpreter
from karmada_sim.karmada.scheduler import SchedulingError, schedule
from karmada_sim.karmada.status_sync import StatusSync, job_status_rejected
from karmada_sim.members.cluster import MemberCluster, ObjKey
from karmada_sim.members.scenario import ScenarioBook
from karmada_sim.runtime import Simulator
from karmada_sim.store import ResourceType, StoreEvent

__all__ = ["KarmadaController", "job_status_rejected"]

log = logging.getLogger(__name__)

_SYSTEM_GROUPS = {"work.karmada.io", "policy.karmada.io", "config.karmada.io",
                  "cluster.karmada.io", "coordination.k8s.io", "scheduling.k8s.io"}
_NOT_TEMPLATES = {("", "Event"), ("", "Namespace"), ("", "Pod")}


class KarmadaController(BindingSync, StatusSync, ClusterSync):
    """Controllers of the simulated Karmada control plane (parts in the mixin modules)."""

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
        self._aggregated_inputs: dict[tuple[str, str], tuple[str, list[dict[str, Any]]]] = {}
        #: Template status updates refused (as the API server would), by (namespace, name).
        self.refused_status_updates: collections.Counter[tuple[str, str]] = collections.Counter()
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

    async def run(self, sim: Simulator) -> None:
        """Consume the store's feed; flush statuses and cluster summaries on a timer."""
        queue = self.store.subscribe(old_objects=False)  # the controllers read new states only
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


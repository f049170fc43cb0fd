"""Work-status + resource-status controllers: member status -> binding -> template.

- ``aggregatedStatus[]`` items {clusterName, applied, health, status} sorted by cluster and the
  ``FullyApplied`` condition (pkg/util/helper/workstatus.go assembleWorkStatus /
  generateFullyAppliedCondition); kinds without a health hook count as Healthy
  (work_status_controller.go interpretHealth), a failing hook as Unknown;
- the template's ``.status`` from the interpreter's AggregateStatus (Lua or native), written
  only when it changes, and refused as the Kubernetes >= 1.31 apiserver refuses it for Jobs
  (karmada#7844).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from karmada_sim.errors import ApiError
from karmada_sim.karmada.state import (
    ControllerState,
    make_condition,
    merge_conditions,
    now_rfc3339,
)
from karmada_sim.members.cluster import ObjKey

log = logging.getLogger(__name__)

FULLY_APPLIED = ("True", "FullyAppliedSuccess", "All works have been successfully applied")
NOT_FULLY_APPLIED = ("False", "FullyAppliedFailed",
                     "Failed to apply all works, see status.aggregatedStatus for details")


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



#: Bindings whose last aggregation inputs are remembered (a bound on memory, not a cache size
#: that matters: an evicted binding is simply aggregated again).
_AGGREGATED_INPUTS_KEPT = 20_000


class StatusSync(ControllerState):
    """Status reflection into bindings and aggregation into templates."""

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
        # Read-only from here on: the sync builds new dicts and never changes what it read.
        binding = self.store.peek(self.rb_rt, namespace, name)
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
        condition = make_condition("FullyApplied", FULLY_APPLIED if applied else NOT_FULLY_APPLIED,
                               previous, now_rfc3339())
        status = dict(old_status)
        status["aggregatedStatus"] = items
        status["conditions"] = merge_conditions(previous, condition)
        if status != old_status:
            # `items` is read below too, never changed: the store may keep it.
            self.store.write_status(self.rb_rt, meta.get("namespace"), meta["name"], status)
        self._aggregate_into_template(binding, items)

    def _aggregate_into_template(self, binding: dict[str, Any], items: list[dict[str, Any]]
                                 ) -> None:
        template = self._template_of(binding, shared=True)  # aggregation hooks copy it
        if template is None:
            return
        if not self.interpreter.hook_enabled(template["apiVersion"], template["kind"],
                                             "AggregateStatus"):
            return
        # AggregateStatus is a function of the template and the items: with neither changed
        # since the last call, it gives the status already written (most member status
        # changes alter nothing the binding reflects). The template's resourceVersion moves
        # with any change to it, our own status write included.
        bkey = (binding["metadata"].get("namespace", ""), binding["metadata"]["name"])
        inputs = (str(template["metadata"].get("resourceVersion", "")), items)
        if self._aggregated_inputs.get(bkey) == inputs:
            return
        if len(self._aggregated_inputs) >= _AGGREGATED_INPUTS_KEPT:
            del self._aggregated_inputs[next(iter(self._aggregated_inputs))]  # the oldest
        self._aggregated_inputs.pop(bkey, None)
        self._aggregated_inputs[bkey] = inputs
        aggregated = self.interpreter.aggregate_status(template, items)
        new_status = aggregated.get("status")
        if new_status is None or new_status == template.get("status"):
            return
        if (template["apiVersion"], template["kind"]) == ("batch/v1", "Job"):
            rejection = job_status_rejected(template.get("status"), new_status)
            if rejection is not None:
                meta = template["metadata"]
                log.info("Job %s/%s status update refused: %s",
                         meta.get("namespace"), meta["name"], rejection)
                self.refused_status_updates[(meta.get("namespace", ""), meta["name"])] += 1
                return
        rt = self.store.resource(template["apiVersion"], template["kind"])
        meta = template["metadata"]
        with contextlib.suppress(ApiError):
            self.store.write_status(rt, meta.get("namespace"), meta["name"], new_status)

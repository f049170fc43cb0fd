"""Karmada's behaviour in the simulator: scheduling, status interpretation, member clusters.

``install(sim)`` wires it into a ``Simulator``: Cluster objects from ``sim.config.members``,
the controller (detector + scheduler + execution + status aggregation), the member cluster
proxy and the ``/_sim/scenarios`` and ``/_sim/clusters`` control routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from karmada_sim.runtime import Simulator


def install(sim: Simulator) -> None:
    """Add Karmada's controllers, members, proxy and control routes to ``sim``."""
    from karmada_sim.karmada.control_api import karmada_control_routes
    from karmada_sim.karmada.controller import KarmadaController
    from karmada_sim.karmada.interpreter import ResourceInterpreter, load_thirdparty
    from karmada_sim.members.cluster import MemberCluster
    from karmada_sim.members.lifecycle import Timing
    from karmada_sim.members.scenario import ScenarioBook
    from karmada_sim.proxy import MemberProxy

    timing = sim.config.timing
    members = {
        m.name: MemberCluster(
            m, Timing(timing.initializing_seconds, timing.running_seconds),
            timing.log_line_interval_seconds)
        for m in sim.config.members
    }
    book = ScenarioBook()
    if sim.reference_dir is not None:
        interpreter = ResourceInterpreter(load_thirdparty(sim.reference_dir))
    else:
        from karmada_sim import builtin  # the built-in model (karmada_sim/builtin/)

        interpreter = ResourceInterpreter(builtin=builtin.interpreter_rules())
    controller = KarmadaController(sim, members, book, interpreter)
    controller.create_clusters()
    sim.add_controller(controller)
    sim.proxy = MemberProxy(members, poll_seconds=min(timing.log_line_interval_seconds, 0.2))
    sim.control_routes.extend(karmada_control_routes(book, controller))
    sim.karmada = controller  # type: ignore[attr-defined]

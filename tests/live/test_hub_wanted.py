"""StatusHub.wanted: the pre-check that lets a replica skip reading job_events for
notifications nobody here follows (app.live.pg_bridge)."""

from __future__ import annotations

from app.live.hub import StatusHub


async def test_wanted_follows_job_and_namespace_subscriptions() -> None:
    hub = StatusHub()
    assert not hub.wanted("a", "default")
    by_job = hub.subscribe(job_ids=["a"])
    assert hub.wanted("a", "default") and not hub.wanted("b", "default")
    by_ns = hub.subscribe(namespaces=["team"])
    assert hub.wanted("b", "team") and not hub.wanted("b", "default")
    everything = hub.subscribe()
    assert hub.wanted("b", "default")
    for sub in (by_job, by_ns, everything):
        hub.unsubscribe(sub)
    assert not hub.wanted("a", "default")

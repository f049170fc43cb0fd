"""The short-lived cache of job creation's prerequisite reads (app.karmada.lookup_cache), and
the Karmada client's session settings."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx

from app.karmada import KarmadaClient
from app.karmada.lookup_cache import LookupCache
from app.karmada.resources import SECRETS
from tests.support.eventually import eventually
from tests.support.platform import Platform


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_found_answers_are_kept_for_ttl_missing_ones_never() -> None:
    clock = Clock()
    cache = LookupCache(5.0, clock=clock)
    reads: list[str] = []

    def reader(key: str, value: Any) -> Any:
        async def read() -> Any:
            reads.append(key)
            return value

        return read

    assert await cache.get("a", reader("a", {"found": 1})) == {"found": 1}
    assert await cache.get("a", reader("a", {"found": 2})) == {"found": 1}
    assert await cache.get("gone", reader("gone", None)) is None
    assert await cache.get("gone", reader("gone", {"now": "there"})) == {"now": "there"}
    clock.now = 5.0  # the bound: a found answer is at most ttl old
    assert await cache.get("a", reader("a", {"found": 3})) == {"found": 3}
    assert reads == ["a", "gone", "gone", "a"]
    cache.invalidate()
    assert await cache.get("a", reader("a", {"found": 4})) == {"found": 4}


async def test_concurrent_misses_share_one_read_and_its_error() -> None:
    cache = LookupCache(5.0)
    release = asyncio.Event()
    calls = 0

    async def read() -> dict[str, int]:
        nonlocal calls
        calls += 1
        await release.wait()
        raise ConnectionError("karmada away")

    waiters = [asyncio.create_task(cache.get("k", read)) for _ in range(5)]
    await eventually(lambda: calls == 1, what="the first read in flight")
    release.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert calls == 1
    assert all(isinstance(r, ConnectionError) for r in results)

    async def ok() -> dict[str, int]:
        return {"ok": 1}

    assert await cache.get("k", ok) == {"ok": 1}  # errors are not kept


async def test_zero_ttl_reads_every_time() -> None:
    cache = LookupCache(0)
    calls = 0

    async def read() -> int:
        nonlocal calls
        calls += 1
        return calls

    assert [await cache.get("k", read) for _ in range(3)] == [1, 2, 3]


async def test_session_ignores_proxy_env_unless_asked(sim_kubeconfig: Path) -> None:
    plain = await KarmadaClient.from_kubeconfig(sim_kubeconfig)
    proxied = await KarmadaClient.from_kubeconfig(sim_kubeconfig, trust_env=True)
    try:
        # The public read of the attribute from_kubeconfig sets (aiohttp has no setter).
        assert plain.trust_env is False
        assert proxied.trust_env is True
        assert (await plain.list_clusters()) and (await proxied.list_clusters())
    finally:
        await plain.close()
        await proxied.close()


def _body(name: str, secret: str) -> dict[str, Any]:
    return {
        "jobName": name,
        "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
        "resources": {"instanceResources": {"cpuCores": 1, "memoryGiB": 1, "gpuCount": 0},
                      "instanceCount": 1, "volumeSizeGB": 0},
        "namespace": "default",
        "storageSecretName": secret,
    }


async def test_new_secret_counts_at_once_deleted_one_is_refused_soon(
    platform: Platform, karmada: KarmadaClient
) -> None:
    secret = f"lookup-{uuid.uuid4().hex[:8]}"
    manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": secret, "namespace": "default"},
        "stringData": {"accessKey": "a", "secretKey": "b"},
    }
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as http:
        missing = await http.post("/api/v1/jobs", json=_body("lk-a", secret))
        assert missing.status_code == 400, missing.text
        assert missing.json()["details"].startswith("storageSecretName:")

        await karmada.create(SECRETS, "default", manifest)
        # A missing answer is never cached: the Secret counts on the very next create.
        created = await http.post("/api/v1/jobs", json=_body("lk-b", secret))
        assert created.status_code == 201, created.text
        again = await http.post("/api/v1/jobs", json=_body("lk-c", secret))
        assert again.status_code == 201, again.text

        await karmada.delete(SECRETS, "default", secret)

        async def refused() -> bool:
            answer = await http.post("/api/v1/jobs", json=_body("lk-d", secret))
            return answer.status_code == 400

        # Within KARMADA_LOOKUP_CACHE_SECONDS (bounded by the cache, not by this timeout).
        await eventually(refused, timeout=30, interval=0.2, what="the deleted Secret refused")

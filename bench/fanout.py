"""Benchmark: fan-out of one status change to many subscribers of one job.

Starts the product (``mlplatform serve``: SQLite + the embedded simulated Karmada) in a child
process, opens N ``jobStatus`` subscriptions of one job over graphql-transport-ws (100 per
websocket, Strawberry's default limit per connection), and measures:

* memory per subscription: the server's RSS growth divided by N;
* delivery time: from the ``deleteJob`` request that publishes the DELETING transition until
  the last of the N subscribers has it (p50/p99/max of the per-subscriber receipt times).

Baseline in the same run: a plain Starlette websocket server (child process) holding the same
number of websockets, broadcasting the same N messages (same size, same per-subscription ids)
when asked over HTTP; same client, same measurements.

A third run measures the product with ``GRAPHQL_SHARED_FANOUT=false`` (Strawberry renders the
update once per subscriber), to show what the shared fan-out saves (skip: ``--shared-only``).

Usage: .venv/bin/python bench/fanout.py [--subscribers 10000] [--per-connection 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import websockets
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.throwaway_postgres import find_free_port  # noqa: E402

QUERY = (
    "subscription($id: ID!) { jobStatus(id: $id) "
    "{ jobId phase reason message sequence at deleted } }"
)
# Too big for the embedded members: it stays PENDING, so only the delete changes it.
BODY = {
    "jobName": "fanout",
    "algorithm": {"source": "builtin", "algorithmName": "xgboost"},
    "resources": {"instanceResources": {"cpuCores": 96, "memoryGiB": 768}, "instanceCount": 128},
}


# -- the plain baseline server ------------------------------------------------------------


def plain_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    sockets: dict[WebSocket, list[str]] = {}

    async def ws_endpoint(ws: WebSocket) -> None:
        await ws.accept(subprotocol="graphql-transport-ws")
        ids: list[str] = []
        sockets[ws] = ids
        try:
            while True:
                message = json.loads(await ws.receive_text())
                if message["type"] == "connection_init":
                    await ws.send_text(json.dumps({"type": "connection_ack"}))
                elif message["type"] == "subscribe":
                    ids.append(message["id"])
                    await ws.send_text(
                        json.dumps(
                            {
                                "id": message["id"],
                                "type": "next",
                                "payload": {"data": {"jobStatus": FIRST}},
                            }
                        )
                    )
        except WebSocketDisconnect:
            sockets.pop(ws, None)

    async def broadcast(request: Request) -> JSONResponse:
        payload = await request.json()
        for ws, ids in list(sockets.items()):
            for sub_id in ids:
                await ws.send_text(json.dumps({"id": sub_id, "type": "next", "payload": payload}))
        return JSONResponse({"sent": sum(len(i) for i in sockets.values())})

    return Starlette(
        routes=[
            WebSocketRoute("/graphql", ws_endpoint),
            Route("/broadcast", broadcast, methods=["POST"]),
        ]
    )


FIRST = {
    "jobId": "plain",
    "phase": "PENDING",
    "reason": "SCHEDULING",
    "message": "",
    "sequence": 2,
    "at": "2026-11-28T00:00:00.000000Z",
    "deleted": False,
}


def run_plain_server(port: int) -> None:
    import uvicorn

    uvicorn.run(
        plain_app(), host="127.0.0.1", port=port, log_level="warning", ws_ping_interval=None
    )


# -- clients --------------------------------------------------------------------------------


class Connection:
    """One websocket carrying many subscriptions; records when each gets a DELETING state."""

    def __init__(self, url: str, ids: list[str], job_id: str) -> None:
        self.url, self.ids, self.job_id = url, ids, job_id
        self.first = asyncio.Event()
        self.firsted: set[str] = set()
        self.received: dict[str, float] = {}
        self.ws: Any = None

    async def open(self) -> None:
        await self.open_with(lambda _sub_id: self.job_id)

    async def open_with(self, job_for: Any) -> None:
        """Connect, init, and subscribe each id to the job ``job_for(id)`` names."""
        self.ws = await websockets.connect(
            self.url,
            subprotocols=[Subprotocol("graphql-transport-ws")],
            max_queue=None,
            open_timeout=120,
            ping_interval=None,
        )
        await self.ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        while json.loads(await self.ws.recv())["type"] != "connection_ack":
            pass
        for sub_id in self.ids:
            await self.ws.send(
                json.dumps(
                    {
                        "id": sub_id,
                        "type": "subscribe",
                        "payload": {"query": QUERY, "variables": {"id": job_for(sub_id)}},
                    }
                )
            )

    async def read(self) -> None:
        async for raw in self.ws:
            message = json.loads(raw)
            if message.get("type") != "next":
                continue
            state = message["payload"]["data"]["jobStatus"]
            if state["phase"] == "DELETING" or state.get("deleted"):
                self.received.setdefault(message["id"], time.perf_counter())
                if len(self.received) == len(self.ids):
                    return
            else:
                self.firsted.add(message["id"])
                if len(self.firsted) == len(self.ids):
                    self.first.set()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def run_side(
    name: str, base: str, pid: int, job_id: str, total: int, per: int, trigger: Any
) -> dict[str, float]:
    ws_url = "ws" + base.removeprefix("http") + "/graphql"
    before = rss_kib(pid)
    conns = [
        Connection(ws_url, [str(i) for i in range(n, min(n + per, total))], job_id)
        for n in range(0, total, per)
    ]
    started = time.monotonic()
    gate = asyncio.Semaphore(20)

    async def open_one(c: Connection) -> None:
        async with gate:
            await c.open()

    await asyncio.gather(*(open_one(c) for c in conns))
    readers = [asyncio.create_task(c.read()) for c in conns]
    await asyncio.wait_for(asyncio.gather(*(c.first.wait() for c in conns)), timeout=3600)
    opened = time.monotonic() - started
    await asyncio.sleep(2)  # let the server settle before reading its memory
    after = rss_kib(pid)
    t0 = time.perf_counter()
    await trigger()
    await asyncio.wait_for(asyncio.gather(*readers), timeout=600)
    times = sorted((t - t0) * 1000 for c in conns for t in c.received.values())
    for c in conns:
        await c.ws.close()
    # Spread = first receipt -> last receipt: the fan-out itself, without the trigger's own
    # work (the product's deleteJob stops the workload and commits before publishing).
    return {
        "name": name,
        "open_s": opened,
        "kib_per_sub": (after - before) / total,
        "first": times[0],
        "p50": statistics.median(times),
        "p99": times[int(0.99 * (len(times) - 1))],
        "max": times[-1],
        "spread": times[-1] - times[0],
    }


async def product_side(total: int, per: int, tmp: Path, shared: bool) -> dict[str, float]:
    port = find_free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp}/fanout-{'shared' if shared else 'own'}.db",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "GRAPHQL_MAX_SUBSCRIPTIONS_PER_CONNECTION": str(per),
        "SUBSCRIBER_QUEUE_SIZE": "64",
        "GRAPHQL_SHARED_FANOUT": "true" if shared else "false",
    }
    proc = subprocess.Popen(  # noqa: ASYNC220  (a child server, started once)
        [sys.executable, "-m", "app.server.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            await wait_up(http, "/health")
            answer = await http.post("/api/v1/jobs", json=BODY)
            assert answer.status_code == 201, answer.text
            job = answer.json()["id"]

            async def trigger() -> None:
                answer = await http.delete(f"/api/v1/jobs/{job}")
                assert answer.status_code == 200, answer.text

            name = (
                "product, shared fan-out (default)"
                if shared
                else "product, GRAPHQL_SHARED_FANOUT=false (one render per subscriber)"
            )
            return await run_side(name, base, proc.pid, job, total, per, trigger)
    finally:
        proc.terminate()
        proc.wait(30)


async def plain_side(total: int, per: int) -> dict[str, float]:
    port = find_free_port()
    proc = subprocess.Popen(  # noqa: ASYNC220  (a child server, started once)
        [sys.executable, __file__, "--plain-server", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=600) as http:
            await wait_up(http, "/graphql", ok=(404, 403, 400, 405))
            deleting = {**FIRST, "phase": "DELETING", "reason": "Deleting", "sequence": 3}

            async def trigger() -> None:
                await http.post("/broadcast", json={"data": {"jobStatus": deleting}})

            return await run_side(
                "baseline (plain Starlette broadcast)", base, proc.pid, "plain", total, per, trigger
            )
    finally:
        proc.terminate()
        proc.wait(30)


async def wait_up(http: httpx.AsyncClient, path: str, ok: tuple[int, ...] = (200,)) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if (await http.get(path)).status_code in (200, *ok):
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"server at {http.base_url} did not start")
        await asyncio.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--per-connection", type=int, default=100)
    parser.add_argument(
        "--shared-only", action="store_true", help="skip the run with the sharing turned off"
    )
    parser.add_argument("--plain-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain_server:
        run_plain_server(args.plain_server)
        return
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            asyncio.run(plain_side(args.subscribers, args.per_connection)),
            asyncio.run(product_side(args.subscribers, args.per_connection, Path(tmp), True)),
        ]
        if not args.shared_only:
            rows.append(
                asyncio.run(product_side(args.subscribers, args.per_connection, Path(tmp), False))
            )
    print(
        f"Fan-out of one change to {args.subscribers} subscribers of one job "
        f"({args.per_connection} per websocket)"
    )
    print(
        "| server | open all (s) | memory per subscription (KiB) | trigger -> first ms | "
        "p50 ms | p99 ms | last ms | fan-out spread (first -> last) ms |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['name']} | {r['open_s']:.1f} | {r['kib_per_sub']:.1f} | {r['first']:.0f} | "
            f"{r['p50']:.0f} | {r['p99']:.0f} | {r['max']:.0f} | {r['spread']:.0f} |"
        )
    ratio = rows[1]["spread"] / max(rows[0]["spread"], 0.001)
    print(f"\nshared fan-out / baseline, fan-out spread: {ratio:.2f}x (target <= 2x)")


if __name__ == "__main__":
    main()

"""The simulator process: state (`Simulator`) and an embedded server in a thread.

`Simulator` holds the configuration, the object store, controllers (long-running tasks added by
SIM-KARMADA's `install()`), the fault injector, request counters, open watches, the cluster
proxy handler and extra control routes. `EmbeddedSimulator` runs it with uvicorn on its own
event loop in a daemon thread, so synchronous code (tests, the product's CLI) can start and
stop it; `call()` runs a function on that loop.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import inspect
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import uvicorn
import yaml
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from karmada_sim.config import SimulatorConfig
from karmada_sim.faults import FaultInjector, RequestCounters
from karmada_sim.reference import ReferenceSource, resolve_source
from karmada_sim.resource_types import ResourceType, load_resource_types
from karmada_sim.store import ObjectStore
from karmada_sim.watch import WatchRegistry

if TYPE_CHECKING:
    from karmada_sim.tls import TLSFiles

T = TypeVar("T")

# Namespaces of a fresh Karmada control plane, plus config.namespaces.
SYSTEM_NAMESPACES = ("default", "kube-system", "karmada-system")
# Demo credentials for the default storage Secret: the README's quick start works as is.
DEMO_ACCESS_KEY = "sim-access-key"
DEMO_SECRET_KEY = "sim-secret-key"


class Controller(Protocol):
    """A long-running task over the simulator; cancelled when the simulator stops."""

    async def run(self, sim: Simulator) -> None: ...


class ProxyHandler(Protocol):
    """Answers `/apis/cluster.karmada.io/v1alpha1/clusters/{cluster}/proxy/{path}`."""

    async def __call__(self, request: Request, cluster: str, path: str) -> Response: ...


class Simulator:
    """Everything the simulated Karmada API server serves and runs."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        # Never fails: a reference directory when one is found, else the built-in model.
        self.reference: ReferenceSource = resolve_source(self.config.reference_dir)
        # None when the built-in model is in use.
        self.reference_dir: Path | None = self.reference.path
        self.store = ObjectStore(
            resource_types_of(self.reference), history=self.config.watch_history
        )
        self.proxy: ProxyHandler | None = None
        self.controllers: list[Controller] = []
        self.control_routes: list[BaseRoute] = []
        self.faults = FaultInjector()
        self.requests = RequestCounters()
        self.watches = WatchRegistry()
        self._tasks: list[asyncio.Task[None]] = []
        self._running = False
        bootstrap(self)

    def add_controller(self, controller: Controller) -> None:
        """Register a controller; started now if the simulator already runs (on its loop)."""
        self.controllers.append(controller)
        if self._running:
            self._tasks.append(asyncio.get_running_loop().create_task(controller.run(self)))

    async def start_controllers(self) -> None:
        """Start every registered controller as a task on the running loop."""
        self._running = True
        loop = asyncio.get_running_loop()
        for controller in self.controllers:
            self._tasks.append(loop.create_task(controller.run(self)))

    async def stop_controllers(self) -> None:
        """Cancel controller tasks and wait for them."""
        self._running = False
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()


def resource_types_of(source: ReferenceSource) -> list[ResourceType]:
    """The served resource types: from the reference directory, or the built-in model."""
    if source.path is not None:
        return load_resource_types(source.path)
    from karmada_sim import builtin  # the built-in model (karmada_sim/builtin/)

    return list(builtin.resource_types())


def bootstrap(sim: Simulator) -> None:
    """Create the namespaces and the default storage Secret of a fresh control plane."""
    store = sim.store
    namespaces = store.resource("v1", "Namespace")
    for name in dict.fromkeys((*SYSTEM_NAMESPACES, *sim.config.namespaces)):
        if store.get(namespaces, None, name) is None:
            store.create(namespaces, {"metadata": {"name": name}})
    secrets = store.resource("v1", "Secret")
    if store.get(secrets, "default", sim.config.storage_secret_name) is None:
        store.create(
            secrets,
            {
                "metadata": {"name": sim.config.storage_secret_name, "namespace": "default"},
                "type": "Opaque",
                "data": {
                    "accessKey": base64.b64encode(DEMO_ACCESS_KEY.encode()).decode(),
                    "secretKey": base64.b64encode(DEMO_SECRET_KEY.encode()).decode(),
                },
            },
        )


def install_karmada(sim: Simulator) -> None:
    """Add SIM-KARMADA's controllers, members, proxy and control routes to `sim`."""
    # Imported here: the karmada package imports this module for its types.
    from karmada_sim.karmada import install

    install(sim)


class EmbeddedSimulator:
    """The simulator served by uvicorn on a private event loop in a daemon thread."""

    def __init__(
        self,
        config: SimulatorConfig | None = None,
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        install: bool = True,
        tls_dir: str | Path | None = None,
    ) -> None:
        self._config = config or SimulatorConfig()
        self._host = host
        # HTTPS with a CA kept in tls_dir (karmada_sim/tls.py); None: plain http.
        self._tls_dir = Path(tls_dir) if tls_dir is not None else None
        self._tls: TLSFiles | None = None
        self._port = port
        self._install = install
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: uvicorn.Server | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._simulator: Simulator | None = None
        self.port = 0

    @property
    def simulator(self) -> Simulator:
        if self._simulator is None:
            raise RuntimeError("EmbeddedSimulator is not started")
        return self._simulator

    @property
    def url(self) -> str:
        scheme = "https" if self._tls_dir is not None else "http"
        # A wildcard bind is reached through loopback; IPv6 literals need brackets.
        host = "127.0.0.1" if self._host in ("0.0.0.0", "", "::") else self._host
        if ":" in host:
            host = f"[{host}]"
        return f"{scheme}://{host}:{self.port}"

    @property
    def ca_pem(self) -> bytes | None:
        """The PEM of the CA that signed the server certificate (None over plain http)."""
        return self._tls.ca_pem if self._tls is not None else None

    def start(self, timeout: float = 60.0) -> None:
        """Start serving; returns once the port is bound (raises if startup failed)."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self._thread = threading.Thread(target=self._thread_main, name="karmada-sim", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("simulator did not start in time")
        if self._error is not None:
            raise RuntimeError("simulator failed to start") from self._error

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:  # surfaced to start() or logged by the caller
            self._error = exc
        finally:
            self._ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _serve(self) -> None:
        from karmada_sim.http_app import build_app  # late: http_app imports runtime types

        sim = Simulator(self._config)
        self._simulator = sim
        if self._install:
            install_karmada(sim)
        app = build_app(sim)
        tls: dict[str, Any] = {}
        if self._tls_dir is not None:
            from karmada_sim.tls import issue  # needs `cryptography` (the [simulator] extra)

            self._tls = issue(self._tls_dir, self._host)
            tls = {"ssl_certfile": str(self._tls.certfile), "ssl_keyfile": str(self._tls.keyfile)}
        server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=self._host,
                port=self._port,
                log_level="warning",
                access_log=False,
                lifespan="off",
                timeout_graceful_shutdown=2,
                **tls,
            )
        )
        self._server = server
        await sim.start_controllers()
        serving = asyncio.create_task(server.serve())
        deadline = time.monotonic() + 30
        while not server.started:
            if serving.done() or time.monotonic() > deadline:
                await serving
                raise RuntimeError("uvicorn did not start")
            await asyncio.sleep(0.01)
        self.port = server.servers[0].sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await serving
        finally:
            sim.watches.close_all()
            await sim.stop_controllers()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and join the thread."""
        if self._thread is None:
            return
        if self._loop is not None and self._server is not None and self._loop.is_running():

            def _shutdown() -> None:
                assert self._server is not None
                self.simulator.watches.close_all()
                self._server.should_exit = True

            self._loop.call_soon_threadsafe(_shutdown)
        self._thread.join(timeout)
        self._thread = None

    def call(self, fn: Callable[[Simulator], T | Awaitable[T]], timeout: float = 30.0) -> T:
        """Run `fn(simulator)` on the simulator's loop (awaiting it if it is a coroutine)."""
        if self._loop is None:
            raise RuntimeError("EmbeddedSimulator is not started")

        async def _run() -> T:
            result = fn(self.simulator)
            if inspect.isawaitable(result):
                return await result
            return result

        return asyncio.run_coroutine_threadsafe(_run(), self._loop).result(timeout)

    def write_kubeconfig(self, path: str | Path) -> Path:
        """A kubeconfig for this server: context `karmada-sim`, bearer token from config."""
        target = Path(path)
        user: dict[str, Any] = {}
        if self._config.token:
            user["token"] = self._config.token
        cluster: dict[str, Any] = {"server": self.url}
        if self.ca_pem is not None:
            cluster["certificate-authority-data"] = base64.b64encode(self.ca_pem).decode()
        kubeconfig = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "karmada-sim", "cluster": cluster}],
            "users": [{"name": "karmada-sim", "user": user}],
            "contexts": [
                {
                    "name": "karmada-sim",
                    "context": {"cluster": "karmada-sim", "user": "karmada-sim"},
                }
            ],
            "current-context": "karmada-sim",
            "preferences": {},
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: a reader polling for the file never sees half of it.
        partial = target.with_name(f".{target.name}.tmp")
        partial.write_text(yaml.safe_dump(kubeconfig, sort_keys=False), encoding="utf-8")
        partial.replace(target)
        return target

    def __enter__(self) -> EmbeddedSimulator:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

"""Reading a job's pod logs from its member cluster(s) through the Karmada cluster proxy.

Pods are found by the job-id and attempt labels that every pod template carries (operators copy
only pod-template labels onto pods, docs/reliability.md), on each cluster Karmada placed the
job's current attempt on (an earlier attempt: on the cluster it ran on).
Reads are bounded (``tailLines``); follow streams merge every pod's stream and pick up
pods that appear later. An unreachable member is an error (``MemberUnreachable``), never
a hang: the proxy answers 503 at once, and every read has the client's timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

from app.db.models import TrainingJob
from app.karmada import KarmadaClient, KarmadaError, NotFound
from app.karmada.paths import api_path, label_selector, pod_log_path
from app.workloads import ATTEMPT_LABEL, INSTANCE_LABEL, JOB_ID_LABEL, job_id_label_value

#: (connect, socket read) seconds for follow streams: a quiet pod may write nothing for a
#: while; a stream cut by the read timeout is resumed from its last line.
FOLLOW_TIMEOUT = aiohttp.ClientTimeout(connect=10.0, sock_connect=10.0, sock_read=120.0)


class MemberUnreachable(Exception):
    """A member cluster holding the job's pods did not answer through the proxy."""

    def __init__(self, cluster: str) -> None:
        super().__init__(f"member cluster {cluster!r} is unreachable")
        self.cluster = cluster


@dataclass(frozen=True)
class PodRef:
    cluster: str
    namespace: str
    name: str
    containers: tuple[str, ...]


@dataclass(frozen=True)
class PodLog:
    """The log text of one container of one pod."""

    cluster: str
    pod: str
    container: str
    text: str
    line_count: int
    truncated: bool


@dataclass(frozen=True)
class LogLine:
    """One line of a followed pod log (without its newline)."""

    cluster: str
    pod: str
    container: str
    text: str


def pod_selector(job_id: str, instance_id: str, attempt: int | None = None) -> str:
    """Label selector of a job's pods (its id plus our installation id; with ``attempt``,
    only that attempt's pods), validated."""
    pairs = [(JOB_ID_LABEL, job_id_label_value(job_id)), (INSTANCE_LABEL, instance_id)]
    if attempt is not None:
        pairs.append((ATTEMPT_LABEL, str(attempt)))
    return label_selector(pairs)


def pods_path(namespace: str) -> str:
    return api_path("", "v1", "pods", namespace)


def log_path(namespace: str, pod: str) -> str:
    return pod_log_path(namespace, pod)


def pod_refs(cluster: str, pod_list: Mapping[str, Any]) -> list[PodRef]:
    """PodRefs from a v1 PodList, sorted by name (pure)."""
    refs = []
    items = pod_list.get("items")
    for pod in items if isinstance(items, list) else []:
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        containers = tuple(
            str(c.get("name")) for c in spec.get("containers") or [] if c.get("name")
        )
        refs.append(
            PodRef(cluster, str(meta.get("namespace", "")), str(meta.get("name", "")), containers)
        )
    return sorted(refs, key=lambda r: (r.cluster, r.name))


def _unlabelled(pod: Mapping[str, Any]) -> bool:
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return ATTEMPT_LABEL not in labels


def bounded_lines(text: str, limit: int) -> tuple[list[str], bool]:
    """The newest ``limit`` lines of ``text`` and whether older ones were dropped (pure)."""
    lines = text.splitlines()
    if len(lines) > limit:
        return lines[len(lines) - limit :], True
    return lines, False


def render_logs(logs: Sequence[PodLog]) -> str:
    """One text for the REST ``message``: a header per pod when there are several."""
    if len(logs) == 1:
        return logs[0].text
    parts = []
    for log in logs:
        name = f"{log.pod}/{log.container}" if log.container else log.pod
        parts.append(f"==> {log.cluster}/{name} <==\n{log.text}")
    return "".join(p if p.endswith("\n") else p + "\n" for p in parts)


class PodLogReader:
    """Reads a job's pod logs from its member clusters (no database access)."""

    def __init__(self, karmada: KarmadaClient, instance_id: str) -> None:
        self.karmada = karmada
        self.instance_id = instance_id

    async def find_pods(
        self,
        job: TrainingJob,
        pod: str | None = None,
        *,
        attempt: int | None = None,
        clusters: Sequence[str] | None = None,
    ) -> list[PodRef]:
        """The pods of one attempt of the job (default: its current one, on every cluster
        it is placed on; else on ``clusters``), optionally one pod by name."""
        refs: list[PodRef] = []
        number = job.attempt if attempt is None else attempt
        selector = pod_selector(job.id, self.instance_id, number)
        where = job.placement if clusters is None else clusters
        for cluster in sorted(set(where or [])):
            answer = await self._list_pods(cluster, job.namespace, selector)
            if number == 1 and not answer.get("items"):
                # Pods made before pod templates carried the attempt label (a job submitted
                # before the upgrade) are attempt 1's: the job's pods without the label.
                legacy = await self._list_pods(
                    cluster, job.namespace, pod_selector(job.id, self.instance_id)
                )
                answer = {"items": [p for p in legacy.get("items") or [] if _unlabelled(p)]}
            refs.extend(r for r in pod_refs(cluster, answer) if pod is None or r.name == pod)
        return refs

    async def _list_pods(self, cluster: str, namespace: str, selector: str) -> dict[str, Any]:
        try:
            return await self.karmada.proxy_get(
                cluster, pods_path(namespace), query={"labelSelector": selector}
            )
        except NotFound:
            return {}  # the cluster (or namespace on it) is gone: nothing live there
        except KarmadaError as exc:
            raise MemberUnreachable(cluster) from exc

    async def read(
        self,
        pods: Sequence[PodRef],
        *,
        tail_lines: int,
        since_seconds: int | None = None,
    ) -> list[PodLog]:
        """The newest ``tail_lines`` lines of every container of ``pods``."""
        logs: list[PodLog] = []
        for ref in pods:
            containers: Sequence[str | None] = ref.containers if len(ref.containers) > 1 else [None]
            for container in containers:
                query: dict[str, str | int] = {"tailLines": tail_lines + 1}
                if since_seconds is not None:
                    query["sinceSeconds"] = since_seconds
                if container:
                    query["container"] = container
                try:
                    text = await self.karmada.proxy_get_text(
                        ref.cluster, log_path(ref.namespace, ref.name), query=query
                    )
                except NotFound:
                    continue  # torn down between listing and reading
                except KarmadaError as exc:
                    raise MemberUnreachable(ref.cluster) from exc
                # One line more than asked tells whether older lines exist.
                lines, truncated = bounded_lines(text, tail_lines)
                body = "".join(f"{line}\n" for line in lines)
                logs.append(
                    PodLog(ref.cluster, ref.name, container or "", body, len(lines), truncated)
                )
        return logs

    async def follow(
        self,
        job: TrainingJob,
        *,
        pod: str | None = None,
        tail_lines: int = 100,
        rediscover_seconds: float = 2.0,
    ) -> AsyncIterator[LogLine]:
        """Every line of every pod as it is written, until the caller stops iterating.

        Pods that appear later (the job was still pending) are picked up every
        ``rediscover_seconds``. Streams that the server ends (its own timeouts) are resumed
        from the last line's timestamp. A member that stops answering raises
        MemberUnreachable.
        """
        queue: asyncio.Queue[LogLine | BaseException] = asyncio.Queue(1000)
        tasks: dict[tuple[str, str, str], asyncio.Task[None]] = {}
        try:
            while True:
                # The job may be placed only now (it was pending when the stream began), or
                # recovered since: a new attempt's pods are followed once they appear.
                await job.refresh_from_db(fields=["placement", "attempt"])
                for ref in await self.find_pods(job, pod):
                    containers: Sequence[str] = (
                        ref.containers if len(ref.containers) > 1 else [""]
                    )
                    for container in containers:
                        key = (ref.cluster, ref.name, container)
                        if key not in tasks:
                            tasks[key] = asyncio.create_task(
                                self._pump(ref, container, tail_lines, queue)
                            )
                deadline = asyncio.get_running_loop().time() + rediscover_seconds
                while (left := deadline - asyncio.get_running_loop().time()) > 0:
                    try:
                        item = await asyncio.wait_for(queue.get(), timeout=left)
                    except TimeoutError:
                        break
                    if isinstance(item, BaseException):
                        raise item
                    yield item
        finally:
            for task in tasks.values():
                task.cancel()
            for task in tasks.values():
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def _pump(
        self,
        ref: PodRef,
        container: str,
        tail_lines: int,
        queue: asyncio.Queue[LogLine | BaseException],
    ) -> None:
        """Stream one container's log into ``queue``; resume after server-side ends."""
        last_stamp: datetime | None = None
        seen_at_stamp: set[str] = set()
        failures = 0
        while True:
            query: dict[str, str | int] = {"follow": "true", "timestamps": "true"}
            if container:
                query["container"] = container
            if last_stamp is None:
                query["tailLines"] = tail_lines
            else:
                elapsed = time.time() - last_stamp.timestamp()
                query["sinceSeconds"] = max(1, math.ceil(elapsed) + 1)
            path = self.karmada.proxy_path(ref.cluster, log_path(ref.namespace, ref.name))
            try:
                async for raw in self.karmada.stream_lines(
                    path, query=query, timeout=FOLLOW_TIMEOUT
                ):
                    failures = 0
                    stamp, text = split_timestamp(raw.decode("utf-8", errors="replace"))
                    if _already_sent(stamp, text, last_stamp, seen_at_stamp):
                        continue  # delivered before the stream was resumed
                    if stamp is not None:
                        if stamp != last_stamp:
                            seen_at_stamp = set()
                        last_stamp = stamp
                        seen_at_stamp.add(text)
                    await queue.put(LogLine(ref.cluster, ref.name, container, text))
                return  # the server ended the stream: the container terminated
            except NotFound:
                return  # the pod is gone
            except KarmadaError:
                # A long stream cut by a client/server timeout is resumed from the last
                # line; a member that fails twice in a row without a line is unreachable.
                failures += 1
                if failures >= 2:
                    await queue.put(MemberUnreachable(ref.cluster))
                    return


def _already_sent(
    stamp: datetime | None, text: str, last: datetime | None, seen_at_last: set[str]
) -> bool:
    if stamp is None or last is None:
        return False
    return stamp < last or (stamp == last and text in seen_at_last)


def split_timestamp(line: str) -> tuple[datetime | None, str]:
    """``2025-01-01T00:00:00.123456789Z text`` -> (time, text) (pure; nanoseconds cut)."""
    line = line.rstrip("\n").rstrip("\r")
    head, sep, rest = line.partition(" ")
    if not sep or not head.endswith("Z") or "T" not in head:
        return None, line
    stamp = head[:-1]
    if "." in stamp:
        whole, frac = stamp.split(".", 1)
        stamp = f"{whole}.{frac[:6]}"
    try:
        return datetime.fromisoformat(stamp + "+00:00"), rest
    except ValueError:
        return None, line

"""The bound on a job's workload manifest, checked before anything is stored (pure).

etcd refuses objects over 1.5 MiB (``--max-request-bytes``), and every watch event and LIST
page carries the whole object: one 828 KB RayJob once broke the status watch of every job.
The request is refused with the field that contributes most, so the client knows what to cut.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app.jobspec.errors import RequestInvalid


def json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def check_manifest_size(
    manifest: Mapping[str, Any], request: Mapping[str, Any], max_bytes: int
) -> None:
    """RequestInvalid when ``manifest`` is over ``max_bytes``, naming the largest request key."""
    size = json_size(manifest)
    if size <= max_bytes:
        return
    largest = max(request, key=lambda key: json_size(request[key]), default="request")
    raise RequestInvalid(
        largest, f"makes the {manifest.get('kind', 'workload')} manifest {size} bytes; "
        f"at most {max_bytes} are allowed"
    )

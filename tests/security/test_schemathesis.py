"""schemathesis, the real CLI, against the committed OpenAPI document and a real server on
PostgreSQL (AUTH_MODE=token): every phase (examples, coverage, fuzzing, stateful through the
document's links from POST /api/v1/jobs) and every check but two, both about deletion:

- ``use_after_free`` (ST301). Deletion is ordered (app/operations/stopping.py): the workload
  and its policy go first and the row last, so a crash orphans nothing; until then GET
  answers 200 with phase ``Deleting``, which DELETE's 200 ("deleted, or deletion under way")
  documents.
- ``ensure_resource_availability`` (ST302). A POST that repeats an earlier Idempotency-Key
  answers the job that key created (resolvers/jobs.py), also while that job is being
  deleted; the generator repeats short keys across scenarios, so a linked GET can then find
  the job already gone. Whether a fresh job is readable after POST is asserted in
  tests/server/test_rest_contract.py and by the stateful links themselves (status checks).

Per-operation exceptions are in schemathesis.toml next to this file.

Deterministic (a fixed seed, no example database); ``SECURITY_FUZZ_SCALE`` scales the examples
per operation as in test_property.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.security.support import SecurePlatform

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCALE = max(1, int(os.environ.get("SECURITY_FUZZ_SCALE", "4")))


def test_the_rest_api_passes_every_schemathesis_check(
    token_platform: SecurePlatform, tmp_path: Path
) -> None:
    admin = token_platform.token("schemathesis", "admin", ["*"])
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG),
        "--no-color", "run", f"{token_platform.platform.base_url}/api/v1/openapi.json",
        "--checks", "all", "--exclude-checks", "use_after_free,ensure_resource_availability",
        "--max-examples", str(25 * SCALE), "--seed", "1", "--generation-database", "none",
        "--workers", "1", "-H", f"Authorization: Bearer {admin}",
    ]
    # cwd: schemathesis keeps a cache (.schemathesis/) in its working directory.
    run = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False,
                         cwd=tmp_path)
    report = run.stdout[-20_000:] + run.stderr[-5_000:]
    assert run.returncode == 0, report
    # The stateful phase must have walked every link, or it proved nothing about them.
    assert "5 covered / 5 selected / 5 total" in run.stdout, report
    assert "Stateful" in run.stdout and "failed" not in run.stdout.split("SUMMARY")[-1], report

"""Write karmada_sim/reference_manifest.json from a k8s-reference directory (maintainers only).

Every file the simulator reads is pinned to an upstream commit (from the directory's README
file tables) with the sha256 of the copy in that directory. The Cluster JSON Schema has no
upstream file: it is derived from Karmada's swagger.json by `reference_fetch.derive_cluster_schema`,
and the sha256 recorded is the one of that derivation.

    python scripts/make_reference_manifest.py /work/shared/k8s-reference
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from karmada_sim.reference_fetch import (  # noqa: E402
    CLUSTER_SCHEMA,
    SWAGGER,
    derive_cluster_schema,
)
from karmada_sim.resource_types import CRD_FILES  # noqa: E402

MANIFEST_VERSION = "2026-08-21.1"
OPENAPI_DOCS = (
    "api__v1_openapi.json",
    "apis__batch__v1_openapi.json",
    "apis__coordination.k8s.io__v1_openapi.json",
    "apis__scheduling.k8s.io__v1_openapi.json",
)
KUBECTL_VALIDATE = "a97ccfaca20b164819afdae780392496f6ed6bbd"
_ROW = re.compile(r"^\| `([^`]+)` \| [^|]+ \| ([\w.-]+/[\w.-]+) \| `([^`]+)` \| `([0-9a-f]{40})`")


def _openapi_source(name: str) -> str:
    # api__v1_openapi.json -> api/v1.json; apis__batch__v1_openapi.json -> apis/batch/v1.json
    return "pkg/openapiclient/builtins/1.35/" + name.removesuffix("_openapi.json").replace(
        "__", "/") + ".json"


def main(reference: Path) -> int:
    rows: dict[str, tuple[str, str, str]] = {}
    for line in (reference / "README.md").read_text().splitlines():
        match = _ROW.match(line)
        if match:
            rows[match[1]] = (match[2], match[3], match[4])
    openapi_dir = "kubernetes/openapi-spec-v3/release-1.35/"
    for name in OPENAPI_DOCS:
        rows[openapi_dir + name] = ("kubernetes-sigs/kubectl-validate", _openapi_source(name),
                                    KUBECTL_VALIDATE)
    wanted = [*CRD_FILES, SWAGGER, *(openapi_dir + n for n in OPENAPI_DOCS),
              *sorted(str(p.relative_to(reference))
                      for p in reference.glob("karmada-thirdparty/*/*/*/customizations.yaml")),
              "LICENSES/Apache-2.0.txt"]
    files = []
    sources: dict[str, set[str]] = {}
    for path in wanted:
        repo, source_path, commit = rows[path]
        data = (reference / path).read_bytes()
        files.append({
            "path": path,
            "url": f"{repo}/{commit}/{source_path}",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        })
        sources.setdefault(repo, set()).add(commit)
    derived = derive_cluster_schema((reference / SWAGGER).read_bytes())
    manifest = {
        "version": MANIFEST_VERSION,
        "comment": "Upstream files the simulator reads; url is <owner>/<repo>/<commit>/<path> "
                   "under the base URL (default https://raw.githubusercontent.com).",
        "sources": {repo: "+".join(sorted(c[:12] for c in commits))
                    for repo, commits in sorted(sources.items())},
        "files": files,
        "derived": [{
            "path": CLUSTER_SCHEMA,
            "from": SWAGGER,
            "sha256": hashlib.sha256(derived).hexdigest(),
        }],
    }
    out = ROOT / "karmada_sim" / "reference_manifest.json"
    out.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"{out}: {len(files)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))

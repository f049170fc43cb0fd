#!/usr/bin/env bash
# Build, tag and push the backend image (successor of the old ./build-images.sh).
#
#   DOCKER_REGISTRY  registry/namespace to push to, e.g. registry.example.com/ml (empty: no push)
#   BACKEND_IMAGE    image name (default ml-platform-backend)
#   VERSION          tag (default: `git describe --tags --always --dirty`; never "latest")
#   DOCKER           container CLI (default docker; podman works too)
#   PUSH             1 to push (default: 1 when DOCKER_REGISTRY is set, else 0)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKER="${DOCKER:-docker}"
BACKEND_IMAGE="${BACKEND_IMAGE:-ml-platform-backend}"
DOCKER_REGISTRY="${DOCKER_REGISTRY:-}"
VERSION="${VERSION:-$(git -C "$repo_root" describe --tags --always --dirty 2>/dev/null || echo dev)}"
if [ -n "$DOCKER_REGISTRY" ]; then PUSH="${PUSH:-1}"; else PUSH="${PUSH:-0}"; fi

if [ "$VERSION" = "latest" ]; then
    echo "error: VERSION=latest is refused; use an immutable tag (e.g. a release or git sha)" >&2
    exit 2
fi

image="${DOCKER_REGISTRY:+${DOCKER_REGISTRY%/}/}${BACKEND_IMAGE}:${VERSION}"
echo "building ${image}"
"$DOCKER" build \
    --pull \
    --label "org.opencontainers.image.version=${VERSION}" \
    --label "org.opencontainers.image.revision=$(git -C "$repo_root" rev-parse HEAD 2>/dev/null || echo unknown)" \
    -t "$image" \
    -f "$repo_root/Dockerfile" \
    "$repo_root"

if [ "$PUSH" = "1" ]; then
    echo "pushing ${image}"
    "$DOCKER" push "$image"
fi
echo "$image"

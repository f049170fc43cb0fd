#!/usr/bin/env bash
# Deploy the backend to the host cluster (successor of the old ./deploy.sh).
#
#   OVERLAY            k8s/overlays/<name>: nodeport (default; as the old script: NodePort
#                      30180), dev, prod, external-db
#   K8S_NAMESPACE      namespace (default ml-platform)
#   DOCKER_REGISTRY, BACKEND_IMAGE, VERSION
#                      image = [$DOCKER_REGISTRY/]$BACKEND_IMAGE:$VERSION (as build-image.sh)
#   KARMADA_KUBECONFIG kubeconfig of the Karmada API server (required)
#   MGMT_KUBECONFIG    kubeconfig of the management cluster (required, as before)
#   DATABASE_URL       external-db only: written to the Secret backend-database
#   KUBECTL            kubectl binary (default kubectl); the host cluster is its current context
#   TIMEOUT            seconds to wait for each step (default 600)
#   SKIP_KARMADA_CUSTOMIZATIONS=1  do not apply k8s/karmada/ to Karmada
#
#   k8s/deploy.sh            deploy
#   k8s/deploy.sh --render   print the manifests that would be applied (no cluster needed)
set -euo pipefail

k8s_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KUBECTL="${KUBECTL:-kubectl}"
OVERLAY="${OVERLAY:-nodeport}"
K8S_NAMESPACE="${K8S_NAMESPACE:-ml-platform}"
BACKEND_IMAGE="${BACKEND_IMAGE:-ml-platform-backend}"
DOCKER_REGISTRY="${DOCKER_REGISTRY:-}"
VERSION="${VERSION:-$(git -C "$k8s_dir" describe --tags --always --dirty 2>/dev/null || echo dev)}"
TIMEOUT="${TIMEOUT:-600}"
image_name="${DOCKER_REGISTRY:+${DOCKER_REGISTRY%/}/}${BACKEND_IMAGE}"

die() { echo "error: $*" >&2; exit 1; }
step() { printf '\n== %s\n' "$*"; }

[ -d "$k8s_dir/overlays/$OVERLAY" ] || die "no overlay k8s/overlays/$OVERLAY"
if [ "$VERSION" = "latest" ]; then die "VERSION=latest is refused; deploy an immutable tag"; fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Render a kustomization ($1) with this release's namespace and image, without editing the
# checked-in files: a throw-away kustomization that uses it as a base.
render() {
    local target
    target="$work/render-$(basename "$1")"
    mkdir -p "$target"
    cat > "$target/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $(realpath --relative-to="$target" "$1")
namespace: ${K8S_NAMESPACE}
images:
  - name: ml-platform-backend
    newName: ${image_name}
    newTag: "${VERSION}"
YAML
    "$KUBECTL" kustomize "$target"
}

if [ "${1:-}" = "--render" ]; then
    render "$k8s_dir/overlays/$OVERLAY"
    echo "---"
    render "$k8s_dir/jobs"
    exit 0
fi

if [ -z "${KARMADA_KUBECONFIG:-}" ] || [ ! -f "$KARMADA_KUBECONFIG" ]; then
    die "KARMADA_KUBECONFIG must name the Karmada API server's kubeconfig file"
fi
if [ -z "${MGMT_KUBECONFIG:-}" ] || [ ! -f "$MGMT_KUBECONFIG" ]; then
    die "MGMT_KUBECONFIG must name the management cluster's kubeconfig file"
fi

k() { "$KUBECTL" --namespace "$K8S_NAMESPACE" "$@"; }
apply_secret() { "$KUBECTL" create --dry-run=client -o yaml "$@" | k apply -f -; }

step "namespace ${K8S_NAMESPACE}"
"$KUBECTL" create namespace "$K8S_NAMESPACE" --dry-run=client -o yaml | "$KUBECTL" apply -f -

step "secret backend-kubeconfig (from KARMADA_KUBECONFIG and MGMT_KUBECONFIG)"
apply_secret secret generic backend-kubeconfig --namespace "$K8S_NAMESPACE" \
    --from-file=karmada-kubeconfig="$KARMADA_KUBECONFIG" \
    --from-file=mgmt-kubeconfig="$MGMT_KUBECONFIG"

step "secret backend-database"
if [ "$OVERLAY" = "external-db" ]; then
    if [ -n "${DATABASE_URL:-}" ]; then
        apply_secret secret generic backend-database --namespace "$K8S_NAMESPACE" \
            --from-literal=DATABASE_URL="$DATABASE_URL"
    else
        k get secret backend-database >/dev/null \
            || die "external-db: set DATABASE_URL or create the Secret backend-database first"
    fi
elif ! k get secret postgres-credentials >/dev/null 2>&1; then
    # First install: a random password, kept in the cluster only (never in the repo).
    password="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    apply_secret secret generic postgres-credentials --namespace "$K8S_NAMESPACE" \
        --from-literal=POSTGRES_USER=mlplatform \
        --from-literal=POSTGRES_PASSWORD="$password" \
        --from-literal=POSTGRES_DB=mlplatform
    apply_secret secret generic backend-database --namespace "$K8S_NAMESPACE" \
        --from-literal=DATABASE_URL="postgres://mlplatform:${password}@postgres.${K8S_NAMESPACE}.svc:5432/mlplatform"
else
    k get secret backend-database >/dev/null || die "postgres-credentials exists but backend-database does not"
    echo "kept the existing secrets"
fi

step "render overlay ${OVERLAY} with image ${image_name}:${VERSION}"
render "$k8s_dir/overlays/$OVERLAY" > "$work/app.yaml"
render "$k8s_dir/jobs" > "$work/migrate.yaml"

step "everything but the backend (database, config, policies)"
k apply -f "$work/app.yaml" -l 'app.kubernetes.io/component!=backend'
if k get statefulset postgres >/dev/null 2>&1 && [ "$OVERLAY" != "external-db" ]; then
    k rollout status statefulset/postgres --timeout="${TIMEOUT}s"
fi

step "migrate the database (job ml-platform-migrate)"
k delete job ml-platform-migrate --ignore-not-found --wait=true
k apply -f "$work/migrate.yaml"
deadline=$((SECONDS + TIMEOUT))
while :; do
    complete="$(k get job ml-platform-migrate -o jsonpath='{.status.conditions[?(@.type=="Complete")].status}')"
    failed="$(k get job ml-platform-migrate -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}')"
    if [ "$complete" = "True" ]; then break; fi
    if [ "$failed" = "True" ] || [ "$SECONDS" -ge "$deadline" ]; then
        k logs job/ml-platform-migrate --tail=100 || true
        die "the migration did not complete; the running backend was left untouched"
    fi
    sleep 2
done

step "backend rollout"
k apply -f "$work/app.yaml"
k rollout status deployment/ml-platform-backend --timeout="${TIMEOUT}s"

if [ "${SKIP_KARMADA_CUSTOMIZATIONS:-0}" != "1" ]; then
    step "resource interpreter customizations on Karmada (k8s/karmada/)"
    "$KUBECTL" --kubeconfig "$KARMADA_KUBECONFIG" apply -f "$k8s_dir/karmada/"
fi

step "done"
k get deployment,service,pods -l app.kubernetes.io/part-of=ml-platform

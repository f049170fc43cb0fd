# syntax=docker/dockerfile:1
# ML platform backend. Build: k8s/build-image.sh (or `docker build -t ml-platform-backend:X .`).
#
# Base image: pinned by tag. Pin the digest too when you build
# (`docker buildx imagetools inspect python:3.11-slim-bookworm` prints it) by passing
# --build-arg PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:<digest>; the digest could not be
# looked up where this file was written (no registry access), and a made-up one would not pull.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
# The console (web/) is built with Node; only its output (web/dist) reaches the image. Pin its
# digest the same way (--build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:<digest>).
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: a virtualenv with the package and its dependencies (all wheels, no compiler) ----
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md* ./
COPY app ./app
COPY schema ./schema
COPY resolvers ./resolvers
COPY karmada_sim ./karmada_sim
# The simulated Karmada is for trials and demos, not production: it is left out unless asked
# for (--build-arg WITH_SIMULATOR=true, then `mlplatform simulate` or the embedded default).
ARG WITH_SIMULATOR=false
RUN if [ "$WITH_SIMULATOR" = "true" ]; then pip install --no-compile ".[simulator]"; \
    else pip install --no-compile . \
        && rm -rf /opt/venv/lib/python3.11/site-packages/karmada_sim; fi \
    && python -m compileall -q /opt/venv/lib

# ---- graphiql: the npm files Strawberry's GraphiQL page loads, fetched from the npm registry
# and checked against the page's integrity hashes (never committed to the repository) ----
FROM build AS graphiql
ARG NPM_REGISTRY=https://registry.npmjs.org
RUN NPM_REGISTRY="${NPM_REGISTRY}" python -m app.graphql.graphiql_assets fetch --strict /opt/graphiql

# ---- console: the web console (web/), typed from the committed SDL and built by Vite into
# hashed files; the server serves them at / (app/server/console.py) ----
FROM ${NODE_IMAGE} AS console
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
ARG NPM_REGISTRY=https://registry.npmjs.org
RUN npm ci --no-audit --no-fund --loglevel=error --registry="${NPM_REGISTRY}"
COPY web/ ./
COPY schema/schema.graphql /src/schema/schema.graphql
RUN npx tsc --noEmit && npx vite build

# ---- runtime: no compiler, no pip cache, non-root ----
FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="ml-platform-backend" \
      org.opencontainers.image.source="https://github.com/ml-platform/ml-platform" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN groupadd --system --gid 10001 mlplatform \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/mlplatform \
       --shell /usr/sbin/nologin mlplatform \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/mlplatform
COPY --from=build /opt/venv /opt/venv
COPY --from=graphiql /opt/graphiql /app/static/graphiql
COPY --from=console /src/web/dist /app/static/console
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8080 \
    AUTH_MODE=token \
    GRAPHIQL_ASSETS_DIR=/app/static/graphiql \
    CONSOLE_DIST_DIR=/app/static/console
# AUTH_MODE=token: the server refuses AUTH_MODE=none on 0.0.0.0, and an image should be safe
# by default. For a local trial: -e AUTH_MODE=none -e AUTH_ALLOW_INSECURE_NONE=true.
# The working directory is writable so `docker run` with the defaults (SQLite file in ./)
# works; in Kubernetes the root filesystem is read-only and DATABASE_URL names PostgreSQL.
WORKDIR /var/lib/mlplatform
USER 10001:10001
EXPOSE 8080
# slim has no curl: ask /health/live with the interpreter that is already there
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health/live' % os.environ.get('PORT', '8080'), timeout=4)"]
# Migrations are a separate step: `docker run IMAGE` serves; the Kubernetes migrate Job
# overrides the command with `mlplatform migrate`.
ENTRYPOINT ["mlplatform", "serve"]

"""Module-scoped platforms with authentication on (token, oidc), each with its own database."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.settings import AuthSettings, ServerSettings, Settings
from karmada_sim.runtime import EmbeddedSimulator
from tests.security.support import AUDIENCE, ISSUER, JwksServer, SecurePlatform, SigningKey
from tests.support.platform import platform_settings, run_platform
from tests.support.postgres import PostgresServer

FRONTEND_ORIGIN = "http://localhost:3000"
GROUP_ROLES: dict[str, dict[str, Any]] = {
    "team-a-dev": {"role": "editor", "namespaces": ["team-a"]},
    "team-a-view": {"role": "viewer", "namespaces": ["team-a"]},
    "platform-admins": {"role": "admin"},
}


@contextlib.contextmanager
def secure_platform(
    pg_server: PostgresServer, sim: EmbeddedSimulator, kubeconfig: Path,
    auth: AuthSettings, **tweak: Any,
) -> Iterator[SecurePlatform]:
    name = f"security_{uuid.uuid4().hex[:10]}"
    pg_server.create_database(name)
    dsn = pg_server.dsn(name)
    try:
        settings: Settings = platform_settings(dsn, kubeconfig)
        settings.auth = auth
        settings.server = ServerSettings(cors_allow_origins=[FRONTEND_ORIGIN])
        for group, values in tweak.items():
            for key, value in values.items():
                setattr(getattr(settings, group), key, value)
        with run_platform(settings, sim) as running:
            secure = SecurePlatform(running, dsn)
            try:
                yield secure
            finally:
                if secure.probe is not None:
                    secure.probe.close()
    finally:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def token_platform(
    pg_server: PostgresServer, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path
) -> Iterator[SecurePlatform]:
    """AUTH_MODE=token, CORS allowlist with the frontend's origin only."""
    with secure_platform(pg_server, platform_sim, sim_kubeconfig,
                         AuthSettings(auth_mode="token")) as running:
        yield running


@pytest.fixture(scope="module")
def jwks() -> Iterator[tuple[JwksServer, SigningKey]]:
    with JwksServer() as server:
        key = SigningKey("key-1")
        server.keys.append(key)
        yield server, key


@pytest.fixture(scope="module")
def oidc_platform(
    pg_server: PostgresServer, platform_sim: EmbeddedSimulator, sim_kubeconfig: Path,
    jwks: tuple[JwksServer, SigningKey],
) -> Iterator[SecurePlatform]:
    """AUTH_MODE=oidc against the loopback JWKS; 127.0.0.1 is a trusted proxy."""
    auth = AuthSettings(
        auth_mode="oidc", oidc_issuer=ISSUER, oidc_audience=AUDIENCE, oidc_jwks_url=jwks[0].url,
        oidc_group_roles=GROUP_ROLES, auth_trusted_proxies=["127.0.0.1/32"],
    )
    with secure_platform(pg_server, platform_sim, sim_kubeconfig, auth) as running:
        yield running

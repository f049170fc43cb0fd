"""Start-up safety, bearer parsing and trusted-proxy identities (app.auth.authenticator)."""

from __future__ import annotations

import logging

import pytest

from app.auth import ANONYMOUS_ADMIN, AuthenticationFailed, Authenticator, InsecureConfiguration
from app.auth.authenticator import bearer_of, check_startup_safety
from app.auth.principal import Role
from app.settings import AuthSettings, ServerSettings, Settings
from tests.security.conftest import GROUP_ROLES


def settings(host: str = "127.0.0.1", **auth: object) -> Settings:
    return Settings(server=ServerSettings(host=host), auth=AuthSettings(**auth))  # type: ignore[arg-type]


def test_none_is_fine_on_loopback() -> None:
    check_startup_safety(settings("127.0.0.1"))
    check_startup_safety(settings("::1"))
    check_startup_safety(settings("localhost"))


def test_none_is_refused_off_loopback_with_a_clear_message() -> None:
    with pytest.raises(InsecureConfiguration, match="AUTH_ALLOW_INSECURE_NONE"):
        check_startup_safety(settings("0.0.0.0"))


def test_none_off_loopback_can_be_forced() -> None:
    check_startup_safety(settings("0.0.0.0", auth_allow_insecure_none=True))


def test_oidc_needs_its_issuer_settings() -> None:
    with pytest.raises(InsecureConfiguration, match="OIDC_ISSUER"):
        check_startup_safety(settings("0.0.0.0", auth_mode="oidc"))


def test_create_app_refuses_an_exposed_unauthenticated_server() -> None:
    from app.server.main import create_app

    with pytest.raises(InsecureConfiguration):
        create_app(settings("10.1.2.3"))


def test_cors_star_only_in_the_embedded_mode() -> None:
    assert settings().cors_origins == ["*"]
    assert settings("0.0.0.0", auth_mode="token").cors_origins == []
    assert settings("127.0.0.1", auth_mode="token").cors_origins == []
    explicit = Settings(server=ServerSettings(host="0.0.0.0", cors_allow_origins=["https://ui"]))
    assert explicit.cors_origins == ["https://ui"]


@pytest.mark.parametrize(
    ("value", "token"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None),
     ("", None), (None, None)],
)
def test_bearer_of(value: str | None, token: str | None) -> None:
    assert bearer_of(value) == token


async def test_mode_none_makes_everyone_the_anonymous_admin() -> None:
    auth = Authenticator(AuthSettings())
    assert await auth.authenticate({}, "10.0.0.1") is ANONYMOUS_ADMIN


def proxy_authenticator() -> Authenticator:
    return Authenticator(AuthSettings(
        auth_mode="oidc", oidc_group_roles=GROUP_ROLES, auth_trusted_proxies=["10.0.0.0/8"]))


async def test_a_trusted_proxy_forwards_user_and_groups() -> None:
    headers = {"x-forwarded-user": "erin", "x-forwarded-groups": "team-a-view, other"}
    principal = await proxy_authenticator().authenticate(headers, "10.9.8.7")
    assert principal.user == "erin" and principal.role_in("team-a") is Role.VIEWER


async def test_identity_headers_from_an_untrusted_peer_are_ignored() -> None:
    headers = {"x-forwarded-user": "mallory", "x-forwarded-groups": "platform-admins"}
    with pytest.raises(AuthenticationFailed):
        await proxy_authenticator().authenticate(headers, "192.168.1.5")


async def test_token_mode_ignores_proxy_headers_and_garbage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    auth = Authenticator(AuthSettings(auth_mode="token", auth_trusted_proxies=["127.0.0.1/32"]))
    with pytest.raises(AuthenticationFailed):
        await auth.authenticate({"x-forwarded-user": "admin"}, "127.0.0.1")
    secret = "mlp_not-a-real-token-" + "s" * 40
    with caplog.at_level(logging.DEBUG), pytest.raises(AuthenticationFailed) as failure:
        await auth.authenticate({"authorization": f"Bearer {secret}"}, "127.0.0.1")
    assert secret not in str(failure.value) and secret not in caplog.text


async def test_connection_params_must_carry_a_well_formed_authorization() -> None:
    auth = Authenticator(AuthSettings(auth_mode="token"))
    with pytest.raises(AuthenticationFailed):
        await auth.authenticate_connection_params({"Authorization": "Token x"}, {}, None)
    with pytest.raises(AuthenticationFailed):
        await auth.authenticate_connection_params(None, {}, None)
    with pytest.raises(AuthenticationFailed):
        await auth.authenticate_connection_params(["not", "a", "mapping"], {}, None)

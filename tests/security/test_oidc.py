"""JWT verification against a JWKS served on loopback with our own keys (app.auth.oidc)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest

from app.auth.oidc import JwksCache, OidcVerifier, TokenRejected, parse_group_roles
from app.auth.principal import Role
from tests.security.conftest import GROUP_ROLES
from tests.security.support import AUDIENCE, ISSUER, JwksServer, SigningKey, claims


@pytest.fixture
def jwks_server() -> Iterator[JwksServer]:
    with JwksServer() as server:
        server.keys.append(SigningKey("k1"))
        yield server


def verifier(server: JwksServer, min_refresh: float = 0.0) -> OidcVerifier:
    return OidcVerifier(ISSUER, AUDIENCE, JwksCache(server.url, min_refresh_seconds=min_refresh),
                        parse_group_roles(GROUP_ROLES))


async def test_valid_token_maps_user_and_groups_to_roles(jwks_server: JwksServer) -> None:
    token = jwks_server.keys[0].sign(claims("carol", ["team-a-dev", "unmapped"]))
    principal = await verifier(jwks_server).verify(token)
    assert principal.user == "carol"
    assert principal.role_in("team-a") is Role.EDITOR and not principal.can_read("default")
    assert principal.expires_at is not None and principal.expires_at > time.time()


async def test_admin_group_covers_everything(jwks_server: JwksServer) -> None:
    token = jwks_server.keys[0].sign(claims("root", ["platform-admins"]))
    assert (await verifier(jwks_server).verify(token)).is_admin


# Times are offsets from *now*, taken when the test runs (not when pytest collects it: in a
# long suite an absolute "+600 s" taken at collection is already in the past).
@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"exp": -120}, "expired"),
        ({"aud": "someone-else"}, "audience"),
        ({"iss": "https://evil.test"}, "issuer"),
        ({"nbf": 600}, "not yet valid"),
    ],
)
async def test_claim_failures_are_rejected(
    jwks_server: JwksServer, overrides: dict[str, object], why: str
) -> None:
    now = int(time.time())
    resolved = {
        key: now + value if key in ("exp", "nbf") and isinstance(value, int) else value
        for key, value in overrides.items()
    }
    token = jwks_server.keys[0].sign(claims(**resolved))  # type: ignore[arg-type]
    with pytest.raises(TokenRejected):
        await verifier(jwks_server).verify(token)


async def test_token_without_exp_is_rejected(jwks_server: JwksServer) -> None:
    body = claims()
    del body["exp"]
    with pytest.raises(TokenRejected, match="exp"):
        await verifier(jwks_server).verify(jwks_server.keys[0].sign(body))


async def test_forged_signature_with_a_known_kid_is_rejected(jwks_server: JwksServer) -> None:
    forger = SigningKey("k1")  # same kid, different private key
    with pytest.raises(TokenRejected, match=r"[Ss]ignature"):
        await verifier(jwks_server).verify(forger.sign(claims()))


async def test_symmetric_and_none_algorithms_are_refused(jwks_server: JwksServer) -> None:
    # Classic confusion attack: HS256 keyed with something public.
    secret = "public-bytes-of-the-rsa-key-0123456789"
    hs = jwt.encode(claims(), secret, algorithm="HS256", headers={"kid": "k1"})
    unsigned = jwt.encode(claims(), None, algorithm="none", headers={"kid": "k1"})
    for token in (hs, unsigned, "not.a.jwt", ""):
        with pytest.raises(TokenRejected):
            await verifier(jwks_server).verify(token)


async def test_key_rotation_picks_up_the_new_key(jwks_server: JwksServer) -> None:
    v = verifier(jwks_server)
    await v.verify(jwks_server.keys[0].sign(claims()))
    fetched = jwks_server.fetches
    new = SigningKey("k2")
    jwks_server.keys = [new]  # the issuer rotated: k1 retired, k2 signs
    assert (await v.verify(new.sign(claims("dave")))).user == "dave"
    assert jwks_server.fetches == fetched + 1
    with pytest.raises(TokenRejected):
        await v.verify(SigningKey("k1").sign(claims()))  # retired kid, forged


async def test_unknown_kids_cannot_make_us_refetch_in_a_loop(jwks_server: JwksServer) -> None:
    v = verifier(jwks_server, min_refresh=60)
    await v.verify(jwks_server.keys[0].sign(claims()))
    fetched = jwks_server.fetches
    for i in range(5):
        with pytest.raises(TokenRejected, match="no signing key"):
            await v.verify(SigningKey(f"random-{i}").sign(claims()))
    assert jwks_server.fetches == fetched


def test_group_roles_are_validated() -> None:
    with pytest.raises(ValueError, match="team"):
        parse_group_roles({"team": {"role": "editor"}})
    with pytest.raises(ValueError, match="x"):
        parse_group_roles({"x": {"role": "owner", "namespaces": ["a"]}})

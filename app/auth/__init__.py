"""Authentication: principals and roles, API tokens, OIDC, and the HTTP middleware."""

from app.auth.authenticator import (
    AuthenticationFailed,
    Authenticator,
    InsecureConfiguration,
    check_startup_safety,
)
from app.auth.principal import ALL_NAMESPACES, ANONYMOUS_ADMIN, Principal, Role

__all__ = [
    "ALL_NAMESPACES",
    "ANONYMOUS_ADMIN",
    "AuthenticationFailed",
    "Authenticator",
    "InsecureConfiguration",
    "Principal",
    "Role",
    "check_startup_safety",
]

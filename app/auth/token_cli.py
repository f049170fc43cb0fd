"""``mlplatform token create|list|revoke``: manage API tokens (AUTH_MODE=token).

The secret is printed once, by ``create``; afterwards only its id and owner are shown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from app.auth import tokens
from app.auth.principal import Role
from app.settings import Settings


async def _with_database(work: Any) -> int:
    from app.db.session import database

    settings = Settings()
    async with database(settings.db.database_url, apply_migrations=settings.db.auto_migrate):
        result: int = await work()
        return result


def _create(args: argparse.Namespace) -> int:
    try:
        role = Role.parse(args.role)
        namespaces = tokens.parse_namespaces(args.namespaces or "*")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if role is not Role.ADMIN and not args.namespaces:
        print("error: --namespaces is required for viewer and editor", file=sys.stderr)
        return 2

    async def work() -> int:
        token, info = await tokens.create_token(args.user, role, namespaces, created_by="cli")
        if args.json:
            print(json.dumps({"id": info.id, "token": token, "user": info.user,
                              "role": info.role, "namespaces": info.namespaces}))
        else:
            print(f"token id: {info.id}  user: {info.user}  role: {info.role}  "
                  f"namespaces: {','.join(info.namespaces)}", file=sys.stderr)
            print("the token is shown only now; store it safely:", file=sys.stderr)
            print(token)
        return 0

    return asyncio.run(_with_database(work))


def _list(args: argparse.Namespace) -> int:
    async def work() -> int:
        rows = await tokens.list_tokens(include_revoked=args.all)
        if args.json:
            print(json.dumps([
                {"id": r.id, "user": r.user, "role": r.role, "namespaces": r.namespaces,
                 "createdAt": r.created_at.isoformat(),
                 "revokedAt": r.revoked_at.isoformat() if r.revoked_at else None,
                 "lastUsedAt": r.last_used_at.isoformat() if r.last_used_at else None}
                for r in rows
            ]))
            return 0
        print(f"{'ID':<18}{'USER':<24}{'ROLE':<8}{'NAMESPACES':<24}{'CREATED':<22}STATE")
        for r in rows:
            state = "revoked" if r.revoked_at else "active"
            print(f"{r.id:<18}{r.user:<24}{r.role:<8}{','.join(r.namespaces):<24}"
                  f"{r.created_at:%Y-%m-%d %H:%M:%S}   {state}")
        return 0

    return asyncio.run(_with_database(work))


def _revoke(args: argparse.Namespace) -> int:
    async def work() -> int:
        if await tokens.revoke_token(args.id):
            print(f"revoked {args.id}")
            return 0
        print(f"error: no active token {args.id!r}", file=sys.stderr)
        return 1

    return asyncio.run(_with_database(work))


def add_token_commands(commands: Any) -> None:
    """Register ``token create|list|revoke`` on the CLI's subcommand parser."""
    token = commands.add_parser("token", help="manage API tokens (AUTH_MODE=token)")
    actions = token.add_subparsers(dest="token_command", required=True)

    create = actions.add_parser("create", help="create a token; prints it once")
    create.add_argument("--user", required=True, help="who the token acts as (audit)")
    create.add_argument("--role", required=True, choices=["viewer", "editor", "admin"])
    create.add_argument("--namespaces", help="comma-separated namespaces, or '*' (all)")
    create.add_argument("--json", action="store_true", help="print one JSON object")
    create.set_defaults(handler=_create)

    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    listing.add_argument("--all", action="store_true", help="include revoked tokens")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("id")
    revoke.set_defaults(handler=_revoke)

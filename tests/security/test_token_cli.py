"""API tokens: the store (app.auth.tokens) in-process, and ``mlplatform token ...`` end to end."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.auth import tokens
from app.auth.principal import Role
from app.db.session import database


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{db}"}
    return subprocess.run([sys.executable, "-m", "app.server.cli", "token", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def test_create_verify_list_revoke(tmp_path: Path) -> None:
    async with database(f"sqlite://{tmp_path / 'store.db'}", apply_migrations=True):
        token, info = await tokens.create_token("alice", Role.EDITOR, ["team-a"], "test")
        principal = await tokens.principal_for_token(token)
        assert principal is not None and principal.user == "alice"
        assert principal.can_mutate("team-a") and not principal.can_read("team-b")
        assert principal.credential_id == info.id
        assert await tokens.principal_for_token(token[:-1] + "x") is None
        assert [t.id for t in await tokens.list_tokens()] == [info.id]
        assert await tokens.revoke_token(info.id)
        assert not await tokens.revoke_token(info.id)
        assert await tokens.principal_for_token(token) is None
        assert not await tokens.token_is_active(info.id)
        assert await tokens.list_tokens(include_revoked=False) == []


def test_cli_prints_the_token_once_and_stores_only_its_hash(tmp_path: Path) -> None:
    db = tmp_path / "tokens.db"
    created = cli(db, "create", "--user", "alice", "--role", "editor",
                  "--namespaces", "team-b,team-a", "--json")
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    token = info["token"]
    assert tokens.looks_like_token(token)
    assert info["namespaces"] == ["team-a", "team-b"] and info["role"] == "editor"
    stored = sqlite3.connect(db).execute("SELECT token_hash FROM api_tokens").fetchall()
    assert stored == [(tokens.hash_token(token),)]
    listed = cli(db, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert token not in listed.stdout and tokens.hash_token(token) not in listed.stdout
    assert [t["id"] for t in json.loads(listed.stdout)] == [info["id"]]


def test_cli_refuses_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from app.server.cli import main

    assert main(["token", "create", "--user", "x", "--role", "editor"]) == 2  # no namespaces
    assert "--namespaces is required" in capsys.readouterr().err
    assert main(["token", "create", "--user", "x", "--role", "viewer",
                 "--namespaces", "Bad_Name"]) == 2
    with pytest.raises(SystemExit) as refused:
        main(["token", "create", "--user", "x", "--role", "owner", "--namespaces", "a"])
    assert refused.value.code == 2

"""The registry of library internals we rely on (app._compat) matches the installed
releases, and the executor override can be switched off."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from starlette.routing import Route

from app import _compat
from app.graphql.execution import LeafFastExecutor
from app.server.main import create_app
from app.settings import Settings


def test_every_override_matches_the_installed_libraries() -> None:
    assert _compat.drift() == []


def test_a_changed_signature_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _compat.OVERRIDES[0]
    changed = replace(first, parameters=(*first.parameters, "added_upstream"))
    gone = replace(first, name="no_such_method")
    monkeypatch.setattr(_compat, "OVERRIDES", (changed, gone))
    report = _compat.drift()
    assert len(report) == 2
    assert "execute_fields" in report[0] and "tested with" in report[0]
    assert "no_such_method" in report[1] and "no longer exists" in report[1]


def _executor_of(settings: Settings) -> type | None:
    app = create_app(settings)
    (route,) = [r for r in app.routes if isinstance(r, Route) and r.path == "/graphql"]
    return route.app.schema.execution_context_class  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(("enabled", "fast"), [(True, True), (False, False)])
def test_the_fast_executor_follows_its_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, enabled: bool, fast: bool
) -> None:
    monkeypatch.setenv("GRAPHQL_FAST_EXECUTOR", str(enabled).lower())
    monkeypatch.setenv("DATABASE_URL", f"sqlite://{tmp_path}/compat.db")
    executor = _executor_of(Settings())
    assert (executor is LeafFastExecutor) is fast

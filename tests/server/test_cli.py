"""CLI polish: `export-schema --check` for CI, and the command list."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.server.cli import build_parser, main
from schema import sdl


def test_export_schema_check_passes_when_current_and_fails_with_a_diff_when_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "schema.graphql"
    target.write_text(sdl())
    assert main(["export-schema", "--check", "-o", str(target)]) == 0
    assert "up to date" in capsys.readouterr().out

    target.write_text(sdl().replace("type Query", "type Querry", 1))
    assert main(["export-schema", "--check", "-o", str(target)]) == 1
    captured = capsys.readouterr()
    assert "-type Querry" in captured.out and "+type Query" in captured.out
    assert "is stale" in captured.err
    assert target.read_text().count("Querry") == 1  # --check never writes


def test_every_documented_command_exists() -> None:
    parser = build_parser()
    for command in ("serve", "migrate", "simulate", "export-schema", "check", "purge"):
        args = parser.parse_args([command, *(["--older-than", "1d"] if command == "purge" else [])])
        assert callable(args.handler), command

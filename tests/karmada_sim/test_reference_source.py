"""Which reference source the simulator uses: precedence, forcing the built-in model, versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import karmada_sim.reference as reference
from karmada_sim.reference import reference_dir, resolve_source

REF = reference_dir()


def _fake_reference(path: Path) -> Path:
    """A directory that counts as reference data (the markers and a README with versions)."""
    for marker in ("karmada/crds", "karmada-thirdparty"):
        (path / marker).mkdir(parents=True)
    shutil.copy(REF / "README.md", path / "README.md")
    return path


@pytest.fixture
def nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("K8S_REFERENCE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(reference, "DEFAULT_REFERENCE_DIR", tmp_path / "beside")
    return tmp_path


def test_nothing_found_is_the_builtin_model_not_an_error(nothing: Path) -> None:
    source = resolve_source()
    assert (source.path, source.origin) == (None, "no reference directory found")
    assert source.describe() == "k8s reference: built-in model (no reference directory found)"
    assert source.as_dict()["source"] == "builtin"
    with pytest.raises(FileNotFoundError, match="mlplatform reference fetch"):
        reference_dir()


def test_precedence(nothing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = _fake_reference(reference.user_cache_dir())
    assert (resolve_source().path, resolve_source().origin) == (cache, "user cache")
    beside = _fake_reference(nothing / "beside")
    assert resolve_source().origin == "beside the checkout"
    env = _fake_reference(nothing / "env")
    monkeypatch.setenv("K8S_REFERENCE_DIR", str(env))
    assert (resolve_source().path, resolve_source().origin) == (env, "K8S_REFERENCE_DIR")
    setting = _fake_reference(nothing / "setting")
    assert resolve_source(str(setting)).path == setting
    # "builtin" forces the model wherever it is given.
    assert resolve_source("builtin").builtin
    monkeypatch.setenv("K8S_REFERENCE_DIR", "builtin")
    assert resolve_source().origin == "forced by K8S_REFERENCE_DIR"
    assert resolve_source(str(setting)).path == setting  # the setting still comes first
    assert beside.exists()


def test_a_configured_directory_without_data_is_passed_over_with_a_note(
    nothing: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = nothing / "empty"
    empty.mkdir()
    monkeypatch.setenv("K8S_REFERENCE_DIR", str(empty))
    source = resolve_source(str(nothing / "missing"))
    assert source.builtin
    assert source.notes == (f"setting {nothing / 'missing'} holds no reference data",
                            f"K8S_REFERENCE_DIR {empty} holds no reference data")
    assert "holds no reference data" in source.describe()


def test_versions_come_from_the_readme() -> None:
    source = resolve_source(str(REF))
    assert source.versions["karmada-io/karmada"] == "f8fdd02df376"
    assert source.versions["ray-project/kuberay"] == "feeaf72facab"
    assert "f8fdd02df376" in source.describe()


def test_reference_dir_options_on_serve_and_simulate() -> None:
    from app.server.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["serve", "--reference-dir", "builtin"]).reference_dir == "builtin"
    simulate = parser.parse_args(["simulate", "--reference-dir", "/x", "--insecure-http"])
    assert (simulate.reference_dir, simulate.insecure_http) == ("/x", True)


async def test_the_embedded_simulator_takes_the_setting_and_logs_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import logging

    from app.server.main import karmada_client
    from app.settings import KarmadaSettings, Settings

    settings = Settings(karmada=KarmadaSettings(k8s_reference_dir="builtin"))
    with caplog.at_level(logging.INFO):
        async with karmada_client(settings) as client:
            assert [c["metadata"]["name"] for c in await client.list_clusters()] == [
                "member1", "member2"]
    lines = [r.getMessage() for r in caplog.records if "k8s reference:" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].endswith("k8s reference: built-in model (forced by setting)")

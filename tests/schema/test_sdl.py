"""The committed SDL (schema/schema.graphql) is exactly what the code declares."""

from __future__ import annotations

from schema import SDL_PATH, sdl


def test_committed_sdl_matches_the_code() -> None:
    committed = SDL_PATH.read_text()
    assert committed == sdl(), (
        "schema/schema.graphql is stale: run `mlplatform export-schema -o schema/schema.graphql`"
    )


def test_sdl_declares_the_documented_operations() -> None:
    text = sdl()
    for operation in ("jobs(", "job(id: ID!)", "clusters:", "createJob(", "deleteJob(",
                      "jobStatus("):
        assert operation in text, operation

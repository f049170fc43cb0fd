"""Roles per namespace (app.auth.principal) and token shapes (app.auth.tokens), pure."""

from __future__ import annotations

import pytest

from app.auth.principal import ALL_NAMESPACES, Principal, Role, grants_for, merge_grants
from app.auth.tokens import hash_token, looks_like_token, parse_namespaces


def test_roles_are_ordered_and_parse_case_insensitively() -> None:
    assert Role.VIEWER < Role.EDITOR < Role.ADMIN
    assert Role.parse(" Editor ") is Role.EDITOR
    with pytest.raises(ValueError, match="unknown role"):
        Role.parse("owner")


def test_viewer_reads_but_cannot_mutate_and_sees_only_its_namespaces() -> None:
    viewer = Principal("v", grants_for(Role.VIEWER, ["team-a"]))
    assert viewer.can_read("team-a") and not viewer.can_mutate("team-a")
    assert not viewer.can_read("team-b")
    assert viewer.visible_namespaces == frozenset({"team-a"})
    assert not viewer.is_admin


def test_editor_mutates_only_in_its_namespaces() -> None:
    editor = Principal("e", grants_for(Role.EDITOR, ["team-a", "team-b"]))
    assert editor.can_mutate("team-a") and editor.can_mutate("team-b")
    assert not editor.can_mutate("default") and not editor.can_read("default")


def test_admin_covers_every_namespace_whatever_was_listed() -> None:
    admin = Principal("a", grants_for(Role.ADMIN, ["team-a"]))
    assert admin.is_admin and admin.can_mutate("anything")
    assert admin.visible_namespaces is None


def test_wildcard_viewer_reads_everything_but_changes_nothing() -> None:
    auditor = Principal("x", grants_for(Role.VIEWER, [ALL_NAMESPACES]))
    assert auditor.can_read("team-z") and not auditor.can_mutate("team-z")
    assert auditor.visible_namespaces is None


def test_merged_grants_keep_the_strongest_role() -> None:
    merged = merge_grants(grants_for(Role.VIEWER, ["a", "b"]), grants_for(Role.EDITOR, ["b"]))
    assert merged == {"a": Role.VIEWER, "b": Role.EDITOR}


def test_no_grants_no_access() -> None:
    nobody = Principal("n")
    assert not nobody.can_read("default") and nobody.visible_namespaces == frozenset()


def test_namespace_lists_are_validated() -> None:
    assert parse_namespaces("b, a,a") == ["a", "b"]
    assert parse_namespaces("*") == ["*"]
    with pytest.raises(ValueError):
        parse_namespaces("Team_A")
    with pytest.raises(ValueError):
        parse_namespaces(" , ")


def test_token_shape_and_hash() -> None:
    token = "mlp_0123456789abcdef_" + "A" * 43
    assert looks_like_token(token)
    assert not looks_like_token(token + "x") and not looks_like_token("Bearer " + token)
    assert hash_token(token) != token and len(hash_token(token)) == 64

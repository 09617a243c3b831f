"""Turns a user's role assignments into organisation paths (see core.scoping)."""

from __future__ import annotations

from typing import Any

from tuquan.accounts.choices import (
    AUDIT_READER_ROLES,
    EDITOR_ROLES,
    PERSONAL_DATA_ROLES,
    Role,
)

_CACHE_ATTR = "_tuquan_scope"


def _assignments(user: Any) -> list[Any]:
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.assignments.select_related("organisation__jurisdiction").all()
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Any) -> None:
    """Drop cached assignments (after they changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _minimal(paths: set[str]) -> list[str]:
    # Drop paths already covered by a shorter one: fewer OR terms per query.
    result: list[str] = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def scope_paths(user: Any, roles: frozenset[str] | None = None) -> list[str] | None:
    """Paths whose subtrees ``user`` may see; None means everything (superuser).

    With ``roles``, only assignments with those roles count. Worker assignments
    give no subtree: a worker sees only their own record.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    paths: set[str] = set()
    for assignment in _assignments(user):
        if assignment.role == Role.WORKER:
            continue
        if roles is not None and assignment.role not in roles:
            continue
        paths.add(assignment.organisation.path)
        paths.add(assignment.scope_root().path)
    return _minimal(paths)


def _covers(user: Any, path: str, roles: frozenset[str]) -> bool:
    paths = scope_paths(user, roles)
    if paths is None:
        return True
    return any(path.startswith(p) for p in paths)


def can_edit(user: Any, path: str) -> bool:
    """May ``user`` create or change registry rows at the node with ``path``?"""
    return _covers(user, path, EDITOR_ROLES)


def can_see_personal_data(user: Any, path: str) -> bool:
    return _covers(user, path, PERSONAL_DATA_ROLES)


def can_read_audit(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return any(a.role in AUDIT_READER_ROLES for a in _assignments(user))


def roles_of(user: Any) -> list[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return sorted({a.role for a in _assignments(user)})

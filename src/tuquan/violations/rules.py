"""Who sees and who records violations.

Seeing: the roles that take part in enforcement or answer for the offender —
province and commune committees, zone boards, agency officers (police, health),
enterprise officers (their own enterprise) and auditors — each within their
subtree. Team leaders and workers do not see violations: they are personal.

Recording and deciding: only those who may make a record under the law — the
province committee, commune committees, zone boards (which report to the
commune and police), and police officers — at a place inside their subtree.
"""

from __future__ import annotations

from typing import Any

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import scope_paths
from tuquan.organisations.choices import AgencyFunction

VIEWER_ROLES = frozenset(
    {
        Role.PROVINCE_COMMITTEE,
        Role.COMMUNE_COMMITTEE,
        Role.ZONE_BOARD,
        Role.AGENCY_OFFICER,
        Role.ENTERPRISE_OFFICER,
        Role.AUDITOR,
    }
)
RECORDER_ROLES = frozenset(
    {Role.PROVINCE_COMMITTEE, Role.COMMUNE_COMMITTEE, Role.ZONE_BOARD}
)


def viewer_paths(user: Any) -> list[str] | None:
    """Subtrees whose violations ``user`` sees; None: everything (superuser)."""
    return scope_paths(user, VIEWER_ROLES)


def recorder_paths(user: Any) -> list[str] | None:
    """Subtrees in which ``user`` may record violations and issue decisions."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    paths: set[str] = set()
    for assignment in user.assignments.select_related(
        "organisation__jurisdiction"
    ).all():
        police = (
            assignment.role == Role.AGENCY_OFFICER
            and assignment.function == AgencyFunction.POLICE
        )
        if assignment.role in RECORDER_ROLES or police:
            paths.add(assignment.scope_root().path)
    return sorted(paths)


def may_record(user: Any, path: str) -> bool:
    paths = recorder_paths(user)
    if paths is None:
        return True
    return any(path.startswith(p) for p in paths)


def may_record_anywhere(user: Any) -> bool:
    return recorder_paths(user) != []

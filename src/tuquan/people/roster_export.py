"""Export workers as an .xlsx roster with the import's column headers.

The file has the headers of :data:`EXPORT_HEADERS`, so an export made by a role
that sees personal data can be edited and imported again unchanged. National ID
and phone are exported in clear only where ``can_see_personal_data`` allows
(each export is audited with its count); elsewhere they are masked, and such a
file cannot be imported again (the importer says so for every masked ID).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import PERSONAL_DATA_ROLES
from tuquan.accounts.scoping import can_see_personal_data, scope_paths
from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.core.scoping import paths_q
from tuquan.organisations.models import Enterprise
from tuquan.people.models import Sex, TeamMembership, Worker
from tuquan.people.roster_file import EXPORT_HEADERS, write_xlsx

CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cell values for sex: data words the importer reads back (parse_sex), like
# the Vietnamese headers, not interface text.
_SEX_WORDS = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}


@dataclass
class ExportResult:
    """The file and what went into it."""

    data: bytes
    count: int
    clear: int  # rows with national ID and phone in clear
    masked: int  # rows with them masked

    @property
    def filename(self) -> str:
        return f"danh-sach-cong-nhan-{timezone.localdate():%Y%m%d}.xlsx"


def _national_phone(phone: str) -> str:
    # "+84912345678" -> "0912345678", as people write it (the importer takes both).
    return "0" + phone[3:] if phone.startswith("+84") else phone


def _team_name(worker: Worker) -> str:
    """The worker's team at their enterprise, else at their residence."""
    teams = [m.team for m in worker.current_memberships]  # type: ignore[attr-defined]
    for team in teams:
        if team.enterprise_id and team.enterprise_id == worker.enterprise_id:
            return team.name
    for team in teams:
        if team.residence_id and team.residence_id == worker.residence_id:
            return team.name
    return teams[0].name if teams else ""


def _common_scope(by: Any) -> str:
    paths = scope_paths(by)
    if not paths:
        return ""
    prefix = os.path.commonprefix(paths)
    return prefix[: prefix.rfind("/") + 1]


def export_workers(
    *,
    by: Any,
    queryset: QuerySet[Worker],
    enterprise: Enterprise | None = None,
    filters: dict[str, Any] | None = None,
) -> ExportResult:
    """Write the workers of ``queryset`` (already scoped with ``visible_to``)
    as .xlsx and audit the export as EXPORT with the counts.

    National ID and phone are in clear for the rows whose scope ``by`` may see
    personal data of, masked otherwise. Rows are streamed in chunks.
    """
    allowed: dict[str, bool] = {}
    counts = {"clear": 0, "masked": 0}

    def may_see(path: str) -> bool:
        if path not in allowed:
            allowed[path] = bool(
                getattr(by, "is_superuser", False)
                or can_see_personal_data(by, path or "-")
            )
        return allowed[path]

    def rows() -> Iterator[list[object]]:
        workers = (
            queryset.select_related(
                "enterprise",
                "workshop",
                "line",
                "shift",
                "residence",
                "room",
                "bus_route",
            )
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=TeamMembership.objects.filter(
                        left_on__isnull=True
                    ).select_related("team"),
                    to_attr="current_memberships",
                )
            )
            .order_by("name_folded", "pk")
        )
        for worker in workers.iterator(chunk_size=CHUNK_SIZE):
            if may_see(worker.scope_path):
                counts["clear"] += 1
                national_id = worker.national_id
                phone = _national_phone(worker.phone) if worker.phone_enc else ""
            else:
                counts["masked"] += 1
                national_id = worker.national_id_masked
                phone = worker.phone_masked
            yield [
                worker.full_name,
                worker.date_of_birth,
                _SEX_WORDS.get(worker.sex, worker.sex),
                national_id,
                phone,
                worker.workshop.name if worker.workshop else "",
                worker.line.name if worker.line else "",
                _team_name(worker),
                worker.shift.name if worker.shift else "",
                worker.residence.name if worker.residence else "",
                worker.room.number if worker.room else "",
                worker.bus_route.name if worker.bus_route else "",
                worker.employment_start,
            ]

    title = _("List of workers, exported on %(date)s") % {
        "date": timezone.localdate().strftime("%d/%m/%Y")
    }
    if _any_masked(by, queryset):
        # The title row comes before the rows, so this is asked up front.
        note = _(
            "National ID and phone numbers are masked: this file cannot be "
            "imported again."
        )
        title = f"{title} – {note}"
    data = write_xlsx(
        list(EXPORT_HEADERS.values()), rows(), sheet_title=_("Workers"), title=title
    )
    count = counts["clear"] + counts["masked"]
    audit.record(
        AuditAction.EXPORT,
        enterprise,
        changes={
            "count": count,
            "personal_data": counts["clear"],
            "masked": counts["masked"],
            "filters": filters or {},
        },
        scope_path=enterprise.path if enterprise is not None else _common_scope(by),
        object_repr="" if enterprise is not None else _("Workers"),
    )
    return ExportResult(
        data=data, count=count, clear=counts["clear"], masked=counts["masked"]
    )


def _any_masked(by: Any, queryset: QuerySet[Worker]) -> bool:
    """Will any row be masked? The per-row rule of ``can_see_personal_data``,
    as one query: a worker's scope is their enterprise, else their residence."""
    paths = scope_paths(by, PERSONAL_DATA_ROLES)
    if paths is None:
        return False
    clear = paths_q("enterprise__path", paths) | (
        Q(enterprise__isnull=True) & paths_q("residence__path", paths)
    )
    return queryset.exclude(clear).exists()

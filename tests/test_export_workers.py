"""Worker export (.xlsx): headers, content, masking, scoping, audit, and the
export → import round trip."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_import_workers import make_parts, make_xlsx, person, run
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.organisations.models import Room
from tuquan.people.models import TeamMembership, Worker
from tuquan.people.roster_file import EXPORT_HEADERS


@pytest.fixture
def parts(province: Province) -> dict[str, Any]:
    return make_parts(province)


def export(client: Client, province: Province, persona: str, **params: Any) -> Any:
    client.force_login(province.user(persona))
    return client.get(reverse("worker_export"), params)


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_it_exports_the_filtered_list_with_the_import_headers(
    client: Client, province: Province, parts: dict[str, Any]
) -> None:
    colleague = province.colleague
    colleague.workshop = parts["workshop"]
    colleague.line = parts["line"]
    colleague.shift = parts["shift"]
    colleague.bus_route = parts["bus"]
    colleague.employment_start = date(2021, 6, 1)
    colleague.save()

    response = export(
        client, province, "enterprise", enterprise=province.enterprise_a.pk
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert list(rows[1]) == list(EXPORT_HEADERS.values())
    by_name = {row[0]: row for row in rows[2:]}
    assert set(by_name) == {"Nguyễn Văn Đông", "Trần Thị Lan", "Lê Văn Hùng"}
    hung = by_name["Lê Văn Hùng"]
    assert hung[1].date() == date(1995, 5, 17)
    assert hung[2] == "Nam"
    assert hung[3] == colleague.national_id
    assert hung[4] == "0" + colleague.phone[3:]
    assert hung[5:9] == ("Xưởng Rang", "Chuyền 1", None, "Ca sáng")
    assert hung[11] == "Tuyến Buôn Ma Thuột"
    assert hung[12].date() == date(2021, 6, 1)
    assert by_name["Trần Thị Lan"][7] == "Tổ tự quản Xưởng Rang"
    assert by_name["Nguyễn Văn Đông"][9] == "Nhà trọ Hoa Mai"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["count"] == 3 and entry.changes["personal_data"] == 3
    assert entry.scope_path == province.enterprise_a.path
    assert entry.changes["filters"] == {"enterprise": province.enterprise_a.pk}


def test_it_applies_the_list_filters(
    client: Client, province: Province, parts: dict[str, Any]
) -> None:
    response = export(client, province, "enterprise", q="lan")
    assert [row[0] for row in sheet_rows(response)[2:]] == ["Trần Thị Lan"]


def test_it_masks_personal_data_for_roles_without_access(
    client: Client, province: Province, parts: dict[str, Any]
) -> None:
    response = export(client, province, "zone", enterprise=province.enterprise_a.pk)

    rows = sheet_rows(response)
    note = _(
        "National ID and phone numbers are masked: this file cannot be imported again."
    )
    assert note in rows[0][0]
    for row in rows[2:]:
        assert row[3].startswith("•") and row[3][-3:].isdigit()
        assert row[4].startswith("•")
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["masked"] == 3 and entry.changes["personal_data"] == 0


def test_it_hides_other_scopes(
    client: Client, province: Province, parts: dict[str, Any]
) -> None:
    """An enterprise-B officer exports only B's workers, even asking for A."""
    response = export(
        client, province, "enterprise_b", enterprise=province.enterprise_a.pk
    )
    assert response.status_code == 200
    assert sheet_rows(response)[2:] == []

    everything = export(Client(), province, "enterprise_b")
    names = [row[0] for row in sheet_rows(everything)[2:]]
    assert names == [province.outsider.full_name]
    assert all("Ngoài phạm vi" in name for name in names)

    nobody = export(Client(), province, "outsider")
    assert sheet_rows(nobody)[2:] == []


def test_it_requires_login(client: Client, province: Province) -> None:
    response = client.get(reverse("worker_export"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_round_trips_an_export_through_the_import_without_changes(
    client: Client, province: Province, parts: dict[str, Any]
) -> None:
    room = Room.objects.create(residence=province.residence_a, number="P.12")
    leader = province.leader  # lives in residence A, which the officer cannot see
    leader.room = room
    leader.save()
    rows = [
        person(f"Người {i}", serial=i, line="Chuyền 1", team="Tổ tự quản Xưởng Rang")
        for i in range(1, 4)
    ]
    rows[0]["Tuyến xe"] = "Tuyến Buôn Ma Thuột"
    assert run(province, make_xlsx(rows)).created == 3
    response = export(
        client, province, "enterprise", enterprise=province.enterprise_a.pk
    )
    counts = (
        Worker.objects.count(),
        TeamMembership.objects.count(),
        AuditEntry.objects.exclude(action=AuditAction.EXPORT).count(),
    )

    report = run(province, response.content, filename="xuat.xlsx")

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    after = (
        Worker.objects.count(),
        TeamMembership.objects.count(),
        AuditEntry.objects.exclude(action=AuditAction.EXPORT).count(),
    )
    assert after == counts


@pytest.mark.parametrize("count", [2100])
def test_it_streams_a_large_export_in_chunks_with_few_queries(
    client: Client,
    province: Province,
    parts: dict[str, Any],
    django_assert_max_num_queries: Any,
    count: int,
) -> None:
    rows = [
        person(f"Công Nhân {i:04d}", serial=5000 + i, team="Tổ tự quản Xưởng Rang")
        for i in range(count)
    ]
    assert run(province, make_xlsx(rows)).created == count
    client.force_login(province.user("enterprise"))

    with django_assert_max_num_queries(25):
        response = client.get(
            reverse("worker_export"), {"enterprise": province.enterprise_a.pk}
        )

    exported = sheet_rows(response)[2:]
    assert len(exported) == count + 3
    assert sum(1 for row in exported if row[7] == "Tổ tự quản Xưởng Rang") == count + 2

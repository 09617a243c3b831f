"""Directive API: list and get directives and tasks (scoped, with status
buckets), accept, create a progress report with client_id idempotency,
approve and return; bad input answers 422 naming the field."""

from __future__ import annotations

import uuid
from datetime import date

from django.test import Client

from tests.conftest import OUTSIDE, Province
from tests.test_directive_pages import client_for, two_directives
from tests.test_directive_services import at, make_directive
from tuquan.directives.choices import ReportState
from tuquan.directives.models import ProgressReport

API = "/api/v1"


def post(client: Client, url: str, body: dict) -> object:
    return client.post(API + url, body, content_type="application/json")


def test_it_hides_other_scopes(province: Province) -> None:
    ours, theirs = two_directives(province)
    theirs_task = theirs.tasks.get()
    for persona in ("commune", "zone", "enterprise", "team_leader", "worker"):
        client = client_for(province, persona)
        for url in ("/directives", "/tasks", "/progress-reports"):
            response = client.get(API + url)
            assert response.status_code == 200, (persona, url)
            assert OUTSIDE not in response.content.decode(), (persona, url)
        assert client.get(f"{API}/directives/{theirs.pk}").status_code == 404
        assert client.get(f"{API}/tasks/{theirs_task.pk}").status_code == 404
        assignment = theirs_task.assignments.first()
        accept = post(client, f"/assignments/{assignment.pk}/accept", {})
        assert accept.status_code == 404  # type: ignore[attr-defined]
    listed = client_for(province, "zone").get(f"{API}/directives").json()
    assert [d["number"] for d in listed] == ["23/BCĐ-CAT"]
    # Zone A sees its own assignment only, not commune A's.
    units = listed[0]["tasks"][0]["units"]
    assert [u["unit_id"] for u in units] == [province.zone_a.pk]


def test_it_lists_with_status_buckets(province: Province) -> None:
    make_directive(province)
    client = client_for(province, "province")
    with at(date(2021, 9, 5)):
        overdue = client.get(f"{API}/directives", {"status": "overdue"}).json()
        done = client.get(f"{API}/directives", {"status": "done_late"}).json()
    assert overdue[0]["tasks"][0]["status"] == "overdue"
    assert done == []
    bad = client.get(f"{API}/directives", {"status": "soon"})
    assert bad.status_code == 422


def test_it_creates_a_report_once_per_client_id(province: Province) -> None:
    task = make_directive(province).tasks.get()
    client = client_for(province, "commune")
    body = {
        "task_id": task.pk,
        "unit_id": province.commune_a.pk,
        "percentage": 60,
        "narrative": "Đã phát 2.000 tờ rơi",
        "client_id": str(uuid.uuid4()),
    }
    with at(date(2021, 8, 10)):
        first = post(client, "/progress-reports", body)
        again = post(client, "/progress-reports", body)
    assert first.status_code == 201  # type: ignore[attr-defined]
    assert again.status_code == 200  # type: ignore[attr-defined]
    assert first.json()["id"] == again.json()["id"]  # type: ignore[attr-defined]
    assert ProgressReport.objects.count() == 1
    # Another unit's officer cannot replay or see it.
    other = post(client_for(province, "enterprise_b"), "/progress-reports", body)
    assert other.status_code == 422  # type: ignore[attr-defined]


def test_it_answers_422_for_bad_reports(province: Province) -> None:
    task = make_directive(province).tasks.get()
    client = client_for(province, "enterprise")
    with at(date(2021, 8, 10)):
        # Enterprise A is in scope of nobody's task here: the task is not
        # visible to its officer.
        hidden = post(
            client,
            "/progress-reports",
            {
                "task_id": task.pk,
                "unit_id": province.enterprise_a.pk,
                "percentage": 10,
                "narrative": "x",
            },
        )
        assert hidden.status_code == 422  # type: ignore[attr-defined]
        assert hidden.json()["detail"][0]["field"] == "task_id"  # type: ignore[attr-defined]
        # The commune officer reports for a unit that is not assigned.
        unassigned = post(
            client_for(province, "commune"),
            "/progress-reports",
            {
                "task_id": task.pk,
                "unit_id": province.enterprise_a.pk,
                "percentage": 10,
                "narrative": "x",
            },
        )
        detail = unassigned.json()["detail"]  # type: ignore[attr-defined]
        assert unassigned.status_code == 422  # type: ignore[attr-defined]
        assert detail[0]["field"] == "unit"
        assert province.enterprise_a.name in detail[0]["messages"][0]
        too_much = post(
            client_for(province, "commune"),
            "/progress-reports",
            {
                "task_id": task.pk,
                "unit_id": province.commune_a.pk,
                "percentage": 130,
                "narrative": "x",
            },
        )
        assert too_much.status_code == 422  # type: ignore[attr-defined]
    assert ProgressReport.objects.count() == 0


def test_it_accepts_approves_and_returns(province: Province) -> None:
    task = make_directive(province).tasks.get()
    zone = client_for(province, "zone")
    assignment = task.assignments.get(unit=province.zone_a)
    accepted = post(zone, f"/assignments/{assignment.pk}/accept", {})
    assert accepted.json()["accepted_at"]  # type: ignore[attr-defined]
    with at(date(2021, 8, 10)):
        made = post(
            zone,
            "/progress-reports",
            {
                "task_id": task.pk,
                "unit_id": province.zone_a.pk,
                "percentage": 100,
                "narrative": "Hoàn thành",
            },
        ).json()  # type: ignore[attr-defined]
    forbidden = post(zone, f"/progress-reports/{made['id']}/approve", {})
    assert forbidden.status_code == 403  # type: ignore[attr-defined]
    issuer = client_for(province, "province")
    no_reason = post(issuer, f"/progress-reports/{made['id']}/return", {"reason": ""})
    assert no_reason.status_code == 422  # type: ignore[attr-defined]
    returned = post(
        issuer, f"/progress-reports/{made['id']}/return", {"reason": "Thiếu ảnh"}
    )
    assert returned.json()["state"] == ReportState.RETURNED  # type: ignore[attr-defined]
    twice = post(issuer, f"/progress-reports/{made['id']}/approve", {})
    assert twice.status_code == 422  # type: ignore[attr-defined]
    got = issuer.get(f"{API}/tasks/{task.pk}").json()
    assert {u["unit_id"] for u in got["units"]} == {
        province.commune_a.pk,
        province.zone_a.pk,
    }

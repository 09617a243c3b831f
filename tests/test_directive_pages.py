"""Directive pages: list with filters, detail, create/edit with the task
formset, the unit inbox, the progress report form and approve/return (htmx),
each limited to the user's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tests.test_directive_services import at, make_directive
from tuquan.directives import services
from tuquan.directives.choices import ReportState
from tuquan.directives.models import Directive, ProgressReport
from tuquan.directives.services import TaskInput


def client_for(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def two_directives(province: Province) -> tuple[Directive, Directive]:
    """Letter 23 for commune A and zone A; a letter whose only task is commune
    B's (outside every narrow persona's scope)."""
    ours = make_directive(province)
    theirs = make_directive(
        province,
        number=f"24/BCĐ-{OUTSIDE}",
        tasks=[
            TaskInput(
                content=f"Nhiệm vụ {OUTSIDE}",
                lead_unit=province.commune_b,
                supporting_units=[province.zone_b],
                deadline=date(2021, 8, 31),
            )
        ],
    )
    return ours, theirs


def test_it_hides_other_scopes(province: Province) -> None:
    ours, theirs = two_directives(province)
    theirs_task = theirs.tasks.get()
    root = f.make_user("root", is_superuser=True)
    with at(date(2021, 8, 2)):
        services.submit_progress(
            task=theirs_task,
            unit=province.commune_b,
            by=root,
            percentage=10,
            narrative=f"Báo cáo {OUTSIDE}",
        )
    for persona in ("commune", "zone", "enterprise", "team_leader", "worker"):
        client = client_for(province, persona)
        for url in (
            "/directives/",
            f"/directives/?unit={province.commune_b.pk}",
            "/directives/inbox/",
        ):
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            assert OUTSIDE not in response.content.decode(), (persona, url)
        assert client.get(f"/directives/{theirs.pk}/").status_code == 404
        assert (
            client.get(f"/directives/tasks/{theirs_task.pk}/report/").status_code == 404
        )
        assignment = theirs_task.assignments.first()
        assert (
            client.post(f"/directives/assignments/{assignment.pk}/accept/").status_code
            == 404
        )
    # Commune A sees Letter 23 but not commune B's letter.
    page = client_for(province, "commune").get("/directives/").content.decode()
    assert "23/BCĐ-CAT" in page
    # The committee sees both.
    page = client_for(province, "province").get("/directives/").content.decode()
    assert "23/BCĐ-CAT" in page and f"24/BCĐ-{OUTSIDE}" in page
    # The enterprise officer is not assigned: nothing.
    page = client_for(province, "enterprise").get("/directives/").content.decode()
    assert "23/BCĐ-CAT" not in page


def test_it_shows_only_the_units_own_tasks_on_the_detail(province: Province) -> None:
    directive = make_directive(
        province,
        tasks=[
            TaskInput(
                content="Nhiệm vụ của xã A",
                lead_unit=province.commune_a,
                supporting_units=[],
                deadline=date(2021, 8, 31),
            ),
            TaskInput(
                content=f"Nhiệm vụ {OUTSIDE}",
                lead_unit=province.commune_b,
                supporting_units=[],
                deadline=date(2021, 8, 31),
            ),
        ],
    )
    page = client_for(province, "commune").get(f"/directives/{directive.pk}/")
    text = page.content.decode()
    assert "Nhiệm vụ của xã A" in text and OUTSIDE not in text
    full = client_for(province, "province").get(f"/directives/{directive.pk}/")
    assert OUTSIDE in full.content.decode()


def test_it_filters_the_list_by_status_topic_and_unit(province: Province) -> None:
    ours, theirs = two_directives(province)
    client = client_for(province, "province")
    with at(date(2021, 9, 5)):
        overdue = client.get("/directives/", {"status": "overdue"}).content.decode()
        done = client.get("/directives/", {"status": "done_on_time"}).content.decode()
    assert "23/BCĐ-CAT" in overdue
    assert "23/BCĐ-CAT" not in done
    by_unit = client.get("/directives/", {"unit": province.zone_a.pk}).content.decode()
    assert "23/BCĐ-CAT" in by_unit and f"24/BCĐ-{OUTSIDE}" not in by_unit
    by_topic = client.get("/directives/", {"topic": "epidemic"}).content.decode()
    assert "23/BCĐ-CAT" not in by_topic
    # htmx asks for the rows only.
    partial = client.get("/directives/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "23/BCĐ-CAT" in partial


def form_data(province: Province, **extra: Any) -> dict[str, Any]:
    data = {
        "number": "30/BCĐ-CAT",
        "issued_on": "02/08/2021",
        "issuer": province.committee.pk,
        "topic": "epidemic",
        "summary": "Tăng cường tự giám sát phòng, chống dịch",
        "full_text": "Nội dung đầy đủ",
        "tasks-TOTAL_FORMS": "1",
        "tasks-INITIAL_FORMS": "0",
        "tasks-MIN_NUM_FORMS": "1",
        "tasks-MAX_NUM_FORMS": "1000",
        "tasks-0-content": "Báo cáo tháng về tổ tự quản",
        "tasks-0-lead_unit": province.zone_a.pk,
        "tasks-0-supporting_units": [province.commune_a.pk],
        "tasks-0-cycle": "monthly",
        "tasks-0-due_day": "25",
    }
    data.update(extra)
    return data


def test_it_creates_and_edits_a_directive_through_the_form(province: Province) -> None:
    client = client_for(province, "province")
    assert client.get("/directives/new/").status_code == 200
    response = client.post("/directives/new/", form_data(province))
    assert response.status_code == 302, response.content.decode()[:2000]
    directive = Directive.objects.get(number="30/BCĐ-CAT")
    task = directive.tasks.get()
    assert task.due_day == 25 and task.lead_unit_id == province.zone_a.pk
    edit = client.get(f"/directives/{directive.pk}/edit/")
    assert "Báo cáo tháng về tổ tự quản" in edit.content.decode()
    response = client.post(
        f"/directives/{directive.pk}/edit/",
        form_data(
            province,
            **{
                "tasks-INITIAL_FORMS": "1",
                "tasks-0-id": str(task.pk),
                "tasks-0-content": "Báo cáo tháng (sửa)",
            },
        ),
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.content == "Báo cáo tháng (sửa)"
    # Saving again without touching the task keeps it.
    unchanged = form_data(
        province,
        **{
            "summary": "Trích yếu khác",
            "tasks-INITIAL_FORMS": "1",
            "tasks-0-id": str(task.pk),
            "tasks-0-content": "Báo cáo tháng (sửa)",
        },
    )
    assert (
        client.post(f"/directives/{directive.pk}/edit/", unchanged).status_code == 302
    )
    assert list(directive.tasks.values_list("pk", flat=True)) == [task.pk]


def test_it_shows_the_reasons_when_the_form_is_wrong(province: Province) -> None:
    client = client_for(province, "province")
    response = client.post(
        "/directives/new/",
        form_data(
            province,
            **{
                "tasks-0-lead_unit": "",
                "tasks-0-cycle": "once",
                "tasks-0-due_day": "",
                "tasks-0-deadline": "01/07/2021",
            },
        ),
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "đơn vị chủ trì" in text
    assert "01/07/2021" in text
    assert not Directive.objects.exists()


def test_it_refuses_the_form_to_a_user_who_issues_nothing(province: Province) -> None:
    assert client_for(province, "worker").get("/directives/new/").status_code == 403


def test_it_lets_a_unit_accept_report_and_the_issuer_approve(
    province: Province,
) -> None:
    directive = make_directive(province)
    task = directive.tasks.get()
    commune = client_for(province, "commune")
    inbox = commune.get("/directives/inbox/").content.decode()
    assert "23/BCĐ-CAT" in inbox
    lead = task.assignments.get(unit=province.commune_a)
    response = commune.post(
        f"/directives/assignments/{lead.pk}/accept/",
        {"next": "https://example.com/"},
    )
    assert response["Location"] == "/directives/inbox/"  # no open redirect
    lead.refresh_from_db()
    assert lead.accepted_at is not None
    form = commune.get(f"/directives/tasks/{task.pk}/report/")
    assert form.status_code == 200
    response = commune.post(
        f"/directives/tasks/{task.pk}/report/",
        {
            "unit": province.commune_a.pk,
            "percentage": "100",
            "narrative": "Đã tổ chức 12 buổi tuyên truyền",
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    # The commune cannot approve its own report.
    assert (
        commune.post(
            f"/directives/reports/{report.pk}/review/", {"action": "approve"}
        ).status_code
        == 403
    )
    issuer = client_for(province, "province")
    returned = issuer.post(
        f"/directives/reports/{report.pk}/review/",
        {"action": "return", "reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert returned.status_code == 200
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED  # no reason: refused
    approved = issuer.post(
        f"/directives/reports/{report.pk}/review/",
        {"action": "approve"},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="report-' in approved.content.decode()
    assert 'id="dv-tasks-block" hx-swap-oob="true"' in approved.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED


def test_it_says_when_the_user_has_no_assigned_unit(province: Province) -> None:
    task = make_directive(province).tasks.get()
    # The province officer sees the task but reports for no unit of it.
    page = client_for(province, "province").get(f"/directives/tasks/{task.pk}/report/")
    assert page.status_code == 200
    assert '<form method="post" enctype' not in page.content.decode()


def test_it_lists_and_shows_the_inbox_in_constant_queries(province: Province) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(province, "commune")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    make_directive(province, number="1/BCĐ")
    few = (queries("/directives/"), queries("/directives/inbox/"))
    for n in range(2, 6):
        make_directive(province, number=f"{n}/BCĐ")
    assert (queries("/directives/"), queries("/directives/inbox/")) == few

"""Directive services: create and edit with tasks, accept, report, approve and
return, and every bad input refused with a clear reason and nothing saved."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import OUTSIDE, Province
from tuquan.core.models import AuditEntry
from tuquan.directives import services
from tuquan.directives.choices import AssignmentRole, Cycle, ReportState
from tuquan.directives.models import Assignment, Directive, ProgressReport, Task
from tuquan.directives.services import TaskInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ISSUED = date(2021, 7, 26)


def at(day: date, hour: int = 9) -> Any:
    """Freeze time at ``hour`` o'clock local time on ``day``."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=TZ), tick=False
    )


def make_directive(
    province: Province,
    *,
    number: str = "23/BCĐ-CAT",
    tasks: list[TaskInput] | None = None,
    by: Any = None,
) -> Directive:
    """Letter 23 of the committee with one task led by commune A (deadline
    31/08/2021, zone A supporting) unless ``tasks`` says otherwise."""
    if tasks is None:
        tasks = [
            TaskInput(
                content="Đổi mới nội dung, hình thức tuyên truyền",
                lead_unit=province.commune_a,
                supporting_units=[province.zone_a],
                deadline=date(2021, 8, 31),
            )
        ]
    return services.save_directive(
        by=by or province.user("province"),
        values={
            "number": number,
            "issued_on": ISSUED,
            "issuer": province.committee,
            "summary": "Tăng cường xây dựng phong trào gắn với phòng, chống dịch",
            "full_text": "Ban Chỉ đạo yêu cầu các sở, ban, ngành...",
            "topic": "movement",
        },
        tasks=tasks,
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Directive.objects.count(),
        Task.objects.count(),
        Assignment.objects.count(),
        ProgressReport.objects.count(),
    )


def test_it_creates_a_directive_with_tasks_and_assignments(
    province: Province,
) -> None:
    directive = make_directive(province)
    task = directive.tasks.get()
    roles = {a.unit_id: a.role for a in task.assignments.all()}
    assert roles == {
        province.commune_a.pk: AssignmentRole.LEAD,
        province.zone_a.pk: AssignmentRole.SUPPORT,
    }
    assert [u.pk for u in task.supporting_units] == [province.zone_a.pk]
    assert AuditEntry.objects.filter(
        object_type="directives.directive", action="create"
    ).exists()


def test_it_edits_tasks_keeping_acceptances(province: Province) -> None:
    directive = make_directive(province)
    task = directive.tasks.get()
    lead = task.assignments.get(unit=province.commune_a)
    services.accept_task(assignment=lead, by=province.user("commune"))
    services.save_directive(
        by=province.user("province"),
        directive=directive,
        values={"summary": "Trích yếu mới"},
        tasks=[
            TaskInput(
                pk=task.pk,
                content="Nội dung mới",
                lead_unit=province.commune_a,
                supporting_units=[],
                deadline=date(2021, 9, 30),
            ),
            TaskInput(
                content="Báo cáo tháng",
                lead_unit=province.zone_a,
                supporting_units=[],
                cycle=Cycle.MONTHLY,
                due_day=20,
            ),
        ],
    )
    directive.refresh_from_db()
    assert directive.summary == "Trích yếu mới"
    assert directive.tasks.count() == 2
    lead.refresh_from_db()
    assert lead.accepted_at is not None
    assert not Assignment.objects.filter(task=task, unit=province.zone_a).exists()


def test_it_refuses_a_task_without_a_lead_unit(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        make_directive(
            province,
            tasks=[
                TaskInput(
                    content="Nhiệm vụ",
                    lead_unit=None,
                    supporting_units=[],
                    deadline=date(2021, 8, 31),
                )
            ],
        )
    assert "tasks-1-lead_unit" in exc.value.message_dict
    assert "đơn vị chủ trì" in " ".join(exc.value.messages)
    assert counts() == (0, 0, 0, 0)


def test_it_refuses_a_deadline_before_the_directives_date(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        make_directive(
            province,
            tasks=[
                TaskInput(
                    content="Nhiệm vụ hợp lệ",
                    lead_unit=province.commune_a,
                    supporting_units=[],
                    deadline=date(2021, 8, 31),
                ),
                TaskInput(
                    content="Nhiệm vụ",
                    lead_unit=province.commune_a,
                    supporting_units=[],
                    deadline=date(2021, 7, 1),
                ),
            ],
        )
    text = " ".join(exc.value.message_dict["tasks-2-deadline"])
    assert "01/07/2021" in text and "26/07/2021" in text
    assert counts() == (0, 0, 0, 0)  # the valid first task is not saved either


def test_it_refuses_a_task_without_deadline_or_cycle(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        make_directive(
            province,
            tasks=[
                TaskInput(
                    content="Nhiệm vụ",
                    lead_unit=province.commune_a,
                    supporting_units=[],
                )
            ],
        )
    assert "tasks-1-deadline" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_directive(
            province,
            tasks=[
                TaskInput(
                    content="Báo cáo",
                    lead_unit=province.commune_a,
                    supporting_units=[],
                    cycle=Cycle.WEEKLY,
                    due_day=9,
                )
            ],
        )
    assert "tasks-1-due_day" in exc.value.message_dict
    assert counts() == (0, 0, 0, 0)


def test_it_refuses_units_outside_the_issuers_scope(province: Province) -> None:
    # The commune officer issues a directive of commune A and cannot assign
    # commune B.
    with pytest.raises(ValidationError) as exc:
        services.save_directive(
            by=province.user("commune"),
            values={
                "number": "05/UBND",
                "issued_on": ISSUED,
                "issuer": province.commune_a,
                "summary": "Chỉ đạo của xã",
                "full_text": "Nội dung",
            },
            tasks=[
                TaskInput(
                    content="Nhiệm vụ",
                    lead_unit=province.commune_b,
                    supporting_units=[],
                    deadline=date(2021, 8, 31),
                )
            ],
        )
    assert OUTSIDE in " ".join(exc.value.messages)
    assert counts() == (0, 0, 0, 0)


def test_it_refuses_an_issuer_the_user_does_not_act_for(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        make_directive(province, by=province.user("commune"))
    assert counts() == (0, 0, 0, 0)


def test_it_refuses_a_report_from_a_unit_not_assigned(province: Province) -> None:
    directive = make_directive(province)
    task = directive.tasks.get()
    with pytest.raises(ValidationError) as exc:
        services.submit_progress(
            task=task,
            unit=province.enterprise_a,
            by=province.user("enterprise"),
            percentage=50,
            narrative="Đã tuyên truyền",
        )
    message = " ".join(exc.value.message_dict["unit"])
    assert province.enterprise_a.name in message
    assert task.content not in message  # says who, not what
    assert ProgressReport.objects.count() == 0


def test_it_refuses_a_report_by_an_officer_of_another_unit(province: Province) -> None:
    task = make_directive(province).tasks.get()
    with pytest.raises(PermissionDenied):
        services.submit_progress(
            task=task,
            unit=province.commune_a,
            by=province.user("zone"),
            percentage=50,
            narrative="Đã tuyên truyền",
        )


def test_it_refuses_bad_percentages_and_empty_narratives(province: Province) -> None:
    task = make_directive(province).tasks.get()
    with at(date(2021, 8, 2)), pytest.raises(ValidationError) as exc:
        services.submit_progress(
            task=task,
            unit=province.commune_a,
            by=province.user("commune"),
            percentage=120,
            narrative="  ",
        )
    assert set(exc.value.message_dict) == {"percentage", "narrative"}
    assert ProgressReport.objects.count() == 0


def test_it_approves_and_returns_reports(province: Province) -> None:
    task = make_directive(province).tasks.get()
    commune = province.user("commune")
    with at(date(2021, 8, 2)):
        first = services.submit_progress(
            task=task,
            unit=province.commune_a,
            by=commune,
            percentage=40,
            narrative="Đã in tờ rơi",
        )
    # Submitting accepts the task.
    assert task.assignments.get(unit=province.commune_a).accepted_at is not None
    with pytest.raises(PermissionDenied):
        services.review_report(report=first, by=commune, approve=True)
    with pytest.raises(ValidationError) as exc:
        services.review_report(
            report=first, by=province.user("province"), approve=False, reason=" "
        )
    assert "return_reason" in exc.value.message_dict
    services.review_report(
        report=first,
        by=province.user("province"),
        approve=False,
        reason="Thiếu số liệu",
    )
    first.refresh_from_db()
    assert first.state == ReportState.RETURNED
    assert first.return_reason == "Thiếu số liệu"
    with pytest.raises(ValidationError):
        services.review_report(report=first, by=province.user("province"), approve=True)


def test_it_accepts_a_task_once(province: Province) -> None:
    task = make_directive(province).tasks.get()
    assignment = task.assignments.get(unit=province.zone_a)
    with pytest.raises(PermissionDenied):
        services.accept_task(assignment=assignment, by=province.user("commune"))
    services.accept_task(assignment=assignment, by=province.user("zone"))
    first = assignment.accepted_at
    services.accept_task(assignment=assignment, by=province.user("zone"))
    assert assignment.accepted_at == first


def test_it_refuses_removing_a_task_with_reports(province: Province) -> None:
    directive = make_directive(province)
    task = directive.tasks.get()
    with at(date(2021, 8, 2)):
        services.submit_progress(
            task=task,
            unit=province.commune_a,
            by=province.user("commune"),
            percentage=10,
            narrative="Bắt đầu",
        )
    with pytest.raises(ValidationError):
        services.save_directive(
            by=province.user("province"),
            directive=directive,
            values={},
            tasks=[
                TaskInput(
                    content="Khác",
                    lead_unit=province.zone_a,
                    supporting_units=[],
                    deadline=date(2021, 9, 1),
                )
            ],
        )
    assert list(directive.tasks.all()) == [task]

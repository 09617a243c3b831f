"""Status buckets computed from dates, with frozen time: done on time, done
late, in progress within the deadline, overdue; per period for periodic
reports."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import Province
from tests.test_directive_services import at, make_directive
from tuquan.directives import services
from tuquan.directives import status as st
from tuquan.directives.choices import Bucket, Cycle
from tuquan.directives.models import ProgressReport, Task
from tuquan.directives.services import TaskInput

DEADLINE = date(2021, 8, 31)


def lead_bucket(task: Task, today: date) -> str:
    reports = ProgressReport.objects.filter(task=task, unit=task.lead_unit)
    return st.unit_status(task, reports, today).bucket


def report(
    province: Province,
    task: Task,
    day: date,
    percentage: int,
    hour: int = 9,
    **extra: object,
) -> ProgressReport:
    with at(day, hour):
        return services.submit_progress(
            task=task,
            unit=province.commune_a,
            by=province.user("commune"),
            percentage=percentage,
            narrative="Đã thực hiện",
            **extra,  # type: ignore[arg-type]
        )


def approve(province: Province, r: ProgressReport) -> None:
    services.review_report(report=r, by=province.user("province"), approve=True)


def test_it_is_in_progress_until_the_deadline_then_overdue(
    province: Province,
) -> None:
    task = make_directive(province).tasks.get()
    assert lead_bucket(task, date(2021, 8, 1)) == Bucket.IN_PROGRESS
    assert lead_bucket(task, DEADLINE) == Bucket.IN_PROGRESS
    assert lead_bucket(task, date(2021, 9, 1)) == Bucket.OVERDUE
    # Partial progress does not finish the task.
    approve(province, report(province, task, date(2021, 8, 20), 60))
    assert lead_bucket(task, date(2021, 9, 1)) == Bucket.OVERDUE


def test_it_is_done_on_time_when_the_complete_report_came_by_the_deadline(
    province: Province,
) -> None:
    task = make_directive(province).tasks.get()
    # Submitted late in the evening of the last day (local time) still counts.
    r = report(province, task, DEADLINE, 100, hour=23)
    # Waiting for approval after the deadline: the unit was on time.
    assert lead_bucket(task, date(2021, 9, 5)) == Bucket.IN_PROGRESS
    approve(province, r)
    assert lead_bucket(task, date(2021, 9, 5)) == Bucket.DONE_ON_TIME


def test_it_is_done_late_when_completed_after_the_deadline(province: Province) -> None:
    task = make_directive(province).tasks.get()
    r = report(province, task, date(2021, 9, 3), 100)
    assert lead_bucket(task, date(2021, 9, 3)) == Bucket.OVERDUE
    approve(province, r)
    assert lead_bucket(task, date(2021, 9, 10)) == Bucket.DONE_LATE


def test_it_ignores_returned_reports(province: Province) -> None:
    task = make_directive(province).tasks.get()
    r = report(province, task, date(2021, 8, 30), 100)
    services.review_report(
        report=r, by=province.user("province"), approve=False, reason="Thiếu ảnh"
    )
    assert lead_bucket(task, date(2021, 9, 1)) == Bucket.OVERDUE
    again = report(province, task, date(2021, 9, 2), 100)
    approve(province, again)
    assert lead_bucket(task, date(2021, 9, 5)) == Bucket.DONE_LATE


def monthly(province: Province, cycle: str = Cycle.MONTHLY, day: int = 20) -> Task:
    directive = make_directive(
        province,
        tasks=[
            TaskInput(
                content="Báo cáo định kỳ",
                lead_unit=province.commune_a,
                supporting_units=[],
                cycle=cycle,
                due_day=day,
            )
        ],
    )
    return directive.tasks.get()


def test_it_computes_monthly_periods(province: Province) -> None:
    task = monthly(province)
    # Directive of 26/07: July's report was due on 20/07, before the
    # directive: not owed. The first is August's, due 20/08.
    assert st.periods(task, date(2021, 7, 28))[0].start == date(2021, 8, 1)
    periods = st.periods(task, date(2021, 9, 2))
    assert [(p.start, p.due) for p in periods] == [
        (date(2021, 8, 1), date(2021, 8, 20)),
        (date(2021, 9, 1), date(2021, 9, 20)),
    ]
    assert periods[0].label == "08/2021"


def test_it_buckets_each_period_of_a_monthly_report(province: Province) -> None:
    task = monthly(province, day=31)
    approve(province, report(province, task, date(2021, 7, 30), 30))
    late = report(province, task, date(2021, 9, 1), 50, period_start=date(2021, 8, 1))
    approve(province, late)
    reports = ProgressReport.objects.filter(task=task)
    status = st.unit_status(task, reports, date(2021, 9, 10))
    assert [p.bucket for p in status.periods] == [
        Bucket.DONE_ON_TIME,  # July, reported on 30/07
        Bucket.DONE_LATE,  # August, reported on 01/09
        Bucket.IN_PROGRESS,  # September, due 30/09
    ]
    assert status.bucket == Bucket.IN_PROGRESS
    # October with nothing for September: overdue.
    assert st.unit_status(task, reports, date(2021, 10, 1)).bucket == Bucket.OVERDUE


def test_it_clamps_due_days_and_handles_quarters_and_weeks(province: Province) -> None:
    quarterly = monthly(province, Cycle.QUARTERLY, 31)
    assert st.period_of(quarterly, date(2021, 8, 15)).due == date(2021, 9, 30)
    assert st.period_of(quarterly, date(2021, 11, 2)).start == date(2021, 10, 1)
    weekly = Task.objects.get(pk=quarterly.pk)
    weekly.cycle, weekly.due_day = Cycle.WEEKLY, 5
    week = st.period_of(weekly, date(2021, 7, 28))  # a Wednesday
    assert (week.start, week.due) == (date(2021, 7, 26), date(2021, 7, 30))
    assert st.bucket_for(weekly, week, [], date(2021, 7, 31))[0] == Bucket.OVERDUE


def test_it_refuses_a_period_that_has_not_begun(province: Province) -> None:
    task = monthly(province)
    with pytest.raises(ValidationError) as exc:
        report(province, task, date(2021, 8, 5), 20, period_start=date(2021, 9, 1))
    assert "period_start" in exc.value.message_dict
    assert ProgressReport.objects.count() == 0

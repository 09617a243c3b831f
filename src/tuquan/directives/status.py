"""Status buckets of tasks, computed from dates (never stored).

A one-off task has one period, from the directive's date to its deadline; a
periodic report has one period per week, month or quarter from the directive's
date (up to today and ``recur_until``; a period due before the directive's date
is skipped), due on ``due_day``: the weekday of the
week (1 = Monday), the day of the month, or the day of the quarter's last month
(clamped to the month's last day).

For one unit and one period:
- done: an approved report (for a one-off task, an approved report at 100 %);
  on time when it was submitted by the due date, else late;
- not done: in progress while today is on or before the due date, or while a
  complete report submitted by the due date waits for the issuer; otherwise
  overdue.
A periodic task's status is overdue when any past period is, else the latest
period's. A task's status is its lead unit's.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.directives.choices import Bucket, Cycle, ReportState
from tuquan.directives.models import ProgressReport, Task


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    due: date
    cycle: str

    @property
    def label(self) -> str:
        if self.cycle == Cycle.MONTHLY:
            return f"{self.start:%m/%Y}"
        if self.cycle == Cycle.QUARTERLY:
            return _("Q%(q)d/%(year)d") % {
                "q": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.cycle == Cycle.WEEKLY:
            return _("week of %(day)s") % {"day": self.start.strftime("%d/%m/%Y")}
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def _clamp(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def period_of(task: Task, day: date) -> Period:
    """The period of ``task`` that contains ``day`` (one-off: its only one)."""
    due_day = task.due_day or 1
    if task.cycle == Cycle.WEEKLY:
        start = day - timedelta(days=day.weekday())
        due = start + timedelta(days=due_day - 1)
        return Period(start, start + timedelta(days=6), due, task.cycle)
    if task.cycle == Cycle.MONTHLY:
        start = day.replace(day=1)
        end = _clamp(day.year, day.month, 31)
        return Period(start, end, _clamp(day.year, day.month, due_day), task.cycle)
    if task.cycle == Cycle.QUARTERLY:
        first = (day.month - 1) // 3 * 3 + 1
        start = date(day.year, first, 1)
        end = _clamp(day.year, first + 2, 31)
        return Period(start, end, _clamp(day.year, first + 2, due_day), task.cycle)
    issued = task.directive.issued_on
    deadline = task.deadline or issued
    return Period(issued, deadline, deadline, task.cycle)


def periods(task: Task, today: date | None = None) -> list[Period]:
    """The task's periods up to the one containing ``today``."""
    today = today or timezone.localdate()
    if not task.recurring:
        return [period_of(task, today)]
    last_day = min(today, task.recur_until) if task.recur_until else today
    result: list[Period] = []
    day = task.directive.issued_on
    while day <= last_day:
        period = period_of(task, day)
        # A report due before the directive existed is not owed.
        if period.due >= task.directive.issued_on:
            result.append(period)
        day = period.end + timedelta(days=1)
    if not result:  # nothing due yet: the first period owed
        day = task.directive.issued_on
        period = period_of(task, day)
        if period.due < day:
            period = period_of(task, period.end + timedelta(days=1))
        result.append(period)
    return result


def bucket_for(
    task: Task, period: Period, reports: Iterable[ProgressReport], today: date
) -> tuple[str, ProgressReport | None]:
    """The bucket of one unit in one period, and the report that decided it."""
    live = [r for r in reports if r.state != ReportState.RETURNED]

    def complete(report: ProgressReport) -> bool:
        return task.recurring or report.percentage >= 100

    def on_time(report: ProgressReport) -> bool:
        return timezone.localtime(report.submitted_at).date() <= period.due

    approved = sorted(
        (r for r in live if r.state == ReportState.APPROVED and complete(r)),
        key=lambda r: r.submitted_at,
    )
    if approved:
        first = approved[0]
        return (Bucket.DONE_ON_TIME if on_time(first) else Bucket.DONE_LATE), first
    waiting = [r for r in live if r.state == ReportState.SUBMITTED and complete(r)]
    if any(on_time(r) for r in waiting):
        return Bucket.IN_PROGRESS, waiting[0]
    latest = max(live, key=lambda r: r.submitted_at, default=None)
    if today <= period.due:
        return Bucket.IN_PROGRESS, latest
    return Bucket.OVERDUE, latest


@dataclass
class PeriodStatus:
    period: Period
    bucket: str
    report: ProgressReport | None

    @property
    def label(self) -> str:
        return Bucket(self.bucket).label


@dataclass
class UnitStatus:
    """One unit's standing on one task."""

    periods: list[PeriodStatus] = field(default_factory=list)

    @property
    def bucket(self) -> str:
        past_overdue = any(p.bucket == Bucket.OVERDUE for p in self.periods)
        if past_overdue:
            return Bucket.OVERDUE
        return self.periods[-1].bucket if self.periods else Bucket.IN_PROGRESS

    @property
    def label(self) -> str:
        return Bucket(self.bucket).label

    @property
    def current(self) -> PeriodStatus | None:
        return self.periods[-1] if self.periods else None

    @property
    def percentage(self) -> int | None:
        current = self.current
        return current.report.percentage if current and current.report else None


def unit_status(
    task: Task,
    reports: Iterable[ProgressReport],
    today: date | None = None,
) -> UnitStatus:
    """``reports``: the unit's reports on the task (any period, any state)."""
    today = today or timezone.localdate()
    by_period: dict[date, list[ProgressReport]] = defaultdict(list)
    for report in reports:
        by_period[report.period_start].append(report)
    status = UnitStatus()
    for period in periods(task, today):
        bucket, report = bucket_for(task, period, by_period[period.start], today)
        status.periods.append(PeriodStatus(period, bucket, report))
    return status


def statuses(
    tasks: Iterable[Task], today: date | None = None
) -> dict[tuple[int, int], UnitStatus]:
    """Status of every assigned unit of ``tasks`` keyed by (task id, unit id),
    from one query of reports. ``tasks`` need ``directive`` and
    ``assignments`` prefetched."""
    tasks = list(tasks)
    reports: dict[tuple[int, int], list[ProgressReport]] = defaultdict(list)
    for report in ProgressReport.objects.filter(task__in=tasks).only(
        "task_id",
        "unit_id",
        "period_start",
        "percentage",
        "state",
        "submitted_at",
    ):
        reports[(report.task_id, report.unit_id)].append(report)
    result: dict[tuple[int, int], UnitStatus] = {}
    for task in tasks:
        for assignment in task.assignments.all():
            key = (task.pk, assignment.unit_id)
            result[key] = unit_status(task, reports[key], today)
    return result


def task_bucket(task: Task, table: dict[tuple[int, int], UnitStatus]) -> str:
    """A task's bucket is its lead unit's."""
    status = table.get((task.pk, task.lead_unit_id))
    return status.bucket if status else Bucket.IN_PROGRESS

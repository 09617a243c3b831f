"""Use cases of directives, tasks, progress reports, reminders and the public
bulletin. Each validates, runs in one transaction, writes the audit log and
raises ``ValidationError`` (Vietnamese, naming the field) or
``PermissionDenied``; nothing is saved when it raises.

Who may do what (see docs/directives.md): an officer holding a role directly at
a unit acts for that unit. The issuing body's officers create and edit its
directives, approve or return reports and publish notices; an assigned unit's
officers accept its tasks and report progress.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import EDITOR_ROLES, Role
from tuquan.accounts.models import User
from tuquan.core import audit
from tuquan.core.text import nfc
from tuquan.directives import status as st
from tuquan.directives.choices import (
    AssignmentRole,
    Bucket,
    Cycle,
    NoticeState,
    ReminderKind,
    ReportState,
)
from tuquan.directives.models import (
    Assignment,
    Directive,
    Notice,
    ProgressReport,
    Reminder,
    Task,
)
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation

# Roles whose holders act for the organisation they are assigned to.
ACTING_ROLES = EDITOR_ROLES | {Role.TEAM_LEADER}
ISSUER_KINDS = (OrgKind.COMMITTEE, OrgKind.AGENCY, OrgKind.PROVINCE, OrgKind.COMMUNE)
REMIND_DAYS_BEFORE = 3
# A missed deadline is reminded on the next day; the beat may miss a day, so a
# late run still catches deadlines missed this many days ago.
MISSED_CATCH_UP_DAYS = 7


# --- who may act ----------------------------------------------------------------


def acting_unit_ids(user: Any) -> set[int] | None:
    """Organisations ``user`` acts for (a role held directly there); None for
    a superuser (any)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    return {a.organisation_id for a in user.assignments.all() if a.role in ACTING_ROLES}


def acts_for(user: Any, unit_id: int) -> bool:
    units = acting_unit_ids(user)
    return units is None or unit_id in units


def issuers_of(user: Any) -> QuerySet[Organisation]:
    """Bodies for which ``user`` may issue directives and publish notices."""
    units = acting_unit_ids(user)
    qs = Organisation.objects.filter(kind__in=ISSUER_KINDS)
    return qs if units is None else qs.filter(pk__in=units)


def _replay(model: Any, client_id: uuid.UUID | None, user: Any) -> Any:
    """The row an earlier request with ``client_id`` made (a retry). A client
    id used outside the caller's scope is refused without revealing the row."""
    if client_id is None:
        return None
    if not model.objects.filter(client_id=client_id).exists():
        return None
    found = model.objects.visible_to(user).filter(client_id=client_id).first()
    if found is None:
        raise ValidationError({"client_id": _("This client_id is already used.")})
    found._replayed = True
    return found


# --- directives and tasks -------------------------------------------------------


@dataclass
class TaskInput:
    """One task as typed in the form or sent to the API."""

    content: str
    lead_unit: Organisation | None
    supporting_units: list[Organisation]
    cycle: str = Cycle.ONCE
    deadline: date | None = None
    due_day: int | None = None
    recur_until: date | None = None
    indicator_name: str = ""
    indicator_unit: str = ""
    indicator_target: Decimal | None = None
    pk: int | None = None


DIRECTIVE_FIELDS = (
    "number",
    "issued_on",
    "issuer",
    "summary",
    "full_text",
    "file",
    "topic",
    "parent",
)


def _check_task(
    directive: Directive, item: TaskInput, n: int, by: Any, visible: set[int] | None
) -> tuple[Task, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(f"tasks-{n}-{key}", []).append(
            _("Task %(n)d: %(reason)s") % {"n": n, "reason": message}
        )

    task = Task(
        directive=directive,
        number=n,
        content=nfc(item.content or "").strip(),
        cycle=item.cycle or Cycle.ONCE,
        deadline=item.deadline,
        due_day=item.due_day,
        recur_until=item.recur_until,
        indicator_name=nfc(item.indicator_name or "").strip(),
        indicator_unit=nfc(item.indicator_unit or "").strip(),
        indicator_target=item.indicator_target,
    )
    if item.lead_unit is None:
        add("lead_unit", _("choose the lead unit (đơn vị chủ trì)."))
    else:
        task.lead_unit = item.lead_unit
    for unit in [u for u in [item.lead_unit, *item.supporting_units] if u]:
        if visible is not None and unit.pk not in visible:
            add("lead_unit", _("%(unit)s is outside your scope.") % {"unit": unit})
    if item.lead_unit and item.lead_unit.pk in {u.pk for u in item.supporting_units}:
        add("supporting_units", _("the lead unit cannot also be a supporting unit."))
    try:
        task.full_clean(exclude=["directive", "lead_unit", "number"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                add(key, message)
    return task, errors


def save_directive(
    *,
    by: Any,
    values: dict[str, Any],
    tasks: list[TaskInput],
    directive: Directive | None = None,
    client_id: uuid.UUID | None = None,
) -> Directive:
    """Create (``directive`` None) or update a directive with its tasks.
    ``values`` holds the directive's fields; tasks not listed are removed
    (refused when they have reports), listed ones are updated by ``pk``."""
    replayed = _replay(Directive, client_id, by)
    if replayed is not None:
        return replayed
    creating = directive is None
    directive = directive or Directive(created_by=by, client_id=client_id)
    before = {} if creating else audit.snapshot(directive)
    issuer = values.get("issuer", getattr(directive, "issuer", None))
    if issuer is None or not issuers_of(by).filter(pk=issuer.pk).exists():
        if creating and issuer is None:
            raise ValidationError({"issuer": _("Choose the issuing body.")})
        raise PermissionDenied(
            _("Only an officer of the issuing body may issue or edit its directives.")
        )
    if not creating and not acts_for(by, directive.issuer_id):
        raise PermissionDenied(
            _("Only an officer of the issuing body may issue or edit its directives.")
        )
    for name in DIRECTIVE_FIELDS:
        if name in values:
            value = values[name]
            if isinstance(value, str):
                value = nfc(value).strip()
            setattr(directive, name, value)
    errors: dict[str, list[str]] = {}
    try:
        directive.full_clean(exclude=["created_by", "client_id"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not tasks:
        errors.setdefault("tasks", []).append(_("Give at least one task."))
    visible = (
        None
        if getattr(by, "is_superuser", False)
        else set(Organisation.objects.visible_to(by).values_list("pk", flat=True))
    )
    existing = {t.pk: t for t in directive.tasks.all()} if directive.pk else {}
    checked: list[tuple[TaskInput, Task]] = []
    for n, item in enumerate(tasks, start=1):
        task, task_errors = _check_task(directive, item, n, by, visible)
        errors.update(task_errors)
        if item.pk is not None and item.pk not in existing:
            errors.setdefault(f"tasks-{n}-id", []).append(
                _("Task %(n)d does not belong to this directive.") % {"n": n}
            )
        checked.append((item, task))
    kept = {item.pk for item in tasks if item.pk}
    for pk, old in existing.items():
        if pk not in kept and old.reports.exists():
            errors.setdefault("tasks", []).append(
                _("Task %(n)d already has progress reports and cannot be removed.")
                % {"n": old.number}
            )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        directive.save()
        for pk, old in existing.items():
            if pk not in kept:
                old.delete()
        for item, task in checked:
            if item.pk is not None:
                task.pk = item.pk
            task.directive = directive
            task.save()
            _sync_assignments(task, item)
        if creating:
            audit.record(audit.AuditAction.CREATE, directive, user=by)
        else:
            changes = audit.diff(before, audit.snapshot(directive))
            audit.record(audit.AuditAction.UPDATE, directive, changes=changes, user=by)
    return directive


def _sync_assignments(task: Task, item: TaskInput) -> None:
    wanted = {item.lead_unit.pk: AssignmentRole.LEAD}  # type: ignore[union-attr]
    for unit in item.supporting_units:
        wanted.setdefault(unit.pk, AssignmentRole.SUPPORT)
    current = {a.unit_id: a for a in task.assignments.all()}
    for unit_id, assignment in current.items():
        if unit_id not in wanted:
            if task.reports.filter(unit_id=unit_id).exists():
                raise ValidationError(
                    {
                        "supporting_units": _(
                            "Task %(n)d: %(unit)s has already reported and stays "
                            "assigned."
                        )
                        % {"n": task.number, "unit": assignment.unit}
                    }
                )
            assignment.delete()
        elif assignment.role != wanted[unit_id]:
            assignment.role = wanted[unit_id]
            assignment.save(update_fields=["role"])
    Assignment.objects.bulk_create(
        Assignment(task=task, unit_id=unit_id, role=role)
        for unit_id, role in wanted.items()
        if unit_id not in current
    )


def accept_task(*, assignment: Assignment, by: Any) -> Assignment:
    """The assigned unit acknowledges the task (once; a repeat changes nothing)."""
    if not acts_for(by, assignment.unit_id):
        raise PermissionDenied(
            _("Only an officer of %(unit)s may accept its task.")
            % {"unit": assignment.unit}
        )
    if assignment.accepted_at is not None:
        return assignment
    with transaction.atomic():
        assignment.accepted_at = timezone.now()
        assignment.accepted_by = by
        assignment.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            audit.AuditAction.UPDATE,
            assignment,
            changes={"accepted_at": [None, assignment.accepted_at.isoformat()]},
            user=by,
        )
    return assignment


def submit_progress(
    *,
    task: Task,
    unit: Organisation,
    by: Any,
    percentage: int | None,
    narrative: str,
    period_start: date | None = None,
    indicator_value: Decimal | None = None,
    file: Any = None,
    client_id: uuid.UUID | None = None,
) -> ProgressReport:
    """A unit reports on a task it is assigned to, for the current period (or
    ``period_start``, a period that has begun). Submitting also accepts the
    task if the unit had not yet."""
    replayed = _replay(ProgressReport, client_id, by)
    if replayed is not None:
        return replayed
    assignment = task.assignments.filter(unit=unit).first()
    if assignment is None:
        raise ValidationError(
            {
                "unit": _(
                    "%(unit)s is not assigned to this task (neither lead nor "
                    "supporting unit) and cannot report on it."
                )
                % {"unit": unit}
            }
        )
    if not acts_for(by, unit.pk):
        raise PermissionDenied(
            _("Only an officer of %(unit)s may report for it.") % {"unit": unit}
        )
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    known = {p.start: p for p in st.periods(task, today)}
    if period_start is None:
        period_start = list(known)[-1]  # the latest period (the only one, once)
    if period_start not in known:
        errors["period_start"] = [
            _("%(day)s is not the start of a period of this task that has begun.")
            % {"day": period_start.strftime("%d/%m/%Y")}
        ]
    if percentage is None or not 0 <= percentage <= 100:
        errors["percentage"] = [_("The percentage done must be from 0 to 100.")]
    narrative = nfc(narrative or "").strip()
    if not narrative:
        errors["narrative"] = [_("Say what the unit has done.")]
    if indicator_value is not None and not task.indicator_name:
        errors["indicator_value"] = [_("This task has no indicator.")]
    if not errors and period_start in known:
        done = st.unit_status(
            task,
            ProgressReport.objects.filter(task=task, unit=unit),
            today,
        )
        for ps in done.periods:
            if ps.period.start == period_start and ps.bucket in (
                Bucket.DONE_ON_TIME,
                Bucket.DONE_LATE,
            ):
                errors["period_start"] = [
                    _("The report for %(period)s is already approved.")
                    % {"period": ps.period.label}
                ]
    if errors:
        raise ValidationError(errors)
    report = ProgressReport(
        task=task,
        unit=unit,
        period_start=period_start,
        percentage=percentage,
        narrative=narrative,
        indicator_value=indicator_value,
        submitted_by=by,
        submitted_at=timezone.now(),
        client_id=client_id,
    )
    if file:
        report.file = file
    report.full_clean(exclude=["submitted_by", "client_id"])
    try:
        with transaction.atomic():
            report.save()
            if assignment.accepted_at is None:
                assignment.accepted_at = report.submitted_at
                assignment.accepted_by = by
                assignment.save(update_fields=["accepted_at", "accepted_by"])
            audit.record(audit.AuditAction.CREATE, report, user=by)
    except IntegrityError:
        # Two retries raced: the unique client_id decided, read the winner.
        replayed = _replay(ProgressReport, client_id, by)
        if replayed is None:
            raise
        return replayed
    return report


def review_report(
    *, report: ProgressReport, by: Any, approve: bool, reason: str = ""
) -> ProgressReport:
    """The issuing body approves a submitted report or returns it with a
    reason (the unit then submits a new one)."""
    issuer = report.task.directive.issuer
    if not acts_for(by, issuer.pk):
        raise PermissionDenied(
            _("Only an officer of %(issuer)s may approve or return reports.")
            % {"issuer": issuer}
        )
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(
            {
                "state": _("This report is already %(state)s.")
                % {"state": report.get_state_display()}
            }
        )
    reason = nfc(reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"return_reason": _("Say why the report is returned.")})
    with transaction.atomic():
        locked = ProgressReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != ReportState.SUBMITTED:
            raise ValidationError({"state": _("This report was reviewed meanwhile.")})
        report.state = ReportState.APPROVED if approve else ReportState.RETURNED
        report.return_reason = "" if approve else reason
        report.reviewed_by = by
        report.reviewed_at = timezone.now()
        report.save(
            update_fields=["state", "return_reason", "reviewed_by", "reviewed_at"]
        )
        audit.record(
            audit.AuditAction.UPDATE,
            report,
            changes={"state": [ReportState.SUBMITTED, report.state]},
            user=by,
        )
    return report


# --- the unit's inbox -------------------------------------------------------------


@dataclass
class Inbox:
    """What the user's units owe: tasks to accept, reports due (not done, with
    their bucket), returned reports, and reminders; and, for issuers, reports
    waiting for review."""

    to_accept: list[Assignment]
    due: list[tuple[Assignment, st.UnitStatus]]
    returned: list[ProgressReport]
    reminders: list[Reminder]
    to_review: list[ProgressReport]

    @property
    def count(self) -> int:
        return (
            len(self.to_accept)
            + len(self.due)
            + len(self.returned)
            + len(self.to_review)
        )


def inbox(user: Any, today: date | None = None) -> Inbox:
    today = today or timezone.localdate()
    units = acting_unit_ids(user)
    assignments = Assignment.objects.visible_to(user).select_related(
        "unit", "task__directive__issuer"
    )
    if units is not None:
        assignments = assignments.filter(unit_id__in=units)
    rows = list(assignments.order_by("task__directive__issued_on", "task__number"))
    tasks = {a.task_id: a.task for a in rows}
    reports: dict[tuple[int, int], list[ProgressReport]] = {}
    for report in (
        ProgressReport.objects.filter(task_id__in=tasks)
        .select_related("task__directive")
        .order_by("submitted_at")
    ):
        reports.setdefault((report.task_id, report.unit_id), []).append(report)
    due: list[tuple[Assignment, st.UnitStatus]] = []
    returned: list[ProgressReport] = []
    for a in rows:
        mine = reports.get((a.task_id, a.unit_id), [])
        status = st.unit_status(a.task, mine, today)
        if status.bucket not in (Bucket.DONE_ON_TIME, Bucket.DONE_LATE):
            due.append((a, status))
        if mine and mine[-1].state == ReportState.RETURNED:
            returned.append(mine[-1])
    reminders = Reminder.objects.visible_to(user).select_related("task__directive")
    review = ProgressReport.objects.visible_to(user).filter(state=ReportState.SUBMITTED)
    if units is not None:
        reminders = reminders.filter(unit_id__in=units)
        review = review.filter(task__directive__issuer_id__in=units)
    return Inbox(
        to_accept=[a for a in rows if a.accepted_at is None],
        due=due,
        returned=returned,
        reminders=list(reminders.filter(created_at__date__gte=today - timedelta(30))),
        to_review=list(
            review.select_related("unit", "task__directive").order_by("submitted_at")
        ),
    )


# --- reminders --------------------------------------------------------------------


def _officer_emails(unit_id: int) -> list[str]:
    return sorted(
        {
            u.email
            for u in User.objects.filter(
                is_active=True,
                assignments__organisation_id=unit_id,
                assignments__role__in=ACTING_ROLES,
            ).exclude(email="")
        }
    )


def _mail(reminder: Reminder) -> int:
    recipients = _officer_emails(reminder.unit_id)
    if not recipients:
        return 0
    task = reminder.task
    values = {
        "number": task.directive.number,
        "n": task.number,
        "content": task.content[:200],
        "due": reminder.due_on.strftime("%d/%m/%Y"),
    }
    if reminder.kind == ReminderKind.DUE_SOON:
        subject = _("Task %(n)d of %(number)s is due on %(due)s") % values
    else:
        subject = _("Task %(n)d of %(number)s missed its deadline %(due)s") % values
    body = _("%(number)s, task %(n)d: %(content)s\nDue: %(due)s") % values
    send_mail(
        subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
    )
    return len(recipients)


def send_reminders(*, today: date | None = None) -> int:
    """Create today's reminders (three days before a due date; the day after
    it was missed) for every assigned unit that has not done the task, e-mail
    the unit's officers, and answer how many reminders were created. Running
    twice creates nothing new."""
    today = today or timezone.localdate()
    tasks = Task.objects.select_related("directive").prefetch_related("assignments")
    soon = today + timedelta(days=REMIND_DAYS_BEFORE)
    table = st.statuses(tasks, soon)
    created: list[Reminder] = []
    for task in tasks:
        for assignment in task.assignments.all():
            status = table[(task.pk, assignment.unit_id)]
            for ps in status.periods:
                if ps.bucket in (Bucket.DONE_ON_TIME, Bucket.DONE_LATE):
                    continue
                kind = None
                if today < ps.period.due <= soon:
                    kind = ReminderKind.DUE_SOON
                elif (
                    ps.period.due < today
                    and (today - ps.period.due).days <= MISSED_CATCH_UP_DAYS
                    and not _waiting_on_time(ps)
                ):
                    kind = ReminderKind.MISSED
                if kind is None:
                    continue
                with transaction.atomic():
                    reminder, made = Reminder.objects.get_or_create(
                        task=task,
                        unit_id=assignment.unit_id,
                        period_start=ps.period.start,
                        kind=kind,
                        defaults={"due_on": ps.period.due},
                    )
                if made:
                    created.append(reminder)
    for reminder in created:
        sent = _mail(reminder)
        if sent:
            Reminder.objects.filter(pk=reminder.pk).update(emailed_to=sent)
    return len(created)


def _waiting_on_time(ps: st.PeriodStatus) -> bool:
    """A complete report submitted by the due date waits for the issuer: the
    unit did not miss the deadline."""
    report = ps.report
    return (
        report is not None
        and report.state == ReportState.SUBMITTED
        and timezone.localtime(report.submitted_at).date() <= ps.period.due
    )


# --- public bulletin --------------------------------------------------------------


NOTICE_FIELDS = ("title", "summary", "body", "directive", "publisher")


def save_notice(
    *, by: Any, values: dict[str, Any], notice: Notice | None = None
) -> Notice:
    """Create or edit a notice (a draft until published)."""
    creating = notice is None
    notice = notice or Notice()
    before = {} if creating else audit.snapshot(notice)
    publisher = values.get("publisher", getattr(notice, "publisher", None))
    if publisher is None:
        raise ValidationError({"publisher": _("Choose the publishing body.")})
    if not issuers_of(by).filter(pk=publisher.pk).exists() or (
        not creating and not acts_for(by, notice.publisher_id)
    ):
        raise PermissionDenied(
            _("Only an officer of the publishing body may edit its notices.")
        )
    for name in NOTICE_FIELDS:
        if name in values:
            value = values[name]
            setattr(
                notice, name, nfc(value).strip() if isinstance(value, str) else value
            )
    if (
        notice.directive_id
        and not Directive.objects.visible_to(by).filter(pk=notice.directive_id).exists()
    ):
        raise ValidationError({"directive": _("This directive is outside your scope.")})
    notice.full_clean(exclude=["published_by"])
    with transaction.atomic():
        notice.save()
        if creating:
            audit.record(audit.AuditAction.CREATE, notice, user=by)
        else:
            audit.record(
                audit.AuditAction.UPDATE,
                notice,
                changes=audit.diff(before, audit.snapshot(notice)),
                user=by,
            )
    return notice


def set_notice_state(*, notice: Notice, by: Any, publish: bool) -> Notice:
    """Publish a notice on the public bulletin, or withdraw it."""
    if not acts_for(by, notice.publisher_id):
        raise PermissionDenied(
            _("Only an officer of the publishing body may publish its notices.")
        )
    old = notice.state
    with transaction.atomic():
        if publish:
            notice.state = NoticeState.PUBLISHED
            notice.published_at = notice.published_at or timezone.now()
            notice.published_by = by
        else:
            notice.state = NoticeState.WITHDRAWN
        notice.save(update_fields=["state", "published_at", "published_by"])
        audit.record(
            audit.AuditAction.UPDATE,
            notice,
            changes={"state": [old, notice.state]},
            user=by,
        )
    return notice


def public_summary_notice(*, directive: Directive, by: Any, summary: str) -> Notice:
    """A draft notice carrying a directive's public summary."""
    return save_notice(
        by=by,
        values={
            "title": _("%(number)s of %(issuer)s dated %(date)s")
            % {
                "number": directive.number,
                "issuer": directive.issuer.short_name or directive.issuer.name,
                "date": directive.issued_on.strftime("%d/%m/%Y"),
            },
            "summary": summary,
            "body": directive.summary,
            "directive": directive,
            "publisher": directive.issuer,
        },
    )

"""Directives (văn bản chỉ đạo), their tasks, the units assigned to them, the
units' progress reports, deadline reminders and the public bulletin.

Scoping: the issuing body's officers see their directives and everything under
them; an assigned unit's officers (and those above the unit) see the tasks
assigned to that unit and that unit's reports. Status buckets are not stored:
they are computed from dates (see ``tuquan.directives.status``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.directives.choices import (
    AssignmentRole,
    Cycle,
    NoticeState,
    ReminderKind,
    ReportState,
    Topic,
)

ISSUER = "directive__issuer__path"


def _assigned_q(paths: list[str], through: str) -> Q:
    """Rows whose task is assigned to a unit inside ``paths``."""
    tasks = Assignment.objects.filter(paths_q("unit__path", paths)).values("task_id")
    return Q(**{f"{through}__in": tasks})


class DirectiveQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        tasks = Assignment.objects.filter(paths_q("unit__path", paths)).values(
            "task__directive_id"
        )
        return paths_q("issuer__path", paths) | Q(pk__in=tasks)


class TaskQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q(ISSUER, paths) | _assigned_q(paths, "pk")


class UnitRowQuerySet(ScopedQuerySet):
    """Rows of one unit on one task: seen by the issuer and the unit's scope."""

    def scope_q(self, paths: list[str]) -> Q:
        return paths_q(f"task__{ISSUER}", paths) | paths_q("unit__path", paths)


class NoticeQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("publisher__path", paths)

    def public(self) -> NoticeQuerySet:
        """What anyone may read on the bulletin: published, not withdrawn."""
        return self.filter(
            state=NoticeState.PUBLISHED, published_at__lte=timezone.now()
        )


class Directive(models.Model):
    """An official letter or decision that gives tasks to units (e.g. Official
    Letter 23/BCĐ-CAT of the provincial steering committee)."""

    number = models.CharField(
        _("number and symbol"),
        max_length=60,
        help_text=_("As written on the document, e.g. 23/BCĐ-CAT."),
    )
    issued_on = models.DateField(_("date"))
    issuer = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("issuing body"),
        on_delete=models.PROTECT,
        related_name="directives",
    )
    summary = models.TextField(_("summary"))
    full_text = models.TextField(_("full text"), blank=True)
    file = models.FileField(_("file"), upload_to="directives/%Y/", blank=True)
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, default=Topic.SECURITY
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent directive"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DirectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("directive")
        verbose_name_plural = _("directives")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "number"], name="directive_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"

    @property
    def scope_path(self) -> str:
        return self.issuer.path

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError(
                {"parent": _("A directive cannot be its own parent.")}
            )
        if not self.full_text.strip() and not self.file:
            raise ValidationError(
                {"full_text": _("Give the full text or upload the document.")}
            )


class Task(models.Model):
    """One task of a directive: a lead unit (chủ trì), supporting units (phối
    hợp) and either a deadline or a recurring report cycle."""

    directive = models.ForeignKey(
        Directive, on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    content = models.TextField(_("content"))
    lead_unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("lead unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    units = models.ManyToManyField(
        "organisations.Organisation",
        through="Assignment",
        related_name="directive_tasks",
        verbose_name=_("assigned units"),
    )
    cycle = models.CharField(
        _("cycle"), max_length=12, choices=Cycle.choices, default=Cycle.ONCE
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(
        _("report due on day"),
        null=True,
        blank=True,
        help_text=_(
            "Day of the month (monthly, quarterly: in the quarter's last month) or "
            "of the week (weekly: 1 = Monday) the periodic report is due."
        ),
    )
    recur_until = models.DateField(_("reports until"), null=True, blank=True)
    indicator_name = models.CharField(_("indicator"), max_length=160, blank=True)
    indicator_unit = models.CharField(_("indicator unit"), max_length=40, blank=True)
    indicator_target = models.DecimalField(
        _("indicator target"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["directive_id", "number", "pk"]

    def __str__(self) -> str:
        return f"{self.directive.number} – {self.number}. {self.content[:60]}"

    @property
    def scope_path(self) -> str:
        return self.directive.issuer.path

    @property
    def recurring(self) -> bool:
        return self.cycle != Cycle.ONCE

    @property
    def supporting_units(self) -> models.QuerySet:
        """The units assigned in support (phối hợp)."""
        return self.units.filter(
            directive_assignments__task=self,
            directive_assignments__role=AssignmentRole.SUPPORT,
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.recurring:
            limit = 7 if self.cycle == Cycle.WEEKLY else 31
            if self.due_day is None or not 1 <= self.due_day <= limit:
                errors["due_day"] = _(
                    "A periodic report needs the day it is due, from 1 to %(limit)d."
                ) % {"limit": limit}
            if self.deadline is not None:
                errors["deadline"] = _(
                    "A periodic report has no single deadline; give the day it "
                    "is due instead."
                )
        elif self.deadline is None:
            errors["deadline"] = _("Give the deadline or choose a report cycle.")
        directive = getattr(self, "directive", None)
        if directive is not None and directive.issued_on:
            if self.deadline and self.deadline < directive.issued_on:
                errors["deadline"] = _(
                    "The deadline %(deadline)s is before the directive's date %(date)s."
                ) % {
                    "deadline": self.deadline.strftime("%d/%m/%Y"),
                    "date": directive.issued_on.strftime("%d/%m/%Y"),
                }
            if self.recur_until and self.recur_until < directive.issued_on:
                errors["recur_until"] = _(
                    "The last report date is before the directive's date."
                )
        if self.indicator_target is not None and not self.indicator_name.strip():
            errors["indicator_name"] = _("Name the indicator the target is for.")
        if errors:
            raise ValidationError(errors)


class Assignment(models.Model):
    """A unit assigned to a task, as lead or supporting unit, and when it
    accepted the task."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="directive_assignments",
    )
    role = models.CharField(_("role"), max_length=10, choices=AssignmentRole.choices)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task_id", "role", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_once")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.unit_id} ({self.role})"

    @property
    def scope_path(self) -> str:
        return self.unit.path


class ProgressReport(models.Model):
    """A unit's report on a task for one period; the issuing body approves it
    or returns it with a reason."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The period's first day; for a one-off task, the directive's date.
    period_start = models.DateField(_("period"))
    percentage = models.PositiveSmallIntegerField(
        _("percentage done"), validators=[MaxValueValidator(100)]
    )
    narrative = models.TextField(_("narrative"))
    indicator_value = models.DecimalField(
        _("indicator value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    file = models.FileField(_("file"), upload_to="directives/reports/%Y/", blank=True)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=ReportState.choices,
        default=ReportState.SUBMITTED,
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["task", "unit", "period_start"])]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.unit_id} {self.period_start}: {self.percentage}%"

    @property
    def scope_path(self) -> str:
        return self.unit.path


class Reminder(models.Model):
    """A deadline reminder for a unit: three days before the due date and on
    the day after it passed. Shown in the unit's inbox and e-mailed to the
    unit's officers that have an address; one per (task, unit, period, kind)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("period"))
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    emailed_to = models.PositiveSmallIntegerField(_("e-mails sent"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit", "period_start", "kind"],
                name="reminder_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.unit_id} {self.period_start} {self.kind}"


class Notice(models.Model):
    """A notice of the public bulletin (bản tin), e.g. the public summary of a
    directive. Only published notices are shown without login."""

    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"))
    body = models.TextField(_("body"), blank=True)
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notices",
    )
    publisher = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=NoticeState.choices,
        default=NoticeState.DRAFT,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_path(self) -> str:
        return self.publisher.path

    @property
    def is_public(self) -> bool:
        return (
            self.state == NoticeState.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

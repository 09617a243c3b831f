"""Daily rollups of the other apps' data, and the official report files.

``reports`` owns no source-of-truth data: every rollup row is recomputed from the
other apps' tables by ``tuquan.reports.rollup`` and can be rebuilt from scratch.
Dashboards and official reports read only these tables (``tuquan.reports.figures``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q


class RollupQuerySet(ScopedQuerySet):
    """Rollup rows are scoped by the path of the node they count, copied into
    the row so that a subtree sum needs no join."""

    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("path", paths)

    def subtree(self, path: str) -> RollupQuerySet:
        return self.filter(path__startswith=path)


class EnterpriseDay(models.Model):
    """One enterprise's worker figures for one day: counts of events of that day,
    and states at the end of that day (registered, present, in isolation or
    quarantine, vaccinated, operating mode, risk group)."""

    day = models.DateField(_("day"))
    enterprise = models.ForeignKey(
        "organisations.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    # The enterprise's tree path when the row was computed: subtree sums need no
    # join, and a moved enterprise is counted where it was on that day.
    path = models.CharField(max_length=255)
    operating_mode = models.CharField(_("operating mode"), max_length=20, blank=True)
    risk_band = models.CharField(_("risk group"), max_length=10, blank=True)
    workers_registered = models.PositiveIntegerField(default=0)
    workers_present = models.PositiveIntegerField(default=0)
    declarations = models.PositiveIntegerField(default=0)
    declarations_symptomatic = models.PositiveIntegerField(default=0)
    new_cases = models.PositiveIntegerField(default=0)
    in_isolation = models.PositiveIntegerField(default=0)
    in_quarantine = models.PositiveIntegerField(default=0)
    tests = models.PositiveIntegerField(default=0)
    tests_positive = models.PositiveIntegerField(default=0)
    vaccinated = models.PositiveIntegerField(default=0)
    fully_vaccinated = models.PositiveIntegerField(default=0)
    # Message reach (outreach app); zero until that app records deliveries.
    messages_sent = models.PositiveIntegerField(default=0)
    messages_read = models.PositiveIntegerField(default=0)
    messages_understood = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise day")
        verbose_name_plural = _("enterprise days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "enterprise"], name="reports_enterpriseday_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["path", "day"],
                name="reports_entday_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.day:%d/%m/%Y}"


class TeamDay(models.Model):
    """One self-management team's members' figures for one day, so that a team
    (or a residence, through its boarding-house teams) has its own dashboard.
    Never added to enterprise figures: a member is counted by their employer."""

    day = models.DateField(_("day"))
    team = models.ForeignKey(
        "organisations.Team", on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=255)
    members = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    declarations = models.PositiveIntegerField(default=0)
    declarations_symptomatic = models.PositiveIntegerField(default=0)
    new_cases = models.PositiveIntegerField(default=0)
    in_isolation = models.PositiveIntegerField(default=0)
    in_quarantine = models.PositiveIntegerField(default=0)
    vaccinated = models.PositiveIntegerField(default=0)
    fully_vaccinated = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("team day")
        verbose_name_plural = _("team days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team"], name="reports_teamday_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["path", "day"],
                name="reports_teamday_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.day:%d/%m/%Y}"


class NodeDay(models.Model):
    """Security and public-health figures of one day counted on the tree node the
    source row names (its ``scope_path``): an enterprise, a team, a zone or a
    commune. Each source row is counted on exactly one node, so a subtree total
    is the sum of the NodeDay rows under its path (see docs/reports.md)."""

    day = models.DateField(_("day"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=255)
    incidents_new = models.PositiveIntegerField(default=0)
    handovers_overdue = models.PositiveIntegerField(default=0)
    tips = models.PositiveIntegerField(default=0)
    patrols = models.PositiveIntegerField(default=0)
    violations = models.PositiveIntegerField(default=0)
    fines_vnd = models.BigIntegerField(default=0)
    alerts = models.PositiveIntegerField(default=0)
    # The unit's own assessed level for the ISO week holding the day (levels app).
    epidemic_level = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation day")
        verbose_name_plural = _("organisation days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "organisation"], name="reports_nodeday_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["path", "day"],
                name="reports_nodeday_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day:%d/%m/%Y}"


class IncidentDay(models.Model):
    """Incident reports received on one day, per node, kind and state (the
    report's state when the rollup ran)."""

    day = models.DateField(_("day"))
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    path = models.CharField(max_length=255)
    kind = models.CharField(max_length=40)
    state = models.CharField(max_length=12)
    count = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        verbose_name = _("incidents of a day")
        verbose_name_plural = _("incidents of a day")
        indexes = [
            models.Index(
                fields=["path", "day"],
                name="reports_incday_path_day",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["day"], name="reports_incday_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state} {self.day:%d/%m/%Y}"


class RollupRun(models.Model):
    """When a day's rollups were last refreshed (shown on the dashboard)."""

    day = models.DateField(_("day"), unique=True)
    refreshed_at = models.DateTimeField(_("refreshed"))
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = _("rollup run")
        verbose_name_plural = _("rollup runs")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y}"


class GeneratedReportQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("scope__path", paths)


class GeneratedReport(models.Model):
    """An official periodic report file, kept with who generated it."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("weekly")
        MONTHLY = "monthly", _("monthly")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    scope = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("scope"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))  # inclusive
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)  # percent
    error = models.TextField(_("error"), blank=True)
    docx = models.FileField(_("document"), upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField(_("annex"), upload_to="reports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True)

    objects = GeneratedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated report")
        verbose_name_plural = _("generated reports")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%d/%m/%Y}"

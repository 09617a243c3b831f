"""Early outbreak alerts: one row per unit, day, series and method that alarmed.

A unit is a team, residence, enterprise or zone (rows of the organisation tree)
or a workshop (a part of an enterprise). ``unit_key`` names it in one column so
that the uniqueness that makes a rerun harmless holds on both databases (a
unique constraint over two nullable foreign keys would let NULLs duplicate).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.surveillance import methods


class UnitKind(models.TextChoices):
    TEAM = "team", _("team")
    RESIDENCE = "residence", _("residence")
    WORKSHOP = "workshop", _("workshop")
    ENTERPRISE = "enterprise", _("enterprise")
    ZONE = "zone", _("zone")


class Series(models.TextChoices):
    SYMPTOMATIC = "symptomatic", _("declarations with symptoms")
    MISSING = "missing", _("missing declarations")


class Method(models.TextChoices):
    C1 = methods.C1, "EARS C1"
    C2 = methods.C2, "EARS C2"
    C3 = methods.C3, "EARS C3"
    CUSUM = methods.CUSUM, "CUSUM"


class AlertQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        # The unit's own path (a workshop's is its enterprise's): whoever sees
        # the unit in the tree sees its alerts.
        return paths_q("scope_path", paths)


class OutbreakAlert(models.Model):
    """A method found the day's count of a unit unusually high."""

    unit_kind = models.CharField(
        _("unit kind"), max_length=12, choices=UnitKind.choices
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbreak_alerts",
    )
    workshop = models.ForeignKey(
        "organisations.Workshop",
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbreak_alerts",
    )
    unit_key = models.CharField(max_length=40, editable=False)
    unit_name = models.CharField(_("unit"), max_length=255)
    scope_path = models.CharField(max_length=255, editable=False)
    day = models.DateField(_("day"))
    series = models.CharField(_("series"), max_length=12, choices=Series.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    observed = models.FloatField(_("observed"))
    expected = models.FloatField(_("expected"))
    sigma = models.FloatField(_("standard deviation"))
    statistic = models.FloatField(_("statistic"))
    threshold = models.FloatField(_("threshold"))
    upper_bound = models.FloatField(_("alarm above"), null=True, blank=True)
    window = models.JSONField(
        _("daily counts"), default=list, help_text=_("The counts the method saw.")
    )
    window_start = models.DateField()
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("outbreak alert")
        verbose_name_plural = _("outbreak alerts")
        ordering = ["-day", "-statistic", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit_key", "day", "series", "method"],
                name="outbreak_alert_once",
            )
        ]
        indexes = [
            models.Index(fields=["day", "unit_kind"], name="outbreak_alert_day"),
            models.Index(
                fields=["scope_path"],
                name="outbreak_alert_path",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.day:%d/%m/%Y} {self.method}"

    def days(self) -> list[tuple[object, float]]:
        """(day, count) of the stored window, oldest first."""
        from datetime import timedelta

        return [
            (self.window_start + timedelta(days=i), count)
            for i, count in enumerate(self.window)
        ]

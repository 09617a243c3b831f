"""Epidemic levels 1–4 (Resolution 128/NQ-CP) per commune and zone, weekly.

The thresholds are data: a :class:`ThresholdSet` (versioned, editable in the
admin) holds the coverage criteria and its :class:`LevelRule` rows the matrix
"new cases per 100,000 per week × vaccination coverage → level". Figures that
could not be checked against the official text are marked ``to_verify`` and
shown as "cần xác minh". Hand-entered inputs (treatment capacity, and a
commune's real population or coverage) live in :class:`CapacityEntry`; the
result of one week's assessment in :class:`WeeklyLevel`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.levels.choices import (
    LEVEL_COLOURS,
    CapacityStatus,
    Coverage,
    CoverageSource,
    EpidemicLevel,
    PopulationSource,
)

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class ThresholdSet(models.Model):
    """One version of the assessment rules: which coverage counts as high, and
    (in :class:`LevelRule`) the level for each case-rate band and coverage."""

    name = models.CharField(_("name"), max_length=160)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("effective from"))
    active = models.BooleanField(_("in use"), default=True)
    disease = models.ForeignKey(
        "health.DiseaseProfile",
        verbose_name=_("disease"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Cases of this disease are counted; empty: every disease."),
    )
    high_one_dose_pct = models.DecimalField(
        _("high coverage: adults with at least one dose (%)"),
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
        help_text=_("People aged 18 and over."),
    )
    high_full_dose_pct = models.DecimalField(
        _("high coverage: adults fully vaccinated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Empty: not a criterion."),
    )
    high_elderly_full_dose_pct = models.DecimalField(
        _("high coverage: people aged 65 and over fully vaccinated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("Empty: not a criterion. Ignored where nobody is 65 or over."),
    )
    full_dose_count = models.PositiveSmallIntegerField(
        _("doses for full vaccination"), default=2
    )
    raise_if_capacity_short = models.BooleanField(
        _("one level higher when treatment capacity falls short"), default=True
    )
    source = models.TextField(_("source"), blank=True)
    to_verify = models.BooleanField(
        _("default values, to verify"),
        default=True,
        help_text=_("Shown as “giá trị mặc định, cần xác minh” on every screen."),
    )

    class Meta:
        verbose_name = _("epidemic level threshold set")
        verbose_name_plural = _("epidemic level threshold sets")
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="thresholdset_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"


class LevelRule(models.Model):
    """One cell of the matrix: case rate in [rate_from, rate_below) with this
    coverage gives this level."""

    threshold_set = models.ForeignKey(
        ThresholdSet,
        verbose_name=_("threshold set"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    rate_from = models.DecimalField(
        _("new cases per 100,000 per week, from"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    rate_below = models.DecimalField(
        _("below"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no upper bound."),
    )
    coverage = models.CharField(_("coverage"), max_length=4, choices=Coverage.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=EpidemicLevel.choices)
    to_verify = models.BooleanField(_("to verify"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("level rule")
        verbose_name_plural = _("level rules")
        ordering = ["threshold_set", "rate_from", "coverage"]
        constraints = [
            models.UniqueConstraint(
                fields=["threshold_set", "rate_from", "coverage"],
                name="levelrule_unique",
            )
        ]

    def __str__(self) -> str:
        upper = self.rate_below if self.rate_below is not None else "∞"
        return f"[{self.rate_from}; {upper}) {self.coverage} → {self.level}"

    def clean(self) -> None:
        if self.rate_below is not None and self.rate_below <= self.rate_from:
            raise ValidationError(
                {"rate_below": _("The upper bound must be above the lower bound.")}
            )

    def matches(self, rate: Any, coverage: str) -> bool:
        return (
            self.coverage == coverage
            and rate >= self.rate_from
            and (self.rate_below is None or rate < self.rate_below)
        )


class UnitRowQuerySet(ScopedQuerySet):
    """Rows about a commune or zone: seen by whoever sees the unit, and by
    those working beneath it (an enterprise officer sees the level of their
    zone and commune, which authorities publish anyway)."""

    def scope_q(self, paths: list[str]) -> Q:
        ancestors = {int(part) for path in paths for part in path.split("/") if part}
        return paths_q("unit__path", paths) | Q(unit_id__in=sorted(ancestors))


class CapacityEntry(models.Model):
    """What an officer enters by hand for a unit and week: the treatment
    capacity, and optionally the real population and vaccination coverage
    (a commune's population is larger than its workers)."""

    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("commune or zone"),
        on_delete=models.CASCADE,
        related_name="capacity_entries",
    )
    week_start = models.DateField(_("week (Monday)"))
    status = models.CharField(
        _("treatment capacity"), max_length=12, choices=CapacityStatus.choices
    )
    treatment_beds = models.IntegerField(
        _("treatment beds available"), null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    coverage_one_dose_pct = models.DecimalField(
        _("adults with at least one dose (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    coverage_full_dose_pct = models.DecimalField(
        _("adults fully vaccinated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    coverage_elderly_pct = models.DecimalField(
        _("people aged 65 and over fully vaccinated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("treatment capacity entry")
        verbose_name_plural = _("treatment capacity entries")
        ordering = ["-week_start", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "week_start"], name="capacity_one_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.week_start:%d/%m/%Y} {self.status}"


class WeeklyLevel(models.Model):
    """The assessed level of one unit for one ISO week, with every input used.
    Recomputing the week updates this row in place."""

    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("commune or zone"),
        on_delete=models.CASCADE,
        related_name="epidemic_levels",
    )
    week_start = models.DateField(_("week (Monday)"))
    threshold_set = models.ForeignKey(
        ThresholdSet,
        verbose_name=_("threshold set"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rule = models.ForeignKey(
        LevelRule,
        verbose_name=_("rule applied"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cases = models.PositiveIntegerField(_("new cases"))
    workers = models.PositiveIntegerField(_("active workers"))
    population = models.PositiveIntegerField(_("population"))
    population_source = models.CharField(
        _("population source"), max_length=10, choices=PopulationSource.choices
    )
    rate = models.DecimalField(
        _("new cases per 100,000 per week"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    coverage_one_dose_pct = models.DecimalField(
        _("adults with at least one dose (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    coverage_full_dose_pct = models.DecimalField(
        _("adults fully vaccinated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    coverage_elderly_pct = models.DecimalField(
        _("people aged 65 and over fully vaccinated (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    coverage_source = models.CharField(
        _("coverage source"), max_length=12, choices=CoverageSource.choices
    )
    coverage = models.CharField(_("coverage"), max_length=4, choices=Coverage.choices)
    capacity_status = models.CharField(
        _("treatment capacity"),
        max_length=12,
        choices=CapacityStatus.choices,
        blank=True,
    )
    treatment_beds = models.IntegerField(
        _("treatment beds available"), null=True, blank=True
    )
    base_level = models.PositiveSmallIntegerField(
        _("level from the matrix"), choices=EpidemicLevel.choices, null=True
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=EpidemicLevel.choices, null=True
    )
    inputs = models.JSONField(_("inputs"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    objects = UnitRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly epidemic level")
        verbose_name_plural = _("weekly epidemic levels")
        ordering = ["-week_start", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "week_start"], name="weeklylevel_one_per_week"
            )
        ]
        indexes = [models.Index(fields=["week_start", "level"], name="level_week")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.week_start:%d/%m/%Y} → {self.level}"

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS.get(self.level or 0, "grey")

    @property
    def raised(self) -> bool:
        return (
            self.level is not None
            and self.base_level is not None
            and self.level > self.base_level
        )

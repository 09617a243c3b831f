"""Infection-risk self-assessment (Decision 2194/QĐ-BCĐQG).

Criteria are versioned data: a :class:`CriteriaSet` with effective dates, and
optionally an organisation (a province or another administrative unit) whose
subtree it overrides the national set for. An :class:`Assessment` is one
submission by an enterprise; each scoring of it — the enterprise's own, then
any inspector re-score — is a :class:`Scoring` with its own answers, so the
original is never overwritten. The assessment carries the latest figures so
lists need no join.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.organisations.models import EnterprisePartQuerySet
from tuquan.riskassess.choices import AssessmentStatus, Band, ScoringKind


class CriteriaSet(models.Model):
    """One version of the assessment form."""

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("applies to (province override)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for the national set."),
    )
    source = models.TextField(_("source"), blank=True)
    # The Decision divides by 300 whatever the indicators' ceilings.
    max_total = models.PositiveSmallIntegerField(_("maximum total"), default=300)
    to_verify = models.BooleanField(_("to verify"), default=False)

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-effective_from", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_from"], name="criteria_set_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%d/%m/%Y})"

    def clean(self) -> None:
        if self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError(
                {"effective_to": _("The end date is before the start date.")}
            )

    def is_effective_on(self, day: object) -> bool:
        return self.effective_from <= day and (  # type: ignore[operator]
            self.effective_to is None or day <= self.effective_to  # type: ignore[operator]
        )


class Indicator(models.Model):
    """One criterion (CS1…CS15) of a set."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("label"), max_length=255)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    to_verify = models.BooleanField(_("to verify"), default=False)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["criteria_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="indicator_code_in_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.label}"


class AnswerOption(models.Model):
    """One answer to an indicator and the points it scores."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="options"
    )
    label = models.CharField(_("label"), max_length=255)
    points = models.PositiveSmallIntegerField(_("points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    to_verify = models.BooleanField(_("to verify"), default=False)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["indicator", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.points})"

    def clean(self) -> None:
        if self.indicator_id and self.points > self.indicator.max_points:
            raise ValidationError(
                {
                    "points": _("At most %(max)d points for this indicator.")
                    % {"max": self.indicator.max_points}
                }
            )


class Assessment(models.Model):
    """One self-assessment submitted by an enterprise."""

    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="risk_assessments",
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.SUBMITTED,
    )
    # The latest scoring's figures (the original until an inspector re-scores).
    total_points = models.PositiveSmallIntegerField(_("points"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    band = models.CharField(_("risk group"), max_length=10, choices=Band.choices)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk self-assessment")
        verbose_name_plural = _("risk self-assessments")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "-submitted_at"], name="risk_latest")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.submitted_at:%d/%m/%Y}"

    @property
    def scope_path(self) -> str:
        return self.enterprise.path


class ScoringQuerySet(EnterprisePartQuerySet):
    enterprise_field = "assessment__enterprise"


class Scoring(models.Model):
    """The answers and score of an assessment at one time: the enterprise's own
    (``original``) or an inspector's re-score, with who, when and why."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scorings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ScoringKind.choices)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scored_at = models.DateTimeField(_("scored at"))
    reason = models.TextField(_("reason"), blank=True)
    total_points = models.PositiveSmallIntegerField(_("points"))
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=2)
    band = models.CharField(_("risk group"), max_length=10, choices=Band.choices)

    objects = ScoringQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring")
        verbose_name_plural = _("scorings")
        ordering = ["assessment", "scored_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.kind} {self.score}"


class Answer(models.Model):
    """The option chosen for one indicator in one scoring."""

    scoring = models.ForeignKey(
        Scoring, on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(AnswerOption, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["scoring", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scoring", "indicator"], name="answer_one_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scoring_id} {self.indicator_id}: {self.points}"


class PhotoQuerySet(EnterprisePartQuerySet):
    enterprise_field = "assessment__enterprise"


class EvidencePhoto(models.Model):
    """A photo the enterprise sends as evidence for its answers."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("photo"), upload_to="riskassess/%Y/%m/")
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField(_("size (bytes)"))
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence photo")
        verbose_name_plural = _("evidence photos")
        ordering = ["assessment", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.file.name

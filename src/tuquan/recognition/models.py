"""Recognition "An toàn về ANTT" (Circular 124/2021/TT-BCA), the movement's
yearly grading of enterprises (Decision 510/QĐ-BCA-V05) and the yearly rating of
self-management teams.

Criteria, score items, grading classes and team grades are rows, not code: the
shipped values (``tuquan.recognition.shipped``) are loaded on first use and can
be edited in the admin; rows whose source was not confirmed carry
``to_verify`` and show "cần xác minh".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.recognition.choices import GradingState, RecognitionState


class EnterpriseRowQuerySet(ScopedQuerySet):
    """Rows about one enterprise, seen by whoever sees the enterprise."""

    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("enterprise__path", paths)


class TeamRowQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("team__path", paths)


class RecognitionCriterion(models.Model):
    """One criterion of the recognition, in one version of the criteria set."""

    version = models.CharField(_("version"), max_length=40)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=255)
    sub_items = models.TextField(
        _("sub-items"), blank=True, help_text=_("One sub-item per line.")
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    to_verify = models.BooleanField(_("to verify"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("recognition criterion")
        verbose_name_plural = _("recognition criteria")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="recognition_criterion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def sub_item_list(self) -> list[str]:
        return [line.strip() for line in self.sub_items.splitlines() if line.strip()]


class Recognition(models.Model):
    """An enterprise's file for one year: registration, self-assessment,
    the police's review and the decision."""

    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="recognitions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    criteria_version = models.CharField(_("criteria version"), max_length=40)
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=RecognitionState.choices,
        default=RecognitionState.REGISTERED,
    )
    registered_on = models.DateField(_("registration date"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True)
    recognised = models.BooleanField(_("recognised"), null=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True)
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("ANTT recognition")
        verbose_name_plural = _("ANTT recognitions")
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="recognition_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.year}"


class CriterionAssessment(models.Model):
    """One criterion of one recognition: the enterprise's claim and evidence,
    and the police's finding."""

    recognition = models.ForeignKey(
        Recognition, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(
        RecognitionCriterion, on_delete=models.PROTECT, related_name="+"
    )
    self_met = models.BooleanField(_("met (self-assessment)"), null=True)
    evidence = models.TextField(_("evidence"), blank=True)
    police_met = models.BooleanField(_("met (police review)"), null=True)
    police_note = models.TextField(_("police note"), blank=True)

    class Meta:
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["recognition", "criterion"], name="assessment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recognition_id}/{self.criterion_id}"


class ScoreItem(models.Model):
    """One line of the movement's score sheet."""

    sheet = models.CharField(_("score sheet"), max_length=40)
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=255)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    to_verify = models.BooleanField(_("to verify"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("score item")
        verbose_name_plural = _("score items")
        ordering = ["sheet", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "number"], name="score_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class GradeClass(models.Model):
    """A class of the movement grading, reached from ``min_score`` points."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=60)
    min_score = models.PositiveSmallIntegerField(_("minimum score"))
    to_verify = models.BooleanField(_("to verify"), default=True)

    class Meta:
        verbose_name = _("grading class")
        verbose_name_plural = _("grading classes")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return self.label


class Grading(models.Model):
    """An enterprise's yearly self-evaluation of the movement and its review."""

    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="gradings",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=GradingState.choices,
        default=GradingState.SUBMITTED,
    )
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    proposed_class = models.ForeignKey(
        GradeClass,
        verbose_name=_("proposed class"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    final_class = models.ForeignKey(
        GradeClass,
        verbose_name=_("class decided"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    self_note = models.TextField(_("enterprise's note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("review note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = EnterpriseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("movement grading")
        verbose_name_plural = _("movement gradings")
        ordering = ["-year", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="grading_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} – {self.year}"


class GradingScore(models.Model):
    grading = models.ForeignKey(
        Grading, on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(ScoreItem, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("points"))
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["item__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["grading", "item"], name="grading_score_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.points}"


class GradingExtension(models.Model):
    """A reviewer reopens the grading of one enterprise after the deadline."""

    enterprise = models.ForeignKey(
        "organisations.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    until = models.DateField(_("open until"))
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("grading reopening")
        verbose_name_plural = _("grading reopenings")
        ordering = ["-until"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} → {self.until}"


class GradingReminder(models.Model):
    """A reminder that an enterprise has not submitted its grading. No SMS
    gateway exists: the row is what the reminder page and the enterprise's
    officers see."""

    enterprise = models.ForeignKey(
        "organisations.Enterprise", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sent_on = models.DateField(_("date"))
    days_left = models.SmallIntegerField(_("days left"))

    objects = EnterpriseRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("grading reminder")
        verbose_name_plural = _("grading reminders")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "sent_on"], name="grading_reminder_daily"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.sent_on}: {self.days_left}"


class TeamGrade(models.Model):
    """A grade of the yearly team rating; ``rank`` 1 is the best."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    is_excellent = models.BooleanField(_("excellent"), default=False)
    good_or_better = models.BooleanField(_("good or better"), default=False)
    to_verify = models.BooleanField(_("to verify"), default=True)

    class Meta:
        verbose_name = _("team grade")
        verbose_name_plural = _("team grades")
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.label


class TeamRating(models.Model):
    """A team's grade for one rating period (15 November – 14 November), with
    the activity figures the rater saw."""

    team = models.ForeignKey(
        "organisations.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    # The unit whose share of "excellent" is capped: the team's enterprise or
    # residence (its parent in the tree).
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    grade = models.ForeignKey(
        TeamGrade, verbose_name=_("grade"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.JSONField(_("evidence"), default=dict)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    rated_at = models.DateTimeField(_("rated at"))
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = TeamRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("team rating")
        verbose_name_plural = _("team ratings")
        ordering = ["-period_start", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "period_start"], name="team_rating_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.team} – {self.period_start:%Y}: {self.grade}"

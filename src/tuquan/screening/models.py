"""Tests and vaccinations: individual and pooled test samples, vaccination
doses, and the screening schedules of enterprises.

Who sees what (the rule every page, API operation and export follows):

* Rows are scoped like the worker they are about (``WorkerRowQuerySet``): an
  enterprise officer sees the tests and doses of the enterprise's workers, a
  team leader those of the team's members, a health officer everything in the
  subtree of their health agency.
* A test RESULT (pending, negative, positive, invalid) is health data. Only
  health officers (``tuquan.health.cases.health_paths``) read it, and every
  result shown to them is written to the audit log (``VIEW_PERSONAL``).
  Everyone else, employers included, sees that a test was taken (date, kind,
  facility), never its result: "employers see only fit to work / not before
  date; never a diagnosis" (issue 4).
* Enterprise officers, the other editor roles and team leaders (for the
  members of their team) RECORD tests and doses, one by one or with a
  checklist, and see the due list and vaccination status; they type a result
  they read on the facility's slip but cannot read it back.
* A positive individual test does not make a case: a health officer confirms
  it (``tuquan.health.cases.confirm_case``) from the list of positive tests
  not yet confirmed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.people.models import WorkerRowQuerySet


class ScreeningMethod(models.TextChoices):
    RAPID_ANTIGEN = "rapid_antigen", _("rapid antigen test")
    RT_PCR = "rt_pcr", _("RT-PCR")
    POOLED_RT_PCR = "pooled_rt_pcr", _("pooled RT-PCR")


# Methods of a test of one person (a pooled sample goes through SamplePool).
INDIVIDUAL_METHODS = (ScreeningMethod.RAPID_ANTIGEN, ScreeningMethod.RT_PCR)


class ScreeningResult(models.TextChoices):
    PENDING = "pending", _("pending")
    NEGATIVE = "negative", _("negative")
    POSITIVE = "positive", _("positive")
    INVALID = "invalid", _("invalid")


class PoolQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        # A pool is seen by whoever sees one of its members.
        members = ScreeningTest.objects.filter(
            ScreeningTest.objects.scope_q(paths), pool__isnull=False
        ).values("pool_id")
        return Q(pk__in=members)


class SamplePool(models.Model):
    """Samples of several workers tested together (pooled RT-PCR). Each member
    has a :class:`ScreeningTest` row pointing here, with the pool's result. A
    positive pool asks for an individual follow-up test of every member
    (see ``services.due_today``)."""

    sampled_on = models.DateField(_("sample date"))
    facility = models.CharField(_("testing facility"), max_length=160)
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=ScreeningResult.choices,
        default=ScreeningResult.PENDING,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PoolQuerySet.as_manager()

    class Meta:
        verbose_name = _("pooled sample")
        verbose_name_plural = _("pooled samples")
        ordering = ["-sampled_on", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.sampled_on:%d/%m/%Y}"


class ScreeningTestQuerySet(WorkerRowQuerySet):
    def individual(self) -> ScreeningTestQuerySet:
        return self.filter(pool__isnull=True)


class ScreeningTest(models.Model):
    """One sample of one worker: a rapid antigen or RT-PCR test, or the
    worker's place in a pooled sample (``pool`` set, result = the pool's)."""

    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="screening_tests",
    )
    method = models.CharField(
        _("kind of test"), max_length=16, choices=ScreeningMethod.choices
    )
    sampled_on = models.DateField(_("sample date"))
    facility = models.CharField(_("testing facility"), max_length=160)
    result = models.CharField(
        _("result"),
        max_length=10,
        choices=ScreeningResult.choices,
        default=ScreeningResult.PENDING,
    )
    pool = models.ForeignKey(
        SamplePool,
        verbose_name=_("pooled sample"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="members",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScreeningTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("test")
        verbose_name_plural = _("tests")
        ordering = ["-sampled_on", "-id"]
        constraints = [
            # A worker appears once in a pool (issue 4: "a pool with a member twice").
            models.UniqueConstraint(
                fields=["pool", "worker"],
                condition=Q(pool__isnull=False),
                name="screening_pool_member_once",
            ),
            models.CheckConstraint(
                condition=Q(pool__isnull=True, method__in=INDIVIDUAL_METHODS)
                | Q(pool__isnull=False, method=ScreeningMethod.POOLED_RT_PCR),
                name="screening_pool_iff_pooled",
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "sampled_on"], name="screening_worker_day"),
            models.Index(fields=["result", "sampled_on"], name="screening_result_day"),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.method} {self.sampled_on:%d/%m/%Y}"

    @property
    def scope_path(self) -> str:
        return self.worker.scope_path


class VaccinationQuerySet(WorkerRowQuerySet):
    pass


class Vaccination(models.Model):
    """One vaccine dose given to a worker: one row per worker and dose number."""

    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="vaccinations",
    )
    dose = models.PositiveSmallIntegerField(_("dose number"))
    given_on = models.DateField(_("vaccination date"))
    vaccine = models.CharField(_("vaccine"), max_length=80)
    place = models.CharField(_("place of vaccination"), max_length=160, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VaccinationQuerySet.as_manager()

    class Meta:
        verbose_name = _("vaccination")
        verbose_name_plural = _("vaccinations")
        ordering = ["worker_id", "dose"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "dose"], name="vaccination_one_per_dose"
            ),
            models.CheckConstraint(
                condition=Q(dose__gte=1), name="vaccination_dose_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} #{self.dose} {self.given_on:%d/%m/%Y}"

    @property
    def scope_path(self) -> str:
        return self.worker.scope_path


class ScheduleQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("enterprise__path", paths)

    def own_q(self, user: Any) -> Q | None:
        return None


class ScreeningSchedule(models.Model):
    """Periodic screening of an enterprise: every ``every_days`` days a round
    starts in which ``share_percent`` % of the working workers are tested,
    rotating so that every worker is reached (Decision 2787/QĐ-BYT, 2021)."""

    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="screening_schedules",
    )
    every_days = models.PositiveSmallIntegerField(_("every (days)"))
    share_percent = models.PositiveSmallIntegerField(_("share of workers (%)"))
    method = models.CharField(
        _("kind of test"),
        max_length=16,
        choices=ScreeningMethod.choices,
        default=ScreeningMethod.RAPID_ANTIGEN,
    )
    starts_on = models.DateField(_("first day"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening schedule")
        verbose_name_plural = _("screening schedules")
        ordering = ["enterprise_id", "-active", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every_days__gte=1, every_days__lte=366),
                name="schedule_every_days_range",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__gte=1, share_percent__lte=100),
                name="schedule_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id}: {self.share_percent}% / {self.every_days}"

    @property
    def scope_path(self) -> str:
        return self.enterprise.path

"""Epidemic self-monitoring: disease profiles (data, not constants), daily
health declarations by workers or for them, and the personal links that let a
worker declare without a password."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.people.models import WorkerRowQuerySet


class DiseaseProfile(models.Model):
    """What the system needs to know about a disease to follow it.

    Shipped as data (a migration) with the source of each figure; a figure that
    could not be checked is marked ``to_verify`` and shown as "cần xác minh".
    """

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    symptoms = models.JSONField(
        _("symptoms"),
        default=list,
        help_text=_('A list of {"code": ..., "label": ...} in Vietnamese.'),
    )
    exposure_questions = models.JSONField(_("exposure questions"), default=list)
    incubation_days = models.PositiveSmallIntegerField(_("incubation (days)"))
    lookback_days = models.PositiveSmallIntegerField(
        _("contact look-back (days)"),
        help_text=_("How many days before onset or the positive test contacts count."),
    )
    isolation_days = models.PositiveSmallIntegerField(_("isolation of a case (days)"))
    quarantine_days = models.PositiveSmallIntegerField(
        _("quarantine of a close contact (days)")
    )
    followup_test_days = models.JSONField(
        _("follow-up tests (days after the start)"), default=list
    )
    person_to_person = models.BooleanField(_("trace close contacts"), default=True)
    source = models.TextField(_("source"), blank=True)
    to_verify = models.BooleanField(_("figures to verify"), default=False)
    active = models.BooleanField(_("followed now"), default=True)

    class Meta:
        verbose_name = _("disease profile")
        verbose_name_plural = _("disease profiles")
        ordering = ["-active", "name"]

    def __str__(self) -> str:
        return self.name

    def symptom_labels(self) -> dict[str, str]:
        return {item["code"]: item["label"] for item in self.symptoms}


class DeclarationQuerySet(WorkerRowQuerySet):
    def own_q(self, user: Any) -> Q:
        return Q(worker__user_id=user.pk)


class HealthDeclaration(models.Model):
    """A worker's health on one day: one row per worker and day; a second
    declaration the same day updates it and the earlier one goes to
    :class:`DeclarationRevision`."""

    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    day = models.DateField(_("day"))
    profile = models.ForeignKey(
        DiseaseProfile, verbose_name=_("disease"), on_delete=models.PROTECT
    )
    healthy = models.BooleanField(_("healthy"))
    symptoms = models.JSONField(_("symptoms"), default=list)
    exposures = models.JSONField(_("exposures"), default=list)
    by_proxy = models.BooleanField(_("declared by the team leader"), default=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(unique=True)
    declared_at = models.DateTimeField(_("declared at"))
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("health declaration")
        verbose_name_plural = _("health declarations")
        ordering = ["-day", "worker_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "day"], name="declaration_one_per_day"
            )
        ]
        indexes = [models.Index(fields=["day", "healthy"], name="declaration_day")]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.day:%d/%m/%Y}"


class DeclarationRevision(models.Model):
    """An earlier declaration of the same day, kept when a later one replaced it."""

    declaration = models.ForeignKey(
        HealthDeclaration, on_delete=models.CASCADE, related_name="revisions"
    )
    client_id = models.UUIDField(unique=True)
    healthy = models.BooleanField()
    symptoms = models.JSONField(default=list)
    exposures = models.JSONField(default=list)
    by_proxy = models.BooleanField(default=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"{self.declaration_id} @ {self.declared_at:%H:%M}"


class HealthLinkQuerySet(WorkerRowQuerySet):
    pass


class HealthLink(models.Model):
    """A worker's personal declaration link: the URL carries a signed token
    naming the worker and this row's ``version``; revoking bumps the version so
    every printed QR stops working at once."""

    worker = models.OneToOneField(
        "people.Worker", on_delete=models.CASCADE, related_name="health_link"
    )
    version = models.PositiveIntegerField(default=1)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HealthLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("declaration link")
        verbose_name_plural = _("declaration links")

    def __str__(self) -> str:
        return f"{self.worker_id} v{self.version}"


class CaseBasis(models.TextChoices):
    POSITIVE_TEST = "positive_test", _("positive test")
    AUTHORITY_NOTICE = "authority_notice", _("health authority notice")


class CaseOutcome(models.TextChoices):
    ISOLATING = "isolating", _("in isolation")
    RECOVERED = "recovered", _("recovered")
    TRANSFERRED = "transferred", _("transferred to hospital")
    DIED = "died", _("died")


class CaseQuerySet(WorkerRowQuerySet):
    def open(self) -> CaseQuerySet:
        return self.filter(outcome=CaseOutcome.ISOLATING)


class Case(models.Model):
    """A confirmed case (F0). Health officers see it; employers and guards only
    learn that the worker may not work before a date (see
    ``services.work_restrictions``). Every read is audited."""

    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    profile = models.ForeignKey(
        DiseaseProfile, verbose_name=_("disease"), on_delete=models.PROTECT
    )
    basis = models.CharField(_("basis"), max_length=20, choices=CaseBasis.choices)
    confirmed_on = models.DateField(_("confirmed on"))
    onset_on = models.DateField(
        _("symptom onset or sample date"),
        null=True,
        blank=True,
        help_text=_(
            "Contacts are looked for from this day back; empty: the confirmation day."
        ),
    )
    isolation_until = models.DateField(_("isolation until"))
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=CaseOutcome.choices,
        default=CaseOutcome.ISOLATING,
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-confirmed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "profile"],
                condition=Q(outcome="isolating"),
                name="case_one_open_per_worker",
            )
        ]

    def __str__(self) -> str:
        return f"F0 {self.worker_id} {self.confirmed_on:%d/%m/%Y}"

    @property
    def scope_path(self) -> str:
        return self.worker.scope_path

    @property
    def traced_from(self) -> date:
        """The day from which exposures count back (onset, else confirmation)."""
        return self.onset_on or self.confirmed_on


class ContactStatus(models.TextChoices):
    CANDIDATE = "candidate", _("to review")
    CONFIRMED = "confirmed", _("confirmed close contact")
    DISMISSED = "dismissed", _("dismissed")


class ContactQuerySet(WorkerRowQuerySet):
    def in_quarantine(self, day: date) -> ContactQuerySet:
        return self.filter(
            status=ContactStatus.CONFIRMED,
            quarantine_until__gte=day,
            released_on__isnull=True,
        )


class Contact(models.Model):
    """A worker who may have caught the disease from a case: F1 (met the case)
    or F2 (met an F1). Found by :mod:`tuquan.health.tracing` with the reasons
    and a score; a health officer confirms (quarantine) or dismisses each."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="contacts"
    )
    # F2 rows hang under the F1 they met; F1 rows have no parent.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    generation = models.PositiveSmallIntegerField(_("generation"), default=1)
    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    reasons = models.JSONField(_("reasons"), default=list)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    first_contact_on = models.DateField(_("first contact"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ContactStatus.choices,
        default=ContactStatus.CANDIDATE,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    quarantine_until = models.DateField(_("quarantine until"), null=True, blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    traced_at = models.DateTimeField(_("traced at"))

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("close contact")
        verbose_name_plural = _("close contacts")
        ordering = ["generation", "-score", "worker_id"]
        constraints = [
            # One row per worker in a case's tree: an F1 found again as someone's
            # F2 stays an F1.
            models.UniqueConstraint(
                fields=["case", "worker"], name="contact_once_per_case"
            )
        ]
        indexes = [
            models.Index(
                fields=["worker", "quarantine_until"], name="contact_quarantine"
            )
        ]

    def __str__(self) -> str:
        return f"F{self.generation} {self.worker_id} ← {self.case_id}"


class FollowUpQuerySet(WorkerRowQuerySet):
    def due(self, day: date) -> FollowUpQuerySet:
        return self.filter(due_on__lte=day, done_on__isnull=True)

    def of_cases(self, cases: Any) -> FollowUpQuerySet:
        """Follow-ups of ``cases`` and of their contacts."""
        return self.filter(Q(case__in=cases) | Q(contact__case__in=cases))


class FollowUp(models.Model):
    """A follow-up test due for a case or a confirmed contact, on a day the
    disease profile names (e.g. days 1, 7 and 14)."""

    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up test")
        verbose_name_plural = _("follow-up tests")
        ordering = ["due_on", "worker_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(contact__isnull=False),
                name="follow_up_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.due_on:%d/%m/%Y}"

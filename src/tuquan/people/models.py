"""Workers, their employment history and their team memberships."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core import crypto
from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.core.text import fold, nfc
from tuquan.core.validators import mask


class Sex(models.TextChoices):
    MALE = "male", _("male")
    FEMALE = "female", _("female")


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", _("working")
    ON_LEAVE = "on_leave", _("on leave")
    LEFT = "left", _("left")


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("member")
    LEADER = "leader", _("team leader")
    DEPUTY = "deputy", _("deputy leader")


class WorkerQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        # A worker is visible through the enterprise they work for, the residence
        # they live in, or a team they belong to. Id subqueries rather than
        # joins: the planner hashes them once and can still walk the worker
        # name index for an ordered page.
        from tuquan.organisations.models import Organisation

        nodes = Organisation.objects.filter(paths_q("path", paths)).values("pk")
        members = TeamMembership.objects.filter(
            team_id__in=nodes, left_on__isnull=True
        ).values("worker_id")
        return (
            Q(enterprise_id__in=nodes) | Q(residence_id__in=nodes) | Q(pk__in=members)
        )

    def own_q(self, user: Any) -> Q:
        return Q(user_id=user.pk)

    def search(self, text: str) -> WorkerQuerySet:
        text = (text or "").strip()
        if not text:
            return self
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) == 12 and len(digits) == len(text.replace(" ", "")):
            return self.filter(national_id_hash=crypto.lookup_hash(digits))
        return self.filter(name_folded__contains=fold(text))


class Worker(models.Model):
    """One person, kept once across enterprises (keyed by national ID).

    National ID and phone are encrypted; ``*_hash`` supports exact lookup and
    ``*_tail`` the masked display, so lists never decrypt anything.
    """

    full_name = models.CharField(_("full name"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    national_id_enc = models.TextField(editable=False)
    national_id_hash = models.CharField(max_length=64, editable=False)
    national_id_tail = models.CharField(max_length=4, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False)
    phone_tail = models.CharField(max_length=4, blank=True, editable=False)

    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workers",
    )
    workshop = models.ForeignKey(
        "organisations.Workshop",
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    line = models.ForeignKey(
        "organisations.Line",
        verbose_name=_("production line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    shift = models.ForeignKey(
        "organisations.Shift",
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    residence = models.ForeignKey(
        "organisations.Residence",
        verbose_name=_("residence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    room = models.ForeignKey(
        "organisations.Room",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    bus_route = models.ForeignKey(
        "organisations.BusRoute",
        verbose_name=_("shuttle bus route"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="riders",
    )
    employment_status = models.CharField(
        _("employment status"),
        max_length=10,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ACTIVE,
    )
    employment_start = models.DateField(_("start date"), null=True, blank=True)
    employment_end = models.DateField(_("end date"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worker",
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["name_folded", "id"]
        # Declared here rather than with db_index/unique: on PostgreSQL those
        # also build LIKE-pattern indexes, useless for hashes and costly on import.
        indexes = [
            models.Index(fields=["enterprise", "name_folded"]),
            models.Index(fields=["name_folded"], name="worker_name_folded"),
            models.Index(fields=["phone_hash"], name="worker_phone_hash"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id_hash"], name="worker_national_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = nfc(self.full_name)
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    # Personal data: set through these properties so hash and tail follow.
    @property
    def national_id(self) -> str:
        return crypto.decrypt(self.national_id_enc)

    @national_id.setter
    def national_id(self, value: str) -> None:
        self.national_id_enc = crypto.encrypt(value)
        self.national_id_hash = crypto.lookup_hash(value)
        self.national_id_tail = value[-4:]

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    @phone.setter
    def phone(self, value: str) -> None:
        self.phone_enc = crypto.encrypt(value) if value else ""
        self.phone_hash = crypto.lookup_hash(value) if value else ""
        self.phone_tail = value[-4:] if value else ""

    @property
    def national_id_masked(self) -> str:
        return mask("0" * 8 + self.national_id_tail, 3)

    @property
    def phone_masked(self) -> str:
        if not self.phone_tail:
            return ""
        return mask("0" * 8 + self.phone_tail, 3)

    @property
    def scope_path(self) -> str:
        """Path used to decide who may see this worker's personal data."""
        anchor = self.enterprise or self.residence
        return anchor.path if anchor else ""


class WorkerRowQuerySet(ScopedQuerySet):
    """Rows about one worker (cards, declarations, cases) are seen by whoever
    sees the worker."""

    def scope_q(self, paths: list[str]) -> Q:
        workers = Worker.objects.filter(Worker.objects.scope_q(paths)).values("pk")
        return Q(worker_id__in=workers)


class EmploymentQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("enterprise__path", paths)


class Employment(models.Model):
    """One period of work at one enterprise; the history survives job changes."""

    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="employments"
    )
    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="employments",
    )
    started_on = models.DateField(_("start date"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.ACTIVE,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EmploymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employment history")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.enterprise}"


class MembershipQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("team__path", paths)

    def current(self) -> MembershipQuerySet:
        return self.filter(left_on__isnull=True)


class TeamMembership(models.Model):
    team = models.ForeignKey(
        "organisations.Team", on_delete=models.CASCADE, related_name="memberships"
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=MembershipRole.choices,
        default=MembershipRole.MEMBER,
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "worker"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.worker} ∈ {self.team}"

"""Administrative violations of the epidemic-prevention rules and the sanction
decisions taken on them.

The legal provisions (acts, fine ranges) and the authorities that may fine are
data, shipped by a migration with their sources and editable in the admin: the
law changes, and secondary sources disagree on some article numbers.

A violation is scoped by ``scope_path``, the path of the organisation where it
was found (the worker's enterprise or residence, the organisation itself, or the
place chosen by the officer). Repeat offences are found through ``subject_key``
(one string for a worker, an organisation or a person's ID hash), so the look-up
is one indexed range scan.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core import crypto
from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.core.text import nfc
from tuquan.core.validators import mask
from tuquan.violations.choices import (
    AppealState,
    Detection,
    EnforcementState,
    SubjectKind,
    ViolationState,
)


class LegalProvision(models.Model):
    """One act punishable under a decree, with its fine range for an individual.

    An organisation pays ``organisation_multiplier`` times the range (Decree
    117/2020/NĐ-CP, Article 4(2)). Rows whose article or clause could not be
    confirmed from the decree's text are ``to_verify`` ("cần xác minh").
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    instrument = models.CharField(_("legal instrument"), max_length=80)
    article = models.PositiveSmallIntegerField(_("article"))
    clause = models.PositiveSmallIntegerField(_("clause"), null=True, blank=True)
    point = models.CharField(_("point"), max_length=4, blank=True)
    act = models.TextField(_("act"))
    fine_min = models.PositiveBigIntegerField(_("minimum fine, individual (₫)"))
    fine_max = models.PositiveBigIntegerField(_("maximum fine, individual (₫)"))
    organisation_multiplier = models.PositiveSmallIntegerField(
        _("multiplier for organisations"), default=2
    )
    remedial_measures = models.TextField(_("remedial measures"), blank=True)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective until"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    to_verify = models.BooleanField(_("to verify"), default=False)

    class Meta:
        verbose_name = _("legal provision")
        verbose_name_plural = _("legal provisions")
        ordering = ["instrument", "article", "clause", "point"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fine_min__lte=models.F("fine_max")),
                name="provision_fine_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.citation} — {self.act}"

    @property
    def citation(self) -> str:
        """The legal citation, in Vietnamese like the act it quotes
        ("điểm a khoản 1 Điều 12 Nghị định 117/2020/NĐ-CP")."""
        parts = []
        if self.point:
            parts.append(f"điểm {self.point}")
        if self.clause:
            parts.append(f"khoản {self.clause}")
        parts.append(f"Điều {self.article}")
        return " ".join(parts) + f" {self.instrument}"

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def fine_range(self, organisation: bool) -> tuple[int, int]:
        factor = self.organisation_multiplier if organisation else 1
        return self.fine_min * factor, self.fine_max * factor


class Authority(models.Model):
    """Who may sign a sanction decision, with the largest fine they may impose
    on an individual (twice that on an organisation) where it is known."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=120)
    fine_ceiling = models.PositiveBigIntegerField(
        _("fine ceiling, individual (₫)"), null=True, blank=True
    )
    source = models.TextField(_("source"), blank=True)
    to_verify = models.BooleanField(_("to verify"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sanctioning authority")
        verbose_name_plural = _("sanctioning authorities")
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title


class ScopedByPath(ScopedQuerySet):
    """Violations and decisions: seen along the tree from the place where the
    violation was found, by the roles that take part in enforcement."""

    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("scope_path", paths)

    def visible_to(self, user: Any) -> Any:
        from tuquan.violations.rules import viewer_paths

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        paths = viewer_paths(user)
        if paths is None:
            return self.all()
        return self.filter(self.scope_q(paths)) if paths else self.none()


def subject_key_for(
    kind: str, worker_id: int | None, organisation_id: int | None, id_hash: str
) -> str:
    """One string per offender: repeat offences are an equality on it."""
    if kind == SubjectKind.WORKER:
        return f"w:{worker_id}"
    if kind == SubjectKind.ORGANISATION:
        return f"o:{organisation_id}"
    return f"p:{id_hash}"


class Violation(models.Model):
    """One act found and written down in a record (biên bản)."""

    subject_kind = models.CharField(
        _("subject"), max_length=12, choices=SubjectKind.choices
    )
    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    person_name = models.CharField(_("full name"), max_length=120, blank=True)
    person_id_enc = models.TextField(blank=True, editable=False)
    person_id_hash = models.CharField(max_length=64, blank=True, editable=False)
    person_id_tail = models.CharField(max_length=4, blank=True, editable=False)
    subject_key = models.CharField(max_length=80, editable=False)
    subject_label = models.CharField(max_length=255, editable=False)

    provision = models.ForeignKey(
        LegalProvision,
        verbose_name=_("legal provision"),
        on_delete=models.PROTECT,
        related_name="violations",
    )
    occurred_at = models.DateTimeField(_("time of the violation"))
    place = models.CharField(_("place"), max_length=255)
    site = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit where found"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scope_path = models.CharField(max_length=255, editable=False, default="")
    detection = models.CharField(
        _("detected by"), max_length=16, choices=Detection.choices
    )
    gate_event = models.ForeignKey(
        "gates.GateEvent",
        verbose_name=_("gate passage"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    health_case = models.ForeignKey(
        "health.Case",
        verbose_name=_("health record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    incident_report = models.ForeignKey(
        "security.IncidentReport",
        verbose_name=_("incident report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    record_number = models.CharField(_("record number"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ViolationState.choices,
        default=ViolationState.RECORDED,
    )
    decision = models.ForeignKey(
        "SanctionDecision",
        verbose_name=_("sanction decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="violations",
    )
    # Set when recorded: the list shows it without a query per row.
    is_repeat = models.BooleanField(_("repeat offence"), default=False)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByPath.as_manager()

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["subject_key", "occurred_at"], name="violation_subject_time"
            ),
            models.Index(
                fields=["scope_path"],
                name="violation_scope_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(fields=["-occurred_at", "-id"], name="violation_time"),
            models.Index(
                fields=["provision", "occurred_at"], name="violation_provision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_number} · {self.subject_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_subject()
        if self.site_id:
            self.scope_path = self.site.path
        super().save(*args, **kwargs)

    @property
    def person_id(self) -> str:
        return crypto.decrypt(self.person_id_enc)

    @person_id.setter
    def person_id(self, value: str) -> None:
        value = (value or "").strip()
        self.person_id_enc = crypto.encrypt(value)
        self.person_id_hash = crypto.lookup_hash(value)
        self.person_id_tail = value[-4:]

    @property
    def person_id_masked(self) -> str:
        return mask("0" * 8 + self.person_id_tail, 3) if self.person_id_tail else ""

    @property
    def is_organisation(self) -> bool:
        return self.subject_kind == SubjectKind.ORGANISATION

    def fill_subject(self) -> None:
        """Derive the key and label that lists and repeat checks use."""
        self.person_name = nfc(self.person_name)
        self.subject_key = subject_key_for(
            self.subject_kind,
            self.worker_id,
            self.organisation_id,
            self.person_id_hash,
        )
        if self.subject_kind == SubjectKind.WORKER and self.worker_id:
            self.subject_label = self.worker.full_name
        elif self.subject_kind == SubjectKind.ORGANISATION and self.organisation_id:
            self.subject_label = self.organisation.name
        else:
            self.subject_label = self.person_name
        self.subject_label = self.subject_label[:255]


EVIDENCE_TYPES = {
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".png": b"\x89PNG",
    ".pdf": b"%PDF",
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


class Evidence(models.Model):
    """A photo or scanned document attached to a violation."""

    violation = models.ForeignKey(
        Violation, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="violations/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class SanctionDecision(models.Model):
    """A decision fining one subject for one or more of their violations."""

    number = models.CharField(_("number and symbol"), max_length=60)
    authority = models.ForeignKey(
        Authority, verbose_name=_("authority"), on_delete=models.PROTECT
    )
    issuing_body = models.CharField(_("issuing body"), max_length=160)
    signer_name = models.CharField(_("signed by"), max_length=120)
    place_name = models.CharField(_("place of issue"), max_length=80)
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    subject_key = models.CharField(max_length=80, editable=False)
    subject_label = models.CharField(max_length=255, editable=False)
    scope_path = models.CharField(max_length=255, editable=False, default="")
    fine_amount = models.PositiveBigIntegerField(_("fine (₫)"))
    remedial_measures = models.TextField(_("remedial measures"), blank=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("pay or comply by"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    complied_on = models.DateField(_("complied on"), null=True, blank=True)
    state = models.CharField(
        _("enforcement"),
        max_length=10,
        choices=EnforcementState.choices,
        default=EnforcementState.ISSUED,
    )
    appeal_state = models.CharField(
        _("appeal"), max_length=10, choices=AppealState.choices, blank=True
    )
    appeal_note = models.TextField(_("appeal note"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByPath.as_manager()

    class Meta:
        verbose_name = _("sanction decision")
        verbose_name_plural = _("sanction decisions")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_body", "number"], name="decision_number_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["scope_path"],
                name="decision_scope_path",
                opclasses=["varchar_pattern_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.subject_label}"

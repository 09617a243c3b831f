"""Security and order: incident reports, their workflow, incidents that group
them, and the hand-over of possible crimes to the police.

A report is scoped by two materialised paths: ``scope_path`` (the place: the
most specific of residence, enterprise, zone, commune) and ``team_path`` (the
reporting team, when a team member or leader sent it). Whoever's subtree holds
either path sees the report.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.security.choices import (
    Assignee,
    HandOverStatus,
    ReportStatus,
    Severity,
    Source,
)

SEVERITY_RANK = {
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class IncidentKind(models.Model):
    """A kind of incident (theft, fight...): shipped as data, editable by admins."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    default_severity = models.CharField(
        _("default severity"),
        max_length=10,
        choices=Severity.choices,
        default=Severity.MEDIUM,
    )
    may_be_crime = models.BooleanField(_("may be a crime"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("incident kind")
        verbose_name_plural = _("incident kinds")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ReportQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("scope_path", paths) | paths_q("team_path", paths)


class IncidentQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        # Seen by whoever sees one of its reports (the page then lists only
        # the reports that user may see).
        reports = IncidentReport.objects.filter(
            IncidentReport.objects.scope_q(paths), incident__isnull=False
        ).values("incident_id")
        return Q(pk__in=reports)


class Incident(models.Model):
    """Several reports about the same event, handled as one."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.ForeignKey(
        IncidentKind,
        verbose_name=_("kind"),
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # The common ancestor of the grouped reports' places: who sees them all.
    scope_path = models.CharField(max_length=255, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class IncidentReport(models.Model):
    """One report of an incident, from whoever saw it."""

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, editable=False
    )
    kind = models.ForeignKey(
        IncidentKind,
        verbose_name=_("kind"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField(editable=False, default=2)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ReportStatus.choices,
        default=ReportStatus.RECEIVED,
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    may_be_crime = models.BooleanField(_("may be a crime"), default=False)

    occurred_at = models.DateTimeField(_("time of the incident"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    description = models.TextField(_("description"))
    people_involved = models.TextField(_("people involved"), blank=True)
    workers = models.ManyToManyField(
        "people.Worker",
        verbose_name=_("workers involved"),
        blank=True,
        related_name="incident_reports",
    )

    # Place: any of these, most specific wins for scoping.
    commune = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_reports",
    )
    zone = models.ForeignKey(
        "organisations.Zone",
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_reports",
    )
    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_reports",
    )
    residence = models.ForeignKey(
        "organisations.Residence",
        verbose_name=_("residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_reports",
    )
    team = models.ForeignKey(
        "organisations.Team",
        verbose_name=_("reporting team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_reports",
    )
    place_text = models.CharField(_("place"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    scope_path = models.CharField(max_length=255, editable=False, default="")
    team_path = models.CharField(max_length=255, editable=False, default="")

    # Reporter: a user, a worker by link, or a member of the public.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incident_reports",
    )
    reporter_worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("reporting worker"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    contact = models.CharField(_("contact (optional)"), max_length=120, blank=True)
    # Public reporters follow their report with a random status key; only its
    # hash is kept, so a database reader cannot follow it for them.
    status_key_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Workflow state.
    assignee = models.CharField(
        _("assigned to"), max_length=20, choices=Assignee.choices, blank=True
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    incident = models.ForeignKey(
        Incident,
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )

    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    is_sample = models.BooleanField(_("sample data"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The police list: newest first, optionally by status or kind.
            models.Index(fields=["-received_at", "-id"], name="report_received"),
            models.Index(
                fields=["status", "-received_at", "-id"], name="report_status_recv"
            ),
            models.Index(
                fields=["kind", "-received_at", "-id"], name="report_kind_recv"
            ),
            models.Index(
                fields=["severity", "-received_at", "-id"], name="report_severity_recv"
            ),
            models.Index(
                fields=["scope_path"],
                name="report_scope_path",
                opclasses=["varchar_pattern_ops"],
            ),
            models.Index(
                fields=["team_path"],
                name="report_team_path",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.kind}"

    def clean(self) -> None:
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError(
                {"latitude": _("Latitude must be between -90 and 90.")}
            )
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError(
                {"longitude": _("Longitude must be between -180 and 180.")}
            )
        if self.occurred_at and self.occurred_at > timezone.now() + _CLOCK_SKEW:
            raise ValidationError(
                {"occurred_at": _("The time of the incident is in the future.")}
            )

    def place_node(self) -> Any:
        """The most specific organisation naming the place."""
        for attr in ("residence", "enterprise", "zone", "commune"):
            if getattr(self, f"{attr}_id"):
                return getattr(self, attr)
        return None

    def place_commune(self) -> Any:
        """The commune or ward where it happened (decides the police)."""
        if self.commune_id:
            return self.commune
        if self.residence_id and self.residence.commune_id:
            return self.residence.commune
        if self.enterprise_id:
            ent = self.enterprise
            if ent.commune_id:
                return ent.commune
            if ent.zone_id:
                return ent.zone.commune
        if self.zone_id:
            return self.zone.commune
        return None

    def place_label(self) -> str:
        parts = [str(node) for node in (self.place_node(),) if node is not None]
        if self.place_text:
            parts.append(self.place_text)
        return " – ".join(parts)

    @staticmethod
    def hash_status_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def public_status(self) -> str:
        return public_status(self.status)

    @property
    def is_finished(self) -> bool:
        from tuquan.security.choices import FINISHED_STATUSES

        return self.status in FINISHED_STATUSES


_CLOCK_SKEW = timedelta(minutes=10)


class PhotoQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("report__scope_path", paths) | paths_q(
            "report__team_path", paths
        )


class ReportPhoto(models.Model):
    """A photo attached to a report, metadata (EXIF, GPS) already stripped.

    Kept in the database rather than under MEDIA_ROOT: it is written in the
    same transaction as the report (nothing half stored) and can only be read
    through a scoped view.
    """

    report = models.ForeignKey(
        IncidentReport, on_delete=models.CASCADE, related_name="photos"
    )
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.content_type} {self.size} B"


class TransitionQuerySet(PhotoQuerySet):
    def for_reporter(self) -> TransitionQuerySet:
        return self.filter(visible_to_reporter=True)


class ReportTransition(models.Model):
    """One step of a report's workflow. Append-only: never changed or deleted."""

    report = models.ForeignKey(
        IncidentReport, on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=ReportStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)
    visible_to_reporter = models.BooleanField(_("reporter may see"), default=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError(_("Workflow entries cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError(_("Workflow entries cannot be deleted."))


class HandOverQuerySet(PhotoQuerySet):
    def overdue(self, now: Any = None) -> HandOverQuerySet:
        return self.filter(
            status=HandOverStatus.PENDING, deadline__lt=now or timezone.now()
        )


class HandOver(models.Model):
    """A report that may be a crime, passed to the commune police (24 h, 48 h in
    remote communes, from receipt) and escalated to the province if late."""

    report = models.OneToOneField(
        IncidentReport, on_delete=models.CASCADE, related_name="handover"
    )
    commune = models.ForeignKey(
        "organisations.AdminUnit",
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    police_unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("police unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handovers",
    )
    remote = models.BooleanField(_("remote area"), default=False)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=HandOverStatus.choices,
        default=HandOverStatus.PENDING,
    )
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_handovers",
    )
    receiving_officer = models.CharField(
        _("receiving officer"), max_length=120, blank=True
    )
    record_number = models.CharField(_("record number"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received by police"), null=True, blank=True)
    outcome = models.TextField(_("outcome notified back"), blank=True)
    outcome_at = models.DateTimeField(_("outcome notified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HandOverQuerySet.as_manager()

    class Meta:
        verbose_name = _("police hand-over")
        verbose_name_plural = _("police hand-overs")
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="handover_due")]

    def __str__(self) -> str:
        return f"{self.report.reference} → {self.police_unit or '?'}"

    def is_overdue(self, now: Any = None) -> bool:
        return self.status == HandOverStatus.PENDING and self.deadline < (
            now or timezone.now()
        )

    def seconds_left(self, now: Any = None) -> int:
        return int((self.deadline - (now or timezone.now())).total_seconds())


def public_status(status: str) -> str:
    from tuquan.security.choices import PUBLIC_STATUS

    return str(PUBLIC_STATUS.get(status, status))

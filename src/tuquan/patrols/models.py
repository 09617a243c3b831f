"""Patrols of the self-management teams: checkpoints with QR codes, patrol
plans (route and schedule), patrol sessions and their append-only log.

Checkpoints hang on a zone or a residence. Plans and sessions belong to a team
and are seen by whoever sees the team; a team leader also sees the checkpoints
of the zone or residence their team sits in (an ancestor of their scope), so
they can scan them.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.core.text import nfc
from tuquan.organisations.choices import ZONE_KINDS, OrgKind
from tuquan.patrols.choices import EntryKind

# Printed under the QR and typed when a camera cannot read it: capitals and
# digits without the look-alikes 0/O and 1/I, like worker cards.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# The QR payload names the kind of code, so a worker card shown by mistake is
# recognised and not taken for a checkpoint.
PAYLOAD_PREFIX = "TQP"
SITE_KINDS = (*ZONE_KINDS, OrgKind.RESIDENCE)


def new_checkpoint_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def ancestor_ids(paths: list[str]) -> set[int]:
    """Primary keys on the paths themselves: the nodes above each scope."""
    return {int(part) for path in paths for part in path.split("/") if part}


class CheckpointQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        # Checkpoints inside the scope, and those of a zone or residence above
        # it: a team patrols the zone or boarding house it belongs to.
        return paths_q("site__path", paths) | Q(site_id__in=ancestor_ids(paths))

    def active(self) -> CheckpointQuerySet:
        return self.filter(active=True)


class Checkpoint(models.Model):
    """A place on a patrol route, marked with a printed QR code."""

    site = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("zone or residence"),
        on_delete=models.PROTECT,
        related_name="patrol_checkpoints",
        limit_choices_to={"kind__in": SITE_KINDS},
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    code = models.CharField(_("code"), max_length=16, unique=True, editable=False)
    active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol checkpoint")
        verbose_name_plural = _("patrol checkpoints")
        ordering = ["site_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="checkpoint_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name = nfc(self.name)
        if not self.code:
            self.code = new_checkpoint_code()
        super().save(*args, **kwargs)

    @property
    def qr_payload(self) -> str:
        return f"{PAYLOAD_PREFIX}-{self.code}"

    @property
    def display_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def scope_path(self) -> str:
        return self.site.path


class TeamRowQuerySet(ScopedQuerySet):
    """Rows of a team (plans, sessions) are seen by whoever sees the team."""

    team_field = "team"

    def scope_q(self, paths: list[str]) -> Q:
        return paths_q(f"{self.team_field}__path", paths)


class PatrolPlan(models.Model):
    """A team's planned patrol: an ordered route of checkpoints, on some days
    of the week, from a start time for a duration."""

    team = models.ForeignKey(
        "organisations.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        related_name="patrol_plans",
    )
    name = models.CharField(_("name"), max_length=120)
    # Days of the week, 0 = Monday … 6 = Sunday (a JSON list works alike on
    # SQLite and PostgreSQL).
    weekdays = models.JSONField(_("days of the week"), default=list)
    start_time = models.TimeField(_("start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    active = models.BooleanField(_("in use"), default=True)
    checkpoints = models.ManyToManyField(
        Checkpoint, through="PlanStop", related_name="plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = TeamRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol plan")
        verbose_name_plural = _("patrol plans")
        ordering = ["team_id", "start_time", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def route(self) -> list[Checkpoint]:
        return [stop.checkpoint for stop in self.stops.select_related("checkpoint")]

    @property
    def scope_path(self) -> str:
        return self.team.path


class PlanStop(models.Model):
    """One checkpoint of a plan's route, at its position."""

    plan = models.ForeignKey(PatrolPlan, on_delete=models.CASCADE, related_name="stops")
    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="stops"
    )
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"], name="planstop_unique_position"
            ),
            models.UniqueConstraint(
                fields=["plan", "checkpoint"], name="planstop_unique_checkpoint"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.checkpoint_id}"


class SessionQuerySet(TeamRowQuerySet):
    def open(self) -> SessionQuerySet:
        return self.filter(ended_at__isnull=True)


class PatrolSession(models.Model):
    """One patrol actually walked: by a plan or ad hoc, by a team's members,
    from start to end, with the leader's hand-over note for the next shift."""

    team = models.ForeignKey(
        "organisations.Team",
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        related_name="patrol_sessions",
    )
    plan = models.ForeignKey(
        PatrolPlan,
        verbose_name=_("patrol plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    members = models.ManyToManyField(
        "people.Worker", verbose_name=_("members"), related_name="patrol_sessions"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    handover_note = models.TextField(_("hand-over note"), blank=True)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol session")
        verbose_name_plural = _("patrol sessions")
        ordering = ["-started_at", "-id"]
        constraints = [
            # A team walks one patrol at a time.
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(ended_at__isnull=True),
                name="patrolsession_one_open_per_team",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.started_at:%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def scope_path(self) -> str:
        return self.team.path


class EntryQuerySet(TeamRowQuerySet):
    team_field = "session__team"


class PatrolEntry(models.Model):
    """One line of a patrol's log: a checkpoint scanned, or an observation
    (text, photo, a link to an incident report).

    Append-only: ``save`` refuses to change a stored entry and ``delete``
    refuses to run; no service, page or endpoint edits the log.
    """

    session = models.ForeignKey(
        PatrolSession, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    checkpoint = models.ForeignKey(
        Checkpoint,
        verbose_name=_("checkpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    # What the phone read or the leader typed, kept as sent.
    payload = models.CharField(_("scanned code"), max_length=64, blank=True)
    text = models.TextField(_("observation"), blank=True)
    photo = models.FileField(_("photo"), upload_to="patrols/%Y/%m/", blank=True)
    # An incident report made from this observation, or one it adds to.
    report = models.ForeignKey(
        "security.IncidentReport",
        verbose_name=_("incident report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patrol_entries",
    )
    occurred_at = models.DateTimeField(_("time on the device"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_id = models.UUIDField(unique=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol log entry")
        verbose_name_plural = _("patrol log entries")
        ordering = ["session_id", "occurred_at", "id"]
        indexes = [models.Index(fields=["session", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("patrol log entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("patrol log entries are append-only")

    @property
    def scope_path(self) -> str:
        return self.session.team.path

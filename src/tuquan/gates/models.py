"""Gates and checkpoints, worker cards, gate passages, presence, visitors and
vehicle entries.

A gate is a node of the organisation tree (under its zone or enterprise), so a
guard assigned to the gate sees that gate only, and a zone board sees every gate
of its zone and of the enterprises inside it through the same path rule.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core import crypto
from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.core.text import nfc
from tuquan.core.validators import mask
from tuquan.gates.choices import (
    Direction,
    DisinfectionMethod,
    EventFlag,
    EventSource,
    GateKind,
    VehicleKind,
)
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation, OrganisationQuerySet
from tuquan.people.models import WorkerRowQuerySet

# Card codes are typed by guards on cheap phones: capitals and digits without
# the look-alikes 0/O and 1/I. 32**8 codes leave guessing hopeless.
CARD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CARD_CODE_LENGTH = 8


def new_card_code() -> str:
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_CODE_LENGTH))


_CARD_CHARS = frozenset(CARD_ALPHABET)


def normalise_card_code(text: str) -> str:
    """What a guard typed or a camera read, reduced to the stored form."""
    if text and len(text) == CARD_CODE_LENGTH and _CARD_CHARS.issuperset(text):
        return text  # devices send stored codes: the common case, kept cheap
    code = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if code.startswith("TQ") and len(code) == CARD_CODE_LENGTH + 2:
        code = code[2:]  # the QR payload carries a "TQ" prefix
    return code


def format_card_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CARD_CODE_LENGTH else code


class Gate(Organisation):
    """A gate or checkpoint of a zone or an enterprise."""

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_gate",
    )
    site = models.ForeignKey(
        Organisation,
        verbose_name=_("zone or enterprise"),
        on_delete=models.PROTECT,
        related_name="gates",
    )
    gate_kind = models.CharField(
        _("gate kind"), max_length=10, choices=GateKind.choices, default=GateKind.BOTH
    )
    active = models.BooleanField(_("in use"), default=True)

    default_kind = OrgKind.GATE
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def tree_parent(self) -> Organisation | None:
        return self.site if self.site_id else self.parent

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.site_id and self.site.kind not in (
            OrgKind.INDUSTRIAL_PARK,
            OrgKind.INDUSTRIAL_CLUSTER,
            OrgKind.ENTERPRISE,
        ):
            raise ValidationError(
                {"site": _("A gate belongs to a zone or an enterprise.")}
            )

    @property
    def takes_workers(self) -> bool:
        return self.gate_kind in (GateKind.WORKER, GateKind.BOTH)

    @property
    def takes_vehicles(self) -> bool:
        return self.gate_kind in (GateKind.VEHICLE, GateKind.BOTH)


class GateScopedQuerySet(ScopedQuerySet):
    """Rows recorded at a gate are seen by whoever sees the gate."""

    def scope_q(self, paths: list[str]) -> Q:
        gates = Organisation.objects.filter(
            paths_q("path", paths), kind=OrgKind.GATE
        ).values("pk")
        return Q(gate_id__in=gates)


class GateEventQuerySet(ScopedQuerySet):
    """Passages are seen from the gate's side (guard, zone board) and from the
    employer's (an enterprise whose workers use the zone's gate)."""

    def scope_q(self, paths: list[str]) -> Q:
        nodes = Organisation.objects.filter(paths_q("path", paths))
        gates = nodes.filter(kind=OrgKind.GATE).values("pk")
        enterprises = nodes.filter(kind=OrgKind.ENTERPRISE).values("pk")
        return Q(gate_id__in=gates) | Q(enterprise_id__in=enterprises)


class WorkerCardQuerySet(WorkerRowQuerySet):
    def own_q(self, user: Any) -> Q:
        return Q(worker__user_id=user.pk)

    def active(self) -> WorkerCardQuerySet:
        return self.filter(revoked_at__isnull=True)


class WorkerCard(models.Model):
    """A QR card: a random code, never derived from the national ID.

    A worker holds at most one active card; a lost card is revoked and a new
    one issued, and the old code then answers "card revoked" at the gate.
    """

    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="cards",
    )
    code = models.CharField(_("card code"), max_length=16, unique=True)
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = WorkerCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker card")
        verbose_name_plural = _("worker cards")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(revoked_at__isnull=True),
                name="card_one_active_per_worker",
            )
        ]

    def __str__(self) -> str:
        return format_card_code(self.code)

    @property
    def display_code(self) -> str:
        return format_card_code(self.code)

    @property
    def qr_payload(self) -> str:
        return f"TQ{self.code}"


class GateEvent(models.Model):
    """One worker passing a gate, in or out.

    ``site`` (the gate's zone or enterprise) and ``enterprise`` (the worker's)
    are copied in so that presence and headcounts never join through the tree.
    Rows arrive in bulk from devices; ``client_id`` makes every replay harmless.
    """

    client_id = models.UUIDField(unique=True)
    # Bulk ingest pays for every index and constraint per row: the copied-in
    # columns (site, enterprise, card, route, recorder) carry neither; reads go
    # through the two composite indexes below (by gate, by worker).
    # No database constraint on gate and worker either: ingest has just read
    # both (the card query, the gate check), and the deferred per-row checks
    # cost more than the insert itself. Deletes still cascade through Django.
    gate = models.ForeignKey(
        Gate,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
        db_constraint=False,
    )
    site = models.ForeignKey(
        Organisation,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.CASCADE,
        related_name="gate_events",
        db_index=False,
        db_constraint=False,
    )
    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    card = models.ForeignKey(
        WorkerCard,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices
    )
    occurred_at = models.DateTimeField(_("time"))
    received_at = models.DateTimeField(_("received"))
    bus_route = models.ForeignKey(
        "organisations.BusRoute",
        verbose_name=_("shuttle bus route"),
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    flag = models.CharField(
        _("flag"), max_length=20, choices=EventFlag.choices, blank=True
    )
    source = models.CharField(_("source"), max_length=10, choices=EventSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    objects = GateEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("gate passage")
        verbose_name_plural = _("gate passages")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["gate", "occurred_at"], name="gate_event_gate_time"),
            models.Index(
                fields=["worker", "occurred_at"], name="gate_event_worker_time"
            ),
            # Contact tracing looks for riders of the same shuttle bus on a day;
            # partial, so walk-in passages (most of them) pay nothing for it.
            models.Index(
                fields=["bus_route", "occurred_at"],
                condition=Q(bus_route__isnull=False),
                name="gate_event_route_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.direction} {self.occurred_at:%d/%m %H:%M}"


class PresenceQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        # Seen from the site's side (the zone board) and from the employer's
        # (an enterprise counted at its zone's gates).
        nodes = Organisation.objects.filter(paths_q("path", paths)).values("pk")
        return Q(site_id__in=nodes) | Q(enterprise_id__in=nodes)


class Presence(models.Model):
    """The latest passage of a worker at a site's gates: inside when it was
    "in" and recent enough (see ``services.presence_cutoff``).

    Derived from the passages and rewritten by every batch, so it carries only
    the (site, worker) key: no other index and no foreign-key checks, which
    lets PostgreSQL update rows in place.
    """

    site = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    worker = models.ForeignKey(
        "people.Worker",
        on_delete=models.CASCADE,
        related_name="presences",
        db_constraint=False,
        db_index=False,
    )
    enterprise = models.ForeignKey(
        "organisations.Enterprise",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    gate = models.ForeignKey(
        Gate,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField()

    objects = PresenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "worker"], name="presence_site_worker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.direction} @ {self.site_id}"


class Visitor(models.Model):
    """A visitor let in at a gate: who, from where, for whom, when."""

    client_id = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    gate = models.ForeignKey(
        Gate, verbose_name=_("gate"), on_delete=models.PROTECT, related_name="visitors"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    national_id_enc = models.TextField(editable=False)
    national_id_hash = models.CharField(max_length=64, editable=False, db_index=True)
    national_id_tail = models.CharField(max_length=4, editable=False)
    organisation_name = models.CharField(
        _("visitor's organisation"), max_length=200, blank=True
    )
    host = models.ForeignKey(
        "organisations.Enterprise",
        verbose_name=_("host enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visitors",
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    time_in = models.DateTimeField(_("time in"))
    time_out = models.DateTimeField(_("time out"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["-time_in", "-id"]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = nfc(self.full_name)
        super().save(*args, **kwargs)

    @property
    def national_id(self) -> str:
        return crypto.decrypt(self.national_id_enc)

    @national_id.setter
    def national_id(self, value: str) -> None:
        self.national_id_enc = crypto.encrypt(value)
        self.national_id_hash = crypto.lookup_hash(value)
        self.national_id_tail = value[-4:]

    @property
    def national_id_masked(self) -> str:
        return mask("0" * 8 + self.national_id_tail, 3)


class VehicleEntry(models.Model):
    """A vehicle passing a gate, with its disinfection and driver declaration.

    An entry that was not disinfected stays flagged for the zone board until
    someone there marks it reviewed.
    """

    client_id = models.UUIDField(unique=True)
    gate = models.ForeignKey(
        Gate, verbose_name=_("gate"), on_delete=models.PROTECT, related_name="vehicles"
    )
    plate = models.CharField(_("plate"), max_length=16, db_index=True)
    vehicle_kind = models.CharField(
        _("vehicle kind"), max_length=12, choices=VehicleKind.choices
    )
    driver_name = models.CharField(_("driver"), max_length=120, blank=True)
    driver_phone_enc = models.TextField(blank=True, editable=False)
    driver_phone_tail = models.CharField(max_length=4, blank=True, editable=False)
    origin = models.CharField(_("coming from"), max_length=200, blank=True)
    cargo = models.CharField(_("cargo"), max_length=200, blank=True)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices
    )
    occurred_at = models.DateTimeField(_("time"))
    disinfected = models.BooleanField(_("disinfected"), default=False)
    disinfected_by = models.CharField(_("disinfected by"), max_length=120, blank=True)
    disinfection_method = models.CharField(
        _("disinfection method"),
        max_length=10,
        choices=DisinfectionMethod.choices,
        blank=True,
    )
    driver_declared = models.BooleanField(_("driver health declaration"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received"))

    objects = GateScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vehicle entry")
        verbose_name_plural = _("vehicle entries")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["gate", "occurred_at"], name="vehicle_gate_time"),
        ]

    def __str__(self) -> str:
        return f"{self.plate} {self.direction} {self.occurred_at:%d/%m %H:%M}"

    @property
    def driver_phone(self) -> str:
        return crypto.decrypt(self.driver_phone_enc) if self.driver_phone_enc else ""

    @driver_phone.setter
    def driver_phone(self, value: str) -> None:
        self.driver_phone_enc = crypto.encrypt(value) if value else ""
        self.driver_phone_tail = value[-4:] if value else ""

    @property
    def driver_phone_masked(self) -> str:
        if not self.driver_phone_tail:
            return ""
        return mask("0" * 6 + self.driver_phone_tail, 3)

    @property
    def needs_review(self) -> bool:
        return (
            self.direction == Direction.IN
            and not self.disinfected
            and self.reviewed_at is None
        )

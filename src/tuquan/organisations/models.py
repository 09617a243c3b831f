"""The organisation tree: administrative units, committees, agencies, zones,
enterprises, residences and teams, all nodes of one tree.

Each node stores a materialised path of primary keys (``"1/7/42/"``). A subtree is
``path LIKE '1/7/%'``, which behaves identically on SQLite and PostgreSQL and is
served by an ordinary index. Concrete kinds (Zone, Enterprise, Residence, Team,
AdminUnit) extend :class:`Organisation` by multi-table inheritance, so every node
can be scoped, listed and browsed the same way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from tuquan.core import crypto
from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.core.text import fold, nfc
from tuquan.organisations.choices import (
    ADMIN_KINDS,
    AgencyFunction,
    OperatingMode,
    OrgKind,
    ResidenceKind,
    TeamKind,
)


class OrganisationQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        return paths_q("path", paths)

    def subtree(self, root: Organisation) -> OrganisationQuerySet:
        return self.filter(path__startswith=root.path)

    def annotate_child_count(self) -> OrganisationQuerySet:
        return self.annotate(child_count=models.Count("children"))

    def search(self, text: str) -> OrganisationQuerySet:
        text = fold(text)
        if not text:
            return self
        return self.filter(Q(name_folded__contains=text) | Q(code__icontains=text))


class Organisation(models.Model):
    """A node of the tree. ``kind`` says what it is; subclasses add details."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    code = models.CharField(_("code"), max_length=32, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    # Committees and agencies act over an area (a province or a commune) that is
    # not their own subtree: their officers see the jurisdiction's subtree.
    jurisdiction = models.ForeignKey(
        "self",
        verbose_name=_("jurisdiction"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    function = models.CharField(
        _("function"), max_length=20, choices=AgencyFunction.choices, blank=True
    )
    is_sample = models.BooleanField(_("sample data"), default=False)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    # Subclasses set this so that ``kind`` is filled in on creation.
    default_kind: str | None = None

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]
        indexes = [
            # Subtree tests are "path LIKE 'prefix%'": on PostgreSQL only a
            # pattern-ops index serves them whatever the database collation.
            models.Index(
                fields=["path"],
                name="organisation_path_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.kind and self.default_kind:
            self.kind = self.default_kind
        parent = self.tree_parent()
        if parent is not None:
            self.parent = parent
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.name_folded = fold(f"{self.name} {self.short_name}")[:255]
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = self.compute_path()
            if new_path != old_path:
                self._repath(old_path, new_path)

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        # Subclasses know their kind; fill it before field validation runs.
        if not self.kind and self.default_kind:
            self.kind = self.default_kind
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "-"):
            raise ValidationError(
                {"parent": _("An organisation cannot be placed under itself.")}
            )

    def tree_parent(self) -> Organisation | None:
        """Where this node hangs in the tree; subclasses derive it from their
        commune, zone, enterprise or residence."""
        return self.parent

    def compute_path(self) -> str:
        parent_path = ""
        if self.parent_id:
            parent_path = (
                Organisation.objects.filter(pk=self.parent_id)
                .values_list("path", flat=True)
                .get()
            )
        return f"{parent_path}{self.pk}/"

    def _repath(self, old_path: str, new_path: str) -> None:
        depth = new_path.count("/") - 1
        Organisation.objects.filter(pk=self.pk).update(path=new_path, depth=depth)
        if old_path:
            # Move the whole subtree: replace the old prefix in one statement.
            delta = depth - (old_path.count("/") - 1)
            Organisation.objects.filter(path__startswith=old_path).exclude(
                pk=self.pk
            ).update(
                path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1)),
                depth=models.F("depth") + delta,
            )
        self.path, self.depth = new_path, depth

    def is_within(self, other: Organisation) -> bool:
        return self.path.startswith(other.path)

    def ancestors(self) -> OrganisationQuerySet:
        ids = [int(part) for part in self.path.split("/") if part][:-1]
        return Organisation.objects.filter(pk__in=ids).order_by("depth")

    def specific(self) -> Organisation:
        """The subclass instance (Zone, Enterprise...) for this node."""
        for attr in (
            "as_zone",
            "as_enterprise",
            "as_residence",
            "as_team",
            "as_adminunit",
            "as_gate",
        ):
            try:
                return getattr(self, attr)
            except (AttributeError, models.ObjectDoesNotExist):
                continue
        return self

    @property
    def url_name(self) -> str:
        return {
            OrgKind.INDUSTRIAL_PARK: "zone_detail",
            OrgKind.INDUSTRIAL_CLUSTER: "zone_detail",
            OrgKind.ENTERPRISE: "enterprise_detail",
            OrgKind.RESIDENCE: "residence_detail",
            OrgKind.TEAM: "team_detail",
            OrgKind.GATE: "gate_detail",
        }.get(self.kind, "organisation_detail")


class AdminUnit(Organisation):
    """A province, a (legacy) district or a commune/ward/special zone."""

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_adminunit",
    )

    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    # Communes far from the police can have 48 h instead of 24 h for hand-overs.
    remote = models.BooleanField(_("remote area"), default=False)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind not in ADMIN_KINDS:
            self.kind = OrgKind.COMMUNE if self.parent_id else OrgKind.PROVINCE
        super().save(*args, **kwargs)


class Zone(Organisation):
    """An industrial park (KCN) or industrial cluster (CCN)."""

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_zone",
    )

    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
    )
    management_board = models.ForeignKey(
        Organisation,
        verbose_name=_("management board"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_zones",
        limit_choices_to={"kind": OrgKind.AGENCY},
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    area_ha = models.DecimalField(
        _("area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    default_kind = OrgKind.INDUSTRIAL_PARK

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")

    def tree_parent(self) -> Organisation | None:
        return self.commune if self.commune_id else self.parent

    def clean(self) -> None:
        super().clean()
        if self.kind not in (OrgKind.INDUSTRIAL_PARK, OrgKind.INDUSTRIAL_CLUSTER):
            raise ValidationError(
                {"kind": _("A zone is an industrial park or cluster.")}
            )
        if not self.commune_id:
            raise ValidationError({"commune": _("Choose the commune or ward.")})
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ValidationError(
                {"latitude": _("Latitude must be between -90 and 90.")}
            )
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ValidationError(
                {"longitude": _("Longitude must be between -180 and 180.")}
            )


class Enterprise(Organisation):
    """An enterprise (doanh nghiệp) inside a zone or directly in a commune."""

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_enterprise",
    )

    tax_code = models.CharField(_("tax code"), max_length=14, unique=True)
    zone = models.ForeignKey(
        Zone,
        verbose_name=_("zone"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enterprises",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    registered_workforce = models.PositiveIntegerField(
        _("registered workforce"), default=0
    )
    operating_mode = models.CharField(
        _("operating mode"),
        max_length=20,
        choices=OperatingMode.choices,
        default=OperatingMode.NORMAL,
    )

    default_kind = OrgKind.ENTERPRISE

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def tree_parent(self) -> Organisation | None:
        if self.zone_id:
            return self.zone
        return self.commune if self.commune_id else self.parent

    def clean(self) -> None:
        from tuquan.core.validators import normalise_tax_code

        if not self.zone_id and not self.commune_id:
            raise ValidationError(
                {
                    "zone": _(
                        "Choose the zone, or the commune for an enterprise outside zones."
                    )
                }
            )

        super().clean()
        try:
            self.tax_code = normalise_tax_code(self.tax_code)
        except ValidationError as exc:
            raise ValidationError({"tax_code": exc.messages}) from exc
        self.code = self.tax_code


class EnterprisePartQuerySet(ScopedQuerySet):
    """Rows that belong to an enterprise (workshops, shifts, routes, mode
    changes) are scoped through that enterprise's path."""

    enterprise_field = "enterprise"

    def scope_q(self, paths: list[str]) -> Q:
        return paths_q(f"{self.enterprise_field}__path", paths)


class OperatingModeChange(models.Model):
    """One change of an enterprise's operating mode: when, by whom, why."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="mode_changes"
    )
    mode = models.CharField(
        _("operating mode"), max_length=20, choices=OperatingMode.choices
    )
    previous_mode = models.CharField(
        _("previous mode"), max_length=20, choices=OperatingMode.choices, blank=True
    )
    effective_on = models.DateField(_("effective date"))
    reason = models.TextField(_("reason"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("operating mode change")
        verbose_name_plural = _("operating mode changes")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise}: {self.previous_mode} → {self.mode}"


class LineQuerySet(EnterprisePartQuerySet):
    enterprise_field = "workshop__enterprise"


class Workshop(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="workshops"
    )
    name = models.CharField(_("name"), max_length=120)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"], name="workshop_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Line(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="lines"
    )
    name = models.CharField(_("name"), max_length=120)

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = _("production line")
        verbose_name_plural = _("production lines")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "name"], name="line_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Shift(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="shifts"
    )
    name = models.CharField(_("name"), max_length=60)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"], name="shift_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.starts_at:%H:%M}–{self.ends_at:%H:%M})"


class BusRoute(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="bus_routes"
    )
    name = models.CharField(_("name"), max_length=160)
    stops = models.TextField(_("stops"), blank=True, help_text=_("One stop per line."))
    plate = models.CharField(_("vehicle plate"), max_length=20, blank=True)

    objects = EnterprisePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("shuttle bus route")
        verbose_name_plural = _("shuttle bus routes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "name"], name="busroute_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Residence(Organisation):
    """A boarding house or dormitory where workers live."""

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_residence",
    )

    residence_kind = models.CharField(
        _("residence kind"),
        max_length=20,
        choices=ResidenceKind.choices,
        default=ResidenceKind.BOARDING_HOUSE,
    )
    address = models.CharField(_("address"), max_length=255)
    commune = models.ForeignKey(
        AdminUnit,
        verbose_name=_("commune / ward"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residences",
    )
    owner_name = models.CharField(_("owner"), max_length=120, blank=True)
    owner_phone_enc = models.TextField(blank=True, editable=False)
    owner_phone_tail = models.CharField(max_length=4, blank=True, editable=False)

    default_kind = OrgKind.RESIDENCE

    class Meta:
        verbose_name = _("residence")
        verbose_name_plural = _("residences")

    def tree_parent(self) -> Organisation | None:
        return self.commune if self.commune_id else self.parent

    def clean(self) -> None:
        super().clean()
        if not self.commune_id:
            raise ValidationError({"commune": _("Choose the commune or ward.")})

    @property
    def owner_phone(self) -> str:
        return crypto.decrypt(self.owner_phone_enc)

    @owner_phone.setter
    def owner_phone(self, value: str) -> None:
        self.owner_phone_enc = crypto.encrypt(value)
        self.owner_phone_tail = value[-4:] if value else ""

    @property
    def capacity(self) -> int:
        return sum(room.capacity for room in self.rooms.all())


class RoomQuerySet(EnterprisePartQuerySet):
    enterprise_field = "residence"


class Room(models.Model):
    residence = models.ForeignKey(
        Residence, on_delete=models.CASCADE, related_name="rooms"
    )
    number = models.CharField(_("room"), max_length=20)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=4)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["residence", "number"], name="room_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Team(Organisation):
    """A worker self-management team (tổ công nhân tự quản).

    Workplace teams hang under their enterprise, boarding-house teams under their
    residence; that placement decides who can see the team.
    """

    organisation_ptr = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        related_name="as_team",
    )

    team_kind = models.CharField(
        _("team kind"),
        max_length=20,
        choices=TeamKind.choices,
        default=TeamKind.WORKPLACE,
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    residence = models.ForeignKey(
        Residence,
        verbose_name=_("residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    leader = models.ForeignKey(
        "people.Worker",
        verbose_name=_("team leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads_teams",
    )
    deputy = models.ForeignKey(
        "people.Worker",
        verbose_name=_("deputy leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputises_teams",
    )
    pledge = models.TextField(_("team pledge"), blank=True)
    pledge_file = models.FileField(_("pledge file"), upload_to="pledges/", blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)

    default_kind = OrgKind.TEAM

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def clean(self) -> None:
        super().clean()
        if self.team_kind == TeamKind.WORKPLACE and not self.enterprise_id:
            raise ValidationError(
                {"enterprise": _("A workplace team must belong to an enterprise.")}
            )
        if self.team_kind == TeamKind.RESIDENCE and not self.residence_id:
            raise ValidationError(
                {"residence": _("A boarding-house team must belong to a residence.")}
            )
        if self.workshop_id and self.workshop.enterprise_id != self.enterprise_id:
            raise ValidationError(
                {"workshop": _("The workshop belongs to another enterprise.")}
            )
        if self.leader_id and self.deputy_id and self.leader_id == self.deputy_id:
            raise ValidationError(
                {"deputy": _("The leader and the deputy must be different people.")}
            )

    def tree_parent(self) -> Organisation | None:
        # Workplace teams hang under the enterprise, boarding-house teams
        # under the residence: that decides who sees them.
        if self.team_kind == TeamKind.WORKPLACE and self.enterprise_id:
            return self.enterprise
        if self.team_kind == TeamKind.RESIDENCE and self.residence_id:
            return self.residence
        return self.parent

from django.db import models
from django.utils.translation import gettext_lazy as _


class GateKind(models.TextChoices):
    WORKER = "worker", _("worker gate")
    VEHICLE = "vehicle", _("vehicle gate")
    BOTH = "both", _("workers and vehicles")


class Direction(models.TextChoices):
    IN = "in", _("in")
    OUT = "out", _("out")


class EventSource(models.TextChoices):
    SCAN = "scan", _("scan page")
    DEVICE = "device", _("gate device or offline phone")


class EventFlag(models.TextChoices):
    """Why an accepted passage needs a second look from the zone board."""

    ON_SITE_EXIT = "on_site_exit", _("left during three-on-site")
    OFF_ROUTE = "off_route", _("not on the registered bus route")


class VehicleKind(models.TextChoices):
    TRUCK = "truck", _("truck")
    SHUTTLE_BUS = "shuttle_bus", _("shuttle bus")
    CAR = "car", _("car")
    MOTORBIKE = "motorbike", _("motorbike")


class DisinfectionMethod(models.TextChoices):
    SPRAY = "spray", _("spraying")
    TUNNEL = "tunnel", _("disinfection tunnel")
    WIPE = "wipe", _("wiping surfaces")
    OTHER = "other", _("other")


class ScanStatus(models.TextChoices):
    """What the guard's screen says after a scan."""

    ALLOWED = "allowed", _("Allowed")
    UNKNOWN_CARD = "unknown_card", _("Unknown card")
    REVOKED = "revoked", _("Card revoked")
    OTHER_SITE = "other_site", _("Card of another zone or enterprise")
    NOT_ACTIVE = "not_active", _("Worker not active")
    MUST_NOT_WORK = "must_not_work", _("Worker must not work")
    ALREADY_INSIDE = "already_inside", _("Already inside")

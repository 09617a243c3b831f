from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district (legacy)")
    COMMUNE = "commune", _("commune / ward")
    COMMITTEE = "committee", _("steering committee")
    AGENCY = "agency", _("agency")
    INDUSTRIAL_PARK = "industrial_park", _("industrial park")
    INDUSTRIAL_CLUSTER = "industrial_cluster", _("industrial cluster")
    ENTERPRISE = "enterprise", _("enterprise")
    RESIDENCE = "residence", _("residence")
    TEAM = "team", _("self-management team")
    GATE = "gate", _("gate / checkpoint")


ADMIN_KINDS = (OrgKind.PROVINCE, OrgKind.DISTRICT, OrgKind.COMMUNE)
ZONE_KINDS = (OrgKind.INDUSTRIAL_PARK, OrgKind.INDUSTRIAL_CLUSTER)


class AgencyFunction(models.TextChoices):
    POLICE = "police", _("police")
    HEALTH = "health", _("health")
    PARK_BOARD = "park_board", _("industrial park board")
    INDUSTRY_TRADE = "industry_trade", _("industry and trade")
    LABOUR_FEDERATION = "labour_federation", _("labour federation")
    OTHER = "other", _("other")


class OperatingMode(models.TextChoices):
    NORMAL = "normal", _("normal")
    ON_SITE = "on_site", _("three-on-site")
    FIXED_ROUTE = "fixed_route", _("one route, two destinations")
    SUSPENDED = "suspended", _("suspended")


class ResidenceKind(models.TextChoices):
    BOARDING_HOUSE = "boarding_house", _("boarding house")
    DORMITORY = "dormitory", _("dormitory")


class TeamKind(models.TextChoices):
    WORKPLACE = "workplace", _("workplace team")
    RESIDENCE = "residence", _("boarding-house team")

"""Filters for registry lists, shared by the HTML list views and the API."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tuquan.core.text import fold


def _search_q(value: str | None) -> Q:
    if not value:
        return Q()
    return Q(name_folded__contains=fold(value)) | Q(code__icontains=value.strip())


def _under_q(value: int | None) -> Q:
    # "under" is an organisation id; its subtree via the path prefix.
    if not value:
        return Q()
    from tuquan.organisations.models import Organisation

    path = Organisation.objects.filter(pk=value).values_list("path", flat=True).first()
    return Q(path__startswith=path) if path else Q(pk__in=[])


class OrganisationFilter(FilterSchema):
    q: str | None = Field(None, description="Search by name (accents optional) or code")
    kind: str | None = None
    under: int | None = Field(
        None, description="Only inside this organisation's subtree"
    )

    def filter_q(self, value: str | None) -> Q:
        return _search_q(value)

    def filter_under(self, value: int | None) -> Q:
        return _under_q(value)


class ZoneFilter(OrganisationFilter):
    commune: Annotated[int | None, FilterLookup("commune_id")] = None


class EnterpriseFilter(OrganisationFilter):
    zone: Annotated[int | None, FilterLookup("zone_id")] = None
    commune: Annotated[int | None, FilterLookup("commune_id")] = None
    operating_mode: str | None = None
    sector: Annotated[str | None, FilterLookup("sector__icontains")] = None


class ResidenceFilter(OrganisationFilter):
    commune: Annotated[int | None, FilterLookup("commune_id")] = None
    residence_kind: str | None = None


class TeamFilter(OrganisationFilter):
    team_kind: str | None = None
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    residence: Annotated[int | None, FilterLookup("residence_id")] = None
    no_leader: bool | None = Field(None, description="Only teams without a leader")

    def filter_no_leader(self, value: bool | None) -> Q:
        return Q(leader__isnull=True) if value else Q()

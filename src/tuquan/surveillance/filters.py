"""The alert list filter, shared by the HTML page and the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from ninja import FilterLookup, FilterSchema

from tuquan.surveillance.models import Method, Series, UnitKind


class AlertFilter(FilterSchema):
    kind: Annotated[UnitKind | None, FilterLookup("unit_kind")] = None
    series: Series | None = None
    method: Method | None = None
    day: date | None = None
    since: Annotated[date | None, FilterLookup("day__gte")] = None
    until: Annotated[date | None, FilterLookup("day__lte")] = None

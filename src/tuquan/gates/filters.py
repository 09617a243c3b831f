"""Passage list filters, shared by the HTML pages and the API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from ninja import FilterLookup, FilterSchema


class GateEventFilter(FilterSchema):
    gate: Annotated[int | None, FilterLookup("gate_id")] = None
    site: Annotated[int | None, FilterLookup("site_id")] = None
    worker: Annotated[int | None, FilterLookup("worker_id")] = None
    direction: str | None = None
    flag: str | None = None
    day: Annotated[date | None, FilterLookup("occurred_at__date")] = None

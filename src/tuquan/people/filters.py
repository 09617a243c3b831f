"""Worker list filters, shared by the HTML list view, the export and the API."""

from __future__ import annotations

from types import MethodType
from typing import Annotated, Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tuquan.core import crypto
from tuquan.core.text import fold

# Above this many matches a name search is walked in name order (see ordered).
BROAD_SEARCH = 2000


class WorkerFilter(FilterSchema):
    q: str | None = Field(
        None, description="Name (accents optional), or a full 12-digit national ID"
    )
    enterprise: Annotated[int | None, FilterLookup("enterprise_id")] = None
    workshop: Annotated[int | None, FilterLookup("workshop_id")] = None
    shift: Annotated[int | None, FilterLookup("shift_id")] = None
    residence: Annotated[int | None, FilterLookup("residence_id")] = None
    team: int | None = Field(None, description="Current member of this team")
    sex: str | None = None
    employment_status: str | None = None
    no_team: bool | None = Field(None, description="Only workers in no current team")
    no_phone: bool | None = Field(None, description="Only workers without a phone")

    def filter_q(self, value: str | None) -> Q:
        text = (value or "").strip()
        if not text:
            return Q()
        digits = text.replace(" ", "").replace(".", "")
        if len(digits) == 12 and digits.isdigit():
            return Q(national_id_hash=crypto.lookup_hash(digits))
        return Q(name_folded__contains=fold(text))

    def ordered(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """``queryset`` (already filtered) in alphabetical order, phrased so
        PostgreSQL plans a name search well.

        A search matching few workers is best served by the trigram index and a
        sort of the matches; ordering by the bare column would tempt the planner
        to walk the whole btree name index and filter row by row (seconds when
        few rows match). ``lower()`` of the already lower-case folded name sorts
        the same but cannot use that btree. A search matching many (a common
        syllable: "yen" is in every Nguyễn) is the opposite: sorting tens of
        thousands of matches for a page of 50 costs 70 ms, walking the btree
        until the page is full costs 3. The count the pagination needs anyway
        tells the two apart.
        """
        if not (self.q and self.q.strip()):
            return queryset.order_by("name_folded", "pk")
        if connection.vendor != "postgresql":
            return queryset.order_by(Lower("name_folded"), "pk")
        matches = queryset.count()
        if matches > BROAD_SEARCH:
            ordered = queryset.order_by("name_folded", "pk")
        else:
            ordered = queryset.order_by(Lower("name_folded"), "pk")
        # The paginators (Django's, ninja's) call count(): answer the one just
        # made rather than count the matches a second time. A bound method, as
        # Django's Paginator only calls a count() that takes no argument but
        # self (else it takes len() of the whole list).
        ordered.count = MethodType(lambda _self: matches, ordered)  # type: ignore[method-assign]
        return ordered

    def filter_no_team(self, value: bool | None) -> Q:
        if not value:
            return Q()
        from tuquan.people.models import TeamMembership

        current = TeamMembership.objects.filter(
            worker=OuterRef("pk"), left_on__isnull=True
        )
        return ~Q(Exists(current))

    def filter_no_phone(self, value: bool | None) -> Q:
        return Q(phone_enc="") if value else Q()

    def filter_team(self, value: int | None) -> Q:
        if not value:
            return Q()
        from tuquan.people.models import TeamMembership

        # Exists rather than a join, so a worker never appears twice.
        member = TeamMembership.objects.filter(
            worker=OuterRef("pk"), team_id=value, left_on__isnull=True
        )
        return Q(Exists(member))

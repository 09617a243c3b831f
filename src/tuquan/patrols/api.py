"""API of patrols: checkpoints, plans, sessions (start and end), the batch of
log entries from phones and devices, and a team's activity over a quarter.

``POST /patrol-entries`` reads its body itself (orjson) like the other batch
endpoints, so one bad entry is answered with its reason instead of failing the
whole request; the schema below documents the shape.
"""

import uuid
from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tuquan.core.batch import read_json
from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Team
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from tuquan.patrols.activity import parse_quarter, team_activity
from tuquan.patrols.choices import EntryKind
from tuquan.patrols.models import Checkpoint, PatrolEntry, PatrolPlan, PatrolSession
from tuquan.patrols.services import (
    MAX_BATCH,
    end_session,
    record_entries,
    start_session,
)

router = Router(tags=["patrols"])


class CheckpointOut(Schema):
    id: int
    site_id: int
    name: str
    description: str
    code: str
    qr_payload: str
    active: bool


@router.get(
    "/patrol-checkpoints",
    response={200: list[CheckpointOut], **READ_ERRORS},
    summary="Patrol checkpoints you can see",
)
@paged
def list_patrol_checkpoints(
    request: HttpRequest, site: int | None = None
) -> QuerySet[Checkpoint]:
    """Checkpoints of the zones and residences in your scope, and of the zone
    or residence your team patrols; `site` limits to one place."""
    qs = Checkpoint.objects.visible_to(caller(request))
    if site is not None:
        qs = qs.filter(site_id=site)
    return qs.order_by("site_id", "name", "pk")


class PlanOut(Schema):
    id: int
    team_id: int
    name: str
    weekdays: list[int] = Field(description="0 = Monday … 6 = Sunday")
    start_time: time
    duration_minutes: int
    active: bool
    route: list[int] = Field(description="Checkpoint ids in walking order")

    @staticmethod
    def resolve_route(obj: PatrolPlan) -> list[int]:
        return [stop.checkpoint_id for stop in obj.stops.all()]


@router.get(
    "/patrol-plans",
    response={200: list[PlanOut], **READ_ERRORS},
    summary="Patrol plans of the teams you can see",
)
@paged
def list_patrol_plans(
    request: HttpRequest, team: int | None = None
) -> QuerySet[PatrolPlan]:
    qs = PatrolPlan.objects.visible_to(caller(request)).prefetch_related("stops")
    if team is not None:
        qs = qs.filter(team_id=team)
    return qs.order_by("team_id", "start_time", "pk")


class SessionOut(Schema):
    id: int
    client_id: uuid.UUID | None
    team_id: int
    plan_id: int | None
    members: list[int]
    started_at: datetime
    ended_at: datetime | None
    handover_note: str

    @staticmethod
    def resolve_members(obj: PatrolSession) -> list[int]:
        return sorted(worker.pk for worker in obj.members.all())


class SessionIn(Schema):
    team: int
    plan: int | None = None
    members: list[int] = Field(description="Worker ids of the members walking it")
    client_id: uuid.UUID | None = None


class SessionEndIn(Schema):
    handover_note: str = ""


@router.get(
    "/patrol-sessions",
    response={200: list[SessionOut], **READ_ERRORS},
    summary="Patrols of the teams you can see, newest first",
)
@paged
def list_patrol_sessions(
    request: HttpRequest, team: int | None = None, open: bool | None = None
) -> QuerySet[PatrolSession]:
    qs = PatrolSession.objects.visible_to(caller(request)).prefetch_related("members")
    if team is not None:
        qs = qs.filter(team_id=team)
    if open is not None:
        qs = qs.filter(ended_at__isnull=open)
    return qs.order_by("-started_at", "-pk")


@router.get(
    "/patrol-sessions/{session_id}",
    response={200: SessionOut, **READ_ERRORS},
    summary="Get one patrol",
)
def get_patrol_session(request: HttpRequest, session_id: int) -> PatrolSession:
    return get_visible_or_404(
        PatrolSession.objects.visible_to(caller(request)), session_id
    )


@router.post(
    "/patrol-sessions",
    response={201: SessionOut, 200: SessionOut, **WRITE_ERRORS},
    summary="Start a patrol (team leader)",
)
def create_patrol_session(request: HttpRequest, payload: SessionIn) -> Status[Any]:
    """Starts now. A team walks one patrol at a time; a retry with the same
    `client_id` returns the first patrol (200)."""
    user = caller(request)
    team = Team.objects.visible_to(user).filter(pk=payload.team).first()
    if team is None:
        raise ValidationError(
            {"team": _("There is no team with this number in your scope.")}
        )
    plan = None
    if payload.plan is not None:
        plan = PatrolPlan.objects.visible_to(user).filter(pk=payload.plan).first()
        if plan is None:
            raise ValidationError(
                {"plan": _("There is no patrol plan with this number in your scope.")}
            )
    session = start_session(
        team=team,
        by=user,
        plan=plan,
        members=payload.members,
        client_id=payload.client_id,
    )
    return created(session)


@router.post(
    "/patrol-sessions/{session_id}/end",
    response={200: SessionOut, **WRITE_ERRORS},
    summary="End a patrol with the hand-over note (team leader)",
)
def end_patrol_session(
    request: HttpRequest, session_id: int, payload: SessionEndIn
) -> PatrolSession:
    user = caller(request)
    session = get_visible_or_404(
        PatrolSession.objects.visible_to(user).select_related("team"), session_id
    )
    return end_session(session=session, by=user, note=payload.handover_note)


class EntryOut(Schema):
    id: int
    client_id: uuid.UUID
    session_id: int
    kind: str
    checkpoint_id: int | None
    text: str
    has_photo: bool
    report_id: int | None
    occurred_at: datetime
    received_at: datetime

    @staticmethod
    def resolve_has_photo(obj: PatrolEntry) -> bool:
        return bool(obj.photo)


@router.get(
    "/patrol-sessions/{session_id}/entries",
    response={200: list[EntryOut], **READ_ERRORS},
    summary="A patrol's log, in the order it happened",
)
@paged
def list_patrol_entries(request: HttpRequest, session_id: int) -> QuerySet[PatrolEntry]:
    user = caller(request)
    session = get_visible_or_404(PatrolSession.objects.visible_to(user), session_id)
    return (
        PatrolEntry.objects.visible_to(user)
        .filter(session=session)
        .order_by("occurred_at", "pk")
    )


class EntryIn(Schema):
    client_id: uuid.UUID = Field(description="Made by the phone, once per entry.")
    session: int = Field(description="Id of the patrol.")
    kind: EntryKind
    code: str = Field("", description="For a scan: the QR content or the typed code.")
    text: str = Field("", description="For an observation: what was seen.")
    photo: str | None = Field(
        None, description="JPEG, PNG or WebP in base64 (≤ 5 MB), metadata removed."
    )
    report: int | None = Field(None, description="Id of an incident report to link.")
    report_kind: str | None = Field(
        None, description="Kind code: make a new incident report from the observation."
    )
    occurred_at: datetime = Field(
        description="When it was recorded on the phone (ISO 8601; without offset: "
        "Vietnam time)."
    )


class EntryBatchIn(Schema):
    entries: list[EntryIn] = Field(max_length=MAX_BATCH)


class RejectedOut(Schema):
    index: int
    client_id: str | None
    field: str
    reason: str


class EntryBatchOut(Schema):
    accepted: list[str]
    duplicates: list[str]
    rejected: list[RejectedOut]


_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": EntryBatchIn.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            }
        },
    }
}


@router.post(
    "/patrol-entries",
    response={200: EntryBatchOut, 400: ErrorOut, **WRITE_ERRORS},
    openapi_extra=_BATCH_BODY,
    summary="Append a batch of patrol log entries",
)
def record_patrol_entries(request: HttpRequest) -> HttpResponse:
    """Up to 1,000 entries per request, each with a client UUID, for patrols of
    teams you lead. The answer lists the accepted, the duplicates (stored by an
    earlier request) and the rejected with the reason; a rejected entry never
    blocks the others. Entries are never changed or removed afterwards."""
    body = read_json(request)
    if not isinstance(body, dict) or "entries" not in body:
        raise ValidationError(
            {"entries": _('Send the entries as a list under "entries".')}
        )
    result = record_entries(entries=body["entries"], by=caller(request))
    return HttpResponse(result.payload(), content_type="application/json")


class TeamActivityOut(Schema):
    team_id: int
    team: str
    quarter: str
    start: date
    end: date
    members: int
    pledge_recorded: bool
    pledge: str
    patrols: int
    checkpoints_scanned: int
    observations: int
    reports_made: int
    declarations: int
    declaration_days: int
    declaration_rate: float | None = Field(
        description="declarations / (members × days so far), 0 to 1"
    )


@router.get(
    "/teams/{team_id}/activity",
    response={200: TeamActivityOut, **READ_ERRORS},
    summary="A team's activity over a quarter (teams at work)",
)
def get_team_activity(
    request: HttpRequest, team_id: int, quarter: str | None = None
) -> dict[str, Any]:
    """`quarter` like 2026-Q4 (the current quarter when left out)."""
    team = get_visible_or_404(
        Team.objects.visible_to(caller(request)).select_related("leader"), team_id
    )
    period = parse_quarter(quarter)
    activity = team_activity(team, period.start, period.end)
    return {
        "team_id": team.pk,
        "team": team.name,
        "quarter": period.code,
        "start": period.start,
        "end": period.end,
        "members": activity.members,
        "pledge_recorded": activity.pledge_recorded,
        "pledge": activity.pledge,
        "patrols": activity.sessions,
        "checkpoints_scanned": activity.scans,
        "observations": activity.observations,
        "reports_made": activity.reports,
        "declarations": activity.declarations,
        "declaration_days": activity.declaration_days,
        "declaration_rate": activity.declaration_rate,
    }

"""JSON API for workers and team membership.

National ID and phone are answered masked; ``reveal_worker_personal_data`` gives
the clear values to roles allowed to see them, and every call is audited.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from tuquan.organisations.api import (
    References,
    caller,
    created,
    errors_named_as,
    get_visible_or_404,
    paged,
)
from tuquan.organisations.models import Team
from tuquan.organisations.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    TeamMemberOut,
    TeamMembersIn,
)
from tuquan.people.filters import WorkerFilter
from tuquan.people.models import TeamMembership, Worker
from tuquan.people.schemas import (
    WorkerIn,
    WorkerOut,
    WorkerPatch,
    WorkerPersonalDataOut,
)
from tuquan.people.services import (
    reveal_personal_data,
    save_worker,
)
from tuquan.people.services import (
    set_team_members as replace_team_members,
)

router = Router()


def _workers(user: Any) -> QuerySet[Worker]:
    """Workers ``user`` sees, with what ``WorkerOut`` needs in a fixed number of
    queries: names by join, current visible teams by one prefetch."""
    memberships = (
        TeamMembership.objects.visible_to(user)
        .current()
        .only("id", "team_id", "worker_id")
    )
    return (
        Worker.objects.visible_to(user)
        .select_related("enterprise", "residence")
        .prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="current_memberships")
        )
    )


def _current_teams(worker: Worker) -> QuerySet[Team]:
    # Internal bookkeeping, not shown to the caller: which teams the worker is
    # in now, including teams outside the caller's scope.
    return Team.objects.filter(
        memberships__worker=worker, memberships__left_on__isnull=True
    )


# --- workers --------------------------------------------------------------------


@router.get(
    "/workers",
    response={200: list[WorkerOut], **READ_ERRORS},
    tags=["workers"],
    summary="List workers (national ID and phone masked)",
)
@paged
def list_workers(
    request: HttpRequest, filters: Query[WorkerFilter]
) -> QuerySet[Worker]:
    """`q` searches names without accents, or a full 12-digit national ID."""
    return filters.ordered(filters.filter(_workers(caller(request))))


@router.get(
    "/workers/{worker_id}",
    response={200: WorkerOut, **READ_ERRORS},
    tags=["workers"],
    summary="Get one worker (national ID and phone masked)",
)
def get_worker(request: HttpRequest, worker_id: int) -> Worker:
    return get_visible_or_404(_workers(caller(request)), worker_id)


@router.post(
    "/workers",
    response={201: WorkerOut, 200: WorkerOut, **WRITE_ERRORS},
    tags=["workers"],
    summary="Register a worker (or hire one registered at another enterprise)",
)
def create_worker(request: HttpRequest, payload: WorkerIn) -> Status[Any]:
    """One record per national ID: an ID already registered at another
    enterprise moves that person here and keeps their employment history."""
    user = caller(request)
    refs = References(user)
    values = refs.resolve(Worker, payload.model_dump(exclude={"client_id", "team_ids"}))
    teams = None
    if payload.team_ids is not None:
        teams = refs.many(Team, "team_ids", payload.team_ids)
    refs.raise_errors()
    with errors_named_as(WorkerIn):
        worker = save_worker(
            by=user, values=values, teams=teams, client_id=payload.client_id
        )
    answer = created(worker)
    answer.value = get_visible_or_404(_workers(user), worker.pk)
    return answer


@router.patch(
    "/workers/{worker_id}",
    response={200: WorkerOut, **WRITE_ERRORS},
    tags=["workers"],
    summary="Change a worker (only the fields sent)",
)
def update_worker(request: HttpRequest, worker_id: int, payload: WorkerPatch) -> Worker:
    user = caller(request)
    worker = get_visible_or_404(Worker.objects.visible_to(user), worker_id)
    refs = References(user)
    sent = payload.model_dump(exclude_unset=True)
    team_ids = sent.pop("team_ids", None)
    values = refs.resolve(Worker, sent)
    teams = None
    if team_ids is not None:
        teams = refs.many(Team, "team_ids", team_ids)
        # Teams the caller cannot see are not theirs to end.
        hidden = _current_teams(worker).exclude(
            pk__in=Team.objects.visible_to(user).values("pk")
        )
        teams += list(hidden)
    refs.raise_errors()
    with errors_named_as(WorkerPatch):
        save_worker(by=user, values=values, worker=worker, teams=teams)
    return get_visible_or_404(_workers(user), worker.pk)


@router.post(
    "/workers/{worker_id}/reveal",
    response={200: WorkerPersonalDataOut, **WRITE_ERRORS},
    tags=["workers"],
    summary="Show a worker's national ID and phone in clear (audited)",
)
def reveal_worker_personal_data(request: HttpRequest, worker_id: int) -> dict[str, str]:
    """Only roles that need personal data may call this; each call is written
    to the audit log with who asked and from where."""
    user = caller(request)
    worker = get_visible_or_404(Worker.objects.visible_to(user), worker_id)
    return reveal_personal_data(worker=worker, by=user)


# --- team members ---------------------------------------------------------------


def _members(user: Any, team: Team) -> QuerySet[TeamMembership]:
    return (
        TeamMembership.objects.visible_to(user)
        .current()
        .filter(team=team)
        .select_related("worker")
        .order_by("worker__name_folded", "worker_id")
    )


@router.get(
    "/teams/{team_id}/members",
    response={200: list[TeamMemberOut], **READ_ERRORS},
    tags=["teams"],
    summary="List a team's current members",
)
@paged
def list_team_members(request: HttpRequest, team_id: int) -> QuerySet[TeamMembership]:
    user = caller(request)
    team = get_visible_or_404(Team.objects.visible_to(user), team_id)
    return _members(user, team)


@router.put(
    "/teams/{team_id}/members",
    response={200: list[TeamMemberOut], **WRITE_ERRORS},
    tags=["teams"],
    summary="Set a team's members (the list replaces the current members)",
)
def set_team_members(
    request: HttpRequest, team_id: int, payload: TeamMembersIn
) -> list[TeamMembership]:
    """Answers every current member (not paginated: a team is a few dozen
    people)."""
    user = caller(request)
    team = get_visible_or_404(Team.objects.visible_to(user), team_id)
    refs = References(user)
    workers = refs.many(Worker, "worker_ids", payload.worker_ids)
    refs.raise_errors()
    replace_team_members(team=team, workers=workers, by=user)
    return list(_members(user, team))

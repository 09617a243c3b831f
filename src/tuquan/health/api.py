"""API for health declarations: the batch upload of kiosks and offline phones,
the list of declarations, and a team's roll call.

``POST /health-declarations`` reads its body itself (orjson) rather than
through a schema, like ``POST /gate-events``: a batch holds up to 5,000
declarations and validating each through pydantic would cost more than storing
it. The schema below documents the shape.
"""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from tuquan.core.batch import read_json
from tuquan.health.models import HealthDeclaration
from tuquan.health.rollcall import roll_call, submit_declarations
from tuquan.health.schemas import (
    DeclarationBatchIn,
    DeclarationBatchOut,
    DeclarationFilter,
    DeclarationOut,
    RollCallOut,
)
from tuquan.organisations.api import caller, get_visible_or_404, paged
from tuquan.organisations.models import Team
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut

router = Router(tags=["health"])

_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": DeclarationBatchIn.model_json_schema(
                    ref_template="#/components/schemas/{model}"
                )
            }
        },
    }
}


@router.post(
    "/health-declarations",
    response={200: DeclarationBatchOut, 400: ErrorOut, **WRITE_ERRORS},
    openapi_extra=_BATCH_BODY,
    summary="Upload a batch of health declarations",
)
def submit_health_declarations(request: HttpRequest) -> HttpResponse:
    """Up to 5,000 declarations per request, each with a client UUID, for
    workers you may declare for (yourself, the members of a team you lead, the
    workers under an editor role). The answer lists the accepted, the
    duplicates (stored by an earlier request) and the rejected with the reason;
    a rejected declaration never blocks the others. A second declaration of a
    worker on the same day replaces the first, which is kept as a revision."""
    body = read_json(request)
    if not isinstance(body, dict) or "declarations" not in body:
        raise ValidationError(
            {"declarations": _('Send the declarations as a list under "declarations".')}
        )
    result = submit_declarations(declarations=body["declarations"], by=caller(request))
    return HttpResponse(result.payload(), content_type="application/json")


@router.get(
    "/health-declarations",
    response={200: list[DeclarationOut], **READ_ERRORS},
    summary="Health declarations you can see",
)
@paged
def list_health_declarations(
    request: HttpRequest, filters: Query[DeclarationFilter]
) -> QuerySet[HealthDeclaration]:
    """Newest day first, then by worker; `team` means the team's current
    members."""
    qs = HealthDeclaration.objects.visible_to(caller(request)).select_related("worker")
    return filters.filter(qs).distinct().order_by("-day", "worker_id", "pk")


@router.get(
    "/teams/{team_id}/roll-call",
    response={200: RollCallOut, **READ_ERRORS},
    summary="A team's health roll call on one day",
)
def get_team_roll_call(
    request: HttpRequest, team_id: int, day: date | None = None
) -> dict[str, Any]:
    """Each current member with their status on `day` (today when left out):
    healthy, symptoms (with the symptoms) or missing; and the counts."""
    user = caller(request)
    team = get_visible_or_404(Team.objects.visible_to(user), team_id)
    today = timezone.localdate()
    if day is not None and day > today:
        raise ValidationError({"day": _("The day cannot be in the future.")})
    call = roll_call(team=team, day=day or today, user=user)
    return {
        "team_id": team.pk,
        "team": team.name,
        "day": call.day,
        "counts": call.counts,
        "members": [
            {
                "worker_id": entry.worker.pk,
                "worker": entry.worker.full_name,
                "status": entry.status,
                "symptoms": entry.symptoms,
                "exposures": entry.exposures,
                "by_proxy": entry.by_proxy,
                "declared_at": entry.declaration.declared_at
                if entry.declaration
                else None,
            }
            for entry in call.entries
        ],
    }

"""API of recognition, movement grading and team rating: list, get, create
and review, each limited to the caller's scope."""

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Enterprise, Team
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, InputSchema
from tuquan.recognition import services as s
from tuquan.recognition.models import (
    GradeClass,
    Grading,
    Recognition,
    TeamGrade,
    TeamRating,
)

router = Router(tags=["recognition"])


# --- schemas --------------------------------------------------------------------


class AssessmentOut(Schema):
    criterion: int = Field(..., alias="criterion.number")
    title: str = Field(..., alias="criterion.title")
    to_verify: bool = Field(..., alias="criterion.to_verify")
    self_met: bool | None
    evidence: str
    police_met: bool | None
    police_note: str


class RecognitionOut(Schema):
    id: int
    enterprise_id: int
    year: int
    criteria_version: str
    state: str
    registered_on: date
    recognised: bool | None
    decision_number: str
    decision_date: date | None
    assessments: list[AssessmentOut]

    @staticmethod
    def resolve_assessments(obj: Recognition) -> list[Any]:
        return list(obj.assessments.select_related("criterion"))


class RecognitionIn(InputSchema):
    enterprise_id: int
    client_id: uuid.UUID | None = None


class AnswerIn(InputSchema):
    criterion: int
    met: bool
    evidence: str = ""
    note: str = ""


class SelfAssessmentIn(InputSchema):
    answers: list[AnswerIn]


class DecisionIn(InputSchema):
    findings: list[AnswerIn]
    recognised: bool
    decision_number: str
    decision_date: date
    note: str = ""


class ScoreOut(Schema):
    item: int = Field(..., alias="item.number")
    points: int
    evidence: str


class GradingOut(Schema):
    id: int
    enterprise_id: int
    year: int
    state: str
    total: int
    proposed_class: str | None = Field(None, alias="proposed_class.code")
    final_class: str | None = Field(None, alias="final_class.code")
    submitted_at: datetime
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(obj: Grading) -> list[Any]:
        return list(obj.scores.select_related("item"))


class ScoreIn(InputSchema):
    item: int
    points: int
    evidence: str = ""


class GradingIn(InputSchema):
    enterprise_id: int
    scores: list[ScoreIn]
    note: str = ""
    client_id: uuid.UUID | None = None


class GradingReviewIn(InputSchema):
    final_class: str = Field(..., description="Code of a grading class, e.g. tien_tien")
    note: str = ""


class TeamRatingOut(Schema):
    id: int
    team_id: int
    unit_id: int
    period_start: date
    grade: str = Field(..., alias="grade.code")
    note: str
    evidence: dict[str, Any]
    rated_at: datetime


class TeamRatingIn(InputSchema):
    team_id: int
    grade: str = Field(..., description="Code of a team grade, e.g. tot")
    note: str = ""
    client_id: uuid.UUID | None = None


def _by_number(answers: list[AnswerIn]) -> dict[int, dict[str, Any]]:
    return {a.criterion: a.model_dump() for a in answers}


def _enterprise(request: HttpRequest, pk: int) -> Enterprise:
    found = Enterprise.objects.visible_to(caller(request)).filter(pk=pk).first()
    if found is None:
        raise ValidationError(
            {
                "enterprise_id": _(
                    "There is no enterprise with id %(id)s in your scope."
                )
                % {"id": pk}
            }
        )
    return found


# --- recognition ----------------------------------------------------------------


@router.get(
    "/recognitions",
    response={200: list[RecognitionOut], **READ_ERRORS},
    summary="“An toàn về ANTT” recognitions you can see",
)
@paged
def list_recognitions(
    request: HttpRequest, year: int | None = None, enterprise: int | None = None
) -> QuerySet[Recognition]:
    qs = Recognition.objects.visible_to(caller(request))
    if year is not None:
        qs = qs.filter(year=year)
    if enterprise is not None:
        qs = qs.filter(enterprise_id=enterprise)
    return qs.order_by("-year", "pk")


@router.get(
    "/recognitions/{recognition_id}",
    response={200: RecognitionOut, **READ_ERRORS},
    summary="Get one recognition with its checklist",
)
def get_recognition(request: HttpRequest, recognition_id: int) -> Recognition:
    return get_visible_or_404(
        Recognition.objects.visible_to(caller(request)), recognition_id
    )


@router.post(
    "/recognitions",
    response={201: RecognitionOut, 200: RecognitionOut, **WRITE_ERRORS},
    summary="Register an enterprise for this year (first quarter only)",
)
def create_recognition(request: HttpRequest, payload: RecognitionIn) -> Status[Any]:
    enterprise = _enterprise(request, payload.enterprise_id)
    return created(
        s.register_recognition(
            enterprise=enterprise, by=caller(request), client_id=payload.client_id
        )
    )


@router.post(
    "/recognitions/{recognition_id}/self-assessment",
    response={200: RecognitionOut, **WRITE_ERRORS},
    summary="Record the enterprise's self-assessment",
)
def assess_recognition(
    request: HttpRequest, recognition_id: int, payload: SelfAssessmentIn
) -> Recognition:
    recognition = get_recognition(request, recognition_id)
    return s.self_assess(
        recognition=recognition,
        by=caller(request),
        answers=_by_number(payload.answers),
    )


@router.post(
    "/recognitions/{recognition_id}/decision",
    response={200: RecognitionOut, **WRITE_ERRORS},
    summary="The police's review and decision",
)
def review_recognition(
    request: HttpRequest, recognition_id: int, payload: DecisionIn
) -> Recognition:
    recognition = get_recognition(request, recognition_id)
    return s.decide_recognition(
        recognition=recognition,
        by=caller(request),
        findings=_by_number(payload.findings),
        recognised=payload.recognised,
        decision_number=payload.decision_number,
        decision_date=payload.decision_date,
        note=payload.note,
    )


# --- grading --------------------------------------------------------------------


@router.get(
    "/gradings",
    response={200: list[GradingOut], **READ_ERRORS},
    summary="Movement gradings you can see",
)
@paged
def list_gradings(request: HttpRequest, year: int | None = None) -> QuerySet[Grading]:
    qs = Grading.objects.visible_to(caller(request)).select_related(
        "proposed_class", "final_class"
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "pk")


@router.get(
    "/gradings/{grading_id}",
    response={200: GradingOut, **READ_ERRORS},
    summary="Get one grading with its scores",
)
def get_grading(request: HttpRequest, grading_id: int) -> Grading:
    return get_visible_or_404(Grading.objects.visible_to(caller(request)), grading_id)


@router.post(
    "/gradings",
    response={201: GradingOut, 200: GradingOut, **WRITE_ERRORS},
    summary="Submit this year's self-evaluation (before 30 November)",
)
def create_grading(request: HttpRequest, payload: GradingIn) -> Status[Any]:
    enterprise = _enterprise(request, payload.enterprise_id)
    grading = s.submit_grading(
        enterprise=enterprise,
        by=caller(request),
        scores={sc.item: sc.model_dump() for sc in payload.scores},
        note=payload.note,
        client_id=payload.client_id,
    )
    return created(grading)


@router.post(
    "/gradings/{grading_id}/review",
    response={200: GradingOut, **WRITE_ERRORS},
    summary="Review a grading (commune, zone board or police)",
)
def review_grading(
    request: HttpRequest, grading_id: int, payload: GradingReviewIn
) -> Grading:
    grading = get_grading(request, grading_id)
    final = GradeClass.objects.filter(code=payload.final_class).first()
    if final is None:
        raise ValidationError(
            {
                "final_class": _("There is no grading class %(code)s.")
                % {"code": payload.final_class}
            }
        )
    return s.review_grading(
        grading=grading, by=caller(request), final_class=final, note=payload.note
    )


# --- team rating ----------------------------------------------------------------


@router.get(
    "/team-ratings",
    response={200: list[TeamRatingOut], **READ_ERRORS},
    summary="Team ratings you can see",
)
@paged
def list_team_ratings(
    request: HttpRequest, period_start: date | None = None
) -> QuerySet[TeamRating]:
    qs = TeamRating.objects.visible_to(caller(request)).select_related("grade")
    if period_start is not None:
        qs = qs.filter(period_start=period_start)
    return qs.order_by("-period_start", "pk")


@router.get(
    "/team-ratings/{rating_id}",
    response={200: TeamRatingOut, **READ_ERRORS},
    summary="Get one team rating",
)
def get_team_rating(request: HttpRequest, rating_id: int) -> TeamRating:
    return get_visible_or_404(
        TeamRating.objects.visible_to(caller(request)).select_related("grade"),
        rating_id,
    )


@router.post(
    "/team-ratings",
    response={201: TeamRatingOut, 200: TeamRatingOut, **WRITE_ERRORS},
    summary="Rate a team for the current period (15/11 – 14/11)",
)
def create_team_rating(request: HttpRequest, payload: TeamRatingIn) -> Status[Any]:
    team = Team.objects.visible_to(caller(request)).filter(pk=payload.team_id).first()
    errors: dict[str, list[str]] = {}
    if team is None:
        errors["team_id"] = [
            _("There is no team with id %(id)s in your scope.")
            % {"id": payload.team_id}
        ]
    s.team_grades()
    grade = TeamGrade.objects.filter(code=payload.grade).first()
    if grade is None:
        errors["grade"] = [
            _("There is no team grade %(code)s.") % {"code": payload.grade}
        ]
    if errors:
        raise ValidationError(errors)
    rating = s.rate_team(
        team=team,  # type: ignore[arg-type]
        grade=grade,  # type: ignore[arg-type]
        by=caller(request),
        note=payload.note,
        client_id=payload.client_id,
    )
    return created(rating)

"""API of the risk self-assessment: the criteria set in force for an
enterprise, submitting (idempotent by client UUID), reading, evidence photos
and an inspector's re-score."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Enterprise
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS
from tuquan.riskassess.choices import Band
from tuquan.riskassess.models import Assessment, CriteriaSet, Scoring
from tuquan.riskassess.services import (
    add_photos,
    current_criteria_set,
    rescore_assessment,
    submit_assessment,
)

router = Router(tags=["riskassess"])


class OptionOut(Schema):
    id: int
    label: str
    points: int
    to_verify: bool


class IndicatorOut(Schema):
    id: int
    code: str
    label: str
    max_points: int
    to_verify: bool
    options: list[OptionOut]

    @staticmethod
    def resolve_options(obj: Any) -> list[Any]:
        return list(obj.options.all())


class CriteriaSetOut(Schema):
    id: int
    code: str
    name: str
    effective_from: date
    effective_to: date | None
    organisation_id: int | None
    source: str
    max_total: int
    to_verify: bool
    indicators: list[IndicatorOut]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())


class AssessmentIn(Schema):
    enterprise: int
    answers: dict[str, int] = Field(
        description='The chosen option id per indicator code: {"CS1": 12, ...}.'
    )
    client_id: uuid.UUID | None = Field(
        None, description="A retry with the same id returns the first result (200)."
    )


class RescoreIn(Schema):
    answers: dict[str, int] = Field(
        default_factory=dict,
        description="Answers to change; the others are kept from the latest scoring.",
    )
    reason: str


class AnswerOut(Schema):
    indicator: str = Field(alias="indicator.code")
    option_id: int
    option: str = Field(alias="option.label")
    points: int


class ScoringOut(Schema):
    id: int
    kind: str
    scored_by: str | None
    scored_at: datetime
    reason: str
    total_points: int
    score: Decimal
    band: Band
    band_label: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_scored_by(obj: Scoring) -> str | None:
        return str(obj.scored_by) if obj.scored_by_id else None

    @staticmethod
    def resolve_band_label(obj: Scoring) -> str:
        return str(obj.get_band_display())

    @staticmethod
    def resolve_answers(obj: Scoring) -> list[Any]:
        return list(obj.answers.all())


class PhotoOut(Schema):
    id: int
    url: str
    content_type: str
    size: int
    original_name: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("risk_photo", args=[obj.pk])


class AssessmentOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str = Field(alias="enterprise.name")
    criteria_set_id: int
    submitted_by: str | None
    submitted_at: datetime
    status: str
    total_points: int
    score: Decimal
    band: Band
    band_label: str

    @staticmethod
    def resolve_submitted_by(obj: Assessment) -> str | None:
        return str(obj.submitted_by) if obj.submitted_by_id else None

    @staticmethod
    def resolve_band_label(obj: Assessment) -> str:
        return str(obj.get_band_display())


class AssessmentDetailOut(AssessmentOut):
    scorings: list[ScoringOut]
    photos: list[PhotoOut]

    @staticmethod
    def resolve_scorings(obj: Assessment) -> list[Any]:
        return list(
            obj.scorings.select_related("scored_by").prefetch_related(
                "answers__indicator", "answers__option"
            )
        )

    @staticmethod
    def resolve_photos(obj: Assessment) -> list[Any]:
        return list(obj.photos.all())


class AssessmentFilter(Schema):
    enterprise: int | None = None
    band: Band | None = None
    latest: bool = Field(
        False, description="Only the latest assessment of each enterprise."
    )


@router.get(
    "/enterprises/{enterprise_id}/risk-criteria",
    response={200: CriteriaSetOut, **READ_ERRORS},
    summary="The risk criteria set in force for an enterprise",
)
def get_risk_criteria_set(
    request: HttpRequest, enterprise_id: int, day: date | None = None
) -> CriteriaSet:
    """The set in force on `day` (today when left out): a province override
    before the national set. Items marked `to_verify` are placeholders."""
    enterprise = get_visible_or_404(
        Enterprise.objects.visible_to(caller(request)), enterprise_id
    )
    found = current_criteria_set(enterprise, day or timezone.localdate())
    return (
        CriteriaSet.objects.prefetch_related("indicators__options")
        .filter(pk=found.pk)
        .get()
    )


@router.post(
    "/risk-assessments",
    response={200: AssessmentDetailOut, 201: AssessmentDetailOut, **WRITE_ERRORS},
    summary="Submit a risk self-assessment",
)
def create_risk_assessment(request: HttpRequest, payload: AssessmentIn) -> Any:
    """By an officer of the enterprise, with the set in force today; one answer
    per indicator. Score = points / 300 × 100. Evidence photos go to
    `POST /risk-assessments/{id}/photos`."""
    user = caller(request)
    enterprise = Enterprise.objects.visible_to(user).filter(pk=payload.enterprise)
    found = enterprise.first()
    if found is None:
        raise ValidationError(
            {"enterprise": _("There is no enterprise with this id in your scope.")}
        )
    assessment = submit_assessment(
        enterprise=found,
        answers=payload.answers,
        by=user,
        client_id=payload.client_id,
    )
    return created(assessment)


def _visible(request: HttpRequest) -> QuerySet[Assessment]:
    return Assessment.objects.visible_to(caller(request)).select_related(
        "enterprise", "submitted_by"
    )


@router.get(
    "/risk-assessments",
    response={200: list[AssessmentOut], **READ_ERRORS},
    summary="Risk self-assessments you can see",
)
@paged
def list_risk_assessments(
    request: HttpRequest, filters: Query[AssessmentFilter]
) -> QuerySet[Assessment]:
    """Newest first. `latest=true` keeps the latest assessment of each
    enterprise; `band` filters on the current (re-scored if so) band."""
    qs = _visible(request)
    if filters.latest:
        newest = Assessment.objects.filter(enterprise=OuterRef("enterprise")).order_by(
            "-submitted_at", "-pk"
        )
        qs = qs.filter(pk=Subquery(newest.values("pk")[:1]))
    if filters.enterprise is not None:
        qs = qs.filter(enterprise_id=filters.enterprise)
    if filters.band is not None:
        qs = qs.filter(band=filters.band)
    return qs.order_by("-submitted_at", "-pk")


@router.get(
    "/risk-assessments/{assessment_id}",
    response={200: AssessmentDetailOut, **READ_ERRORS},
    summary="One risk self-assessment with its scorings and photos",
)
def get_risk_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    return get_visible_or_404(_visible(request), assessment_id)


@router.post(
    "/risk-assessments/{assessment_id}/rescore",
    response={200: AssessmentDetailOut, **WRITE_ERRORS},
    summary="Re-score a risk self-assessment (inspectors)",
)
def rescore_risk_assessment(
    request: HttpRequest, assessment_id: int, payload: RescoreIn
) -> Assessment:
    """A new scoring with who, when and why; the earlier ones are kept."""
    assessment = get_visible_or_404(_visible(request), assessment_id)
    rescore_assessment(
        assessment=assessment,
        answers=payload.answers,
        reason=payload.reason,
        by=caller(request),
    )
    return assessment


@router.post(
    "/risk-assessments/{assessment_id}/photos",
    response={200: AssessmentDetailOut, **WRITE_ERRORS},
    summary="Add evidence photos to a risk self-assessment",
)
def add_risk_assessment_photos(
    request: HttpRequest,
    assessment_id: int,
    photos: File[list[UploadedFile]],
) -> Assessment:
    """multipart/form-data, field `photos` (repeatable): JPEG, PNG or WebP,
    at most 5 MB each, at most 10 per assessment."""
    assessment = get_visible_or_404(_visible(request), assessment_id)
    add_photos(assessment=assessment, photos=photos, by=caller(request))
    return assessment

"""Pages of the risk self-assessment: the form an enterprise officer fills on
a phone, the result, the history per enterprise, the inspector's re-score and
the latest assessment of every enterprise in scope.

Views parse input and call :mod:`tuquan.riskassess.services`; every read goes
through ``visible_to``. The form carries a client UUID drawn with the page so a
double tap or a resubmission stores one assessment.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.organisations.models import Enterprise
from tuquan.organisations.views import get_visible, registry_view, wants_partial
from tuquan.riskassess.choices import Band
from tuquan.riskassess.models import Assessment, CriteriaSet, EvidencePhoto
from tuquan.riskassess.services import (
    MAX_PHOTOS,
    current_criteria_set,
    latest_scoring,
    may_rescore,
    may_submit,
    rescore_assessment,
    submit_assessment,
)

PAGE_SIZE = 50
NO_ASSESSMENT = "none"


def _questions(
    criteria_set: CriteriaSet, chosen: dict[str, Any], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """One question per indicator with its options, the chosen one and errors."""
    result = []
    for indicator in criteria_set.indicators.prefetch_related("options").order_by(
        "order"
    ):
        selected = str(chosen.get(indicator.code) or "")
        result.append(
            {
                "indicator": indicator,
                "options": list(indicator.options.all()),
                "selected": selected,
                "errors": errors.get(indicator.code, []),
            }
        )
    return result


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {key: [str(m) for m in value] for key, value in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _other_errors(
    criteria_set: CriteriaSet,
    errors: dict[str, list[str]],
    shown: set[str] | frozenset[str] = frozenset(),
) -> list[str]:
    """Messages not shown next to a question (or another field) of the form."""
    known = set(criteria_set.indicators.values_list("code", flat=True)) | shown
    return [m for key, values in errors.items() if key not in known for m in values]


@registry_view
def risk_assessment_create(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = get_visible(Enterprise, request, enterprise_id)
    if not may_submit(request.user, enterprise):
        raise PermissionDenied(
            _("Only the enterprise's officers submit its self-assessment.")
        )
    try:
        criteria_set = current_criteria_set(enterprise, timezone.localdate())
    except ValidationError as exc:
        raise PermissionDenied(" ".join(exc.messages)) from exc
    chosen: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    client_id = uuid.uuid4()
    status = 200
    if request.method == "POST":
        chosen = {
            key: value
            for key, value in request.POST.items()
            # An empty file input arrives as a plain "photos" field.
            if key not in {"csrfmiddlewaretoken", "client_id", "photos"}
        }
        try:
            client_id = uuid.UUID(request.POST.get("client_id", ""))
        except ValueError:
            client_id = uuid.uuid4()
        try:
            assessment = submit_assessment(
                enterprise=enterprise,
                answers=chosen,
                by=request.user,
                client_id=client_id,
                photos=request.FILES.getlist("photos"),
            )
        except ValidationError as exc:
            errors = _error_dict(exc)
            status = 422
        else:
            messages.success(request, _("The self-assessment was submitted."))
            return redirect("risk_assessment_detail", assessment.pk)
    context = {
        "enterprise": enterprise,
        "criteria_set": criteria_set,
        "questions": _questions(criteria_set, chosen, errors),
        "other_errors": _other_errors(criteria_set, errors),
        "client_id": client_id,
        "max_photos": MAX_PHOTOS,
    }
    return render(request, "riskassess/form.html", context, status=status)


@registry_view
def risk_assessment_detail(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "enterprise", "criteria_set", "submitted_by"
        ),
        pk=assessment_id,
    )
    scorings = list(
        assessment.scorings.select_related("scored_by").prefetch_related(
            "answers__indicator", "answers__option"
        )
    )
    current = scorings[-1]
    original = scorings[0]
    before = {answer.indicator_id: answer for answer in original.answers.all()}
    rows = [
        {
            "answer": answer,
            "original": before.get(answer.indicator_id),
            "changed": before.get(answer.indicator_id) is not None
            and before[answer.indicator_id].option_id != answer.option_id,
        }
        for answer in current.answers.all()
    ]
    context = {
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "current": current,
        "rows": rows,
        "scorings": scorings,
        "photos": list(assessment.photos.all()),
        "can_rescore": may_rescore(request.user, assessment.enterprise),
        "can_submit": may_submit(request.user, assessment.enterprise),
    }
    return render(request, "riskassess/detail.html", context)


@registry_view
def risk_assessment_history(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = get_visible(Enterprise, request, enterprise_id)
    assessments = (
        Assessment.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("submitted_by", "criteria_set")
        .order_by("-submitted_at", "-pk")
    )
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "enterprise": enterprise,
        "page_obj": page,
        "can_submit": may_submit(request.user, enterprise),
    }
    return render(request, "riskassess/history.html", context)


@registry_view
def risk_assessment_rescore(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "enterprise", "criteria_set"
        ),
        pk=assessment_id,
    )
    if not may_rescore(request.user, assessment.enterprise):
        raise PermissionDenied(
            _("Only an inspector above the enterprise may re-score its assessment.")
        )
    previous = latest_scoring(assessment)
    chosen: dict[str, Any] = {
        answer.indicator.code: answer.option_id
        for answer in previous.answers.select_related("indicator")
    }
    errors: dict[str, list[str]] = {}
    reason = ""
    status = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        chosen = {
            key: value
            for key, value in request.POST.items()
            if key not in {"csrfmiddlewaretoken", "reason"}
        }
        try:
            rescore_assessment(
                assessment=assessment, answers=chosen, reason=reason, by=request.user
            )
        except ValidationError as exc:
            errors = _error_dict(exc)
            status = 422
        else:
            messages.success(request, _("The new score was recorded."))
            return redirect("risk_assessment_detail", assessment.pk)
    context = {
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "criteria_set": assessment.criteria_set,
        "previous": previous,
        "questions": _questions(assessment.criteria_set, chosen, errors),
        "reason": reason,
        "reason_errors": errors.get("reason", []),
        "other_errors": _other_errors(assessment.criteria_set, errors, {"reason"}),
    }
    return render(request, "riskassess/rescore.html", context, status=status)


@registry_view
def risk_assessment_list(request: HttpRequest) -> HttpResponse:
    """Every enterprise in scope with its latest assessment (or none)."""
    newest = Assessment.objects.filter(enterprise=OuterRef("pk")).order_by(
        "-submitted_at", "-pk"
    )
    enterprises = Enterprise.objects.visible_to(request.user).annotate(
        latest_id=Subquery(newest.values("pk")[:1]),
        latest_band=Subquery(newest.values("band")[:1]),
    )
    band = request.GET.get("band", "")
    if band == NO_ASSESSMENT:
        enterprises = enterprises.filter(latest_id__isnull=True)
    elif band in Band.values:
        enterprises = enterprises.filter(latest_band=band)
    else:
        band = ""
    page = Paginator(enterprises.order_by("name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    latest = Assessment.objects.in_bulk(
        [e.latest_id for e in page.object_list if e.latest_id]
    )
    rows = [
        {
            "enterprise": enterprise,
            "assessment": latest.get(enterprise.latest_id),
            "can_submit": may_submit(request.user, enterprise),
        }
        for enterprise in page.object_list
    ]
    context = {
        "rows": rows,
        "page_obj": page,
        "band": band,
        "bands": Band.choices,
        "no_assessment": NO_ASSESSMENT,
    }
    template = (
        "riskassess/list_table.html"
        if wants_partial(request)
        else "riskassess/list.html"
    )
    return render(request, template, context)


@registry_view
def risk_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """An evidence photo, only for those who may see the assessment (the
    media directory itself is not served)."""
    photo = get_object_or_404(
        EvidencePhoto.objects.visible_to(request.user), pk=photo_id
    )
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError as exc:  # the row outlived its file (a restore)
        raise Http404 from exc
    return FileResponse(handle, content_type=photo.content_type)

"""Pages of recognition, grading and team rating (phone-friendly forms)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.organisations.models import Enterprise, Team
from tuquan.organisations.views import registry_view
from tuquan.recognition import services as s
from tuquan.recognition.models import (
    GradeClass,
    Grading,
    GradingReminder,
    Recognition,
    TeamGrade,
    TeamRating,
)


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _answers(request: HttpRequest, numbers: list[int], note: str) -> dict[int, Any]:
    """``met_<n>`` = yes/no and ``<note>_<n>`` for each criterion number."""
    answers: dict[int, Any] = {}
    for n in numbers:
        raw = request.POST.get(f"met_{n}")
        met = {"yes": True, "no": False}.get(raw or "")
        answers[n] = {"met": met, note: request.POST.get(f"{note}_{n}", "")}
    return answers


def _date(text: str | None, field: str) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError as exc:
        raise ValidationError({field: _("Give a valid date (dd/mm/yyyy).")}) from exc


@registry_view
def recognition_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    errors: list[str] = []
    enterprises = list(s.enterprises_run_by(user).order_by("name")[:200])
    if request.method == "POST":
        enterprise = next(
            (e for e in enterprises if str(e.pk) == request.POST.get("enterprise")),
            None,
        )
        if enterprise is None:
            errors.append(_("Choose one of your enterprises."))
        else:
            try:
                recognition = s.register_recognition(enterprise=enterprise, by=user)
                return redirect("recognition_detail", recognition.pk)
            except ValidationError as exc:
                errors = _messages(exc)
    rows = Recognition.objects.visible_to(user).select_related("enterprise")
    return render(
        request,
        "recognition/recognition_list.html",
        {
            "recognitions": rows[:200],
            "enterprises": enterprises,
            "errors": errors,
            "today": timezone.localdate(),
        },
    )


@registry_view
def recognition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    recognition = get_object_or_404(
        Recognition.objects.visible_to(user).select_related("enterprise"), pk=pk
    )
    rows = list(recognition.assessments.select_related("criterion"))
    numbers = [row.criterion.number for row in rows]
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assess":
                s.self_assess(
                    recognition=recognition,
                    by=user,
                    answers=_answers(request, numbers, "evidence"),
                )
            else:
                s.decide_recognition(
                    recognition=recognition,
                    by=user,
                    findings=_answers(request, numbers, "note"),
                    recognised=request.POST.get("recognised") == "yes",
                    decision_number=request.POST.get("decision_number", ""),
                    decision_date=_date(
                        request.POST.get("decision_date"), "decision_date"
                    ),
                    note=request.POST.get("review_note", ""),
                )
            return redirect("recognition_detail", recognition.pk)
        except ValidationError as exc:
            errors = _messages(exc)
    enterprise = recognition.enterprise
    history = Recognition.objects.visible_to(user).filter(enterprise=enterprise)
    return render(
        request,
        "recognition/recognition_detail.html",
        {
            "recognition": recognition,
            "rows": rows,
            "history": history,
            "errors": errors,
            "may_assess": s.can_act_for_enterprise(user, enterprise),
            "may_decide": s.can_review_recognition(user, enterprise),
        },
    )


@registry_view
def grading_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    enterprises = Enterprise.objects.visible_to(user)
    return render(
        request,
        "recognition/grading_list.html",
        {
            "gradings": Grading.objects.visible_to(user)
            .select_related("enterprise", "proposed_class", "final_class")
            .filter(year=today.year),
            "pending": s.pending_gradings(enterprises, today=today),
            "reminders": GradingReminder.objects.visible_to(user)
            .filter(year=today.year)
            .select_related("enterprise")[:50],
            "mine": s.enterprises_run_by(user).order_by("name")[:50],
            "due": s.grading_due(today.year),
            "year": today.year,
        },
    )


@registry_view
def grading_form(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    user = request.user
    enterprise = get_object_or_404(
        Enterprise.objects.visible_to(user), pk=enterprise_pk
    )
    items = s.score_items()
    errors: list[str] = []
    if request.method == "POST":
        scores = {
            i.number: {
                "points": request.POST.get(f"points_{i.number}"),
                "evidence": request.POST.get(f"evidence_{i.number}", ""),
            }
            for i in items
        }
        try:
            grading = s.submit_grading(
                enterprise=enterprise,
                by=user,
                scores=scores,
                note=request.POST.get("note", ""),
            )
            return redirect("grading_detail", grading.pk)
        except ValidationError as exc:
            errors = _messages(exc)
    return render(
        request,
        "recognition/grading_form.html",
        {
            "enterprise": enterprise,
            "items": items,
            "classes": s.grade_classes(),
            "errors": errors,
            "values": request.POST,
            "last_day": s.open_until(enterprise, timezone.localdate().year),
        },
    )


@registry_view
def grading_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    grading = get_object_or_404(
        Grading.objects.visible_to(user).select_related("enterprise"), pk=pk
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "reopen":
                s.reopen_grading(
                    enterprise=grading.enterprise,
                    year=grading.year,
                    until=_date(request.POST.get("until"), "until"),
                    reason=request.POST.get("reason", ""),
                    by=user,
                )
            else:
                final = GradeClass.objects.filter(
                    pk=request.POST.get("final_class") or 0
                ).first()
                if final is None:
                    raise ValidationError({"final_class": _("Choose the class.")})
                s.review_grading(
                    grading=grading,
                    by=user,
                    final_class=final,
                    note=request.POST.get("review_note", ""),
                )
            return redirect("grading_detail", grading.pk)
        except ValidationError as exc:
            errors = _messages(exc)
    return render(
        request,
        "recognition/grading_detail.html",
        {
            "grading": grading,
            "scores": grading.scores.select_related("item"),
            "classes": s.grade_classes(),
            "errors": errors,
            "may_review": s.can_review_grading(user, grading.enterprise),
        },
    )


@registry_view
def team_rating_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    period = s.rating_period(timezone.localdate())
    ratings = {
        r.team_id: r
        for r in TeamRating.objects.visible_to(user)
        .filter(period_start=period.start)
        .select_related("grade")
    }
    teams = Team.objects.visible_to(user).order_by("path")[:300]
    return render(
        request,
        "recognition/team_rating_list.html",
        {
            "period": period,
            "rows": [(team, ratings.get(team.pk)) for team in teams],
            "cap": s.excellent_cap_percent(),
        },
    )


@registry_view
def team_rating_form(request: HttpRequest, team_pk: int) -> HttpResponse:
    user = request.user
    team = get_object_or_404(Team.objects.visible_to(user), pk=team_pk)
    period = s.rating_period(timezone.localdate())
    grades = s.team_grades()
    errors: list[str] = []
    if request.method == "POST":
        grade = TeamGrade.objects.filter(pk=request.POST.get("grade") or 0).first()
        try:
            if grade is None:
                raise ValidationError({"grade": _("Choose the grade.")})
            s.rate_team(
                team=team, grade=grade, by=user, note=request.POST.get("note", "")
            )
            return redirect("team_rating_list")
        except ValidationError as exc:
            errors = _messages(exc)
    current = TeamRating.objects.filter(team=team, period_start=period.start).first()
    history = TeamRating.objects.filter(team=team).select_related("grade")
    return render(
        request,
        "recognition/team_rating_form.html",
        {
            "team": team,
            "period": period,
            "grades": grades,
            "current": current,
            "history": history,
            "evidence": s.team_evidence(team, period),
            "errors": errors,
            "may_rate": s.can_rate(user, team),
            "cap": s.excellent_cap_percent(),
        },
    )

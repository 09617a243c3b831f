"""Epidemic level pages: the week's table of communes and zones in the user's
scope, one unit's assessment explained, and the treatment capacity form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tuquan.levels.choices import LEVEL_COLOURS, CapacityStatus, EpidemicLevel
from tuquan.levels.explain import explain, to_verify
from tuquan.levels.models import CapacityEntry, WeeklyLevel
from tuquan.levels.services import (
    HIGHEST_FIRST,
    UNIT_KINDS,
    ZONE_KINDS,
    check_week,
    compute_levels,
    current_week,
    may_enter_capacity,
    parse_week,
    set_capacity,
)
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation
from tuquan.organisations.views import forbidden, registry_view, wants_partial

PER_PAGE = 50
KIND_FILTERS = {"commune": (OrgKind.COMMUNE,), "zone": ZONE_KINDS}


def _week(request: HttpRequest, default: date) -> tuple[date, str]:
    """The week asked for, else ``default``; a malformed or future week falls
    back to ``default`` with the reason shown."""
    try:
        week = parse_week(request.GET.get("week"))
        if week is not None:
            check_week(week)
    except ValidationError as exc:
        return default, " ".join(exc.messages)
    return (week or default), ""


def _latest_week(visible: QuerySet[WeeklyLevel]) -> date:
    latest = visible.order_by("-week_start").values_list("week_start", flat=True)
    return latest.first() or current_week()


def _units_to_compute(user: Any) -> list[Organisation]:
    """Communes and zones in scope whose capacity the user may enter: the
    ones they may also (re)assess."""
    units = Organisation.objects.visible_to(user).filter(kind__in=UNIT_KINDS)
    return [unit for unit in units if may_enter_capacity(user, unit)]


@registry_view
@require_http_methods(["GET"])
def epidemic_level_list(request: HttpRequest) -> HttpResponse:
    visible = WeeklyLevel.objects.visible_to(request.user)
    week, week_error = _week(request, _latest_week(visible))
    kind = request.GET.get("kind", "")
    rows = visible.filter(week_start=week).select_related("unit", "threshold_set")
    if kind in KIND_FILTERS:
        rows = rows.filter(unit__kind__in=KIND_FILTERS[kind])
    counts = {
        item["level"]: item["n"]
        for item in rows.order_by().values("level").annotate(n=Count("pk"))
    }
    level = request.GET.get("level", "")
    if level in {str(v) for v in EpidemicLevel.values}:
        rows = rows.filter(level=int(level))
    rows = rows.order_by(HIGHEST_FIRST, "unit__path")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "week": week,
        "week_value": _week_value(week),
        "week_end": week + timedelta(days=6),
        "previous_week": week - timedelta(days=7),
        "next_week": week + timedelta(days=7) if week < current_week() else None,
        "week_error": week_error,
        "kind": kind,
        "level": level,
        "levels": [
            (value, label, LEVEL_COLOURS[value], counts.get(value, 0))
            for value, label in EpidemicLevel.choices
        ],
        "can_compute": bool(_units_to_compute(request.user)),
        "to_verify": any(to_verify(row) for row in page),
    }
    template = (
        "levels/level_table.html"
        if wants_partial(request)
        else "levels/level_list.html"
    )
    return render(request, template, context)


@registry_view
@require_POST
def epidemic_level_compute(request: HttpRequest) -> HttpResponse:
    """Assess the chosen week now for the units the user is responsible for."""
    url = reverse("epidemic_level_list")
    units = _units_to_compute(request.user)
    if not units:
        return forbidden(
            request,
            _(
                "Only the province or commune committee and health officers "
                "compute epidemic levels."
            ),
        )
    try:
        week = parse_week(request.POST.get("week")) or current_week()
        rows = compute_levels(week_start=week, units=units)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(url)
    messages.success(
        request,
        _("Levels computed for %(count)d communes and zones.") % {"count": len(rows)},
    )
    return redirect(f"{url}?week={week:%Y-%m-%d}")


@registry_view
@require_http_methods(["GET"])
def epidemic_level_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = WeeklyLevel.objects.visible_to(request.user)
    row = get_object_or_404(
        visible.select_related("unit", "threshold_set", "rule"), pk=pk
    )
    history = list(
        visible.filter(unit=row.unit, week_start__lte=row.week_start)
        .order_by("-week_start")
        .only("pk", "week_start", "level", "rate", "cases", "unit_id")[:8]
    )
    entry = CapacityEntry.objects.filter(
        unit=row.unit, week_start=row.week_start
    ).first()
    context = {
        "row": row,
        "unit": row.unit,
        "week_end": row.week_start + timedelta(days=6),
        "lines": explain(row),
        "to_verify": to_verify(row),
        "history": history,
        "entry": entry,
        "may_enter": may_enter_capacity(request.user, row.unit),
    }
    return render(request, "levels/level_detail.html", context)


class CapacityForm(forms.Form):
    """The hand-entered inputs of one unit and week."""

    week = forms.CharField(
        label=gettext_lazy("Week"),
        widget=forms.TextInput(attrs={"type": "week"}),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Treatment capacity"),
        choices=CapacityStatus.choices,
        widget=forms.RadioSelect,
    )
    treatment_beds = forms.IntegerField(
        label=gettext_lazy("Treatment beds available"), required=False
    )
    population = forms.IntegerField(
        label=gettext_lazy("Population"),
        required=False,
        help_text=gettext_lazy(
            "The real population of the commune or zone. Empty: the active "
            "workers in the system are counted."
        ),
    )
    coverage_one_dose_pct = forms.DecimalField(
        label=gettext_lazy("Adults with at least one dose (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
        help_text=gettext_lazy(
            "Empty: computed from the workers' vaccination records, if any."
        ),
    )
    coverage_full_dose_pct = forms.DecimalField(
        label=gettext_lazy("Adults fully vaccinated (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    coverage_elderly_pct = forms.DecimalField(
        label=gettext_lazy("People aged 65 and over fully vaccinated (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        localize=True,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def clean_week(self) -> date:
        week = parse_week(self.cleaned_data["week"])
        if week is None:
            raise ValidationError(_("Choose the week."))
        return week


def _week_value(week: date) -> str:
    year, number, _day = week.isocalendar()
    return f"{year}-W{number:02d}"


@registry_view
@require_http_methods(["GET", "POST"])
def epidemic_capacity_edit(request: HttpRequest, unit_pk: int) -> HttpResponse:
    units = Organisation.objects.visible_to(request.user).filter(kind__in=UNIT_KINDS)
    unit = get_object_or_404(units, pk=unit_pk)
    if not may_enter_capacity(request.user, unit):
        raise PermissionDenied(
            _(
                "Only the province or commune committee and health officers "
                "enter treatment capacity."
            )
        )
    if request.method == "POST":
        form = CapacityForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            week = data.pop("week")
            try:
                set_capacity(unit=unit, week_start=week, by=request.user, **data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        target = name if name in form.fields else None
                        for error in errors:
                            form.add_error(target, error)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("Treatment capacity saved and the level recomputed."),
                )
                row = WeeklyLevel.objects.get(unit=unit, week_start=week)
                return redirect("epidemic_level_detail", pk=row.pk)
    else:
        try:
            week = parse_week(request.GET.get("week")) or current_week()
        except ValidationError:
            week = current_week()
        entry = CapacityEntry.objects.filter(unit=unit, week_start=week).first()
        initial: dict[str, Any] = {"week": _week_value(week)}
        if entry is not None:
            for name in CapacityForm.base_fields:
                if name != "week":
                    initial[name] = getattr(entry, name)
        form = CapacityForm(initial=initial)
    return render(request, "levels/capacity_form.html", {"form": form, "unit": unit})

"""Forms and list filters for vehicle entries and visitors.

The forms only shape the input for the guard's phone (big radio buttons, the
right keyboards); the services in ``tuquan.gates.vehicles`` validate. The filter
schemas serve both the HTML lists and the API.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import FilterSchema
from pydantic import Field

from tuquan.core.text import nfc
from tuquan.gates.choices import Direction, DisinfectionMethod, VehicleKind
from tuquan.gates.models import Gate
from tuquan.organisations.forms import capitalised
from tuquan.organisations.models import Enterprise

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _yes_no(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "big-choice"}),
        error_messages={"required": _("Choose yes or no.")},
    )


class VehicleEntryForm(forms.Form):
    """One vehicle at a gate, typed by the guard on a phone."""

    plate = forms.CharField(
        label=_("plate"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "placeholder": "51A-123.45",
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
                "class": "plate-input",
            }
        ),
        error_messages={"required": _("Enter the plate.")},
    )
    vehicle_kind = forms.ChoiceField(
        label=_("vehicle kind"),
        choices=capitalised(VehicleKind.choices),
        widget=forms.RadioSelect(attrs={"class": "big-choice"}),
        error_messages={"required": _("Choose the kind of vehicle.")},
    )
    direction = forms.ChoiceField(
        label=_("direction"),
        choices=capitalised(Direction.choices),
        initial=Direction.IN,
        widget=forms.RadioSelect(attrs={"class": "big-choice"}),
        error_messages={"required": _("Choose in or out.")},
    )
    disinfected = _yes_no(_("disinfected"))
    disinfected_by = forms.CharField(
        label=_("disinfected by"),
        max_length=120,
        required=False,
        help_text=_("Required when the vehicle was disinfected."),
    )
    disinfection_method = forms.ChoiceField(
        label=_("disinfection method"),
        choices=[("", "—"), *capitalised(DisinfectionMethod.choices)],
        required=False,
    )
    driver_declared = _yes_no(_("driver health declaration"))
    driver_name = forms.CharField(label=_("driver"), max_length=120, required=False)
    driver_phone = forms.CharField(
        label=_("driver's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    origin = forms.CharField(label=_("coming from"), max_length=200, required=False)
    cargo = forms.CharField(label=_("cargo"), max_length=200, required=False)
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("client_id", None)
        return data


class VisitorForm(forms.Form):
    """A visitor let in at a gate."""

    full_name = forms.CharField(
        label=_("full name"),
        max_length=120,
        error_messages={"required": _("Enter the full name.")},
    )
    national_id = forms.CharField(
        label=_("citizen ID number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("Enter the citizen ID number.")},
    )
    organisation_name = forms.CharField(
        label=_("visitor's organisation"), max_length=200, required=False
    )
    host = forms.ModelChoiceField(
        label=_("host enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        empty_label="—",
    )
    purpose = forms.CharField(
        label=_("purpose"),
        max_length=255,
        error_messages={"required": _("Enter the purpose of the visit.")},
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, gate: Gate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Enterprises of the gate's zone (or the gate's own enterprise): the
        # guard may not see the registry, but knows who is behind the gate.
        self.fields["host"].queryset = Enterprise.objects.filter(
            path__startswith=gate.site.path
        ).order_by("name_folded", "pk")
        self.fields["host"].label_from_instance = lambda e: e.name

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("client_id", None)
        return data


# --------------------------------------------------------------------------------------
# List filters (HTML lists and API)
# --------------------------------------------------------------------------------------


def _day_q(field: str, day: date | None) -> Q:
    """Rows whose ``field`` falls on ``day`` in local time (works on SQLite and
    PostgreSQL alike, and uses the time index)."""
    if not day:
        return Q()
    start = timezone.make_aware(datetime.combine(day, time.min))
    return Q(**{f"{field}__gte": start, f"{field}__lt": start + timedelta(days=1)})


class VehicleEntryFilter(FilterSchema):
    gate: int | None = Field(None, description="Only this gate")
    day: date | None = Field(None, description="Only this day (YYYY-MM-DD)")
    not_disinfected: bool | None = Field(
        None, description="Only vehicles that came in without disinfection"
    )
    unreviewed: bool | None = Field(
        None, description="Only flagged entries the board has not reviewed"
    )
    direction: Direction | None = None
    q: str | None = Field(None, description="Plate, any spacing")

    def filter_gate(self, value: int | None) -> Q:
        return Q(gate_id=value) if value else Q()

    def filter_day(self, value: date | None) -> Q:
        return _day_q("occurred_at", value)

    def filter_not_disinfected(self, value: bool | None) -> Q:
        if not value:
            return Q()
        return Q(direction=Direction.IN, disinfected=False)

    def filter_unreviewed(self, value: bool | None) -> Q:
        if not value:
            return Q()
        return Q(direction=Direction.IN, disinfected=False, reviewed_at__isnull=True)

    def filter_direction(self, value: str | None) -> Q:
        return Q(direction=value) if value else Q()

    def filter_q(self, value: str | None) -> Q:
        # Plates are stored as 51A-123.45; "51a123" or "12345" must find it,
        # so the typed characters match with optional separators between them.
        typed = [ch for ch in nfc(value).upper() if ch.isalnum()]
        if not typed:
            return Q()
        return Q(plate__regex="[-.]?".join(re.escape(ch) for ch in typed))


class VisitorFilter(FilterSchema):
    gate: int | None = Field(None, description="Only this gate")
    day: date | None = Field(None, description="Only visitors let in that day")
    inside: bool | None = Field(None, description="Only visitors not checked out")
    q: str | None = Field(None, description="Name or organisation")

    def filter_gate(self, value: int | None) -> Q:
        return Q(gate_id=value) if value else Q()

    def filter_day(self, value: date | None) -> Q:
        return _day_q("time_in", value)

    def filter_inside(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        return Q(time_out__isnull=value)

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        text = nfc(value)
        return Q(full_name__icontains=text) | Q(organisation_name__icontains=text)

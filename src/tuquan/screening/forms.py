"""Forms of the screening pages. They parse input only; the services check
the rules (scope, active workers, future dates, a pool member twice)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuquan.organisations.forms import capitalised, date_field
from tuquan.screening.models import ScreeningMethod, ScreeningResult
from tuquan.screening.services import MAX_DOSE

INDIVIDUAL_CHOICES = capitalised(
    [
        (ScreeningMethod.RAPID_ANTIGEN.value, ScreeningMethod.RAPID_ANTIGEN.label),
        (ScreeningMethod.RT_PCR.value, ScreeningMethod.RT_PCR.label),
    ]
)
RESULT_CHOICES = capitalised(ScreeningResult.choices)


class WorkerChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class _Once(forms.Form):
    """A client UUID drawn with the page: a double submission stores once.
    Dates start as today, the usual case."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("sampled_on", "given_on", "starts_on"):
            if name in self.fields:
                self.fields[name].initial = timezone.localdate


class TestForm(_Once):
    worker = forms.ModelChoiceField(queryset=None, label=_("worker"))  # type: ignore[arg-type]
    method = forms.ChoiceField(label=_("kind of test"), choices=INDIVIDUAL_CHOICES)
    sampled_on = date_field(_("sample date"), required=True)
    facility = forms.CharField(label=_("testing facility"), max_length=160)
    result = forms.ChoiceField(
        label=_("result"),
        choices=RESULT_CHOICES,
        initial=ScreeningResult.PENDING,
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
        self.fields["worker"].label_from_instance = lambda w: w.full_name  # type: ignore[attr-defined]


class ChecklistForm(_Once):
    workers = WorkerChoice(
        queryset=None,  # type: ignore[arg-type]
        label=_("workers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one worker.")},
    )
    method = forms.ChoiceField(label=_("kind of test"), choices=INDIVIDUAL_CHOICES)
    sampled_on = date_field(_("sample date"), required=True)
    facility = forms.CharField(label=_("testing facility"), max_length=160)
    result = forms.ChoiceField(
        label=_("result"),
        choices=RESULT_CHOICES,
        initial=ScreeningResult.PENDING,
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = workers  # type: ignore[attr-defined]


class PoolForm(_Once):
    workers = WorkerChoice(
        queryset=None,  # type: ignore[arg-type]
        label=_("pool members"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick the workers of the pool.")},
    )
    sampled_on = date_field(_("sample date"), required=True)
    facility = forms.CharField(label=_("testing facility"), max_length=160)
    result = forms.ChoiceField(
        label=_("result of the pool"),
        choices=RESULT_CHOICES,
        initial=ScreeningResult.PENDING,
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = workers  # type: ignore[attr-defined]


class VaccinationForm(_Once):
    workers = WorkerChoice(
        queryset=None,  # type: ignore[arg-type]
        label=_("workers"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one worker.")},
    )
    dose = forms.IntegerField(label=_("dose number"), min_value=1, max_value=MAX_DOSE)
    given_on = date_field(_("vaccination date"), required=True)
    vaccine = forms.CharField(label=_("vaccine"), max_length=80)
    place = forms.CharField(
        label=_("place of vaccination"), max_length=160, required=False
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workers"].queryset = workers  # type: ignore[attr-defined]


class ScheduleForm(_Once):
    every_days = forms.IntegerField(
        label=_("every (days)"), min_value=1, max_value=366, initial=7
    )
    share_percent = forms.IntegerField(
        label=_("share of workers (%)"), min_value=1, max_value=100, initial=20
    )
    method = forms.ChoiceField(
        label=_("kind of test"),
        choices=capitalised(ScreeningMethod.choices),
        initial=ScreeningMethod.RAPID_ANTIGEN,
    )
    starts_on = date_field(_("first day"), required=True)


IMPORT_KINDS = [
    ("tests", _("test results")),
    ("vaccinations", _("vaccination doses")),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("the file holds"), choices=IMPORT_KINDS)
    file = forms.FileField(label=_("Excel file (.xlsx)"))


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields (or on the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = field if field in form.fields else None
            for error in errors:
                form.add_error(name, error)
    else:
        form.add_error(None, exc)

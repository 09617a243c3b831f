"""Forms of directives (with a task formset), progress reports and notices.
Forms only parse; the services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tuquan.directives.choices import Bucket, Cycle, Topic
from tuquan.directives.models import Directive
from tuquan.directives.services import TaskInput
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.forms import capitalised, date_field
from tuquan.organisations.models import Organisation

UNIT_KINDS = (
    OrgKind.COMMITTEE,
    OrgKind.AGENCY,
    OrgKind.DISTRICT,
    OrgKind.COMMUNE,
    OrgKind.INDUSTRIAL_PARK,
    OrgKind.INDUSTRIAL_CLUSTER,
    OrgKind.ENTERPRISE,
)


def units_for(user: Any) -> QuerySet[Organisation]:
    """Units a user may assign tasks to: organisations in their scope."""
    return (
        Organisation.objects.visible_to(user)
        .filter(kind__in=UNIT_KINDS)
        .order_by("path")
    )


class DirectiveForm(forms.Form):
    number = forms.CharField(
        label=_("Number and symbol"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "23/BCĐ-CAT"}),
    )
    issued_on = date_field(_("Date"), required=True)
    issuer = forms.ModelChoiceField(
        label=_("Issuing body"), queryset=Organisation.objects.none()
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=capitalised(Topic.choices))
    summary = forms.CharField(
        label=_("Summary (trích yếu)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    full_text = forms.CharField(
        label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    file = forms.FileField(label=_("Document file"), required=False)
    parent = forms.ModelChoiceField(
        label=_("Parent directive"),
        queryset=Directive.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, issuers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuer"].queryset = issuers  # type: ignore[attr-defined]
        self.fields["parent"].queryset = Directive.objects.visible_to(  # type: ignore[attr-defined]
            user
        ).select_related("issuer")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("file"):
            data.pop("file", None)
        return data


class TaskForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    content = forms.CharField(label=_("Task"), widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Organisation.objects.none(), required=False
    )
    supporting_units = forms.ModelMultipleChoiceField(
        label=_("Supporting units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    cycle = forms.ChoiceField(
        label=_("Cycle"), choices=capitalised(Cycle.choices), initial=Cycle.ONCE
    )
    deadline = date_field(_("Deadline"))
    due_day = forms.IntegerField(label=_("Report due on day"), required=False)
    recur_until = date_field(_("Reports until"))
    indicator_name = forms.CharField(label=_("Indicator"), required=False)
    indicator_unit = forms.CharField(label=_("Indicator unit"), required=False)
    indicator_target = forms.DecimalField(
        label=_("Indicator target"), required=False, localize=True
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
            self.fields["supporting_units"].queryset = units  # type: ignore[attr-defined]

    def task_input(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            pk=data.get("id"),
            content=data["content"],
            lead_unit=data.get("lead_unit"),
            supporting_units=list(data.get("supporting_units") or []),
            cycle=data["cycle"],
            deadline=data.get("deadline"),
            due_day=data.get("due_day"),
            recur_until=data.get("recur_until"),
            indicator_name=data.get("indicator_name") or "",
            indicator_unit=data.get("indicator_unit") or "",
            indicator_target=data.get("indicator_target"),
        )


TaskFormSet = forms.formset_factory(TaskForm, extra=0, can_delete=True, min_num=1)


class ProgressForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Reporting unit"), queryset=Organisation.objects.none()
    )
    period_start = forms.TypedChoiceField(
        label=_("Period"), required=False, coerce=str, empty_value=""
    )
    percentage = forms.IntegerField(
        label=_("Percentage done"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    narrative = forms.CharField(
        label=_("What has been done"), widget=forms.Textarea(attrs={"rows": 4})
    )
    indicator_value = forms.DecimalField(
        label=_("Indicator value"), required=False, localize=True
    )
    file = forms.FileField(label=_("Attached file"), required=False)


class NoticeForm(forms.Form):
    publisher = forms.ModelChoiceField(
        label=_("Published by"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    directive = forms.ModelChoiceField(
        label=_("Directive"), queryset=Directive.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, issuers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = issuers  # type: ignore[attr-defined]
        self.fields["directive"].queryset = Directive.objects.visible_to(  # type: ignore[attr-defined]
            user
        )


class DirectiveFilter(forms.Form):
    """Filters of the directive list (blank or unknown values are ignored)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *capitalised(Bucket.choices)],
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        required=False,
        choices=[("", _("Any topic")), *capitalised(Topic.choices)],
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Any unit"),
    )
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)  # type: ignore[attr-defined]

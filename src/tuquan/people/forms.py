"""The worker form. It checks types and offers only what the user can see; the
rules about national IDs, phones and which part belongs where are the service's
(``save_worker``), whose errors the view puts back on these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tuquan.organisations.forms import (
    capitalised,
    date_field,
    reload_on_change,
    selected_id,
    with_current,
)
from tuquan.organisations.models import (
    BusRoute,
    Enterprise,
    Line,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
)
from tuquan.people.models import EmploymentStatus, Sex, Worker
from tuquan.people.services import WORKER_FIELDS

# Blocks of the form that are re-rendered when the enterprise or residence changes.
WORK_BLOCK = "worker-work-parts"
HOME_BLOCK = "worker-home-parts"
TEAMS_BLOCK = "worker-teams"


def _select(label: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=Workshop.objects.none(), required=False
    )


class WorkerForm(forms.Form):
    full_name = forms.CharField(label=_("full name"), max_length=120)
    date_of_birth = date_field(_("date of birth"), required=True)
    sex = forms.ChoiceField(label=_("sex"), choices=capitalised(Sex.choices))
    national_id = forms.CharField(
        label=_("national ID number (CCCD)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    enterprise = _select(_("enterprise"))
    workshop = _select(_("workshop"))
    line = _select(_("production line"))
    shift = _select(_("shift"))
    bus_route = _select(_("shuttle bus route"))
    employment_status = forms.ChoiceField(
        label=_("employment status"),
        choices=capitalised(EmploymentStatus.choices),
        initial=EmploymentStatus.ACTIVE,
    )
    employment_start = date_field(_("start date"))
    employment_end = date_field(_("end date"))
    residence = _select(_("residence"))
    room = _select(_("room"))
    teams = forms.ModelMultipleChoiceField(
        label=_("self-management teams"),
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        user: Any,
        worker: Worker | None = None,
        show_personal: bool = False,
        reload_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.worker = worker
        # Roles that may not see ID and phone get empty boxes on edit; an empty
        # box then means "keep what is on file".
        self.keeps_personal = worker is not None and not show_personal
        if self.keeps_personal:
            self.fields["national_id"].required = False
            self.fields["national_id"].help_text = _(
                "Leave empty to keep the number on file (%(masked)s)."
            ) % {"masked": worker.national_id_masked}
            if worker.phone_tail:
                self.fields["phone"].help_text = _(
                    "Leave empty to keep the number on file (%(masked)s)."
                ) % {"masked": worker.phone_masked}
        if worker is not None:
            del self.fields["client_id"]
        self._scope_choices()
        if reload_url:
            also = (TEAMS_BLOCK,)
            reload_on_change(
                self.fields["enterprise"], reload_url, WORK_BLOCK, also=also
            )
            reload_on_change(self.fields["workshop"], reload_url, WORK_BLOCK)
            reload_on_change(
                self.fields["residence"], reload_url, HOME_BLOCK, also=also
            )

    def _scope_choices(self) -> None:
        user = self.user
        worker = self.worker
        enterprise_id = selected_id(self, "enterprise") or 0
        workshop_id = selected_id(self, "workshop") or 0
        residence_id = selected_id(self, "residence") or 0

        def current(name: str, **still: Any) -> int | None:
            # The worker's present value stays offered even when this user
            # could not pick it (else saving would wipe it), as long as it
            # still belongs to the enterprise/residence chosen in the form.
            if worker is None:
                return None
            value = getattr(worker, f"{name}_id")
            owner = {key: getattr(worker, key) for key in still}
            return value if owner == still else None

        fields = self.fields
        fields["enterprise"].queryset = with_current(
            Enterprise.objects.visible_to(user), current("enterprise")
        ).order_by("name_folded")
        fields["residence"].queryset = with_current(
            Residence.objects.visible_to(user), current("residence")
        ).order_by("name_folded")
        fields["workshop"].queryset = with_current(
            Workshop.objects.visible_to(user).filter(enterprise_id=enterprise_id),
            current("workshop", enterprise_id=enterprise_id),
        )
        fields["line"].queryset = with_current(
            Line.objects.visible_to(user).filter(
                workshop_id=workshop_id, workshop__enterprise_id=enterprise_id
            ),
            current("line", workshop_id=workshop_id, enterprise_id=enterprise_id),
        )
        fields["shift"].queryset = with_current(
            Shift.objects.visible_to(user).filter(enterprise_id=enterprise_id),
            current("shift", enterprise_id=enterprise_id),
        )
        fields["bus_route"].queryset = with_current(
            BusRoute.objects.visible_to(user).filter(enterprise_id=enterprise_id),
            current("bus_route", enterprise_id=enterprise_id),
        )
        fields["room"].queryset = with_current(
            Room.objects.visible_to(user).filter(residence_id=residence_id),
            current("room", residence_id=residence_id),
        )
        offered = Q(enterprise_id=enterprise_id) | Q(residence_id=residence_id)
        if worker is not None:
            offered |= Q(memberships__worker=worker, memberships__left_on__isnull=True)
        fields["teams"].queryset = (
            Team.objects.visible_to(user)
            .filter(offered)
            .distinct()
            .order_by("name_folded")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("enterprise") and not data.get("residence"):
            self.add_error(
                "enterprise", _("Choose the enterprise or the residence of the worker.")
            )
        return data

    def values(self) -> dict[str, Any]:
        """The values for ``save_worker``: every field, and ID and phone unless
        an empty box means "keep"."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in WORKER_FIELDS}
        for name in ("national_id", "phone"):
            typed = (data.get(name) or "").strip()
            if typed or not self.keeps_personal:
                values[name] = typed
        return values

    def offered_teams(self) -> QuerySet:
        return self.fields["teams"].queryset

"""Forms for the registry pages.

Choice fields only offer what the user can see (or, for where a node hangs, what
they can edit); the services still make the final decision. Dates are typed
dd/mm/yyyy.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tuquan.accounts.choices import EDITOR_ROLES
from tuquan.accounts.scoping import scope_paths
from tuquan.core.scoping import paths_q
from tuquan.core.validators import normalise_phone
from tuquan.organisations.choices import (
    ZONE_KINDS,
    OperatingMode,
    OrgKind,
    ResidenceKind,
    TeamKind,
)
from tuquan.organisations.models import (
    AdminUnit,
    BusRoute,
    Enterprise,
    Line,
    Organisation,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
    Zone,
)
from tuquan.people.models import Worker

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y"]


def date_widget() -> forms.DateInput:
    """A text input (not the browser date picker) showing dd/mm/yyyy."""
    return forms.DateInput(
        format="%d/%m/%Y",
        attrs={
            "placeholder": "dd/mm/yyyy",
            "inputmode": "numeric",
            "autocomplete": "off",
        },
    )


def date_field(label: Any, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_INPUT_FORMATS,
        widget=date_widget(),
        error_messages={
            "invalid": _("Enter a date as dd/mm/yyyy, for example 25/12/2024.")
        },
    )


def capitalised(choices: Any) -> list[tuple[str, Any]]:
    """Choice labels with a capital first letter (they are lower case in the
    models, to read well inside sentences)."""
    return [(value, capfirst(label)) for value, label in choices]


def editable(queryset: QuerySet, user: Any, field: str = "path") -> QuerySet:
    """Rows of ``queryset`` inside the subtrees where ``user`` may edit."""
    paths = scope_paths(user, EDITOR_ROLES)
    if paths is None:
        return queryset
    if not paths:
        return queryset.none()
    return queryset.filter(paths_q(field, paths))


def selected_id(form: forms.BaseForm, name: str) -> int | None:
    """The id currently chosen in ``form`` for field ``name``: from the posted
    data when bound, else from the initial values (which hold an instance's)."""
    if form.is_bound:
        raw: Any = form.data.get(form.add_prefix(name))
    else:
        raw = form.initial.get(name)
    if isinstance(raw, Model):
        return raw.pk
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def reload_on_change(
    field: forms.Field, url: str, target: str, *, also: tuple[str, ...] = ()
) -> None:
    """Make a select re-render the dependent block ``target`` (and the blocks in
    ``also``) from the same form page when its value changes."""
    attrs = {
        "hx-get": url,
        "hx-trigger": "change",
        "hx-include": "closest form",
        "hx-select": f"#{target}",
        "hx-target": f"#{target}",
        "hx-swap": "outerHTML",
    }
    if also:
        attrs["hx-select-oob"] = ",".join(f"#{block}" for block in also)
    field.widget.attrs.update(attrs)


def with_current(queryset: QuerySet, current_id: int | None) -> QuerySet:
    """``queryset`` plus the row already chosen on the record being edited.

    Without it, a choice this user cannot pick (a worker's residence an
    enterprise officer cannot see) would show as empty and be wiped on save.
    """
    if not current_id:
        return queryset
    return queryset | queryset.model._default_manager.filter(pk=current_id)


class RegistryModelForm(forms.ModelForm):
    """A ModelForm that knows the user (to scope its choices)."""

    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, user: Any, reload_url: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.reload_url = reload_url
        if self.instance.pk is not None:
            del self.fields["client_id"]

    def keep_current_choices(self) -> None:
        """Call after scoping the querysets: keep the instance's current values."""
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                current = getattr(self.instance, f"{name}_id", None)
                field.queryset = with_current(field.queryset, current)


class ZoneForm(RegistryModelForm):
    class Meta:
        model = Zone
        fields = [
            "name",
            "short_name",
            "kind",
            "code",
            "commune",
            "management_board",
            "latitude",
            "longitude",
            "area_ha",
        ]
        # Accept "181,7" as typed in Vietnamese as well as "12.6797" from GPS.
        localized_fields = ["latitude", "longitude", "area_ha"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = capitalised(
            (kind.value, kind.label) for kind in ZONE_KINDS
        )
        for name in self._meta.localized_fields:
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        communes = AdminUnit.objects.visible_to(self.user).filter(kind=OrgKind.COMMUNE)
        self.fields["commune"].queryset = editable(communes, self.user).order_by(
            "name_folded"
        )
        self.fields["commune"].required = True
        self.fields["management_board"].queryset = (
            Organisation.objects.visible_to(self.user)
            .filter(kind=OrgKind.AGENCY)
            .order_by("name_folded")
        )
        self.keep_current_choices()

    def has_parent_choices(self) -> bool:
        return self.fields["commune"].queryset.exists()


class EnterpriseForm(RegistryModelForm):
    # Longer than the stored code: people type dots and spaces, which the model
    # strips while normalising.
    tax_code = forms.CharField(
        label=Enterprise._meta.get_field("tax_code").verbose_name,
        max_length=32,
        help_text=_("10 digits, or 10-3 digits for a branch."),
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "short_name",
            "tax_code",
            "zone",
            "commune",
            "address",
            "sector",
            "registered_workforce",
        ]
        help_texts = {
            "commune": _(
                "Only for an enterprise outside industrial parks and clusters."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zones = editable(Zone.objects.visible_to(self.user), self.user)
        self.fields["zone"].queryset = zones.order_by("name_folded")
        communes = AdminUnit.objects.visible_to(self.user).filter(kind=OrgKind.COMMUNE)
        self.fields["commune"].queryset = editable(communes, self.user).order_by(
            "name_folded"
        )
        self.fields["tax_code"].widget.attrs.update({"inputmode": "numeric"})
        self.keep_current_choices()

    def has_parent_choices(self) -> bool:
        return (
            self.fields["zone"].queryset.exists()
            or self.fields["commune"].queryset.exists()
        )


class ResidenceForm(RegistryModelForm):
    owner_phone = forms.CharField(
        label=_("owner's phone"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    class Meta:
        model = Residence
        fields = [
            "name",
            "short_name",
            "residence_kind",
            "address",
            "commune",
            "owner_name",
        ]

    def __init__(self, *args: Any, show_phone: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["residence_kind"].choices = capitalised(ResidenceKind.choices)
        communes = AdminUnit.objects.visible_to(self.user).filter(kind=OrgKind.COMMUNE)
        self.fields["commune"].queryset = editable(communes, self.user).order_by(
            "name_folded"
        )
        self.fields["commune"].required = True
        self.keeps_phone = self.instance.pk is not None and not show_phone
        if self.instance.pk is not None and show_phone and not self.is_bound:
            self.initial["owner_phone"] = self.instance.owner_phone
        if self.keeps_phone and self.instance.owner_phone_tail:
            self.fields["owner_phone"].help_text = _(
                "Leave empty to keep the number on file (ending %(tail)s)."
            ) % {"tail": self.instance.owner_phone_tail}
        self.keep_current_choices()

    def clean_owner_phone(self) -> str:
        value = self.cleaned_data.get("owner_phone", "").strip()
        return normalise_phone(value) if value else ""

    def save(self, commit: bool = True) -> Residence:
        residence = super().save(commit=False)
        phone = self.cleaned_data.get("owner_phone", "")
        # People who may not see the number get an empty box: empty keeps it.
        if phone or not self.keeps_phone:
            residence.owner_phone = phone
        if commit:
            residence.save()
        return residence

    def has_parent_choices(self) -> bool:
        return self.fields["commune"].queryset.exists()


class TeamForm(RegistryModelForm):
    founded_on = date_field(_("founding date"))

    class Meta:
        model = Team
        fields = [
            "name",
            "short_name",
            "team_kind",
            "enterprise",
            "workshop",
            "residence",
            "founded_on",
            "pledge",
            "pledge_file",
        ]
        widgets = {"pledge": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team_kind"].choices = capitalised(TeamKind.choices)
        enterprises = editable(Enterprise.objects.visible_to(self.user), self.user)
        self.fields["enterprise"].queryset = enterprises.order_by("name_folded")
        residences = editable(Residence.objects.visible_to(self.user), self.user)
        self.fields["residence"].queryset = residences.order_by("name_folded")
        enterprise_id = selected_id(self, "enterprise")
        self.fields["workshop"].queryset = Workshop.objects.visible_to(
            self.user
        ).filter(enterprise_id=enterprise_id or 0)
        self.keep_current_choices()
        if self.reload_url:
            reload_on_change(
                self.fields["enterprise"], self.reload_url, "team-workshop"
            )

    def has_parent_choices(self) -> bool:
        return (
            self.fields["enterprise"].queryset.exists()
            or self.fields["residence"].queryset.exists()
        )


class TeamOfficersForm(forms.Form):
    """Leader and deputy, chosen among the team's current members."""

    leader = forms.ModelChoiceField(
        label=_("team leader"), queryset=Worker.objects.none(), required=False
    )
    deputy = forms.ModelChoiceField(
        label=_("deputy leader"), queryset=Worker.objects.none(), required=False
    )

    def __init__(self, *args: Any, members: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = members
        self.fields["deputy"].queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        leader, deputy = data.get("leader"), data.get("deputy")
        if leader is not None and leader == deputy:
            self.add_error(
                "deputy", _("The leader and the deputy must be different people.")
            )
        return data


class AddMemberForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("worker"), queryset=Worker.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = candidates


class OperatingModeForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("new operating mode"), choices=capitalised(OperatingMode.choices)
    )
    effective_on = date_field(_("effective date"), required=True)
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3})
    )


class _PartForm(forms.ModelForm):
    """Parts (workshop, line, shift, route, room) of one owner."""

    duplicate_message = _("This name is already used here.")

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner

    # The field of the part's model that points at its owner.
    owner_field = "enterprise"

    def siblings(self) -> QuerySet:
        """Parts of the same owner, among which the name must be unique."""
        return self._meta.model.objects.filter(**{self.owner_field: self.owner})

    def check_unique(self, field: str) -> None:
        # The database constraint also includes the owner, which is not a form
        # field, so Django would not check it here: say it in plain words.
        value = self.cleaned_data.get(field)
        if value and self.siblings().filter(**{f"{field}__iexact": value}).exists():
            self.add_error(field, self.duplicate_message)


class WorkshopForm(_PartForm):
    duplicate_message = _("This enterprise already has a workshop with this name.")

    class Meta:
        model = Workshop
        fields = ["name"]

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("instance", Workshop(enterprise=owner))
        super().__init__(*args, owner=owner, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_unique("name")
        return data


class LineForm(_PartForm):
    duplicate_message = _("This workshop already has a line with this name.")

    class Meta:
        model = Line
        fields = ["workshop", "name"]

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, owner=owner, **kwargs)
        self.fields["workshop"].queryset = Workshop.objects.filter(enterprise=owner)

    def siblings(self) -> QuerySet:
        return Line.objects.filter(workshop=self.cleaned_data.get("workshop"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("workshop") is not None:
            self.check_unique("name")
        return data


class ShiftForm(_PartForm):
    duplicate_message = _("This enterprise already has a shift with this name.")

    class Meta:
        model = Shift
        fields = ["name", "starts_at", "ends_at"]
        widgets = {
            "starts_at": forms.TimeInput(
                format="%H:%M", attrs={"placeholder": "07:00"}
            ),
            "ends_at": forms.TimeInput(format="%H:%M", attrs={"placeholder": "15:00"}),
        }

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("instance", Shift(enterprise=owner))
        super().__init__(*args, owner=owner, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_unique("name")
        return data


class BusRouteForm(_PartForm):
    duplicate_message = _("This enterprise already has a route with this name.")

    class Meta:
        model = BusRoute
        fields = ["name", "plate", "stops"]
        widgets = {"stops": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("instance", BusRoute(enterprise=owner))
        super().__init__(*args, owner=owner, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_unique("name")
        return data


class RoomForm(_PartForm):
    duplicate_message = _("This residence already has a room with this number.")

    class Meta:
        model = Room
        fields = ["number", "capacity"]

    def __init__(self, *args: Any, owner: Organisation, **kwargs: Any) -> None:
        kwargs.setdefault("instance", Room(residence=owner))
        super().__init__(*args, owner=owner, **kwargs)

    owner_field = "residence"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.check_unique("number")
        return data

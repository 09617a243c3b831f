"""Forms and the list filter of the gate registry and worker cards.

``GateFilter`` serves both the HTML gate list and ``GET /api/v1/gates``.
"""

from __future__ import annotations

from typing import Annotated, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from ninja import FilterLookup, FilterSchema
from pydantic import Field

from tuquan.core.text import fold
from tuquan.gates.choices import GateKind
from tuquan.gates.models import Gate
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.forms import RegistryModelForm, capitalised, editable
from tuquan.organisations.models import Organisation

# Where a gate may stand.
SITE_KINDS = (OrgKind.INDUSTRIAL_PARK, OrgKind.INDUSTRIAL_CLUSTER, OrgKind.ENTERPRISE)


class GateFilter(FilterSchema):
    q: str | None = Field(None, description="Search by name (accents optional)")
    site: int | None = Field(
        None,
        description="A zone or an enterprise: its gates, and for a zone also the "
        "gates of the enterprises inside it",
    )
    gate_kind: Annotated[str | None, FilterLookup("gate_kind")] = None
    active: bool | None = None

    def filter_q(self, value: str | None) -> Q:
        return Q(name_folded__contains=fold(value)) if value else Q()

    def filter_site(self, value: int | None) -> Q:
        if not value:
            return Q()
        path = (
            Organisation.objects.filter(pk=value, kind__in=SITE_KINDS)
            .values_list("path", flat=True)
            .first()
        )
        return Q(path__startswith=path) if path else Q(pk__in=[])


def site_choices(user: Any) -> Any:
    """Zones and enterprises ``user`` sees, for the list filter."""
    return (
        Organisation.objects.visible_to(user)
        .filter(kind__in=SITE_KINDS)
        .order_by("kind", "name_folded", "pk")
    )


class GateForm(RegistryModelForm):
    """Create or change a gate; the site is a zone or an enterprise the user
    may edit (``save_node`` checks it again)."""

    class Meta:
        model = Gate
        fields = ["name", "short_name", "site", "gate_kind", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate_kind"].choices = capitalised(GateKind.choices)
        sites = site_choices(self.user)
        self.fields["site"].queryset = editable(sites, self.user)
        self.fields["site"].label = _("zone or enterprise")
        self.keep_current_choices()

    def has_parent_choices(self) -> bool:
        return self.fields["site"].queryset.exists()


class RevokeCardForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=200,
        help_text=_("For example: lost, damaged, the worker left."),
    )


class IssueCardForm(forms.Form):
    replace = forms.BooleanField(required=False, widget=forms.HiddenInput)

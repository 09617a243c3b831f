"""Forms of the tip channel: the public form, the receipt, and the handlers'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.tips.choices import TipKind, TipStatus


class TipForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("— choose —")), *TipKind.choices],
    )
    place = forms.ChoiceField(
        label=_("Commune or industrial zone (if you know it)"), required=False
    )
    place_text = forms.CharField(
        label=_("Where did it happen?"),
        max_length=300,
        help_text=_("A street, a company, a boarding house, a room number…"),
    )
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("When, who was there, what you saw or heard."),
    )
    contact = forms.CharField(
        label=_("Your contact details (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only if you want police to be able to reach you. They are locked: an "
            "officer can open them only after a custodian approves a written "
            "request, and every opening is recorded."
        ),
    )
    challenge = forms.CharField(widget=forms.HiddenInput)
    proof = forms.CharField(widget=forms.HiddenInput, required=False)
    answer = forms.CharField(label=_("Check question"), required=False, max_length=4)
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, places: Any = (), contact_allowed: bool = True, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["place"].choices = [("", _("— I do not know —"))] + [
            (str(p.pk), p.name) for p in places
        ]
        if not contact_allowed:
            del self.fields["contact"]


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    status = forms.ChoiceField(
        label=_("New status"),
        required=False,
        choices=[("", _("— unchanged —")), *TipStatus.choices],
    )
    internal = forms.BooleanField(
        label=_("Internal note (not shown to the tipster)"), required=False
    )


class ContactRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the tipster's contact details?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("deny", _("Deny"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    key_file = forms.FileField(label=_("Custodian key file"), required=False)
    passphrase = forms.CharField(
        label=_("Passphrase of the key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )

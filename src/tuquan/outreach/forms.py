"""The message form: parsing only; the service validates and decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tuquan.accounts.choices import EDITOR_ROLES
from tuquan.accounts.scoping import scope_paths
from tuquan.core.scoping import paths_q
from tuquan.levels.choices import EpidemicLevel
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation, Shift, Workshop
from tuquan.outreach.choices import OPTIONAL_CHANNELS, MessageState, Topic
from tuquan.outreach.models import MAX_BODY, MAX_TITLE, Message
from tuquan.riskassess.choices import Band

AUDIENCE_KINDS = (
    OrgKind.PROVINCE,
    OrgKind.DISTRICT,
    OrgKind.COMMUNE,
    OrgKind.INDUSTRIAL_PARK,
    OrgKind.INDUSTRIAL_CLUSTER,
    OrgKind.ENTERPRISE,
    OrgKind.RESIDENCE,
    OrgKind.TEAM,
)


class MessageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    quiz_question = forms.CharField(
        label=_("Quiz question (optional)"), max_length=200, required=False
    )
    answer_1 = forms.CharField(label=_("Answer 1"), max_length=120, required=False)
    answer_2 = forms.CharField(label=_("Answer 2"), max_length=120, required=False)
    answer_3 = forms.CharField(label=_("Answer 3"), max_length=120, required=False)
    answer_4 = forms.CharField(label=_("Answer 4"), max_length=120, required=False)
    quiz_right = forms.TypedChoiceField(
        label=_("Right answer"),
        choices=[("", "—")] + [(str(i), str(i)) for i in range(1, 5)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False)
    audience_unit = forms.ModelChoiceField(
        label=_("Send to (unit and everyone under it)"),
        queryset=Organisation.objects.none(),
    )
    audience_workshop = forms.ModelChoiceField(
        label=_("Only the workshop"), queryset=Workshop.objects.none(), required=False
    )
    audience_shift = forms.ModelChoiceField(
        label=_("Only the shift"), queryset=Shift.objects.none(), required=False
    )
    audience_min_level = forms.TypedChoiceField(
        label=_("Only where the epidemic level is at least"),
        choices=[("", "—"), *EpidemicLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    audience_risk_bands = forms.MultipleChoiceField(
        label=_("Only enterprises in the risk groups"),
        choices=Band.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience_unread = forms.ModelChoiceField(
        label=_("Only those who have not read"),
        queryset=Message.objects.none(),
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("Also send by"),
        choices=[(c.value, c.label) for c in OPTIONAL_CHANNELS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_unaccented = forms.BooleanField(
        label=_("Send the SMS without diacritics (cheaper: 160 characters a part)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Units the user may write to: their editing subtrees, not all they see.
        paths = scope_paths(user, EDITOR_ROLES)
        units = Organisation.objects.filter(kind__in=AUDIENCE_KINDS)
        if paths is not None:
            units = units.filter(paths_q("path", paths))
        self.fields["audience_unit"].queryset = units.order_by("path")
        self.fields["audience_unit"].label_from_instance = _indented
        self.fields["audience_workshop"].queryset = Workshop.objects.visible_to(
            user
        ).select_related("enterprise")
        self.fields["audience_shift"].queryset = Shift.objects.visible_to(
            user
        ).select_related("enterprise")
        self.fields["audience_unread"].queryset = Message.objects.visible_to(
            user
        ).filter(state=MessageState.SENT)

    def apply(self, message: Message) -> Message:
        """Copy the cleaned values onto ``message``."""
        data = self.cleaned_data
        for name in (
            "title",
            "body",
            "topic",
            "quiz_question",
            "quiz_right",
            "valid_from",
            "valid_until",
            "audience_unit",
            "audience_workshop",
            "audience_shift",
            "audience_min_level",
            "audience_unread",
            "sms_unaccented",
        ):
            setattr(message, name, data.get(name))
        message.quiz_answers = [
            data.get(f"answer_{i}") or ""
            for i in range(1, 5)
            if data.get(f"answer_{i}")
        ]
        message.audience_risk_bands = list(data.get("audience_risk_bands") or [])
        message.channels = list(data.get("channels") or [])
        return message

    @classmethod
    def initial_from(cls, message: Any) -> dict[str, Any]:
        initial = {
            name: getattr(message, name, None)
            for name in ("title", "body", "topic", "quiz_question", "quiz_right")
        }
        for i, answer in enumerate(message.quiz_answers or [], start=1):
            initial[f"answer_{i}"] = answer
        if isinstance(message, Message):
            initial.update(
                valid_from=message.valid_from,
                valid_until=message.valid_until,
                audience_unit=message.audience_unit_id,
                audience_workshop=message.audience_workshop_id,
                audience_shift=message.audience_shift_id,
                audience_min_level=message.audience_min_level,
                audience_risk_bands=message.audience_risk_bands,
                audience_unread=message.audience_unread_id,
                channels=message.channels,
                sms_unaccented=message.sms_unaccented,
            )
        return initial


def _indented(org: Organisation) -> str:
    depth = max(org.path.count("/") - 1, 0)
    return "· " * depth + org.name

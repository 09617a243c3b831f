"""Anonymous tips from the public, the messages about them, the custodians of
tipsters' contact details, and the requests to see those details.

A tip stores what was reported and nothing about who reported it: no user, no
address, no browser, and its time only to the minute. Contact details, if the
tipster volunteers them, are sealed to the custodians' public key
(``tuquan.tips.sealing``); the receipt code only as a slow hash
(``tuquan.tips.receipts``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.tips.choices import Author, RequestStatus, TipKind, TipStatus


def police_paths(user: Any) -> list[str] | None:
    """Subtrees where ``user`` handles tips: police officers' jurisdictions
    (province police: the province; commune police: the commune). None means
    everywhere (superuser)."""
    from tuquan.accounts.choices import Role
    from tuquan.accounts.scoping import _assignments
    from tuquan.organisations.choices import AgencyFunction

    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if not user.is_active:
        return []
    if user.is_superuser:
        return None
    return [
        a.scope_root().path
        for a in _assignments(user)
        if a.role == Role.AGENCY_OFFICER and a.function == AgencyFunction.POLICE
    ]


class TipQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("scope_path", paths)

    def visible_to(self, user: Any) -> TipQuerySet:
        # Tips go to police handlers only, whatever other roles see.
        paths = police_paths(user)
        if paths is None:
            return self.all()
        return self.filter(self.scope_q(paths)) if paths else self.none()


class Tip(models.Model):
    """One anonymous tip. See the module docstring for what is not stored."""

    kind = models.CharField(_("kind of matter"), max_length=20, choices=TipKind.choices)
    place_text = models.CharField(_("place"), max_length=300)
    place = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("commune or zone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = models.TextField(_("description"), max_length=5000)
    # Whose police handle it: the place's path, else the province's.
    scope_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TipStatus.choices,
        default=TipStatus.RECEIVED,
    )
    received_at = models.DateTimeField(_("received"), db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    receipt_lookup = models.CharField(max_length=16, db_index=True, editable=False)
    receipt_salt = models.CharField(max_length=32, editable=False)
    receipt_hash = models.CharField(max_length=64, editable=False)
    receipt_expires_at = models.DateTimeField(editable=False)
    # Retries of the same submission: SHA-256 of the client UUID, and the code
    # sealed under that UUID (see receipts.seal_for_client).
    client_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    code_sealed = models.BinaryField(null=True, blank=True, editable=False)
    contact_sealed = models.BinaryField(null=True, blank=True, editable=False)
    # Set when a handler turned the tip into an incident report.
    report_id = models.BigIntegerField(null=True, blank=True, editable=False)

    objects = TipQuerySet.as_manager()

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return _("Tip #%(id)s") % {"id": self.pk}

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_sealed)


class TipMessageQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("tip__scope_path", paths)

    def visible_to(self, user: Any) -> TipMessageQuerySet:
        return self.filter(tip__in=Tip.objects.visible_to(user))


class TipMessage(models.Model):
    """A message between the tipster and the handlers, or a status note.

    Internal notes (``for_tipster`` false) are seen by handlers only.
    """

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(_("from"), max_length=10, choices=Author.choices)
    # The handler who wrote it (never shown to the tipster); empty for the tipster.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("text of the message"), max_length=3000)
    status = models.CharField(
        _("new status"), max_length=20, choices=TipStatus.choices, blank=True
    )
    for_tipster = models.BooleanField(_("shown to the tipster"), default=True)
    at = models.DateTimeField(_("time"), db_index=True)

    objects = TipMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("tip message")
        verbose_name_plural = _("tip messages")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.tip_id} {self.author} {self.at:%d/%m/%Y %H:%M}"


class CustodianQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("scope__path", paths)

    def active(self) -> CustodianQuerySet:
        return self.filter(active=True, user__is_active=True)


class Custodian(models.Model):
    """A person who keeps the key to tipsters' contact details for a subtree and
    decides requests to open them. Holding the key file is not enough: the
    custodian must also be listed here, active, with the tip in scope."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="tip_custody",
    )
    scope = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("scope"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustodianQuerySet.as_manager()

    class Meta:
        verbose_name = _("custodian of tip contacts")
        verbose_name_plural = _("custodians of tip contacts")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope"], name="custodian_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.scope}"


class ContactRequestQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("tip__scope_path", paths)

    def visible_to(self, user: Any) -> ContactRequestQuerySet:
        # Handlers see the requests on tips they handle; custodians those they
        # may decide.
        q = models.Q(tip__in=Tip.objects.visible_to(user))
        if user is not None and getattr(user, "is_authenticated", False):
            scopes = [
                c.scope.path
                for c in Custodian.objects.active()
                .filter(user=user)
                .select_related("scope")
            ]
            if scopes:
                q |= paths_q("tip__scope_path", scopes)
        return self.filter(q)


class ContactRequest(models.Model):
    """A handler's written request to see a tipster's contact details, and the
    custodian's decision. On approval the custodian's key opens the seal once;
    the details are kept for the requester encrypted with the field key."""

    tip = models.ForeignKey(
        Tip, on_delete=models.CASCADE, related_name="contact_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000)
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=2000, blank=True)
    # Fernet token (tuquan.core.crypto) of the opened details, for the requester.
    released_enc = models.TextField(blank=True, editable=False)

    objects = ContactRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for contact details")
        verbose_name_plural = _("requests for contact details")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return _("Request #%(id)s on tip #%(tip)s") % {
            "id": self.pk,
            "tip": self.tip_id,
        }


class SpentChallenge(models.Model):
    """A form challenge already used (each is accepted once). Rows older than a
    challenge's lifetime are deleted as new ones come in."""

    key = models.CharField(max_length=32, unique=True)
    spent_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("spent challenge")
        verbose_name_plural = _("spent challenges")

    def __str__(self) -> str:
        return self.key

"""Messages to workers, their templates, the jargon list and the outbox.

A message belongs to its author's unit (``organisation``) and targets an
audience unit (``audience_unit``) with optional filters; both decide who sees
it. The outbox (:class:`Delivery`) holds one row per recipient and channel; the
unique key (message, worker, channel) is what makes sending twice impossible.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q
from tuquan.core.text import nfc
from tuquan.outreach.choices import Channel, DeliveryState, MessageState, Topic

MAX_BODY = 1000
MAX_TITLE = 120


class JargonTerm(models.Model):
    """A hard word (administrative or Sino-Vietnamese) and its plain alternative.
    Data, edited in the admin; the shipped list comes with a migration."""

    term = models.CharField(_("hard word"), max_length=60, unique=True)
    plain = models.CharField(_("plain alternative"), max_length=120)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("jargon term")
        verbose_name_plural = _("jargon list")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.plain}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.term = nfc(self.term).lower()
        self.plain = nfc(self.plain)
        super().save(*args, **kwargs)


class MessageTemplate(models.Model):
    """A ready message to start from (library shared by every unit)."""

    title = models.CharField(_("title"), max_length=MAX_TITLE)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    body = models.TextField(_("text"), max_length=MAX_BODY)
    quiz_question = models.CharField(_("quiz question"), max_length=200, blank=True)
    quiz_answers = models.JSONField(_("quiz answers"), default=list, blank=True)
    quiz_right = models.PositiveSmallIntegerField(
        _("right answer"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["topic", "title"]

    def __str__(self) -> str:
        return self.title


class MessageQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        # The author's unit, or an audience inside the user's subtree (an
        # enterprise officer sees what the province sent to their workers).
        return paths_q("organisation__path", paths) | paths_q(
            "audience_unit__path", paths
        )


class Message(models.Model):
    """A message to workers with an optional one-question quiz."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    body = models.TextField(_("text"), max_length=MAX_BODY)
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    quiz_question = models.CharField(_("quiz question"), max_length=200, blank=True)
    quiz_answers = models.JSONField(_("quiz answers"), default=list, blank=True)
    # 1-based index into quiz_answers.
    quiz_right = models.PositiveSmallIntegerField(
        _("right answer"), null=True, blank=True
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sms_unaccented = models.BooleanField(_("send SMS without diacritics"), default=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)

    # Audience: a subtree and optional filters.
    audience_unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("audience"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience_workshop = models.ForeignKey(
        "organisations.Workshop",
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience_shift = models.ForeignKey(
        "organisations.Shift",
        verbose_name=_("shift"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    audience_min_level = models.PositiveSmallIntegerField(
        _("epidemic level at least"), null=True, blank=True
    )
    audience_risk_bands = models.JSONField(
        _("enterprise risk groups"), default=list, blank=True
    )
    audience_unread = models.ForeignKey(
        "self",
        verbose_name=_("only those who have not read"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    state = models.CharField(
        _("state"),
        max_length=10,
        choices=MessageState.choices,
        default=MessageState.DRAFT,
    )
    check_result = models.JSONField(_("plain-language check"), default=dict, blank=True)
    check_passed = models.BooleanField(_("check passed"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message to workers")
        verbose_name_plural = _("messages to workers")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_path(self) -> str:
        return self.organisation.path

    @property
    def has_quiz(self) -> bool:
        return bool(self.quiz_question)

    @property
    def quiz_choices(self) -> list[tuple[int, str]]:
        return list(enumerate(self.quiz_answers or [], start=1))

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.title = nfc(self.title)
        self.body = (self.body or "").replace("\r\n", "\n").strip()
        self.quiz_question = nfc(self.quiz_question)
        answers = [nfc(a) for a in (self.quiz_answers or [])]
        self.quiz_answers = [a for a in answers if a]
        if not self.body:
            errors.setdefault("body", []).append(_("Write the message text."))
        if len(self.body) > MAX_BODY:
            errors.setdefault("body", []).append(
                _(
                    "The text has %(count)d characters; at most %(max)d are "
                    "allowed (a message to workers must be short)."
                )
                % {"count": len(self.body), "max": MAX_BODY}
            )
        if self.quiz_question or self.quiz_answers or self.quiz_right:
            if not self.quiz_question:
                errors.setdefault("quiz_question", []).append(
                    _("Write the quiz question, or leave the answers empty.")
                )
            if not 2 <= len(self.quiz_answers) <= 4:
                errors.setdefault("quiz_answers", []).append(
                    _("A quiz has 2 to 4 answers; %(count)d were given.")
                    % {"count": len(self.quiz_answers)}
                )
            if self.quiz_right is None or not (
                1 <= self.quiz_right <= len(self.quiz_answers)
            ):
                errors.setdefault("quiz_right", []).append(
                    _("Say which answer is right (one of the answers given).")
                )
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors.setdefault("valid_until", []).append(
                _("The end of validity is before its start.")
            )
        bad = [c for c in self.channels or [] if c not in Channel.values]
        if bad:
            errors.setdefault("channels", []).append(
                _("Unknown channel: %(names)s.") % {"names": ", ".join(bad)}
            )
        if self.audience_min_level is not None and not (
            1 <= self.audience_min_level <= 4
        ):
            errors.setdefault("audience_min_level", []).append(
                _("The epidemic level is 1 to 4.")
            )
        if errors:
            raise ValidationError(errors)


class DeliveryQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> Q:
        from tuquan.people.models import Worker

        workers = Worker.objects.filter(Worker.objects.scope_q(paths)).values("pk")
        return Q(worker_id__in=workers)

    def own_q(self, user: Any) -> Q:
        return Q(worker__user_id=user.pk)


class Delivery(models.Model):
    """One recipient × channel row of the outbox and what became of it."""

    # The outbox takes 100,000 rows in one INSERT … SELECT: no single-column
    # indexes (the unique key and "d_inbox" start with message and worker) and
    # no database FK triggers (three lookups per row, more than the insert
    # itself). Deletes cascade through the ORM, which is how rows go away.
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
        db_constraint=False,
    )
    worker = models.ForeignKey(
        "people.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # The worker's enterprise or residence when sent: the unit reach is
    # counted for (a later job change does not rewrite history).
    unit = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("unit"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=DeliveryState.choices,
        default=DeliveryState.QUEUED,
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    quiz_answer = models.PositiveSmallIntegerField(_("quiz answer"), null=True)
    quiz_right = models.BooleanField(_("quiz answered right"), null=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "worker", "channel"], name="delivery_once"
            )
        ]
        indexes = [
            # Partial: only rows still to send, and only rows ever attempted
            # (inbox rows, most of the table, are in neither).
            models.Index(
                fields=["channel", "next_attempt_at"],
                name="d_due",
                condition=Q(state__in=["queued", "failed"]),
            ),
            models.Index(
                fields=["channel", "last_attempt_at"],
                name="d_rate",
                condition=Q(last_attempt_at__isnull=False),
            ),
            models.Index(
                fields=["worker"], name="d_inbox", condition=Q(channel="inbox")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.worker_id} ({self.channel})"

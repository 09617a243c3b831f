"""Use cases of outreach: write and check a message, resolve its audience,
approve, send (fan out the outbox), deliver with retries, read, answer the quiz
and count the reach. Each validates, runs in one transaction and raises
``ValidationError`` (Vietnamese, naming the field) or ``PermissionDenied``.

Who may do what (see docs/outreach.md):
- officers with an editing role (committee, agency, zone board, enterprise)
  write messages for audiences inside their subtree;
- a committee or agency officer over the audience approves (the message must
  pass the plain-language check) and sends.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import EDITOR_ROLES, Role
from tuquan.accounts.scoping import scope_paths
from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.organisations.models import Enterprise, Organisation
from tuquan.outreach import channels, plain
from tuquan.outreach.choices import (
    OPTIONAL_CHANNELS,
    Channel,
    DeliveryState,
    MessageState,
)
from tuquan.outreach.models import Delivery, JargonTerm, Message, MessageTemplate
from tuquan.outreach.shipped import JARGON, TEMPLATES
from tuquan.people.models import EmploymentStatus, Worker

APPROVER_ROLES = frozenset(
    {Role.PROVINCE_COMMITTEE, Role.COMMUNE_COMMITTEE, Role.AGENCY_OFFICER}
)
# Normal pace of reading aloud over a loudspeaker, syllables per minute.
READING_PACE = 160
REACH_TARGET = 90


# --- data -----------------------------------------------------------------------


def ensure_shipped() -> None:
    """Load the shipped jargon list and templates into empty tables."""
    if not JargonTerm.objects.exists():
        JargonTerm.objects.bulk_create(
            [JargonTerm(term=t, plain=p) for t, p in JARGON], ignore_conflicts=True
        )
    if not MessageTemplate.objects.exists():
        MessageTemplate.objects.bulk_create(
            [MessageTemplate(**values) for values in TEMPLATES]
        )


def jargon_pairs() -> list[tuple[str, str]]:
    ensure_shipped()
    return list(
        JargonTerm.objects.filter(active=True)
        .order_by("term")
        .values_list("term", "plain")
    )


def templates() -> QuerySet[MessageTemplate]:
    ensure_shipped()
    return MessageTemplate.objects.filter(active=True)


def run_check(text: str) -> plain.CheckResult:
    """The plain-language check with the jargon list of the database."""
    return plain.check(text, jargon_pairs())


# --- permissions ----------------------------------------------------------------


def _covers(user: Any, path: str, roles: frozenset[str]) -> bool:
    paths = scope_paths(user, roles)
    if paths is None:
        return True
    return any(path.startswith(p) for p in paths)


def can_write(user: Any, unit: Organisation) -> bool:
    return bool(user and user.is_authenticated) and _covers(
        user, unit.path, EDITOR_ROLES
    )


def can_approve(user: Any, message: Message) -> bool:
    return bool(user and user.is_authenticated) and _covers(
        user, message.audience_unit.path, APPROVER_ROLES
    )


def is_writer(user: Any) -> bool:
    return scope_paths(user, EDITOR_ROLES) != []


def sender_for(user: Any, unit: Organisation) -> Organisation:
    """The unit a message of ``user`` to ``unit`` is sent in the name of: the
    organisation of the user's assignment covering the audience."""
    if not user.is_superuser:
        for assignment in user.assignments.select_related("organisation__jurisdiction"):
            if assignment.role in EDITOR_ROLES and unit.path.startswith(
                assignment.scope_root().path
            ):
                return assignment.organisation
    return unit


# --- audience -------------------------------------------------------------------


@dataclass
class Audience:
    """Who a message goes to: a subtree and optional filters."""

    unit: Organisation
    workshop: Any = None
    shift: Any = None
    min_level: int | None = None
    risk_bands: tuple[str, ...] = ()
    unread: Message | None = None

    @classmethod
    def of(cls, message: Message) -> Audience:
        return cls(
            unit=message.audience_unit,
            workshop=message.audience_workshop,
            shift=message.audience_shift,
            min_level=message.audience_min_level,
            risk_bands=tuple(message.audience_risk_bands or ()),
            unread=message.audience_unread,
        )


def resolve_audience(audience: Audience) -> QuerySet[Worker]:
    """Workers (not left) in the audience; an id subquery-friendly queryset."""
    workers = Worker.objects.filter(
        Worker.objects.scope_q([audience.unit.path])
    ).exclude(employment_status=EmploymentStatus.LEFT)
    if audience.workshop is not None:
        workers = workers.filter(workshop=audience.workshop)
    if audience.shift is not None:
        workers = workers.filter(shift=audience.shift)
    if audience.min_level is not None:
        from tuquan.levels.models import WeeklyLevel

        today = timezone.localdate()
        latest = WeeklyLevel.objects.filter(week_start__lte=today).aggregate(
            week=Max("week_start")
        )["week"]
        paths = list(
            WeeklyLevel.objects.filter(
                week_start=latest, level__gte=audience.min_level
            ).values_list("unit__path", flat=True)
        )
        workers = (
            workers.filter(Worker.objects.scope_q(paths)) if paths else workers.none()
        )
    if audience.risk_bands:
        from tuquan.riskassess.models import Assessment

        latest_band = (
            Assessment.objects.filter(enterprise=OuterRef("pk"))
            .order_by("-submitted_at", "-pk")
            .values("band")[:1]
        )
        enterprises = (
            Enterprise.objects.annotate(band=Subquery(latest_band))
            .filter(band__in=list(audience.risk_bands))
            .values("pk")
        )
        workers = workers.filter(enterprise_id__in=enterprises)
    if audience.unread is not None:
        readers = Delivery.objects.filter(
            message=audience.unread, read_at__isnull=False
        ).values("worker_id")
        workers = workers.exclude(pk__in=readers)
    return workers.order_by()


def check_audience(audience: Audience, by: Any) -> None:
    """Refuse an audience outside the officer's subtree, or filters that do not
    belong to it."""
    errors: dict[str, list[str]] = {}
    if not can_write(by, audience.unit):
        raise PermissionDenied(
            _("You may only send messages to workers inside your own units.")
        )
    for name, part in (
        ("audience_workshop", audience.workshop),
        ("audience_shift", audience.shift),
    ):
        if (
            part is not None
            and not audience.unit.path.startswith(part.enterprise.path)
            and not part.enterprise.path.startswith(audience.unit.path)
        ):
            errors[name] = [_("It does not belong to the audience's units.")]
    if audience.unread is not None and not (
        Message.objects.visible_to(by).filter(pk=audience.unread.pk).exists()
    ):
        errors["audience_unread"] = [_("There is no such message in your scope.")]
    if errors:
        raise ValidationError(errors)


def preview_audience(*, audience: Audience, by: Any) -> int:
    """How many workers the audience holds (the officer's scope is checked)."""
    check_audience(audience, by)
    return resolve_audience(audience).count()


# --- writing and approving -------------------------------------------------------


def _replay(client_id: uuid.UUID | None, user: Any) -> Message | None:
    if client_id is None:
        return None
    if not Message.objects.filter(client_id=client_id).exists():
        return None
    found = Message.objects.visible_to(user).filter(client_id=client_id).first()
    if found is None:
        raise ValidationError({"client_id": _("This client_id is already used.")})
    found._replayed = True  # type: ignore[attr-defined]
    return found


def save_message(
    *, message: Message, by: Any, client_id: uuid.UUID | None = None
) -> Message:
    """Create or change a draft: validate, check the audience's scope, run and
    store the plain-language check."""
    replayed = _replay(client_id, by)
    if replayed is not None:
        return replayed
    creating = message.pk is None
    if not creating and message.state != MessageState.DRAFT:
        raise ValidationError(
            {"state": _("An approved or sent message can no longer be changed.")}
        )
    if not message.audience_unit_id:
        raise ValidationError({"audience_unit": _("Choose who the message is for.")})
    check_audience(Audience.of(message), by)
    message.channels = sorted(
        {c for c in (message.channels or []) if c != Channel.INBOX}
    )
    if creating:
        message.author = by
        message.organisation = sender_for(by, message.audience_unit)
        message.client_id = client_id
    if message.valid_from is None:
        message.valid_from = timezone.localdate()
    message.full_clean()
    result = run_check(message.body)
    message.check_result = result.as_dict()
    message.check_passed = result.passed
    before = {} if creating else audit.snapshot(Message.objects.get(pk=message.pk))
    try:
        with transaction.atomic():
            message.save()
            after = audit.snapshot(message)
            audit.record(
                AuditAction.CREATE if creating else AuditAction.UPDATE,
                message,
                changes=after if creating else audit.diff(before, after),
                user=by,
            )
    except IntegrityError:
        replayed = _replay(client_id, by)
        if replayed is None:
            raise
        return replayed
    return message


def approve_message(*, message: Message, by: Any) -> Message:
    """A committee or agency officer over the audience approves a draft that
    passes the check."""
    if not can_approve(by, message):
        raise PermissionDenied(
            _("Only a committee or agency officer over the audience may approve.")
        )
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.state != MessageState.DRAFT:
            raise ValidationError({"state": _("The message is already approved.")})
        if not locked.check_passed:
            raise ValidationError(
                {
                    "body": _(
                        "The message does not pass the plain-language check; "
                        "correct it first."
                    )
                }
            )
        locked.state = MessageState.APPROVED
        locked.approved_by = by
        locked.approved_at = timezone.now()
        locked.save(update_fields=["state", "approved_by", "approved_at"])
        audit.record(
            AuditAction.UPDATE,
            locked,
            changes={"state": [MessageState.DRAFT, MessageState.APPROVED]},
            user=by,
        )
    return locked


def fan_out(message: Message, now: datetime | None = None) -> int:
    """Insert the outbox rows of ``message`` set-based: one INSERT … SELECT per
    channel; rows that exist already are skipped by the unique key, so running
    it twice sends nothing twice. Returns the number of rows inserted."""
    return sum(_fan_out(message, now or timezone.now()).values())


def _fan_out(message: Message, now: datetime) -> dict[str, int]:
    # Aliased columns: SQLite names an unaliased subquery column "people_worker.id".
    workers = resolve_audience(Audience.of(message)).annotate(
        wid=F("pk"), unit_ref=Coalesce("enterprise_id", "residence_id")
    )
    table = Delivery._meta.db_table
    inserted: dict[str, int] = {}
    plan: list[tuple[str, QuerySet[Worker]]] = [(Channel.INBOX, workers)]
    for channel in message.channels or []:
        if channel in (Channel.SMS, Channel.ZALO):
            plan.append((channel, workers.exclude(phone_enc="")))
        elif channel == Channel.EMAIL:
            plan.append(
                (channel, workers.filter(user__isnull=False).exclude(user__email=""))
            )
        elif channel in OPTIONAL_CHANNELS:
            plan.append((channel, workers))
    with connection.cursor() as cursor:
        for channel, queryset in plan:
            inner, params = queryset.values("wid", "unit_ref").query.sql_with_params()
            # The inbox is "sent" at once (the message is on the worker's page);
            # other channels wait for the delivery task.
            state = DeliveryState.SENT if channel == Channel.INBOX else "queued"
            sent_at = now if channel == Channel.INBOX else None
            # "WHERE true" lets SQLite tell the upsert's ON from a join's ON.
            cursor.execute(
                f"INSERT INTO {table} (message_id, worker_id, unit_id, channel, "
                "state, reason, attempts, next_attempt_at, sent_at) "
                f"SELECT %s, w.wid, w.unit_ref, %s, %s, '', 0, %s, %s "
                f"FROM ({inner}) w WHERE true "
                "ON CONFLICT (message_id, worker_id, channel) DO NOTHING",
                [message.pk, channel, state, now, sent_at, *params],
            )
            inserted[channel] = max(cursor.rowcount, 0)
    return inserted


def send_message(*, message: Message, by: Any, now: datetime | None = None) -> int:
    """Fan the approved message out to its audience and start delivery.
    Returns the number of outbox rows created."""
    if not can_approve(by, message):
        raise PermissionDenied(
            _("Only a committee or agency officer over the audience may send.")
        )
    now = now or timezone.now()
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.state == MessageState.DRAFT:
            raise ValidationError(
                {"state": _("The message must be approved before it is sent.")}
            )
        if locked.valid_until and locked.valid_until < timezone.localdate(now):
            raise ValidationError(
                {"valid_until": _("The message is no longer valid; it is not sent.")}
            )
        inserted = _fan_out(locked, now)
        created = sum(inserted.values())
        recipients = Delivery.objects.filter(
            message=locked, channel=Channel.INBOX
        ).count()
        if recipients == 0:
            # Raising rolls the (empty) fan-out back with the rest.
            raise ValidationError(
                {"audience_unit": _("The audience holds no worker; nothing to send.")}
            )
        locked.state = MessageState.SENT
        locked.sent_at = locked.sent_at or now
        locked.recipients = recipients
        locked.save(update_fields=["state", "sent_at", "recipients"])
        audit.record(
            AuditAction.UPDATE,
            locked,
            changes={"state": [message.state, MessageState.SENT], "rows": created},
            user=by,
        )
        if locked.channels:
            from tuquan.outreach.tasks import deliver_due

            transaction.on_commit(lambda: deliver_due.delay())
    message.state, message.sent_at = locked.state, locked.sent_at
    message.recipients = locked.recipients
    return created


# --- delivering ------------------------------------------------------------------


def _conf_int(name: str, default: int) -> int:
    try:
        return int(channels.setting(name, str(default)))
    except ValueError:
        return default


def max_attempts() -> int:
    return _conf_int("OUTREACH_MAX_ATTEMPTS", 5)


def rate_limit(channel: str) -> int:
    """Messages per minute the channel may take (OUTREACH_RATE_<CHANNEL>)."""
    defaults = {"sms": 60, "zalo": 60, "email": 120, "console": 6000}
    return _conf_int(f"OUTREACH_RATE_{channel.upper()}", defaults.get(channel, 60))


def backoff(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: base × 2^(attempts − 1), capped."""
    base = _conf_int("OUTREACH_RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 6 * 3600))


LEASE = timedelta(minutes=5)


def _claim(channel: str, now: datetime) -> list[int]:
    """Ids of due rows of ``channel`` within the rate limit, leased so that a
    second worker process does not send them too."""
    recent = Delivery.objects.filter(
        channel=channel, last_attempt_at__gt=now - timedelta(minutes=1)
    ).count()
    budget = rate_limit(channel) - recent
    if budget <= 0:
        return []
    with transaction.atomic():
        due = (
            Delivery.objects.filter(
                channel=channel,
                state__in=(DeliveryState.QUEUED, DeliveryState.FAILED),
                next_attempt_at__lte=now,
                attempts__lt=max_attempts(),
                message__state=MessageState.SENT,
            )
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
        )
        ids = list(due.values_list("id", flat=True)[:budget])
        Delivery.objects.filter(id__in=ids).update(
            next_attempt_at=now + LEASE, last_attempt_at=now
        )
    return ids


def sms_text(message: Message) -> str:
    return plain.unaccent(message.body) if message.sms_unaccented else message.body


def inbox_link(worker: Worker) -> str:
    """The worker's inbox address on the public site (``OUTREACH_PUBLIC_URL``),
    reached with the personal link token of the health declaration page; empty
    when no public address is configured."""
    base = channels.setting("OUTREACH_PUBLIC_URL").rstrip("/")
    if not base:
        return ""
    from tuquan.health.services import health_link_token

    return base + reverse("outreach_inbox_link", args=[health_link_token(worker)])


def deliver_one(delivery: Delivery, now: datetime) -> bool:
    """Send one row through its channel and record the outcome."""
    message = delivery.message
    worker = delivery.worker
    text = message.body
    if delivery.channel == Channel.SMS:
        text = sms_text(message)
    # The link lets a worker who read the SMS answer the quiz on the page.
    link = inbox_link(worker)
    if link:
        text = f"{text}\n{link}"
    out = channels.Outgoing(
        delivery_id=delivery.pk,
        title=message.title,
        text=text,
        phone=worker.phone if worker.phone_enc else "",
        email=(worker.user.email if worker.user_id else "") or "",
    )
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        channels.send(delivery.channel, out)
    except channels.DeliveryFailed as exc:
        delivery.state = DeliveryState.FAILED
        delivery.reason = exc.reason
        delivery.next_attempt_at = (
            now + backoff(delivery.attempts)
            if delivery.attempts < max_attempts()
            else None
        )
        ok = False
    else:
        delivery.state = DeliveryState.SENT
        delivery.reason = ""
        delivery.sent_at = now
        delivery.next_attempt_at = None
        ok = True
    delivery.save(
        update_fields=[
            "state",
            "reason",
            "attempts",
            "last_attempt_at",
            "next_attempt_at",
            "sent_at",
        ]
    )
    return ok


def deliver_due(
    *, now: datetime | None = None, channel: str | None = None
) -> dict[str, int]:
    """Send what is due on every outgoing channel (or one), within each
    channel's rate limit. Returns counts of sent and failed rows."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    for name in [channel] if channel else [c.value for c in OPTIONAL_CHANNELS]:
        ids = _claim(name, now)
        rows = Delivery.objects.filter(id__in=ids).select_related(
            "message", "worker__user"
        )
        for delivery in rows:
            counts["sent" if deliver_one(delivery, now) else "failed"] += 1
    return counts


def failed_deliveries(message: Message, user: Any) -> QuerySet[Delivery]:
    """Rows given up after every attempt: reported to the officer."""
    return (
        Delivery.objects.visible_to(user)
        .filter(message=message, state=DeliveryState.FAILED)
        .filter(Q(next_attempt_at__isnull=True) | Q(attempts__gte=max_attempts()))
        .select_related("worker")
    )


# --- the worker's side ------------------------------------------------------------


def inbox(worker: Worker, today: date | None = None) -> QuerySet[Delivery]:
    """The worker's inbox rows of sent messages still valid, newest first."""
    today = today or timezone.localdate()
    return (
        Delivery.objects.filter(
            worker=worker, channel=Channel.INBOX, message__state=MessageState.SENT
        )
        .filter(
            Q(message__valid_until__isnull=True) | Q(message__valid_until__gte=today)
        )
        .select_related("message")
        .order_by("-message__sent_at", "-id")
    )


def mark_shown(rows: list[Delivery]) -> None:
    """The inbox list was shown: its unread rows are delivered."""
    ids = [d.pk for d in rows if d.state == DeliveryState.SENT]
    if ids:
        Delivery.objects.filter(id__in=ids, state=DeliveryState.SENT).update(
            state=DeliveryState.DELIVERED
        )


def mark_read(*, delivery: Delivery, now: datetime | None = None) -> Delivery:
    """The worker opened the message: read (the first time counts)."""
    if delivery.read_at is None:
        now = now or timezone.now()
        Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
            read_at=now, state=DeliveryState.READ
        )
        delivery.refresh_from_db()
    return delivery


def answer_quiz(*, delivery: Delivery, answer: Any) -> Delivery:
    """Record the worker's one answer to the quiz."""
    message = delivery.message
    if not message.has_quiz:
        raise ValidationError({"answer": _("This message has no quiz.")})
    try:
        choice = int(answer)
    except (TypeError, ValueError):
        choice = 0
    if not 1 <= choice <= len(message.quiz_answers):
        raise ValidationError({"answer": _("Choose one of the answers.")})
    mark_read(delivery=delivery)
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, quiz_answer__isnull=True).update(
        quiz_answer=choice, quiz_right=choice == message.quiz_right, answered_at=now
    )
    if not updated:
        raise ValidationError({"answer": _("You have already answered this quiz.")})
    delivery.refresh_from_db()
    return delivery


# --- reach -------------------------------------------------------------------------


@dataclass
class ReachRow:
    unit_id: int | None
    unit_name: str
    total: int
    received: int
    read: int
    answered: int
    right: int

    def share(self, part: int) -> int:
        return math.floor(100 * part / self.total) if self.total else 0

    @property
    def received_pct(self) -> int:
        return self.share(self.received)

    @property
    def read_pct(self) -> int:
        return self.share(self.read)

    @property
    def right_pct(self) -> int:
        return self.share(self.right)

    @property
    def below_target(self) -> bool:
        return self.received_pct < REACH_TARGET

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit": self.unit_name,
            "recipients": self.total,
            "received": self.received,
            "read": self.read,
            "quiz_answered": self.answered,
            "understood": self.right,
            "received_pct": self.received_pct,
            "read_pct": self.read_pct,
            "understood_pct": self.right_pct,
            "below_target": self.below_target,
        }


RECEIVED_Q = Q(channel=Channel.INBOX, state__in=("delivered", "read")) | (
    ~Q(channel=Channel.INBOX) & Q(state__in=("sent", "delivered", "read"))
)


def reach(message: Message, user: Any) -> tuple[list[ReachRow], ReachRow]:
    """Per unit (the worker's enterprise or residence) and in total: workers
    targeted, reached by at least one channel, who read the message and who
    answered the quiz right; only the deliveries ``user`` may see."""
    rows = (
        Delivery.objects.visible_to(user)
        .filter(message=message)
        .values("unit_id", unit_name=F("unit__name"))
        .annotate(
            total=Count("worker", distinct=True, filter=Q(channel=Channel.INBOX)),
            received=Count("worker", distinct=True, filter=RECEIVED_Q),
            read=Count("worker", distinct=True, filter=Q(read_at__isnull=False)),
            answered=Count(
                "worker", distinct=True, filter=Q(quiz_answer__isnull=False)
            ),
            right=Count("worker", distinct=True, filter=Q(quiz_right=True)),
        )
        .order_by("unit__name", "unit_id")
    )
    result = [
        ReachRow(
            unit_id=r["unit_id"],
            unit_name=r["unit_name"] or "—",
            total=r["total"],
            received=r["received"],
            read=r["read"],
            answered=r["answered"],
            right=r["right"],
        )
        for r in rows
    ]
    total = ReachRow(
        unit_id=None,
        unit_name=_("Total"),
        total=sum(r.total for r in result),
        received=sum(r.received for r in result),
        read=sum(r.read for r in result),
        answered=sum(r.answered for r in result),
        right=sum(r.right for r in result),
    )
    return result, total


# --- offline channels ----------------------------------------------------------------


def loudspeaker_script(message: Message) -> tuple[str, int]:
    """Text to read aloud (the message twice: repetition is what is remembered)
    and its reading time in seconds at :data:`READING_PACE`."""
    body = plain.normalise(message.body)
    script = "\n\n".join(
        [
            _("Notice to workers: %(title)s.") % {"title": message.title},
            body,
            _("I repeat:"),
            body,
        ]
    )
    seconds = math.ceil(len(plain.syllables(script)) * 60 / READING_PACE)
    return script, seconds

"""Worker passages at gates: one scan from the guard's phone, or batches of up
to 5,000 from gate devices and phones that were offline.

Both paths judge a card the same way (``_judge``) and store through the same
set-based insert (``_store``): on PostgreSQL one ``INSERT ... SELECT FROM
unnest(...) ON CONFLICT (client_id) DO NOTHING RETURNING`` for the passages and
one upsert for presence; on SQLite the same rows through the ORM. A client UUID
seen before is reported as a duplicate and never stored twice, so a device may
resend a batch as often as its connection needs.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core.batch import BatchResult
from tuquan.core.pg import array_literal, server_bound
from tuquan.gates.choices import Direction, EventFlag, EventSource, ScanStatus
from tuquan.gates.models import (
    Gate,
    GateEvent,
    Presence,
    WorkerCard,
    normalise_card_code,
)
from tuquan.gates.restrictions import restricted_workers
from tuquan.organisations.choices import OperatingMode
from tuquan.organisations.models import BusRoute
from tuquan.people.models import EmploymentStatus

MAX_BATCH = 5000
DIRECTIONS = frozenset(Direction.values)


class CardInfo(NamedTuple):
    """What the gate needs to know about a card, read in one query."""

    card_id: int
    code: str
    revoked_at: datetime | None
    worker_id: int
    full_name: str
    employment_status: str
    enterprise_id: int | None
    enterprise_name: str
    enterprise_path: str
    operating_mode: str
    bus_route_id: int | None


@dataclass
class Passage:
    """One valid passage, ready to store."""

    index: int
    client_id: uuid.UUID
    gate: Gate
    card: CardInfo
    direction: str
    occurred_at: datetime
    bus_route_id: int | None
    flag: str = ""


@dataclass
class ScanOutcome:
    """What the guard's screen shows after one scan."""

    status: str
    message: str
    card: CardInfo | None = None
    direction: str = ""
    occurred_at: datetime | None = None
    client_id: uuid.UUID | None = None
    recorded: bool = False  # False for a replayed client_id
    flag: str = ""
    since: datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.status == ScanStatus.ALLOWED


# --------------------------------------------------------------------------------------
# Who may record, and the rules a card must pass
# --------------------------------------------------------------------------------------


def sees_gate(user: Any, gate: Gate) -> bool:
    """``Gate.objects.visible_to(user)`` for one gate already in hand, from the
    user's cached scope paths (no query on the scan path)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    paths = scope_paths(user)
    return paths is None or any(gate.path.startswith(path) for path in paths)


def may_record_at(user: Any, gate: Gate) -> bool:
    """Guards of the gate and editors over it record passages there."""
    if not sees_gate(user, gate):
        return False
    if user.is_superuser or can_edit(user, gate.path):
        return True
    paths = scope_paths(user, frozenset({Role.GATE_GUARD})) or []
    return any(gate.path.startswith(path) for path in paths)


# Gates change rarely and every scan needs one: each process keeps them for a
# short while (saving a gate clears the cache of the process that saved it).
GATE_CACHE_SECONDS = 30.0
_gate_cache: dict[int, tuple[float, Gate]] = {}


def cached_gate(pk: int) -> Gate | None:
    """The gate with its site, from this process's short-lived cache."""
    now = time.monotonic()
    hit = _gate_cache.get(pk)
    if hit is not None and hit[0] > now:
        return hit[1]
    gate = Gate.objects.select_related("site").filter(pk=pk).first()
    if gate is not None:
        _gate_cache[pk] = (now + GATE_CACHE_SECONDS, gate)
    return gate


def forget_gates(**_kwargs: Any) -> None:
    _gate_cache.clear()


def recordable_gates(user: Any, gate_ids: Iterable[int]) -> dict[int, Gate]:
    """The gates among ``gate_ids`` where ``user`` may record, by id."""
    found: dict[int, Gate] = {}
    for gate_id in {gid for gid in gate_ids if isinstance(gid, int)}:
        gate = cached_gate(gate_id)
        if gate is not None and may_record_at(user, gate):
            found[gate_id] = gate
    return found


_CARD_SQL = """
    SELECT c.id, c.code, c.revoked_at, w.id, w.full_name, w.employment_status,
        w.enterprise_id, o.name, o.path, e.operating_mode, w.bus_route_id
    FROM gates_workercard c
    JOIN people_worker w ON w.id = c.worker_id
    LEFT JOIN organisations_enterprise e ON e.organisation_ptr_id = w.enterprise_id
    LEFT JOIN organisations_organisation o ON o.id = w.enterprise_id
    WHERE c.code = ANY(%s)
"""


def load_cards(codes: Iterable[str]) -> dict[str, CardInfo]:
    """Cards by code with their worker and employer, in one query."""
    codes = list({code for code in codes if code})
    if not codes:
        return {}
    if connection.vendor == "postgresql":
        # 5,000 codes as one array parameter, rows straight into tuples.
        return _by_code(server_bound(_CARD_SQL, [codes]))
    rows = WorkerCard.objects.filter(code__in=codes).values_list(
        "pk",
        "code",
        "revoked_at",
        "worker_id",
        "worker__full_name",
        "worker__employment_status",
        "worker__enterprise_id",
        "worker__enterprise__name",
        "worker__enterprise__path",
        "worker__enterprise__operating_mode",
        "worker__bus_route_id",
    )
    return _by_code(rows)


def _by_code(rows: Iterable[Sequence[Any]]) -> dict[str, CardInfo]:
    cards: dict[str, CardInfo] = {}
    for row in rows:
        info = CardInfo(*row)
        current = cards.get(info.code)
        # Codes are unique; the guard only protects against a reissued code.
        if current is None or current.revoked_at is not None:
            cards[info.code] = info
    return cards


def _judge(
    card: CardInfo | None,
    gate: Gate,
    direction: str,
    at: datetime,
    restricted: dict[int, str],
) -> tuple[str, str]:
    """(status, reason) for a card at a gate; status ALLOWED means store it."""
    if card is None:
        return ScanStatus.UNKNOWN_CARD, _("Unknown card: no worker has this code.")
    if card.revoked_at is not None and card.revoked_at <= at:
        return ScanStatus.REVOKED, _("This card was revoked; ask for a new card.")
    if not (card.enterprise_path or "").startswith(gate.site.path):
        return ScanStatus.OTHER_SITE, _(
            "The card belongs to a worker of another zone or enterprise."
        )
    if card.employment_status != EmploymentStatus.ACTIVE:
        return ScanStatus.NOT_ACTIVE, _(
            "The worker is not currently working (on leave or left)."
        )
    if direction == Direction.IN and card.worker_id in restricted:
        return ScanStatus.MUST_NOT_WORK, _("The worker must not work: %(reason)s") % {
            "reason": restricted[card.worker_id]
        }
    return ScanStatus.ALLOWED, ""


def _flag_for(card: CardInfo, direction: str, bus_route_id: int | None) -> str:
    """Operating-mode checks: passages the zone board should look at."""
    if card.operating_mode == OperatingMode.ON_SITE and direction == Direction.OUT:
        return EventFlag.ON_SITE_EXIT
    if (
        card.operating_mode == OperatingMode.FIXED_ROUTE
        and direction == Direction.IN
        and (bus_route_id is None or bus_route_id != card.bus_route_id)
    ):
        return EventFlag.OFF_ROUTE
    return ""


def time_window() -> tuple[datetime, datetime]:
    """Oldest and newest acceptable passage times, as of now."""
    now = timezone.now()
    return (
        now - timedelta(days=settings.TUQUAN_GATE_RETENTION_DAYS),
        now + timedelta(seconds=settings.TUQUAN_GATE_CLOCK_SKEW_SECONDS),
    )


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time; without an offset it is Vietnam time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and 10 <= len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# --------------------------------------------------------------------------------------
# Batches from devices
# --------------------------------------------------------------------------------------


def record_gate_events(
    *, events: Any, by: Any, source: str = EventSource.DEVICE
) -> BatchResult:
    """Store a batch of passages; every event is accepted, a duplicate of one
    stored before, or rejected with a Vietnamese reason. Invalid events never
    stop the valid ones beside them."""
    if not isinstance(events, list):
        raise ValidationError(
            {"events": _('Send the passages as a list under "events".')}
        )
    if len(events) > MAX_BATCH:
        raise ValidationError(
            {
                "events": _(
                    "At most %(max)d passages per request; this one has %(count)d."
                )
                % {"max": MAX_BATCH, "count": len(events)}
            }
        )
    result = BatchResult()
    oldest, newest = time_window()
    parsed: list[tuple[int, uuid.UUID, int, str, str, datetime, int | None]] = []
    seen: set[uuid.UUID] = set()
    msg_not_object = _("Each passage must be an object.")
    msg_gate = _("gate must be the number of a gate.")
    msg_card = _("card must be the code printed on the worker card.")
    msg_direction = _('direction must be "in" or "out".')
    msg_time = _("occurred_at must be a date and time (ISO 8601).")
    msg_future = _("occurred_at is in the future; check the device clock.")
    msg_old = _(
        "occurred_at is older than %(days)d days and can no longer be taken."
    ) % {"days": settings.TUQUAN_GATE_RETENTION_DAYS}
    msg_route = _("bus_route must be the number of a shuttle bus route.")
    for index, event in enumerate(events):
        if not isinstance(event, dict):
            result.reject(index, None, "__all__", msg_not_object)
            continue
        client_id = result.claim(index, event, seen)
        if client_id is None:
            continue
        gate_id = event.get("gate")
        if not isinstance(gate_id, int) or isinstance(gate_id, bool):
            result.reject(index, client_id, "gate", msg_gate)
            continue
        code = event.get("card")
        code = normalise_card_code(code) if isinstance(code, str) else ""
        if not code:
            result.reject(index, client_id, "card", msg_card)
            continue
        direction = event.get("direction")
        if direction not in DIRECTIONS:
            result.reject(index, client_id, "direction", msg_direction)
            continue
        moment = parse_time(event.get("occurred_at"))
        if moment is None:
            result.reject(index, client_id, "occurred_at", msg_time)
            continue
        if moment > newest:
            result.reject(index, client_id, "occurred_at", msg_future)
            continue
        if moment < oldest:
            result.reject(index, client_id, "occurred_at", msg_old)
            continue
        route = event.get("bus_route")
        if route is not None and (
            not isinstance(route, int) or isinstance(route, bool)
        ):
            result.reject(index, client_id, "bus_route", msg_route)
            continue
        parsed.append((index, client_id, gate_id, code, direction, moment, route))

    gates = recordable_gates(by, {row[2] for row in parsed})
    cards = load_cards(row[3] for row in parsed)
    routes = {row[6] for row in parsed if row[6] is not None}
    known_routes = (
        set(BusRoute.objects.filter(pk__in=routes).values_list("pk", flat=True))
        if routes
        else set()
    )
    restricted = restricted_workers(
        {card.worker_id for card in cards.values()}, timezone.now()
    )
    msg_no_gate = _("Unknown gate, or not a gate where you record passages.")
    msg_inactive = _("This gate is not in use.")
    msg_vehicle_gate = _("This gate takes vehicles only, not workers.")
    msg_unknown_route = _("Unknown shuttle bus route.")
    passages: list[Passage] = []
    for index, client_id, gate_id, code, direction, moment, route in parsed:
        gate = gates.get(gate_id)
        if gate is None:
            result.reject(index, client_id, "gate", msg_no_gate)
            continue
        if not gate.active:
            result.reject(index, client_id, "gate", msg_inactive)
            continue
        if not gate.takes_workers:
            result.reject(index, client_id, "gate", msg_vehicle_gate)
            continue
        if route is not None and route not in known_routes:
            result.reject(index, client_id, "bus_route", msg_unknown_route)
            continue
        card = cards.get(code)
        status, reason = _judge(card, gate, direction, moment, restricted)
        if status != ScanStatus.ALLOWED:
            result.reject(index, client_id, "card", reason)
            continue
        assert card is not None
        passages.append(
            Passage(
                index=index,
                client_id=client_id,
                gate=gate,
                card=card,
                direction=direction,
                occurred_at=moment,
                bus_route_id=route,
                flag=_flag_for(card, direction, route),
            )
        )
    stored = _store(passages, by=by, source=source)
    for passage in passages:
        text = str(passage.client_id)
        (result.accepted if passage.client_id in stored else result.duplicates).append(
            text
        )
    result.rejected.sort(key=lambda item: item["index"])
    return result


# --------------------------------------------------------------------------------------
# One scan from the guard's page
# --------------------------------------------------------------------------------------


def scan_card(
    *,
    gate: Gate,
    code: str,
    direction: str,
    by: Any,
    bus_route_id: int | None = None,
    occurred_at: datetime | None = None,
    client_id: uuid.UUID | None = None,
) -> ScanOutcome:
    """Judge one card at ``gate`` and store the passage when it is allowed.

    A second "in" for a worker already inside is answered ALREADY_INSIDE and
    not stored: the guard scanned twice, or the worker never checked out.
    """
    if not may_record_at(by, gate):
        raise PermissionDenied(_("You do not record passages at this gate."))
    if direction not in DIRECTIONS:
        raise ValidationError({"direction": _("Choose in or out.")})
    if not gate.active:
        raise ValidationError({"gate": _("This gate is not in use.")})
    moment = occurred_at or timezone.now()
    oldest, newest = time_window()
    if not oldest <= moment <= newest:
        raise ValidationError(
            {"occurred_at": _("The scan time is outside the accepted window.")}
        )
    card, last = _scan_lookup(normalise_card_code(code), gate.site_id)
    restricted = (
        restricted_workers([card.worker_id], moment)
        if card is not None and direction == Direction.IN
        else {}
    )
    status, reason = _judge(card, gate, direction, moment, restricted)
    if status != ScanStatus.ALLOWED:
        return ScanOutcome(
            status=status, message=reason, card=card, direction=direction
        )
    assert card is not None
    if direction == Direction.IN and last is not None:
        last_direction, since = last
        if last_direction == Direction.IN and presence_cutoff() <= since <= moment:
            return ScanOutcome(
                status=ScanStatus.ALREADY_INSIDE,
                message=_("Already inside since %(time)s.")
                % {"time": timezone.localtime(since).strftime("%H:%M %d/%m")},
                card=card,
                direction=direction,
                since=since,
            )
    passage = Passage(
        index=0,
        client_id=client_id or uuid.uuid4(),
        gate=gate,
        card=card,
        direction=direction,
        occurred_at=moment,
        bus_route_id=bus_route_id,
        flag=_flag_for(card, direction, bus_route_id),
    )
    stored = _store([passage], by=by, source=EventSource.SCAN)
    return ScanOutcome(
        status=ScanStatus.ALLOWED,
        message="",
        card=card,
        direction=direction,
        occurred_at=moment,
        client_id=passage.client_id,
        recorded=passage.client_id in stored,
        flag=passage.flag,
    )


_SCAN_SQL = _CARD_SQL.replace(
    "WHERE c.code = ANY(%s)",
    """LEFT JOIN gates_presence p ON p.worker_id = w.id AND p.site_id = %s
    WHERE c.code = %s""",
).replace("w.bus_route_id", "w.bus_route_id, p.direction, p.occurred_at", 1)


def _scan_lookup(
    code: str, site_id: int
) -> tuple[CardInfo | None, tuple[str, datetime] | None]:
    """The card and the worker's latest passage at the site: one query on
    PostgreSQL, where a scan's speed is measured."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_SCAN_SQL, [site_id, code])
            rows = cursor.fetchall()
        if not rows:
            return None, None
        row = rows[0]
        last = (row[-2], row[-1]) if row[-2] is not None else None
        return CardInfo(*row[:-2]), last
    card = load_cards([code]).get(code)
    if card is None:
        return None, None
    last = (
        Presence.objects.filter(site_id=site_id, worker_id=card.worker_id)
        .values_list("direction", "occurred_at")
        .first()
    )
    return card, last


def presence_cutoff(now: datetime | None = None) -> datetime:
    """Entries older than this without an exit no longer count as inside (the
    end-of-day rule: a forgotten check-out closes itself)."""
    now = now or timezone.now()
    return now - timedelta(hours=settings.TUQUAN_PRESENCE_MAX_HOURS)


# --------------------------------------------------------------------------------------
# Storage: set-based on PostgreSQL, the ORM elsewhere
# --------------------------------------------------------------------------------------


def _store(passages: Sequence[Passage], *, by: Any, source: str) -> set[uuid.UUID]:
    """Insert the passages that are new and move presence; return the client
    UUIDs that were new."""
    if not passages:
        return set()
    now = timezone.now()
    recorder = by.pk if by is not None and by.is_authenticated else None
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # One statement is atomic by itself: no BEGIN/COMMIT round trips.
        return _insert_postgresql(passages, recorder, source, now)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _insert_postgresql(passages, recorder, source, now)
        stored = _insert_portable(passages, recorder, source, now)
        _update_presence([p for p in passages if p.client_id in stored])
    return stored


# Passages and presence in one statement: the rows the insert really added
# (a replayed client_id adds none) feed the presence upsert, each worker's
# latest passage per site only, in one lock order for every request so that
# concurrent batches cannot deadlock; a late, older passage never overwrites
# a newer presence.
_INSERT_SQL = """
    WITH added AS (
        INSERT INTO gates_gateevent (client_id, gate_id, site_id, worker_id,
            enterprise_id, card_id, direction, occurred_at, bus_route_id, flag,
            received_at, source, recorded_by_id)
        SELECT t.*, %s::timestamptz, %s::varchar, %s::bigint
        FROM unnest(%s::uuid[], %s::bigint[], %s::bigint[], %s::bigint[],
            %s::bigint[], %s::bigint[], %s::varchar[], %s::timestamptz[],
            %s::bigint[], %s::varchar[]) AS t
        ON CONFLICT (client_id) DO NOTHING
        RETURNING client_id, site_id, worker_id, enterprise_id, gate_id, direction,
            occurred_at
    ), latest AS (
        SELECT DISTINCT ON (site_id, worker_id) site_id, worker_id, enterprise_id,
            gate_id, direction, occurred_at
        FROM added
        ORDER BY site_id, worker_id, occurred_at DESC
    ), moved AS (
        INSERT INTO gates_presence (site_id, worker_id, enterprise_id, gate_id,
            direction, occurred_at)
        SELECT * FROM latest ORDER BY site_id, worker_id
        ON CONFLICT (site_id, worker_id) DO UPDATE SET
            enterprise_id = excluded.enterprise_id, gate_id = excluded.gate_id,
            direction = excluded.direction, occurred_at = excluded.occurred_at
        WHERE gates_presence.occurred_at < excluded.occurred_at
    )
    SELECT client_id FROM added
"""


def _insert_postgresql(
    passages: Sequence[Passage], recorder: int | None, source: str, now: datetime
) -> set[uuid.UUID]:
    # Arrays travel as PostgreSQL array literals cast in SQL: joining 5,000
    # strings costs a fraction of adapting 5,000 values one by one. Every value
    # here is a UUID, a number, a fixed code or an ISO time: none needs quoting
    # except the empty flag, written "".
    params = [
        now,
        source,
        recorder,
        array_literal(str(p.client_id) for p in passages),
        array_literal(p.gate.pk for p in passages),
        array_literal(p.gate.site_id for p in passages),
        array_literal(p.card.worker_id for p in passages),
        array_literal(p.card.enterprise_id for p in passages),
        array_literal(p.card.card_id for p in passages),
        array_literal(p.direction for p in passages),
        array_literal(p.occurred_at.isoformat() for p in passages),
        array_literal(p.bus_route_id for p in passages),
        array_literal(p.flag or '""' for p in passages),
    ]
    return {row[0] for row in server_bound(_INSERT_SQL, params)}


def _insert_portable(
    passages: Sequence[Passage], recorder: int | None, source: str, now: datetime
) -> set[uuid.UUID]:
    ids = [p.client_id for p in passages]
    existing: set[uuid.UUID] = set()
    for start in range(0, len(ids), 900):
        existing.update(
            GateEvent.objects.filter(
                client_id__in=ids[start : start + 900]
            ).values_list("client_id", flat=True)
        )
    fresh = [p for p in passages if p.client_id not in existing]
    GateEvent.objects.bulk_create(
        [
            GateEvent(
                client_id=p.client_id,
                gate_id=p.gate.pk,
                site_id=p.gate.site_id,
                worker_id=p.card.worker_id,
                enterprise_id=p.card.enterprise_id,
                card_id=p.card.card_id,
                direction=p.direction,
                occurred_at=p.occurred_at,
                received_at=now,
                bus_route_id=p.bus_route_id,
                flag=p.flag,
                source=source,
                recorded_by_id=recorder,
            )
            for p in fresh
        ],
        batch_size=500,
    )
    return {p.client_id for p in fresh}


def _update_presence(passages: Sequence[Passage]) -> None:
    """Move each worker's latest passage per site into ``Presence`` (the
    portable twin of the upsert inside ``_INSERT_SQL``); an older passage
    arriving late never overwrites a newer one."""
    latest: dict[tuple[int, int], Passage] = {}
    for p in passages:
        key = (p.gate.site_id, p.card.worker_id)
        current = latest.get(key)
        if current is None or p.occurred_at > current.occurred_at:
            latest[key] = p
    if not latest:
        return
    rows = [latest[key] for key in sorted(latest)]
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            """INSERT INTO gates_presence (site_id, worker_id, enterprise_id,
                gate_id, direction, occurred_at)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (site_id, worker_id) DO UPDATE SET
                enterprise_id = excluded.enterprise_id, gate_id = excluded.gate_id,
                direction = excluded.direction, occurred_at = excluded.occurred_at
            WHERE gates_presence.occurred_at < excluded.occurred_at""",
            [
                (
                    p.gate.site_id,
                    p.card.worker_id,
                    p.card.enterprise_id,
                    p.gate.pk,
                    p.direction,
                    adapt(p.occurred_at),
                )
                for p in rows
            ],
        )

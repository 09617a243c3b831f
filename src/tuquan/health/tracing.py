"""Automatic contact tracing: who may have caught the disease from a case.

When a case is confirmed (``tasks.trace_case_contacts``, run by Celery or
eagerly) the case's days in the profile's look-back window are searched for
F1 candidates, each with its reasons and a score:

- the same self-management team (membership overlapping the window);
- the same shift and production line — or, without a line, the same shift and
  workshop — on days both passed a gate (from gate passages; when the case has
  no passage recorded in the window, the co-workers are listed without days and
  with fewer points);
- the same boarding-house room (the same residence is a weaker reason);
- the same shuttle bus route on the same day (the route recorded on passages);
- passages at the same gate within ±N minutes (``TUQUAN_TRACE_GATE_MINUTES``).

The score only ranks the list for the health officer (highest first); it is not
a probability. The officer confirms a candidate (quarantine until the last
contact day plus the profile's quarantine days, and follow-up tests) or
dismisses it. F2 (contacts of a confirmed F1) are searched on demand.

Everything here is for health officers; employers learn only "not before
<date>" through :func:`tuquan.health.cases.work_restrictions`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tuquan.core import audit
from tuquan.core.pg import server_bound
from tuquan.gates.models import GateEvent
from tuquan.health.models import (
    Case,
    Contact,
    ContactStatus,
    FollowUp,
)
from tuquan.people.models import EmploymentStatus, TeamMembership, Worker

# Points per reason; extra shared days add DAY_BONUS each (see _score).
POINTS = {
    "room": 40,
    "team": 30,
    "line_shift": 30,
    "bus": 20,
    "workshop_shift": 15,
    "residence": 10,
    "gate": 10,
}
UNRECORDED_POINTS = 15  # co-workers of a case with no passage in the window
DAY_BONUS = 5
GATE_MAX = 30
SCORE_MAX = 100


@dataclass
class Reason:
    code: str
    ref: str = ""
    days: set[date] = field(default_factory=set)
    count: int = 0
    unrecorded: bool = False

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "ref": self.ref}
        if self.days:
            data["days"] = sorted(day.isoformat() for day in self.days)
        if self.count:
            data["count"] = self.count
        if self.unrecorded:
            data["unrecorded"] = True
        return data


@dataclass
class Candidate:
    worker_id: int
    reasons: dict[str, Reason] = field(default_factory=dict)

    def add(self, code: str, ref: str, days: Iterable[date] = (), **extra: Any) -> None:
        reason = self.reasons.setdefault(code, Reason(code, ref))
        reason.days.update(days)
        reason.count += extra.get("count", 0)
        reason.unrecorded = reason.unrecorded or extra.get("unrecorded", False)

    @property
    def score(self) -> int:
        total = 0
        for reason in self.reasons.values():
            if reason.code == "gate":
                total += min(GATE_MAX, POINTS["gate"] * max(reason.count, 1))
            elif reason.unrecorded:
                total += UNRECORDED_POINTS
            else:
                extra_days = max(len(reason.days) - 1, 0)
                total += POINTS[reason.code] + DAY_BONUS * extra_days
        return min(total, SCORE_MAX)

    def days(self) -> set[date]:
        return set().union(*(reason.days for reason in self.reasons.values()))


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def since(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def until(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.end + timedelta(days=1), time.min)
        )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def exposure_window(case: Case) -> Window:
    """From the look-back days before onset (or confirmation) to confirmation,
    after which the case is in isolation."""
    start = case.traced_from - timedelta(days=case.profile.lookback_days)
    return Window(start, max(case.confirmed_on, case.traced_from))


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def find_contacts(worker: Worker, window: Window) -> dict[int, Candidate]:
    """Everyone who shared a team, a line, a room, a bus or a gate moment with
    ``worker`` in ``window``, with the reasons. About ten indexed queries; the
    caller drops the workers it already knows."""
    found: dict[int, Candidate] = {}

    def candidate(worker_id: int) -> Candidate:
        if worker_id not in found:
            found[worker_id] = Candidate(worker_id)
        return found[worker_id]

    own_events = list(
        GateEvent.objects.filter(
            worker_id=worker.pk,
            occurred_at__gte=window.since,
            occurred_at__lt=window.until,
        )
        .select_related("gate", "bus_route")
        .only("gate__name", "bus_route__name", "occurred_at", "gate_id", "bus_route_id")
    )
    present = {_local_day(event.occurred_at) for event in own_events}
    active = Q(employment_status=EmploymentStatus.ACTIVE)

    # Same team, membership overlapping the window.
    memberships = TeamMembership.objects.filter(worker=worker).filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=window.end),
        Q(left_on__isnull=True) | Q(left_on__gte=window.start),
    )
    teams = dict(memberships.values_list("team_id", "team__name"))
    if teams:
        mates = (
            TeamMembership.objects.filter(team_id__in=teams)
            .filter(
                Q(joined_on__isnull=True) | Q(joined_on__lte=window.end),
                Q(left_on__isnull=True) | Q(left_on__gte=window.start),
            )
            .exclude(worker_id=worker.pk)
            .values_list("worker_id", "team_id")
        )
        for mate_id, team_id in mates:
            candidate(mate_id).add("team", teams[team_id])

    # Same shift and line (or workshop) on days both were present.
    if worker.shift_id and (worker.line_id or worker.workshop_id):
        group = Worker.objects.filter(active, shift_id=worker.shift_id).exclude(
            pk=worker.pk
        )
        if worker.workshop_id:
            group = group.filter(workshop_id=worker.workshop_id)
        else:
            group = group.filter(line_id=worker.line_id)
        lines = dict(group.values_list("pk", "line_id"))
        unit = worker.line or worker.workshop
        line_ref = f"{unit.name}, {worker.shift.name}"  # type: ignore[union-attr]
        workshop_ref = f"{getattr(worker.workshop, 'name', '')}, {worker.shift.name}"

        def _code(mate_id: int) -> tuple[str, str]:
            if worker.line_id and lines.get(mate_id) == worker.line_id:
                return "line_shift", line_ref
            if not worker.workshop_id:
                return "line_shift", line_ref
            return "workshop_shift", workshop_ref

        if present:
            shared: dict[int, set[date]] = defaultdict(set)
            rows = GateEvent.objects.filter(
                worker_id__in=group.values("pk"),
                occurred_at__gte=window.since,
                occurred_at__lt=window.until,
            ).values_list("worker_id", "occurred_at")
            for mate_id, moment in rows:
                day = _local_day(moment)
                if day in present:
                    shared[mate_id].add(day)
            for mate_id, days in shared.items():
                code, ref = _code(mate_id)
                candidate(mate_id).add(code, ref, days)
        else:
            # No passage recorded for the case: the line is still a lead.
            for mate_id in lines:
                code, ref = _code(mate_id)
                candidate(mate_id).add(code, ref, unrecorded=True)

    # Same room, same residence.
    if worker.residence_id:
        rooms = Worker.objects.filter(active, residence_id=worker.residence_id)
        for mate_id, room_id in rooms.exclude(pk=worker.pk).values_list(
            "pk", "room_id"
        ):
            if worker.room_id and room_id == worker.room_id:
                candidate(mate_id).add(
                    "room",
                    f"{worker.room.number}, {worker.residence.name}",  # type: ignore[union-attr]
                )
            else:
                candidate(mate_id).add("residence", worker.residence.name)  # type: ignore[union-attr]

    # Same shuttle bus route on the same day.
    rides = {
        (event.bus_route_id, _local_day(event.occurred_at)): event.bus_route.name
        for event in own_events
        if event.bus_route_id
    }
    if rides:
        ride_q = Q()
        for route_id, day in rides:
            ride_q |= Q(
                bus_route_id=route_id,
                occurred_at__gte=Window(day, day).since,
                occurred_at__lt=Window(day, day).until,
            )
        rows = (
            GateEvent.objects.filter(ride_q)
            .exclude(worker_id=worker.pk)
            .values_list("worker_id", "bus_route_id", "occurred_at")
        )
        for mate_id, route_id, moment in rows:
            day = _local_day(moment)
            if (route_id, day) in rides:
                candidate(mate_id).add("bus", rides[route_id, day], [day])

    # The same gate within ±N minutes.
    minutes = timedelta(minutes=settings.TUQUAN_TRACE_GATE_MINUTES)
    if own_events:
        near_q = Q()
        for event in own_events:
            near_q |= Q(
                gate_id=event.gate_id,
                occurred_at__gte=event.occurred_at - minutes,
                occurred_at__lte=event.occurred_at + minutes,
            )
        gate_names = {event.gate_id: event.gate.name for event in own_events}
        rows = (
            GateEvent.objects.filter(near_q)
            .exclude(worker_id=worker.pk)
            .values_list("worker_id", "gate_id", "occurred_at")
        )
        meetings: dict[tuple[int, int], set[datetime]] = defaultdict(set)
        for mate_id, gate_id, moment in rows:
            # Count each of the case's passages a mate was near once.
            for event in own_events:
                if (
                    event.gate_id == gate_id
                    and abs(event.occurred_at - moment) <= minutes
                ):
                    meetings[mate_id, gate_id].add(event.occurred_at)
        for (mate_id, gate_id), moments in meetings.items():
            candidate(mate_id).add(
                "gate",
                gate_names[gate_id],
                {_local_day(moment) for moment in moments},
                count=len(moments),
            )
    return found


def _require_officer(case: Case, by: Any) -> None:
    from tuquan.health.cases import is_health_officer_for

    if by is not None and not is_health_officer_for(by, case.worker.scope_path or "-"):
        raise PermissionDenied(_("Only health officers trace contacts."))


@dataclass
class _Row:
    worker_id: int
    reasons: list[dict[str, Any]]
    score: int
    first: date
    last: date


def _save_candidates(
    case: Case,
    found: dict[int, Candidate],
    window: Window,
    *,
    parent: Contact | None,
) -> Any:
    """Create or refresh the case's contacts found by one search (F1, or the
    F2 of ``parent``); decisions already taken stay, undecided candidates that
    no longer turn up go away, and nobody already a case becomes a contact.
    Returns the search's contacts (a lazy queryset)."""
    rows = []
    for worker_id, found_one in found.items():
        if worker_id == case.worker_id:
            continue
        days = found_one.days()
        rows.append(
            _Row(
                worker_id,
                [reason.as_json() for reason in found_one.reasons.values()],
                found_one.score,
                min(days) if days else window.start,
                max(days) if days else window.end,
            )
        )
    generation = 1 if parent is None else 2
    parent_id = parent.pk if parent is not None else None
    if connection.vendor == "postgresql":
        _upsert_postgresql(case, rows, generation, parent_id)
    else:
        _upsert_portable(case, rows, generation, parent_id)
    return case.contacts.filter(generation=generation, parent_id=parent_id)


# One statement: the batch as JSON, stale candidates deleted, new ones
# inserted and known ones refreshed (ON CONFLICT on the one-row-per-worker
# constraint; a row of another search of the tree is left alone).
_UPSERT_CONTACTS_SQL = """
    WITH batch AS (
        SELECT * FROM json_to_recordset(%s::json) AS b(
            worker_id bigint, reasons jsonb, score int, first date, last date
        )
        WHERE NOT EXISTS (
            SELECT 1 FROM health_case k
            WHERE k.worker_id = b.worker_id AND k.outcome = 'isolating'
        )
    ), stale AS (
        DELETE FROM health_contact c
        WHERE c.case_id = %s AND c.status = 'candidate' AND c.generation = %s
          AND c.parent_id IS NOT DISTINCT FROM %s
          AND NOT EXISTS (SELECT 1 FROM batch b WHERE b.worker_id = c.worker_id)
    )
    INSERT INTO health_contact AS c (
        case_id, parent_id, generation, worker_id, reasons, score,
        first_contact_on, last_contact_on, status, traced_at
    )
    SELECT %s, %s, %s, b.worker_id, b.reasons, b.score, b.first, b.last,
           'candidate', %s
    FROM batch b
    ON CONFLICT (case_id, worker_id) DO UPDATE SET
        reasons = EXCLUDED.reasons, score = EXCLUDED.score,
        first_contact_on = EXCLUDED.first_contact_on,
        last_contact_on = EXCLUDED.last_contact_on, traced_at = EXCLUDED.traced_at
    WHERE c.generation = EXCLUDED.generation
      AND c.parent_id IS NOT DISTINCT FROM EXCLUDED.parent_id
"""


def _upsert_postgresql(
    case: Case, rows: list[_Row], generation: int, parent_id: int | None
) -> None:
    batch = orjson.dumps(
        [
            {
                "worker_id": row.worker_id,
                "reasons": row.reasons,
                "score": row.score,
                "first": row.first,
                "last": row.last,
            }
            for row in rows
        ]
    ).decode()
    now = timezone.now()
    server_bound(
        _UPSERT_CONTACTS_SQL,
        [batch, case.pk, generation, parent_id, case.pk, parent_id, generation, now],
    )


def _upsert_portable(
    case: Case, rows: list[_Row], generation: int, parent_id: int | None
) -> None:
    """The same as ``_UPSERT_CONTACTS_SQL`` through the ORM (SQLite)."""
    now = timezone.now()
    cases = set(
        Case.objects.open()
        .filter(worker_id__in=[row.worker_id for row in rows])
        .values_list("worker_id", flat=True)
    )
    rows = [row for row in rows if row.worker_id not in cases]
    existing = {contact.worker_id: contact for contact in case.contacts.all()}
    created, updated = [], []
    for row in rows:
        values = {
            "reasons": row.reasons,
            "score": row.score,
            "first_contact_on": row.first,
            "last_contact_on": row.last,
            "traced_at": now,
        }
        contact = existing.get(row.worker_id)
        if contact is None:
            created.append(
                Contact(
                    case=case,
                    parent_id=parent_id,
                    generation=generation,
                    worker_id=row.worker_id,
                    **values,
                )
            )
        elif contact.generation == generation and contact.parent_id == parent_id:
            for name, value in values.items():
                setattr(contact, name, value)
            updated.append(contact)
    wanted = {row.worker_id for row in rows}
    stale = [
        contact.pk
        for contact in existing.values()
        if contact.status == ContactStatus.CANDIDATE
        and contact.generation == generation
        and contact.parent_id == parent_id
        and contact.worker_id not in wanted
    ]
    Contact.objects.bulk_create(created, batch_size=500)
    Contact.objects.bulk_update(
        updated,
        ["reasons", "score", "first_contact_on", "last_contact_on", "traced_at"],
        batch_size=500,
    )
    if stale:
        Contact.objects.filter(pk__in=stale).delete()


def trace_case(case: Case, *, by: Any = None) -> Any:
    """F1 candidates of ``case`` (run again: refreshed, decisions kept)."""
    _require_officer(case, by)
    window = exposure_window(case)
    found = find_contacts(case.worker, window)
    with transaction.atomic():
        contacts = _save_candidates(case, found, window, parent=None)
        audit.record(
            audit.AuditAction.UPDATE,
            case,
            changes={"traced": len(found)},
            user=by,
            scope_path=case.worker.scope_path,
        )
    return contacts


def trace_second_generation(contact: Contact, *, by: Any) -> Any:
    """F2: people a confirmed F1 met from the first contact with the case until
    the F1 went into quarantine (today at the latest)."""
    case = contact.case
    _require_officer(case, by)
    if contact.generation != 1 or contact.status != ContactStatus.CONFIRMED:
        raise ValidationError(_("Only a confirmed F1 has F2 contacts to look for."))
    start = contact.first_contact_on or exposure_window(case).start
    decided = _local_day(contact.decided_at) if contact.decided_at else start
    window = Window(start, max(start, min(decided, timezone.localdate())))
    found = find_contacts(contact.worker, window)
    with transaction.atomic():
        contacts = _save_candidates(case, found, window, parent=contact)
        audit.record(
            audit.AuditAction.UPDATE,
            contact,
            changes={"traced_f2": len(found)},
            user=by,
            scope_path=contact.worker.scope_path,
        )
    return contacts


def schedule_follow_ups(
    *, worker_id: int, start: date, days: Iterable[int], **subject: Any
) -> list[FollowUp]:
    rows = [
        FollowUp(worker_id=worker_id, due_on=start + timedelta(days=offset), **subject)
        for offset in sorted(set(days))
    ]
    return FollowUp.objects.bulk_create(rows)


def confirm_contact(
    contact: Contact, *, by: Any, quarantine_until: date | None = None
) -> Contact:
    """A close contact: quarantine from the last contact for the profile's
    days (or until the date the officer sets), and follow-up tests."""
    _require_officer(contact.case, by)
    if contact.status == ContactStatus.CONFIRMED:
        raise ValidationError(_("This contact is already confirmed."))
    profile = contact.case.profile
    last = contact.last_contact_on or contact.case.confirmed_on
    until = quarantine_until or last + timedelta(days=profile.quarantine_days)
    if until < last:
        raise ValidationError(
            {"quarantine_until": _("Quarantine cannot end before the last contact.")}
        )
    with transaction.atomic():
        old = contact.status
        contact.status = ContactStatus.CONFIRMED
        contact.quarantine_until = until
        contact.decided_by, contact.decided_at = by, timezone.now()
        contact.save(
            update_fields=["status", "quarantine_until", "decided_by", "decided_at"]
        )
        contact.follow_ups.filter(done_on__isnull=True).delete()
        schedule_follow_ups(
            worker_id=contact.worker_id,
            start=last,
            days=profile.followup_test_days,
            contact=contact,
        )
        audit.record(
            audit.AuditAction.UPDATE,
            contact,
            changes={"status": [old, contact.status], "quarantine_until": str(until)},
            user=by,
            scope_path=contact.worker.scope_path,
        )
    return contact


def dismiss_contact(contact: Contact, *, by: Any) -> Contact:
    _require_officer(contact.case, by)
    if contact.children.filter(status=ContactStatus.CONFIRMED).exists():
        raise ValidationError(
            _("Confirmed F2 contacts depend on this person: dismiss them first.")
        )
    with transaction.atomic():
        old = contact.status
        contact.status = ContactStatus.DISMISSED
        contact.quarantine_until = None
        contact.decided_by, contact.decided_at = by, timezone.now()
        contact.save(
            update_fields=["status", "quarantine_until", "decided_by", "decided_at"]
        )
        contact.follow_ups.filter(done_on__isnull=True).delete()
        audit.record(
            audit.AuditAction.UPDATE,
            contact,
            changes={"status": [old, contact.status]},
            user=by,
            scope_path=contact.worker.scope_path,
        )
    return contact


def mark_follow_up_done(
    follow_up: FollowUp, *, by: Any, done_on: date | None = None, note: str = ""
) -> FollowUp:
    case = follow_up.case or follow_up.contact.case  # type: ignore[union-attr]
    _require_officer(case, by)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("The date cannot be in the future.")})
    follow_up.done_on, follow_up.note, follow_up.done_by = done_on, note, by
    follow_up.save(update_fields=["done_on", "note", "done_by"])
    return follow_up


def reason_text(reason: dict[str, Any]) -> str:
    """One Vietnamese sentence for a stored reason."""
    days = ", ".join(
        date_format(date.fromisoformat(day), "d/m") for day in reason.get("days", [])
    )
    ref = reason.get("ref", "")
    code = reason.get("code")
    if code == "team":
        return _("Same self-management team: %(ref)s") % {"ref": ref}
    if code in ("line_shift", "workshop_shift"):
        if reason.get("unrecorded"):
            return _(
                "Same shift and line or workshop (%(ref)s); the case has no gate "
                "passage recorded in the period"
            ) % {"ref": ref}
        if code == "line_shift":
            return _("Same shift and line (%(ref)s), both at work on %(days)s") % {
                "ref": ref,
                "days": days,
            }
        return _("Same shift and workshop (%(ref)s), both at work on %(days)s") % {
            "ref": ref,
            "days": days,
        }
    if code == "room":
        return _("Same room: %(ref)s") % {"ref": ref}
    if code == "residence":
        return _("Same boarding house: %(ref)s") % {"ref": ref}
    if code == "bus":
        return _("Same shuttle bus route (%(ref)s) on %(days)s") % {
            "ref": ref,
            "days": days,
        }
    if code == "gate":
        return _(
            "Passed gate %(ref)s within %(minutes)s minutes of the case "
            "%(count)s time(s) (%(days)s)"
        ) % {
            "ref": ref,
            "minutes": settings.TUQUAN_TRACE_GATE_MINUTES,
            "count": reason.get("count", 1),
            "days": days,
        }
    return str(ref)


# --------------------------------------------------------------------------------------
# Lockdown decision support (Decision 2787/QĐ-BYT: close the whole site, a
# workshop or line, or a team) — the workforce each option takes away.
# --------------------------------------------------------------------------------------


@dataclass
class LockdownOption:
    scope: str
    label: str
    unit: str
    affected: int
    workforce: int
    already_out: int

    @property
    def share(self) -> float:
        return self.affected / self.workforce if self.workforce else 0.0

    @property
    def remaining(self) -> int:
        return max(self.workforce - self.affected, 0)


def workers_off_work(enterprise_id: int, day: date) -> set[int]:
    """Workers of an enterprise in isolation or quarantine on ``day``."""
    from tuquan.health.cases import off_work_until

    return set(off_work_until(day, worker__enterprise_id=enterprise_id))


def lockdown_options(case: Case, day: date | None = None) -> list[LockdownOption]:
    worker = case.worker
    if worker.enterprise_id is None:
        return []
    day = day or timezone.localdate()
    staff = Worker.objects.filter(
        enterprise_id=worker.enterprise_id,
        employment_status=EmploymentStatus.ACTIVE,
    )
    off = workers_off_work(worker.enterprise_id, day)
    workforce = staff.count()
    options: list[LockdownOption] = []

    def option(scope: str, label: str, unit: str, members: Any) -> None:
        ids = set(members.values_list("pk", flat=True))
        options.append(
            LockdownOption(scope, label, unit, len(ids), workforce, len(ids & off))
        )

    for team_id, team_name in worker.memberships.current().values_list(
        "team_id", "team__name"
    ):
        option(
            "team",
            _("The team"),
            team_name,
            staff.filter(memberships__team_id=team_id, memberships__left_on=None),
        )
    if worker.line_id:
        option(
            "line",
            _("The production line"),
            str(worker.line),
            staff.filter(line_id=worker.line_id),
        )
    if worker.workshop_id:
        option(
            "workshop",
            _("The workshop"),
            str(worker.workshop),
            staff.filter(workshop_id=worker.workshop_id),
        )
    option("site", _("The whole site"), str(worker.enterprise), staff)
    return options


def chain(enterprise_id: int, *, since: date) -> list[dict[str, Any]]:
    """Cases of an enterprise's workers since a day, each with its F1 and
    their F2: the transmission chains, for the health officer."""
    cases = list(
        Case.objects.filter(
            worker__enterprise_id=enterprise_id, confirmed_on__gte=since
        )
        .select_related("worker")
        .order_by("confirmed_on", "pk")
    )
    contacts = (
        Contact.objects.filter(case__in=cases)
        .exclude(status=ContactStatus.DISMISSED)
        .select_related("worker")
        .order_by("generation", "-score", "worker__full_name")
    )
    by_case: dict[int, list[Contact]] = defaultdict(list)
    children: dict[int, list[Contact]] = defaultdict(list)
    for contact in contacts:
        if contact.parent_id:
            children[contact.parent_id].append(contact)
        else:
            by_case[contact.case_id].append(contact)
    return [
        {
            "case": case,
            "contacts": [
                {"contact": contact, "children": children.get(contact.pk, [])}
                for contact in by_case.get(case.pk, [])
            ],
        }
        for case in cases
    ]


def contact_counts(case_ids: list[int]) -> dict[int, dict[str, int]]:
    rows = (
        Contact.objects.filter(case_id__in=case_ids, generation=1)
        .values("case_id", "status")
        .annotate(n=Count("pk"))
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row["case_id"]][row["status"]] = row["n"]
    return counts

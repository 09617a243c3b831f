"""The team leader's roll call (who declared today, who did not) and the batch
upload of declarations from kiosks and offline phones.

Both decide "may this user declare for these workers?" for many workers at
once with :func:`declarable_workers`, the set-based twin of
``services.may_declare_for``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

import orjson
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import EDITOR_ROLES, Role
from tuquan.accounts.scoping import can_edit, can_see_personal_data, scope_paths
from tuquan.core import audit
from tuquan.core.batch import BatchResult
from tuquan.core.pg import array_literal, server_bound
from tuquan.health.models import (
    DeclarationRevision,
    DiseaseProfile,
    HealthDeclaration,
)
from tuquan.health.services import current_profile
from tuquan.organisations.models import Team
from tuquan.people.models import EmploymentStatus, TeamMembership, Worker

MAX_BATCH = 5000

HEALTHY = "healthy"
SYMPTOMS = "symptoms"
MISSING = "missing"

_LEADER_ROLES = frozenset({Role.TEAM_LEADER})


# --------------------------------------------------------------------------------------
# Who may declare for whom
# --------------------------------------------------------------------------------------


class WorkerRow(NamedTuple):
    """What the batch needs to know about one worker (read in bulk)."""

    pk: int
    active: bool
    user_id: int | None
    scope_path: str


def _covered(path: str, paths: list[str] | None) -> bool:
    if paths is None:
        return True
    return bool(path) and any(path.startswith(p) for p in paths)


def declarable_workers(user: Any, workers: Iterable[WorkerRow]) -> set[int]:
    """Ids of ``workers`` that ``user`` may declare for: themselves, the
    members of a team they lead, or workers under an editor role (the rules of
    ``services.may_declare_for``, decided with one query at most)."""
    if user is None or not user.is_authenticated:
        return set()
    rows = list(workers)
    if user.is_superuser:
        return {row.pk for row in rows}
    user_pk = user.pk  # request.user is a lazy object: read it once
    editor = scope_paths(user, EDITOR_ROLES) or []
    allowed = {
        row.pk
        for row in rows
        if row.user_id == user_pk or _covered(row.scope_path, editor)
    }
    leader = scope_paths(user, _LEADER_ROLES) or []
    rest = [row.pk for row in rows if row.pk not in allowed]
    if leader and rest:
        led = TeamMembership.objects.filter(
            worker_id__in=rest, left_on__isnull=True
        ).values_list("worker_id", "team__path")
        allowed.update(pk for pk, path in led if _covered(path, leader))
    return allowed


def _worker_rows(ids: Sequence[int]) -> dict[int, WorkerRow]:
    if not ids:
        return {}
    if connection.vendor == "postgresql":
        rows = server_bound(_WORKER_SQL, [array_literal(ids)])
    else:
        rows = []
        for start in range(0, len(ids), 900):
            rows += Worker.objects.filter(pk__in=ids[start : start + 900]).values_list(
                "pk",
                "employment_status",
                "user_id",
                "enterprise__path",
                "residence__path",
            )
    active = str(EmploymentStatus.ACTIVE)
    return {
        pk: WorkerRow(
            pk, status == active, user_id, enterprise_path or residence_path or ""
        )
        for pk, status, user_id, enterprise_path, residence_path in rows
    }


_WORKER_SQL = """
    SELECT w.id, w.employment_status, w.user_id, e.path, r.path
    FROM unnest(%s::bigint[]) AS wanted(id)
    JOIN people_worker w ON w.id = wanted.id
    LEFT JOIN organisations_organisation e ON e.id = w.enterprise_id
    LEFT JOIN organisations_organisation r ON r.id = w.residence_id
"""


# --------------------------------------------------------------------------------------
# The roll call
# --------------------------------------------------------------------------------------


@dataclass
class RollCallEntry:
    """One member of the team and how they declared on the day."""

    worker: Worker
    declaration: HealthDeclaration | None
    symptoms: list[dict[str, str]]  # {"code", "label"}
    exposures: list[dict[str, str]]
    can_declare: bool

    @property
    def status(self) -> str:
        if self.declaration is None:
            return MISSING
        return HEALTHY if self.declaration.healthy else SYMPTOMS

    @property
    def by_proxy(self) -> bool:
        return self.declaration is not None and self.declaration.by_proxy


@dataclass
class RollCall:
    team: Team
    day: date
    entries: list[RollCallEntry] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for entry in self.entries if entry.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "members": len(self.entries),
            HEALTHY: self.count(HEALTHY),
            SYMPTOMS: self.count(SYMPTOMS),
            MISSING: self.count(MISSING),
            "by_proxy": sum(1 for entry in self.entries if entry.by_proxy),
        }

    @property
    def missing(self) -> list[RollCallEntry]:
        return [entry for entry in self.entries if entry.status == MISSING]

    @property
    def can_declare(self) -> bool:
        return any(entry.can_declare for entry in self.entries)


def may_run_roll_call(user: Any, team: Team) -> bool:
    """The team's leader and editors over the team act on the roll call;
    anyone else who sees the team only reads it."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or can_edit(user, team.path):
        return True
    return _covered(team.path, scope_paths(user, _LEADER_ROLES) or [])


def roll_call(*, team: Team, day: date, user: Any) -> RollCall:
    """Each active current member of ``team`` (as ``user`` may see them) with
    their declaration of ``day``, if any."""
    workers = list(
        Worker.objects.visible_to(user)
        .filter(
            memberships__team=team,
            memberships__left_on__isnull=True,
            employment_status=EmploymentStatus.ACTIVE,
        )
        .select_related("enterprise", "residence")
        .order_by("name_folded", "pk")
        .distinct()
    )
    declarations = {
        d.worker_id: d
        for d in HealthDeclaration.objects.visible_to(user).filter(
            worker__in=[w.pk for w in workers], day=day
        )
    }
    profiles = {
        p.pk: p
        for p in DiseaseProfile.objects.filter(
            pk__in={d.profile_id for d in declarations.values()}
        )
    }
    acting = may_run_roll_call(user, team)
    allowed = (
        declarable_workers(
            user,
            (
                WorkerRow(w.pk, True, w.user_id, w.scope_path)
                for w in workers
                if w.pk not in declarations
            ),
        )
        if acting
        else set()
    )
    result = RollCall(team=team, day=day)
    for worker in workers:
        declaration = declarations.get(worker.pk)
        symptoms: list[dict[str, str]] = []
        exposures: list[dict[str, str]] = []
        if declaration is not None:
            profile = profiles[declaration.profile_id]
            labels = profile.symptom_labels()
            questions = {q["code"]: q["label"] for q in profile.exposure_questions}
            symptoms = [
                {"code": code, "label": labels.get(code, code)}
                for code in declaration.symptoms
            ]
            exposures = [
                {"code": code, "label": questions.get(code, code)}
                for code in declaration.exposures
            ]
        result.entries.append(
            RollCallEntry(
                worker=worker,
                declaration=declaration,
                symptoms=symptoms,
                exposures=exposures,
                can_declare=worker.pk in allowed,
            )
        )
    return result


def reminder_text(team: Team) -> str:
    """The message a team leader sends to members who have not declared."""
    return _(
        "Reminder: please declare your health today. Scan the QR code on your "
        'worker card and tap "I am healthy today" if you are well. — %(team)s'
    ) % {"team": team.name}


def reminder_phones(*, call: RollCall, by: Any) -> list[str]:
    """Phone numbers of the members who have not declared, in clear, for
    users whose role allows seeing personal data; each number revealed is
    audited, as ``people.services.reveal_personal_data`` does."""
    phones: list[str] = []
    for entry in call.missing:
        worker = entry.worker
        if not worker.phone_enc:
            continue
        if not (by.is_superuser or can_see_personal_data(by, worker.scope_path or "-")):
            continue
        audit.record(
            audit.AuditAction.VIEW_PERSONAL,
            worker,
            changes={"fields": ["phone"], "purpose": "health_reminder"},
            user=by,
        )
        phones.append(worker.phone)
    return phones


def may_see_phones(user: Any, call: RollCall) -> bool:
    """Whether any missing member's phone may be shown to ``user``."""
    return any(
        entry.worker.phone_enc
        and (
            user.is_superuser
            or can_see_personal_data(user, entry.worker.scope_path or "-")
        )
        for entry in call.missing
    )


# --------------------------------------------------------------------------------------
# The batch
# --------------------------------------------------------------------------------------


@dataclass
class Item:
    index: int
    client_id: uuid.UUID
    worker_id: int
    day: date
    symptoms: list[str]
    exposures: list[str]
    by_proxy: bool = False

    @property
    def healthy(self) -> bool:
        return not self.symptoms and not self.exposures


def _codes(value: Any) -> list[str] | None:
    if value is None or value == []:  # most declarations: nothing to report
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return sorted(set(value))


def _day(value: Any, today: date) -> date | None:
    if value is None or value == "":
        return today
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def submit_declarations(*, declarations: Any, by: Any) -> BatchResult:
    """Store a batch of declarations; each is accepted, a duplicate of one
    stored before (same client_id), or rejected with a Vietnamese reason. A
    rejected declaration never stops the valid ones beside them. Within a
    batch, a later declaration of the same worker and day replaces an earlier
    one, which is kept as a revision, as two single submissions would."""
    if not isinstance(declarations, list):
        raise ValidationError(
            {"declarations": _('Send the declarations as a list under "declarations".')}
        )
    if len(declarations) > MAX_BATCH:
        raise ValidationError(
            {
                "declarations": _(
                    "At most %(max)d declarations per request; this one has %(count)d."
                )
                % {"max": MAX_BATCH, "count": len(declarations)}
            }
        )
    profile = current_profile()
    known_symptoms = profile.symptom_labels()
    known_exposures = {q["code"] for q in profile.exposure_questions}
    today = timezone.localdate()
    result = BatchResult()
    seen: set[uuid.UUID] = set()
    parsed: list[Item] = []
    days: dict[str, date] = {}
    msg_object = _("Each declaration must be an object.")
    msg_worker = _("worker must be the number of a worker.")
    msg_day = _("day must be a date written YYYY-MM-DD.")
    msg_future = _("The day cannot be in the future.")
    msg_symptoms = _("symptoms must be a list of symptom codes.")
    msg_exposures = _("exposures must be a list of question codes.")
    for index, raw in enumerate(declarations):
        if not isinstance(raw, dict):
            result.reject(index, None, "__all__", msg_object)
            continue
        client_id = result.claim(index, raw, seen)
        if client_id is None:
            continue
        worker_id = raw.get("worker")
        if not isinstance(worker_id, int) or isinstance(worker_id, bool):
            result.reject(index, client_id, "worker", msg_worker)
            continue
        # A batch holds a handful of distinct days: parse each once.
        raw_day = raw.get("day")
        day = days.get(raw_day) if isinstance(raw_day, str) else None
        if day is None:
            day = _day(raw_day, today)
            if isinstance(raw_day, str) and day is not None:
                days[raw_day] = day
        if day is None:
            result.reject(index, client_id, "day", msg_day)
            continue
        if day > today:
            result.reject(index, client_id, "day", msg_future)
            continue
        symptoms = _codes(raw.get("symptoms"))
        if symptoms is None:
            result.reject(index, client_id, "symptoms", msg_symptoms)
            continue
        unknown = [code for code in symptoms if code not in known_symptoms]
        if unknown:
            result.reject(
                index,
                client_id,
                "symptoms",
                _("Unknown symptom: %(codes)s.") % {"codes": ", ".join(unknown)},
            )
            continue
        exposures = _codes(raw.get("exposures"))
        if exposures is None:
            result.reject(index, client_id, "exposures", msg_exposures)
            continue
        unknown = [code for code in exposures if code not in known_exposures]
        if unknown:
            result.reject(
                index,
                client_id,
                "exposures",
                _("Unknown exposure question: %(codes)s.")
                % {"codes": ", ".join(unknown)},
            )
            continue
        parsed.append(Item(index, client_id, worker_id, day, symptoms, exposures))

    workers = _worker_rows(sorted({item.worker_id for item in parsed}))
    allowed = declarable_workers(by, workers.values())
    msg_scope = _("Unknown worker, or not in your scope.")
    msg_inactive = _("This worker is not working now; no declaration is taken.")
    valid: list[Item] = []
    for item in parsed:
        worker = workers.get(item.worker_id)
        if worker is None or item.worker_id not in allowed:
            result.reject(item.index, item.client_id, "worker", msg_scope)
            continue
        if not worker.active:
            result.reject(item.index, item.client_id, "worker", msg_inactive)
            continue
        item.by_proxy = worker.user_id != by.pk
        valid.append(item)

    stored = _store_with_retry(valid, profile=profile, by=by)
    for item in valid:
        text = str(item.client_id)
        (result.accepted if item.client_id in stored else result.duplicates).append(
            text
        )
    result.rejected.sort(key=lambda entry: entry["index"])
    return result


def _known_client_ids(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The client UUIDs among ``ids`` already stored (current or replaced)."""
    if not ids:
        return set()
    if connection.vendor == "postgresql":
        rows = server_bound(_KNOWN_SQL, [array_literal(ids)] * 2)
        return {row[0] for row in rows}
    known: set[uuid.UUID] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        known.update(
            HealthDeclaration.objects.filter(client_id__in=chunk).values_list(
                "client_id", flat=True
            )
        )
        known.update(
            DeclarationRevision.objects.filter(client_id__in=chunk).values_list(
                "client_id", flat=True
            )
        )
    return known


# Joins on unnest() rather than "= ANY(array)": with an ANY filter a planner
# that believes the table small (a fresh table, before ANALYZE) scans it once
# per array element — 25 s for 5,000 ids against 5,000 rows.
_KNOWN_SQL = """
    SELECT d.client_id FROM unnest(%s::uuid[]) AS wanted(id)
    JOIN health_healthdeclaration d ON d.client_id = wanted.id
    UNION ALL
    SELECT r.client_id FROM unnest(%s::uuid[]) AS wanted(id)
    JOIN health_declarationrevision r ON r.client_id = wanted.id
"""


def _store_with_retry(
    items: list[Item], *, profile: DiseaseProfile, by: Any
) -> set[uuid.UUID]:
    # A client_id stored by a concurrent request between the look-up and the
    # insert breaks the unique constraint: look again once and store the rest.
    for attempt in (1, 2):
        known = _known_client_ids([item.client_id for item in items])
        fresh = [item for item in items if item.client_id not in known]
        try:
            return _store(fresh, profile=profile, by=by)
        except IntegrityError:
            if attempt == 2:
                raise
    return set()  # pragma: no cover


def _store(items: list[Item], *, profile: DiseaseProfile, by: Any) -> set[uuid.UUID]:
    """Insert or replace the declarations of ``items``; return their client
    UUIDs (all of them are stored: final ones as declarations, earlier ones of
    the same worker and day as revisions)."""
    if not items:
        return set()
    final: dict[tuple[int, date], Item] = {}
    earlier: list[Item] = []
    for item in items:
        key = (item.worker_id, item.day)
        if key in final:
            earlier.append(final[key])
        final[key] = item
    now = timezone.now()
    declared_by = by.pk if by is not None and by.is_authenticated else None
    rows = sorted(final.values(), key=lambda item: (item.worker_id, item.day))
    if connection.vendor == "postgresql":
        # A transaction (or a savepoint: an IntegrityError can then retry).
        with transaction.atomic():
            _insert_postgresql(rows, earlier, profile.pk, declared_by, now)
    else:
        with transaction.atomic():
            _insert_portable(rows, earlier, profile.pk, declared_by, now)
    return {item.client_id for item in items}


# The replaced declarations go to revisions, the batch is upserted on (worker,
# day), and earlier items of the same worker and day in the batch become
# revisions of the row they lost to, in one statement. Every CTE sees the table
# as it was when the statement began, so "old" holds the rows before the upsert
# changes them (a FOR UPDATE there would skip them: the upsert of the same
# statement has already changed them). _LOCK_SQL runs first, in the same
# transaction, so that a concurrent request cannot change them in between.
_LOCK_SQL = """
    SELECT d.id FROM json_to_recordset(%s::json) AS i(worker_id bigint, day date)
    CROSS JOIN LATERAL (
        SELECT id FROM health_healthdeclaration
        WHERE worker_id = i.worker_id AND day = i.day
    ) AS found
    JOIN health_healthdeclaration d ON d.id = found.id
    ORDER BY d.id
    FOR UPDATE OF d
"""

_UPSERT_SQL = """
    WITH input AS (
        SELECT * FROM json_to_recordset(%s::json) AS t(client_id uuid,
            worker_id bigint, day date, symptoms jsonb, exposures jsonb,
            by_proxy boolean)
    ), old AS (
        SELECT d.id, d.client_id, d.healthy, d.symptoms, d.exposures, d.by_proxy,
            d.declared_by_id, d.declared_at
        FROM input i
        CROSS JOIN LATERAL (
            SELECT * FROM health_healthdeclaration
            WHERE worker_id = i.worker_id AND day = i.day
        ) AS d
    ), kept AS (
        INSERT INTO health_declarationrevision (declaration_id, client_id, healthy,
            symptoms, exposures, by_proxy, declared_by_id, declared_at)
        SELECT * FROM old
        ON CONFLICT (client_id) DO NOTHING
    ), saved AS (
        INSERT INTO health_healthdeclaration (worker_id, day, profile_id, healthy,
            symptoms, exposures, by_proxy, declared_by_id, client_id, declared_at,
            updated_at)
        SELECT i.worker_id, i.day, %s::bigint, i.symptoms = '[]'::jsonb
            AND i.exposures = '[]'::jsonb, i.symptoms, i.exposures, i.by_proxy, %s::integer,
            i.client_id, %s::timestamptz, %s::timestamptz
        FROM input i
        ORDER BY i.worker_id, i.day
        ON CONFLICT (worker_id, day) DO UPDATE SET
            profile_id = excluded.profile_id, healthy = excluded.healthy,
            symptoms = excluded.symptoms, exposures = excluded.exposures,
            by_proxy = excluded.by_proxy, declared_by_id = excluded.declared_by_id,
            client_id = excluded.client_id, declared_at = excluded.declared_at,
            updated_at = excluded.updated_at
        RETURNING id, worker_id, day
    ), earlier AS (
        SELECT * FROM json_to_recordset(%s::json) AS t(client_id uuid,
            worker_id bigint, day date, symptoms jsonb, exposures jsonb,
            by_proxy boolean)
    )
    INSERT INTO health_declarationrevision (declaration_id, client_id, healthy,
        symptoms, exposures, by_proxy, declared_by_id, declared_at)
    SELECT s.id, e.client_id, e.symptoms = '[]'::jsonb AND e.exposures = '[]'::jsonb,
        e.symptoms, e.exposures, e.by_proxy, %s::integer,
        %s::timestamptz
    FROM earlier e JOIN saved s ON s.worker_id = e.worker_id AND s.day = e.day
"""


def _json(items: Sequence[Item]) -> str:
    # The batch travels as one JSON document, read by json_to_recordset.
    return orjson.dumps(
        [
            {
                "client_id": item.client_id,
                "worker_id": item.worker_id,
                "day": item.day,
                "symptoms": item.symptoms,
                "exposures": item.exposures,
                "by_proxy": item.by_proxy,
            }
            for item in items
        ]
    ).decode()


def _insert_postgresql(
    rows: Sequence[Item],
    earlier: Sequence[Item],
    profile_id: int,
    declared_by: int | None,
    now: datetime,
) -> None:
    batch = _json(rows)
    server_bound(_LOCK_SQL, [batch])
    params = [
        batch,
        profile_id,
        declared_by,
        now,
        now,
        _json(earlier),
        declared_by,
        now,
    ]
    server_bound(_UPSERT_SQL, params)


def _insert_portable(
    rows: Sequence[Item],
    earlier: Sequence[Item],
    profile_id: int,
    declared_by: int | None,
    now: datetime,
) -> None:
    """The same as ``_UPSERT_SQL`` through the ORM, in bulk (SQLite)."""
    existing: dict[tuple[int, date], HealthDeclaration] = {}
    worker_ids = sorted({item.worker_id for item in rows})
    days = sorted({item.day for item in rows})
    for start in range(0, len(worker_ids), 900):
        for found in HealthDeclaration.objects.select_for_update().filter(
            worker_id__in=worker_ids[start : start + 900], day__in=days
        ):
            existing[(found.worker_id, found.day)] = found
    revisions: list[DeclarationRevision] = []
    created: list[HealthDeclaration] = []
    changed: list[HealthDeclaration] = []
    by_key: dict[tuple[int, date], HealthDeclaration] = {}
    for item in rows:
        key = (item.worker_id, item.day)
        declaration = existing.get(key)
        if declaration is not None:
            revisions.append(_revision_of(declaration))
            changed.append(declaration)
        else:
            declaration = HealthDeclaration(worker_id=item.worker_id, day=item.day)
            created.append(declaration)
        declaration.profile_id = profile_id
        declaration.healthy = item.healthy
        declaration.symptoms = item.symptoms
        declaration.exposures = item.exposures
        declaration.by_proxy = item.by_proxy
        declaration.declared_by_id = declared_by
        declaration.client_id = item.client_id
        declaration.declared_at = now
        declaration.updated_at = now
        by_key[key] = declaration
    # Revisions of replaced rows first: their client_ids leave the table below.
    DeclarationRevision.objects.bulk_create(revisions, batch_size=500)
    HealthDeclaration.objects.bulk_update(
        changed,
        [
            "profile",
            "healthy",
            "symptoms",
            "exposures",
            "by_proxy",
            "declared_by",
            "client_id",
            "declared_at",
            "updated_at",
        ],
        batch_size=500,
    )
    HealthDeclaration.objects.bulk_create(created, batch_size=500)
    DeclarationRevision.objects.bulk_create(
        [
            DeclarationRevision(
                declaration=by_key[(item.worker_id, item.day)],
                client_id=item.client_id,
                healthy=item.healthy,
                symptoms=item.symptoms,
                exposures=item.exposures,
                by_proxy=item.by_proxy,
                declared_by_id=declared_by,
                declared_at=now,
            )
            for item in earlier
        ],
        batch_size=500,
    )


def _revision_of(declaration: HealthDeclaration) -> DeclarationRevision:
    return DeclarationRevision(
        declaration=declaration,
        client_id=declaration.client_id,
        healthy=declaration.healthy,
        symptoms=declaration.symptoms,
        exposures=declaration.exposures,
        by_proxy=declaration.by_proxy,
        declared_by_id=declaration.declared_by_id,
        declared_at=declaration.declared_at,
    )

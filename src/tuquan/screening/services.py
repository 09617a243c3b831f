"""Recording tests, pooled samples and vaccinations; screening schedules and
the "due today" list; who may record and who may read results.

The reading rule is in the module docstring of ``tuquan.screening.models``:
results are read by health officers only (audited); recording is open to the
editor roles over the worker and to the leader of a team the worker belongs
to. Every write runs in ``transaction.atomic()``; a retried request with the
same client UUID returns what the first one stored.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tuquan.accounts.choices import EDITOR_ROLES, Role
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core import audit
from tuquan.core.context import current_actor
from tuquan.core.models import AuditEntry
from tuquan.core.text import nfc
from tuquan.health.cases import health_paths
from tuquan.health.models import Case, CaseOutcome
from tuquan.organisations.models import Enterprise
from tuquan.people.models import EmploymentStatus, TeamMembership, Worker
from tuquan.screening.models import (
    INDIVIDUAL_METHODS,
    SamplePool,
    ScreeningMethod,
    ScreeningResult,
    ScreeningSchedule,
    ScreeningTest,
    Vaccination,
)

MAX_BATCH = 5000
MIN_POOL = 2
MAX_DOSE = 10
MAX_TEXT = 160  # facility and place columns
MAX_VACCINE = 80
# Field labels inside messages, translated only when a message is shown.
SAMPLE_DATE = gettext_lazy("sample date")
VACCINATION_DATE = gettext_lazy("vaccination date")
# Derived client UUIDs (a pool's members, a checklist's rows) live here.
_NAMESPACE = uuid.UUID("6c1f2f0e-8d8a-4f55-9a51-2b4f7d3c9e10")


def derived_id(parent: uuid.UUID, part: object) -> uuid.UUID:
    """A client UUID made from another and a part (a worker id): a retried
    checklist or pool stores each row once."""
    return uuid.uuid5(_NAMESPACE, f"{parent}:{part}")


# --------------------------------------------------------------------------
# Who may do what
# --------------------------------------------------------------------------


def _covered(path: str, paths: list[str] | None) -> bool:
    if paths is None:
        return True
    return bool(path) and any(path.startswith(p) for p in paths)


class Access:
    """The caller's rights over workers, computed once per request."""

    def __init__(self, user: Any) -> None:
        self.user = user
        authenticated = user is not None and user.is_authenticated
        self.health = health_paths(user) if authenticated else []
        self.editor = scope_paths(user, EDITOR_ROLES) if authenticated else []
        self.leader = (
            scope_paths(user, frozenset({Role.TEAM_LEADER})) if authenticated else []
        )

    def reads_results(self, path: str) -> bool:
        return _covered(path, self.health)

    @property
    def reads_any_results(self) -> bool:
        return self.health is None or bool(self.health)

    def recordable(self, workers: Iterable[Worker]) -> set[int]:
        """Ids of ``workers`` the caller may record tests and doses for."""
        rows = list(workers)
        allowed = {
            w.pk
            for w in rows
            if _covered(w.scope_path, self.editor)
            or _covered(w.scope_path, self.health)
        }
        rest = [w.pk for w in rows if w.pk not in allowed]
        if rest and self.leader:
            led = TeamMembership.objects.filter(
                worker_id__in=rest, left_on__isnull=True
            ).values_list("worker_id", "team__path")
            allowed.update(pk for pk, path in led if _covered(path, self.leader))
        return allowed


def with_paths(workers: QuerySet[Worker]) -> QuerySet[Worker]:
    """Workers with what ``scope_path`` reads, in one query."""
    return workers.select_related("enterprise", "residence")


def may_record_for(user: Any, worker: Worker) -> bool:
    return worker.pk in Access(user).recordable([worker])


def may_read_results(user: Any, worker: Worker) -> bool:
    return Access(user).reads_results(worker.scope_path)


def show_results(tests: Sequence[ScreeningTest], *, by: Any) -> list[str | None]:
    """The result of each test as ``by`` may see it (None: hidden), writing an
    audit entry for each result shown."""
    access = Access(by)
    shown: list[str | None] = []
    for test in tests:
        path = test.worker.scope_path
        if access.reads_results(path):
            audit.record(
                audit.AuditAction.VIEW_PERSONAL,
                test,
                changes={"result": test.pk},
                user=by,
                scope_path=path,
            )
            shown.append(test.result)
        else:
            shown.append(None)
    return shown


# --------------------------------------------------------------------------
# Validation shared by the single, checklist, batch and import paths
# --------------------------------------------------------------------------


def check_day(value: date | None, field: str, label: Any) -> dict[str, str]:
    if value is None:
        return {field: _("Enter the %(label)s.") % {"label": label}}
    if value > timezone.localdate():
        return {
            field: capfirst(
                _("The %(label)s cannot be in the future.") % {"label": label}
            )
        }
    return {}


def check_worker(worker: Worker, allowed: set[int]) -> str:
    """Why a test or dose cannot be recorded for ``worker`` ('' when it can)."""
    if worker.pk not in allowed:
        return _("Unknown worker, or not in your scope.")
    if worker.employment_status != EmploymentStatus.ACTIVE:
        return _("%(name)s is not working now; nothing is recorded for them.") % {
            "name": worker.full_name
        }
    return ""


def test_values(
    method: str, sampled_on: date | None, facility: str, result: str
) -> tuple[dict[str, str], str]:
    errors = check_day(sampled_on, "sampled_on", SAMPLE_DATE)
    facility = nfc(facility)
    if not facility:
        errors["facility"] = _("Enter the testing facility.")
    elif len(facility) > MAX_TEXT:
        errors["facility"] = _("At most %(max)d characters.") % {"max": MAX_TEXT}
    if result not in ScreeningResult.values:
        errors["result"] = _("Choose a result.")
    return errors, facility


def _audit_created(obj: Any, by: Any, changes: dict[str, Any]) -> None:
    audit.record(
        audit.AuditAction.CREATE,
        obj,
        changes=changes,
        user=by,
        scope_path=getattr(obj, "scope_path", ""),
    )


def audit_created(rows: Sequence[Any], by: Any, changes: Any) -> None:
    """One CREATE audit entry per row, written in one statement (what
    ``audit.record`` writes for each, without 5,000 round trips)."""
    actor = current_actor()
    user = by if getattr(by, "pk", None) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=user,
                username=getattr(by, "username", "") or "",
                action=audit.AuditAction.CREATE,
                object_type=row._meta.label_lower,
                object_id=str(row.pk),
                object_repr=str(row)[:200],
                changes=changes(row),
                address=actor.address,
                via=actor.via,
                scope_path=row.worker.scope_path,
            )
            for row in rows
        ],
        batch_size=1000,
    )


def _replayed(obj: Any) -> Any:
    obj._replayed = True
    return obj


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def record_test(
    *,
    worker: Worker,
    method: str,
    sampled_on: date | None,
    facility: str,
    result: str,
    by: Any,
    client_id: uuid.UUID,
) -> ScreeningTest:
    """Record one individual test (rapid antigen or RT-PCR)."""
    replay = ScreeningTest.objects.filter(client_id=client_id).first()
    if replay is not None:
        return _replayed(replay)
    allowed = Access(by).recordable([worker])
    if worker.pk not in allowed:
        raise PermissionDenied(_("Unknown worker, or not in your scope."))
    reason = check_worker(worker, allowed)
    errors, facility = test_values(method, sampled_on, facility, result)
    if method not in INDIVIDUAL_METHODS:
        errors["method"] = _(
            "Choose rapid antigen or RT-PCR; pooled samples are recorded as a pool."
        )
    if reason:
        errors["worker"] = reason
    if errors:
        raise ValidationError(errors)
    test = ScreeningTest(
        worker=worker,
        method=method,
        sampled_on=sampled_on,
        facility=facility,
        result=result,
        recorded_by=by if getattr(by, "pk", None) else None,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            test.save()
            # The result stays out of the log: auditors are not health officers.
            _audit_created(test, by, {"method": method, "sampled_on": str(sampled_on)})
    except IntegrityError:
        replay = ScreeningTest.objects.filter(client_id=client_id).first()
        if replay is None:
            raise
        return _replayed(replay)
    return test


def _checked_workers(workers: Sequence[Worker], by: Any) -> list[str]:
    """Reasons (naming the worker) why some of ``workers`` cannot be recorded."""
    allowed = Access(by).recordable(workers)
    problems = []
    for worker in workers:
        reason = check_worker(worker, allowed)
        if reason:
            problems.append(
                reason
                if worker.pk in allowed
                else _("%(name)s: not in your scope.") % {"name": worker.full_name}
            )
    return problems


def bulk_record(
    *,
    workers: Sequence[Worker],
    method: str,
    sampled_on: date | None,
    facility: str,
    result: str,
    by: Any,
    batch_id: uuid.UUID,
) -> list[ScreeningTest]:
    """The checklist: the same test (date, kind, facility, result) for every
    ticked worker. All or nothing; a retried checklist (same ``batch_id``)
    stores each worker's test once."""
    if not workers:
        raise ValidationError({"workers": _("Tick at least one worker.")})
    errors, facility = test_values(method, sampled_on, facility, result)
    if method not in INDIVIDUAL_METHODS:
        errors["method"] = _(
            "Choose rapid antigen or RT-PCR; pooled samples are recorded as a pool."
        )
    problems = _checked_workers(workers, by)
    if problems:
        errors["workers"] = " ".join(problems)
    if errors:
        raise ValidationError(errors)
    ids = {derived_id(batch_id, w.pk): w for w in workers}
    with transaction.atomic():
        known = set(
            ScreeningTest.objects.filter(client_id__in=list(ids)).values_list(
                "client_id", flat=True
            )
        )
        fresh = [
            ScreeningTest(
                worker=worker,
                method=method,
                sampled_on=sampled_on,
                facility=facility,
                result=result,
                recorded_by=by if getattr(by, "pk", None) else None,
                client_id=client_id,
            )
            for client_id, worker in ids.items()
            if client_id not in known
        ]
        ScreeningTest.objects.bulk_create(fresh)
        audit_created(
            fresh, by, lambda t: {"method": method, "sampled_on": str(sampled_on)}
        )
    return list(
        ScreeningTest.objects.filter(client_id__in=list(ids)).select_related("worker")
    )


def record_pool(
    *,
    workers: Sequence[Worker],
    sampled_on: date | None,
    facility: str,
    result: str,
    by: Any,
    client_id: uuid.UUID,
) -> SamplePool:
    """Record a pooled RT-PCR sample and its members. A worker may appear once;
    a positive pool asks for an individual follow-up test of each member."""
    replay = SamplePool.objects.filter(client_id=client_id).first()
    if replay is not None:
        return _replayed(replay)
    errors, facility = test_values(
        ScreeningMethod.POOLED_RT_PCR, sampled_on, facility, result
    )
    seen: dict[int, Worker] = {}
    twice: list[str] = []
    for worker in workers:
        if worker.pk in seen and worker.full_name not in twice:
            twice.append(worker.full_name)
        seen[worker.pk] = worker
    if twice:
        errors["workers"] = _(
            "A worker may appear only once in a pool: %(names)s is listed twice."
        ) % {"names": ", ".join(twice)}
    elif len(seen) < MIN_POOL:
        errors["workers"] = _("A pool has at least %(count)d workers.") % {
            "count": MIN_POOL
        }
    else:
        problems = _checked_workers(list(seen.values()), by)
        if problems:
            errors["workers"] = " ".join(problems)
    if errors:
        raise ValidationError(errors)
    recorded_by = by if getattr(by, "pk", None) else None
    pool = SamplePool(
        sampled_on=sampled_on,
        facility=facility,
        result=result,
        recorded_by=recorded_by,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            pool.save()
            members = [
                ScreeningTest(
                    worker=worker,
                    method=ScreeningMethod.POOLED_RT_PCR,
                    sampled_on=sampled_on,
                    facility=facility,
                    result=result,
                    pool=pool,
                    recorded_by=recorded_by,
                    client_id=derived_id(client_id, worker.pk),
                )
                for worker in seen.values()
            ]
            ScreeningTest.objects.bulk_create(members)
            audit.record(
                audit.AuditAction.CREATE,
                pool,
                changes={"members": sorted(seen), "sampled_on": str(sampled_on)},
                user=by,
                scope_path=next(iter(seen.values())).scope_path,
            )
    except IntegrityError:
        replay = SamplePool.objects.filter(client_id=client_id).first()
        if replay is None:
            raise
        return _replayed(replay)
    return pool


def set_result(
    *,
    result: str,
    by: Any,
    test: ScreeningTest | None = None,
    pool: SamplePool | None = None,
) -> None:
    """Change the result of a test or a pool (when the laboratory answers):
    health officers only, since the old value is shown to the one changing it."""
    if result not in ScreeningResult.values:
        raise ValidationError({"result": _("Choose a result.")})
    rows = (
        list(pool.members.select_related("worker__enterprise", "worker__residence"))
        if pool is not None
        else [test]
    )
    access = Access(by)
    if not rows or not all(access.reads_results(t.worker.scope_path) for t in rows):
        raise PermissionDenied(_("Only health officers change test results."))
    with transaction.atomic():
        target: Any = pool if pool is not None else test
        before = target.result
        target.result = result
        target.save(update_fields=["result"])
        if pool is not None:
            pool.members.update(result=result)
        audit.record(
            audit.AuditAction.UPDATE,
            target,
            changes={"result": [before, result]},
            user=by,
            scope_path=rows[0].worker.scope_path,
        )


# --------------------------------------------------------------------------
# Vaccinations
# --------------------------------------------------------------------------


def dose_values(
    dose: Any, given_on: date | None, vaccine: str, place: str
) -> tuple[dict[str, str], str, str]:
    errors = check_day(given_on, "given_on", VACCINATION_DATE)
    if not isinstance(dose, int) or isinstance(dose, bool) or not 1 <= dose <= MAX_DOSE:
        errors["dose"] = _("The dose number is a whole number from 1 to %(max)d.") % {
            "max": MAX_DOSE
        }
    vaccine, place = nfc(vaccine), nfc(place)
    if not vaccine:
        errors["vaccine"] = _("Enter the vaccine name.")
    elif len(vaccine) > MAX_VACCINE:
        errors["vaccine"] = _("At most %(max)d characters.") % {"max": MAX_VACCINE}
    if len(place) > MAX_TEXT:
        errors["place"] = _("At most %(max)d characters.") % {"max": MAX_TEXT}
    return errors, vaccine, place


def dose_taken(worker: Worker, dose: int, existing: Vaccination) -> str:
    return _("%(name)s already has dose %(dose)d recorded (%(day)s).") % {
        "name": worker.full_name,
        "dose": dose,
        "day": existing.given_on.strftime("%d/%m/%Y"),
    }


def record_vaccination(
    *,
    worker: Worker,
    dose: int,
    given_on: date | None,
    vaccine: str,
    place: str,
    by: Any,
    client_id: uuid.UUID,
) -> Vaccination:
    """Record one dose; a worker has one row per dose number."""
    return bulk_vaccinate(
        workers=[worker],
        dose=dose,
        given_on=given_on,
        vaccine=vaccine,
        place=place,
        by=by,
        batch_id=client_id,
        single=True,
    )[0]


def bulk_vaccinate(
    *,
    workers: Sequence[Worker],
    dose: int,
    given_on: date | None,
    vaccine: str,
    place: str,
    by: Any,
    batch_id: uuid.UUID,
    single: bool = False,
) -> list[Vaccination]:
    """The same dose for every ticked worker; all or nothing, idempotent by
    ``batch_id`` (for one worker, ``batch_id`` is the row's client UUID)."""
    ids = {(batch_id if single else derived_id(batch_id, w.pk)): w for w in workers}
    known = {
        v.client_id: v
        for v in Vaccination.objects.filter(client_id__in=list(ids)).select_related(
            "worker"
        )
    }
    if single and known:
        return [_replayed(next(iter(known.values())))]
    if not workers:
        raise ValidationError({"workers": _("Tick at least one worker.")})
    errors, vaccine, place = dose_values(dose, given_on, vaccine, place)
    problems = _checked_workers(workers, by)
    if single and problems and workers[0].pk not in Access(by).recordable(workers):
        raise PermissionDenied(_("Unknown worker, or not in your scope."))
    if not errors:
        taken = {
            v.worker_id: v
            for v in Vaccination.objects.filter(
                worker__in=[w.pk for w in workers], dose=dose
            )
            if v.client_id not in known
        }
        problems += [dose_taken(w, dose, taken[w.pk]) for w in workers if w.pk in taken]
    if problems:
        errors["workers"] = " ".join(problems)
    if errors:
        raise ValidationError(errors)
    recorded_by = by if getattr(by, "pk", None) else None
    try:
        with transaction.atomic():
            fresh = [
                Vaccination(
                    worker=worker,
                    dose=dose,
                    given_on=given_on,
                    vaccine=vaccine,
                    place=place,
                    recorded_by=recorded_by,
                    client_id=client_id,
                )
                for client_id, worker in ids.items()
                if client_id not in known
            ]
            Vaccination.objects.bulk_create(fresh)
            audit_created(
                fresh, by, lambda v: {"dose": dose, "given_on": str(given_on)}
            )
    except IntegrityError as exc:
        # A concurrent request stored the same dose or the same client UUID.
        raise ValidationError(
            {"workers": _("This dose was recorded a moment ago; reload the page.")}
        ) from exc
    return list(
        Vaccination.objects.filter(client_id__in=list(ids)).select_related("worker")
    )


def _store(model: Any, rows: list[Any], by: Any, changes: Any) -> set[uuid.UUID]:
    """Insert ``rows`` (fresh client UUIDs) in one transaction; a client UUID
    stored meanwhile by a concurrent request is left out on a second try.
    Returns the client UUIDs this call stored."""
    for attempt in (1, 2):
        known = set(
            model.objects.filter(
                client_id__in=[row.client_id for row in rows]
            ).values_list("client_id", flat=True)
        )
        fresh = [row for row in rows if row.client_id not in known]
        try:
            with transaction.atomic():
                model.objects.bulk_create(fresh, batch_size=1000)
                audit_created(fresh, by, changes)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return {row.client_id for row in fresh}
    return set()  # pragma: no cover


def store_tests(rows: list[ScreeningTest], *, by: Any) -> set[uuid.UUID]:
    """Store checked individual tests of a batch (see ``_store``)."""
    return _store(
        ScreeningTest,
        rows,
        by,
        lambda t: {"method": t.method, "sampled_on": str(t.sampled_on)},
    )


def store_vaccinations(rows: list[Vaccination], *, by: Any) -> set[uuid.UUID]:
    """Store checked doses of a batch (see ``_store``)."""
    return _store(
        Vaccination,
        rows,
        by,
        lambda v: {"dose": v.dose, "given_on": str(v.given_on)},
    )


def vaccination_status(worker_ids: Iterable[int]) -> dict[int, tuple[int, date]]:
    """Highest dose and its date for each worker with any dose."""
    status: dict[int, tuple[int, date]] = {}
    rows = Vaccination.objects.filter(worker_id__in=list(worker_ids)).values_list(
        "worker_id", "dose", "given_on"
    )
    for worker_id, dose, given_on in rows:
        if worker_id not in status or dose > status[worker_id][0]:
            status[worker_id] = (dose, given_on)
    return status


# --------------------------------------------------------------------------
# Schedules and the due list
# --------------------------------------------------------------------------


def save_schedule(
    *,
    enterprise: Enterprise,
    every_days: Any,
    share_percent: Any,
    method: str,
    starts_on: date | None,
    active: bool,
    by: Any,
    schedule: ScreeningSchedule | None = None,
    client_id: uuid.UUID | None = None,
) -> ScreeningSchedule:
    """Create or change a screening schedule (editor roles over the enterprise)."""
    if schedule is None and client_id is not None:
        replay = ScreeningSchedule.objects.filter(client_id=client_id).first()
        if replay is not None:
            return _replayed(replay)
    if not can_edit(by, enterprise.path):
        raise PermissionDenied(_("You may not plan screening for this enterprise."))
    errors: dict[str, str] = {}
    if not isinstance(every_days, int) or not 1 <= every_days <= 366:
        errors["every_days"] = _("Every how many days: a whole number from 1 to 366.")
    if not isinstance(share_percent, int) or not 1 <= share_percent <= 100:
        errors["share_percent"] = _(
            "The share of workers is a percentage from 1 to 100."
        )
    if method not in ScreeningMethod.values:
        errors["method"] = _("Choose the kind of test.")
    if starts_on is None:
        errors["starts_on"] = _("Enter the first day.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(schedule) if schedule is not None else {}
    target = schedule or ScreeningSchedule(
        enterprise=enterprise,
        created_by=by if getattr(by, "pk", None) else None,
        client_id=client_id,
    )
    target.every_days, target.share_percent = every_days, share_percent
    target.method, target.starts_on, target.active = method, starts_on, active
    with transaction.atomic():
        target.save()
        audit.record(
            audit.AuditAction.UPDATE if schedule else audit.AuditAction.CREATE,
            target,
            changes=audit.diff(before, audit.snapshot(target)),
            user=by,
            scope_path=enterprise.path,
        )
    return target


SCHEDULE = "schedule"
POOL_FOLLOWUP = "pool_followup"


@dataclass
class DueItem:
    """A worker who should be tested: in this round of a schedule, or after a
    positive pool they were part of."""

    worker: Worker
    reason: str  # SCHEDULE or POOL_FOLLOWUP
    method: str
    since: date  # the round's first day, or the pool's sample date
    last_tested_on: date | None
    schedule_id: int | None = None
    pool_id: int | None = None

    @property
    def method_label(self) -> str:
        return str(ScreeningMethod(self.method).label)


def round_of(schedule: ScreeningSchedule, day: date) -> tuple[int, date] | None:
    """The round number of ``day`` and its first day (None before the start)."""
    if day < schedule.starts_on:
        return None
    number = (day - schedule.starts_on).days // schedule.every_days
    return number, schedule.starts_on.fromordinal(
        schedule.starts_on.toordinal() + number * schedule.every_days
    )


def cohort(ids: Sequence[int], share_percent: int, round_number: int) -> list[int]:
    """The workers of one round: a window of ``share_percent`` % of ``ids``
    (sorted by id) that moves on by its own size each round, so that in
    ceil(100 / share) rounds every worker has been reached."""
    count = len(ids)
    if not count:
        return []
    size = min(count, math.ceil(count * share_percent / 100))
    start = (round_number * size) % count
    return [ids[(start + i) % count] for i in range(size)]


def due_today(
    *, enterprise: Enterprise, day: date, worker_ids: Iterable[int] | None = None
) -> list[DueItem]:
    """Who of ``enterprise``'s working workers should be tested on ``day``:
    each active schedule's round cohort, less those tested since the round
    began; and every member of a positive pool without an individual test
    after the pool's date. ``worker_ids`` narrows the list (a team)."""
    workers = Worker.objects.filter(
        enterprise=enterprise, employment_status=EmploymentStatus.ACTIVE
    ).order_by("pk")
    ids = list(workers.values_list("pk", flat=True))
    wanted = set(ids) if worker_ids is None else set(worker_ids) & set(ids)
    last = dict(
        ScreeningTest.objects.filter(worker__enterprise=enterprise, sampled_on__lte=day)
        .values("worker_id")
        .annotate(last=Max("sampled_on"))
        .values_list("worker_id", "last")
    )
    picked: dict[int, tuple[str, str, date, int | None, int | None]] = {}
    schedules = ScreeningSchedule.objects.filter(
        enterprise=enterprise, active=True, starts_on__lte=day
    ).order_by("starts_on", "pk")
    for schedule in schedules:
        found = round_of(schedule, day)
        if found is None:
            continue
        number, first_day = found
        for worker_id in cohort(ids, schedule.share_percent, number):
            tested = last.get(worker_id)
            if worker_id in wanted and worker_id not in picked:
                if tested is None or tested < first_day:
                    picked[worker_id] = (
                        SCHEDULE,
                        schedule.method,
                        first_day,
                        schedule.pk,
                        None,
                    )
    individual = ScreeningTest.objects.filter(
        pool__isnull=True,
        worker_id=OuterRef("worker_id"),
        sampled_on__gt=OuterRef("sampled_on"),
        sampled_on__lte=day,
    )
    followups = (
        ScreeningTest.objects.filter(
            worker_id__in=wanted,
            pool__result=ScreeningResult.POSITIVE,
            sampled_on__lte=day,
        )
        .exclude(Exists(individual))
        .order_by("sampled_on", "pk")
        .values_list("worker_id", "sampled_on", "pool_id")
    )
    for worker_id, sampled_on, pool_id in followups:
        # A follow-up outranks the schedule: it says why the test is needed.
        picked[worker_id] = (
            POOL_FOLLOWUP,
            ScreeningMethod.RT_PCR,
            sampled_on,
            None,
            pool_id,
        )
    by_pk = Worker.objects.in_bulk(list(picked))
    items = [
        DueItem(
            worker=by_pk[pk],
            reason=reason,
            method=method,
            since=since,
            last_tested_on=last.get(pk),
            schedule_id=schedule_id,
            pool_id=pool_id,
        )
        for pk, (reason, method, since, schedule_id, pool_id) in picked.items()
    ]
    items.sort(key=lambda item: (item.reason != POOL_FOLLOWUP, item.worker.name_folded))
    return items


# --------------------------------------------------------------------------
# Positive tests waiting for a health officer
# --------------------------------------------------------------------------


def positives_without_case(user: Any) -> QuerySet[ScreeningTest]:
    """Positive individual tests in the health officer's scope whose worker has
    no case confirmed on or after the sample date and no open case."""
    paths = health_paths(user)
    tests = ScreeningTest.objects.individual().filter(result=ScreeningResult.POSITIVE)
    if paths is not None:
        if not paths:
            return tests.none()
        tests = tests.filter(ScreeningTest.objects.scope_q(paths))
    later_case = Case.objects.filter(worker_id=OuterRef("worker_id")).filter(
        Q(confirmed_on__gte=OuterRef("sampled_on")) | Q(outcome=CaseOutcome.ISOLATING)
    )
    return (
        tests.exclude(Exists(later_case))
        .select_related("worker__enterprise", "worker__residence")
        .order_by("-sampled_on", "pk")
    )


def pending_results(user: Any) -> tuple[list[ScreeningTest], list[SamplePool]]:
    """Individual tests and pools in the health officer's scope still waiting
    for the laboratory's answer, oldest first (at most 200 of each)."""
    paths = health_paths(user)
    if paths == []:
        return [], []
    tests = ScreeningTest.objects.individual().filter(result=ScreeningResult.PENDING)
    pools = SamplePool.objects.filter(result=ScreeningResult.PENDING)
    if paths is not None:
        tests = tests.filter(ScreeningTest.objects.scope_q(paths))
        pools = pools.filter(SamplePool.objects.scope_q(paths))
    return (
        list(
            tests.select_related("worker__enterprise").order_by("sampled_on", "pk")[
                :200
            ]
        ),
        list(
            pools.prefetch_related("members__worker").order_by("sampled_on", "pk")[:200]
        ),
    )

"""API for tests, pooled samples, vaccinations, screening schedules and the
due list. Scoped with ``visible_to``; a test's result is null for callers who
are not health officers of the worker (``result_visible`` says so), and every
result returned is audited.

``POST /screening-tests`` and ``POST /vaccinations`` take up to 5,000 items
and answer per item, like ``POST /health-declarations``: accepted, duplicate
(same client_id stored before) or rejected with the reason.
"""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema, Query, Router, Schema, Status

from tuquan.core import audit
from tuquan.core.batch import BatchResult, read_json
from tuquan.organisations.api import caller, created, get_visible_or_404, paged
from tuquan.organisations.models import Enterprise
from tuquan.organisations.schemas import READ_ERRORS, WRITE_ERRORS, ErrorOut
from tuquan.people.models import Worker
from tuquan.screening import services
from tuquan.screening.models import (
    SamplePool,
    ScreeningMethod,
    ScreeningResult,
    ScreeningSchedule,
    ScreeningTest,
    Vaccination,
)
from tuquan.screening.parse import parse_day, parse_int

router = Router(tags=["screening"])


# --- schemas ----------------------------------------------------------------


class TestItemIn(Schema):
    client_id: uuid.UUID = Field(description="Made by the device, once per test.")
    worker: int
    method: str = Field(description="rapid_antigen or rt_pcr")
    sampled_on: date
    facility: str
    result: str = Field("pending", description="pending, negative, positive, invalid")


class TestBatchIn(Schema):
    tests: list[TestItemIn] = Field(max_length=services.MAX_BATCH)


class VaccinationItemIn(Schema):
    client_id: uuid.UUID
    worker: int
    dose: int
    given_on: date
    vaccine: str
    place: str = ""


class VaccinationBatchIn(Schema):
    vaccinations: list[VaccinationItemIn] = Field(max_length=services.MAX_BATCH)


class RejectedOut(Schema):
    index: int
    client_id: str | None
    field: str
    reason: str


class BatchOut(Schema):
    accepted: list[str]
    duplicates: list[str]
    rejected: list[RejectedOut]


class TestOut(Schema):
    id: int
    client_id: uuid.UUID
    worker_id: int
    worker: str
    method: str
    sampled_on: date
    facility: str
    pool_id: int | None
    result: str | None = Field(description="null when you may not read results")
    result_visible: bool


class TestFilter(FilterSchema):
    worker: int | None = None
    enterprise: int | None = Field(None, description="Workers of this enterprise")
    method: ScreeningMethod | None = None
    sampled_from: date | None = Field(None, description="Sampled on or after")
    sampled_to: date | None = Field(None, description="Sampled on or before")

    def filter_worker(self, value: int | None) -> Q:
        return Q(worker_id=value) if value else Q()

    def filter_enterprise(self, value: int | None) -> Q:
        return Q(worker__enterprise_id=value) if value else Q()

    def filter_sampled_from(self, value: date | None) -> Q:
        return Q(sampled_on__gte=value) if value else Q()

    def filter_sampled_to(self, value: date | None) -> Q:
        return Q(sampled_on__lte=value) if value else Q()


class PoolIn(Schema):
    client_id: uuid.UUID
    workers: list[int] = Field(max_length=200)
    sampled_on: date
    facility: str
    result: ScreeningResult = ScreeningResult.PENDING


class PoolOut(Schema):
    id: int
    client_id: uuid.UUID
    sampled_on: date
    facility: str
    workers: list[int]
    result: str | None
    result_visible: bool


class VaccinationOut(Schema):
    id: int
    client_id: uuid.UUID
    worker_id: int
    worker: str = Field(alias="worker.full_name")
    dose: int
    given_on: date
    vaccine: str
    place: str


class ScheduleIn(Schema):
    client_id: uuid.UUID | None = None
    enterprise: int
    every_days: int
    share_percent: int
    method: ScreeningMethod = ScreeningMethod.RAPID_ANTIGEN
    starts_on: date
    active: bool = True


class ScheduleOut(Schema):
    id: int
    enterprise_id: int
    every_days: int
    share_percent: int
    method: str
    starts_on: date
    active: bool


class DueOut(Schema):
    worker_id: int
    worker: str
    reason: str = Field(description="schedule or pool_followup")
    method: str
    since: date
    last_tested_on: date | None
    schedule_id: int | None
    pool_id: int | None


def _batch_body(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": schema.model_json_schema(
                        ref_template="#/components/schemas/{model}"
                    )
                }
            },
        }
    }


# --- tests ------------------------------------------------------------------


def _test_rows(tests: list[ScreeningTest], user: Any) -> list[dict[str, Any]]:
    shown = services.show_results(tests, by=user)
    return [
        {
            "id": t.pk,
            "client_id": t.client_id,
            "worker_id": t.worker_id,
            "worker": t.worker.full_name,
            "method": t.method,
            "sampled_on": t.sampled_on,
            "facility": t.facility,
            "pool_id": t.pool_id,
            "result": result,
            "result_visible": result is not None,
        }
        for t, result in zip(tests, shown, strict=True)
    ]


class _ShownTests:
    """A queryset stand-in whose page, once sliced, masks and audits results."""

    def __init__(self, tests: Any, user: Any) -> None:
        self.tests, self.user = tests, user

    def count(self) -> int:
        return self.tests.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> Any:
        return _test_rows(list(self.tests[item]), self.user)


@router.get(
    "/screening-tests",
    response={200: list[TestOut], **READ_ERRORS},
    summary="Tests you can see (results for health officers only)",
)
@paged
def list_screening_tests(request: HttpRequest, filters: Query[TestFilter]) -> Any:
    """Newest first. `result` is null unless you are a health officer of the
    worker; each result shown is written to the audit log."""
    user = caller(request)
    qs = ScreeningTest.objects.visible_to(user).select_related(
        "worker__enterprise", "worker__residence"
    )
    return _ShownTests(filters.filter(qs).order_by("-sampled_on", "-pk"), user)


def _items(body: Any, key: str) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise ValidationError({key: _('Send a list under "%(key)s".') % {"key": key}})
    items = body[key]
    if len(items) > services.MAX_BATCH:
        raise ValidationError(
            {
                key: _("At most %(max)d items per request; this one has %(count)d.")
                % {"max": services.MAX_BATCH, "count": len(items)}
            }
        )
    return items


def _batch_workers(ids: set[int], user: Any) -> tuple[dict[int, Worker], set[int]]:
    workers = services.with_paths(Worker.objects.filter(pk__in=ids)).in_bulk()
    return workers, services.Access(user).recordable(workers.values())


@router.post(
    "/screening-tests",
    response={200: BatchOut, 400: ErrorOut, **WRITE_ERRORS},
    openapi_extra=_batch_body(TestBatchIn),
    summary="Record a batch of individual tests",
)
def create_screening_tests(request: HttpRequest) -> HttpResponse:
    """Up to 5,000 rapid antigen or RT-PCR tests, each with a client UUID; a
    rejected item never blocks the others. Pooled samples: `POST /sample-pools`."""
    user = caller(request)
    items = _items(read_json(request), "tests")
    result = BatchResult()
    seen: set[uuid.UUID] = set()
    parsed: list[tuple[int, uuid.UUID, dict[str, Any]]] = []
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            result.reject(index, None, "__all__", _("Each item must be an object."))
            continue
        client_id = result.claim(index, raw, seen)
        if client_id is not None:
            parsed.append((index, client_id, raw))
    known = set(
        ScreeningTest.objects.filter(
            client_id__in=[c for _i, c, _r in parsed]
        ).values_list("client_id", flat=True)
    )
    ids = {
        raw.get("worker")
        for _i, c, raw in parsed
        if c not in known and isinstance(raw.get("worker"), int)
    }
    workers, allowed = _batch_workers(ids, user)
    rows: list[ScreeningTest] = []
    for index, client_id, raw in parsed:
        if client_id in known:
            result.duplicates.append(str(client_id))
            continue
        field, reason, row = _test_item(raw, workers, allowed, user)
        if reason:
            result.reject(index, client_id, field, reason)
            continue
        row.client_id = client_id
        rows.append(row)
    stored = services.store_tests(rows, by=user)
    for row in rows:
        (result.accepted if row.client_id in stored else result.duplicates).append(
            str(row.client_id)
        )
    result.rejected.sort(key=lambda entry: entry["index"])
    return HttpResponse(result.payload(), content_type="application/json")


def _test_item(
    raw: dict[str, Any], workers: dict[int, Worker], allowed: set[int], user: Any
) -> tuple[str, str, Any]:
    worker_id = raw.get("worker")
    worker = workers.get(worker_id) if isinstance(worker_id, int) else None
    if worker is None or worker.pk not in allowed:
        return "worker", _("Unknown worker, or not in your scope."), None
    reason = services.check_worker(worker, allowed)
    if reason:
        return "worker", reason, None
    method = raw.get("method")
    if method not in services.INDIVIDUAL_METHODS:
        return (
            "method",
            _("Choose rapid antigen or RT-PCR; pooled samples are recorded as a pool."),
            None,
        )
    sampled_on = parse_day(raw.get("sampled_on"))
    errors, facility = services.test_values(
        method, sampled_on, str(raw.get("facility") or ""), raw.get("result", "pending")
    )
    if raw.get("sampled_on") and sampled_on is None:
        errors = {"sampled_on": _("sampled_on must be a date written YYYY-MM-DD.")}
    if errors:
        field, reason = next(iter(errors.items()))
        return field, reason, None
    return (
        "",
        "",
        ScreeningTest(
            worker=worker,
            method=method,
            sampled_on=sampled_on,
            facility=facility,
            result=raw.get("result", "pending"),
            recorded_by=user if getattr(user, "pk", None) else None,
        ),
    )


# --- pools ------------------------------------------------------------------


def _pool_out(pool: SamplePool, user: Any) -> dict[str, Any]:
    members = list(
        pool.members.select_related("worker__enterprise", "worker__residence")
    )
    access = services.Access(user)
    visible = bool(members) and all(
        access.reads_results(m.worker.scope_path) for m in members
    )
    if visible:
        audit.record(
            audit.AuditAction.VIEW_PERSONAL,
            pool,
            changes={"result": pool.pk},
            user=user,
            scope_path=members[0].worker.scope_path,
        )
    return {
        "id": pool.pk,
        "client_id": pool.client_id,
        "sampled_on": pool.sampled_on,
        "facility": pool.facility,
        "workers": [m.worker_id for m in members],
        "result": pool.result if visible else None,
        "result_visible": visible,
    }


@router.get(
    "/sample-pools",
    response={200: list[PoolOut], **READ_ERRORS},
    summary="Pooled samples you can see",
)
@paged
def list_sample_pools(request: HttpRequest) -> Any:
    user = caller(request)
    pools = SamplePool.objects.visible_to(user).order_by("-sampled_on", "-pk")
    return _Mapped(pools, lambda page: [_pool_out(p, user) for p in page])


class _Mapped:
    def __init__(self, qs: Any, convert: Any) -> None:
        self.qs, self.convert = qs, convert

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> Any:
        return self.convert(list(self.qs[item]))


@router.post(
    "/sample-pools",
    response={200: PoolOut, 201: PoolOut, **WRITE_ERRORS},
    summary="Record a pooled sample and its members",
)
def create_sample_pool(request: HttpRequest, payload: PoolIn) -> Any:
    """A worker may appear once; a positive pool puts every member on the due
    list for an individual test. A retry with the same client_id answers 200."""
    user = caller(request)
    visible = Worker.objects.visible_to(user)
    found = services.with_paths(visible.filter(pk__in=payload.workers)).in_bulk()
    missing = [pk for pk in dict.fromkeys(payload.workers) if pk not in found]
    replay = SamplePool.objects.filter(client_id=payload.client_id).first()
    if missing and replay is None:
        raise ValidationError(
            {
                "workers": _("Unknown workers, or not in your scope: %(ids)s.")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    pool = services.record_pool(
        workers=[found[pk] for pk in payload.workers if pk in found],
        sampled_on=payload.sampled_on,
        facility=payload.facility,
        result=payload.result,
        by=user,
        client_id=payload.client_id,
    )
    out = _pool_out(pool, user)
    return Status(200 if getattr(pool, "_replayed", False) else 201, out)


# --- vaccinations -----------------------------------------------------------


@router.get(
    "/vaccinations",
    response={200: list[VaccinationOut], **READ_ERRORS},
    summary="Vaccination doses you can see",
)
@paged
def list_vaccinations(
    request: HttpRequest, worker: int | None = None, enterprise: int | None = None
) -> QuerySet[Vaccination]:
    qs = Vaccination.objects.visible_to(caller(request)).select_related("worker")
    if worker:
        qs = qs.filter(worker_id=worker)
    if enterprise:
        qs = qs.filter(worker__enterprise_id=enterprise)
    return qs.order_by("worker_id", "dose", "pk")


@router.post(
    "/vaccinations",
    response={200: BatchOut, 400: ErrorOut, **WRITE_ERRORS},
    openapi_extra=_batch_body(VaccinationBatchIn),
    summary="Record a batch of vaccination doses",
)
def create_vaccinations(request: HttpRequest) -> HttpResponse:
    """Up to 5,000 doses with client UUIDs; one row per worker and dose number
    (a second dose 2 of the same worker is rejected, naming the first)."""
    user = caller(request)
    items = _items(read_json(request), "vaccinations")
    result = BatchResult()
    seen: set[uuid.UUID] = set()
    parsed = []
    for index, raw in enumerate(items):
        if not isinstance(raw, dict):
            result.reject(index, None, "__all__", _("Each item must be an object."))
            continue
        client_id = result.claim(index, raw, seen)
        if client_id is not None:
            parsed.append((index, client_id, raw))
    known = set(
        Vaccination.objects.filter(
            client_id__in=[c for _i, c, _r in parsed]
        ).values_list("client_id", flat=True)
    )
    ids = {r.get("worker") for _i, c, r in parsed if isinstance(r.get("worker"), int)}
    workers, allowed = _batch_workers(ids, user)
    taken = {
        (v.worker_id, v.dose): v
        for v in Vaccination.objects.filter(worker_id__in=list(workers))
    }
    rows: list[Vaccination] = []
    for index, client_id, raw in parsed:
        if client_id in known:
            result.duplicates.append(str(client_id))
            continue
        worker_id = raw.get("worker")
        worker = workers.get(worker_id) if isinstance(worker_id, int) else None
        if worker is None or worker.pk not in allowed:
            result.reject(
                index, client_id, "worker", _("Unknown worker, or not in your scope.")
            )
            continue
        reason = services.check_worker(worker, allowed)
        if reason:
            result.reject(index, client_id, "worker", reason)
            continue
        given_on = parse_day(raw.get("given_on"))
        dose = parse_int(raw.get("dose"))
        errors, vaccine, place = services.dose_values(
            dose, given_on, str(raw.get("vaccine") or ""), str(raw.get("place") or "")
        )
        if errors:
            field, reason = next(iter(errors.items()))
            result.reject(index, client_id, field, reason)
            continue
        if (worker.pk, dose) in taken:
            result.reject(
                index,
                client_id,
                "dose",
                services.dose_taken(worker, dose, taken[(worker.pk, dose)]),
            )
            continue
        row = Vaccination(
            worker=worker,
            dose=dose,
            given_on=given_on,
            vaccine=vaccine,
            place=place,
            recorded_by=user if getattr(user, "pk", None) else None,
            client_id=client_id,
        )
        taken[(worker.pk, dose)] = row
        rows.append(row)
    stored = services.store_vaccinations(rows, by=user)
    for row in rows:
        (result.accepted if row.client_id in stored else result.duplicates).append(
            str(row.client_id)
        )
    result.rejected.sort(key=lambda entry: entry["index"])
    return HttpResponse(result.payload(), content_type="application/json")


# --- schedules and the due list -----------------------------------------------


@router.get(
    "/screening-schedules",
    response={200: list[ScheduleOut], **READ_ERRORS},
    summary="Screening schedules you can see",
)
@paged
def list_screening_schedules(
    request: HttpRequest, enterprise: int | None = None
) -> QuerySet[ScreeningSchedule]:
    qs = ScreeningSchedule.objects.visible_to(caller(request))
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    return qs.order_by("enterprise_id", "-active", "starts_on", "pk")


@router.post(
    "/screening-schedules",
    response={200: ScheduleOut, 201: ScheduleOut, **WRITE_ERRORS},
    summary="Plan periodic screening of an enterprise",
)
def create_screening_schedule(request: HttpRequest, payload: ScheduleIn) -> Any:
    user = caller(request)
    enterprise = get_visible_or_404(
        Enterprise.objects.visible_to(user), payload.enterprise
    )
    schedule = services.save_schedule(
        enterprise=enterprise,
        every_days=payload.every_days,
        share_percent=payload.share_percent,
        method=payload.method,
        starts_on=payload.starts_on,
        active=payload.active,
        by=user,
        client_id=payload.client_id,
    )
    return created(schedule)


@router.get(
    "/enterprises/{enterprise_id}/screening-due",
    response={200: list[DueOut], **READ_ERRORS},
    summary="Workers of an enterprise due for a test on a day",
)
def list_screening_due(
    request: HttpRequest, enterprise_id: int, day: date | None = None
) -> list[dict[str, Any]]:
    """The current round of each active schedule (less those already tested
    in it) and the members of positive pools still waiting for an individual
    test. No results are shown."""
    user = caller(request)
    enterprise = get_visible_or_404(Enterprise.objects.visible_to(user), enterprise_id)
    today = timezone.localdate()
    if day is not None and day > today:
        raise ValidationError({"day": _("That day is still to come.")})
    visible = Worker.objects.visible_to(user).filter(enterprise=enterprise)
    items = services.due_today(
        enterprise=enterprise,
        day=day or today,
        worker_ids=visible.values_list("pk", flat=True),
    )
    return [
        {
            "worker_id": item.worker.pk,
            "worker": item.worker.full_name,
            "reason": item.reason,
            "method": item.method,
            "since": item.since,
            "last_tested_on": item.last_tested_on,
            "schedule_id": item.schedule_id,
            "pool_id": item.pool_id,
        }
        for item in items
    ]


class ResultIn(Schema):
    result: ScreeningResult


@router.post(
    "/screening-tests/{test_id}/result",
    response={200: TestOut, **WRITE_ERRORS},
    summary="Enter the laboratory's result of a test (health officers)",
)
def set_screening_test_result(
    request: HttpRequest, test_id: int, payload: ResultIn
) -> dict[str, Any]:
    """For an individual test; a pool's members change with the pool."""
    user = caller(request)
    test = get_visible_or_404(
        ScreeningTest.objects.visible_to(user)
        .individual()
        .select_related("worker__enterprise", "worker__residence"),
        test_id,
    )
    services.set_result(test=test, result=payload.result, by=user)
    return _test_rows([test], user)[0]


@router.post(
    "/sample-pools/{pool_id}/result",
    response={200: PoolOut, **WRITE_ERRORS},
    summary="Enter the laboratory's result of a pooled sample (health officers)",
)
def set_sample_pool_result(
    request: HttpRequest, pool_id: int, payload: ResultIn
) -> dict[str, Any]:
    """A positive result puts every member on the due list."""
    user = caller(request)
    pool = get_visible_or_404(SamplePool.objects.visible_to(user), pool_id)
    services.set_result(pool=pool, result=payload.result, by=user)
    return _pool_out(pool, user)

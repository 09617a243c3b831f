"""API of tests, pools, vaccinations, schedules and the due list: scoped,
results masked for anyone but health officers (and audited for them), batch
creates idempotent by client_id with per-item answers."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import orjson
import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests import factories as f
from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people.models import EmploymentStatus
from tuquan.screening import services
from tuquan.screening.models import (
    SamplePool,
    ScreeningSchedule,
    ScreeningTest,
    Vaccination,
)

pytestmark = pytest.mark.django_db


def vi(text: str, **params: Any) -> str:
    with translation.override("vi"):
        return gettext(text) % params if params else gettext(text)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(
        f"/api/v1{url}", orjson.dumps(body), content_type="application/json"
    )


def item_for(worker: Any, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "worker": worker.pk,
        "method": "rapid_antigen",
        "sampled_on": timezone.localdate().isoformat(),
        "facility": "Trạm Y tế xã Hòa Phú",
        "result": "positive",
        **extra,
    }


def test_it_accepts_a_batch_and_answers_each_item(province: Province) -> None:
    client = login(province.user("enterprise"))
    province.colleague.employment_status = EmploymentStatus.LEFT
    province.colleague.save()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    items = [
        item_for(province.member),
        item_for(province.outsider),
        item_for(province.colleague),
        item_for(province.leader, sampled_on=tomorrow),
        item_for(province.leader, method="pooled_rt_pcr"),
        item_for(province.leader, result="maybe"),
        {"worker": province.leader.pk},
        item_for(province.leader),
        {**item_for(province.leader), "worker": [1]},
        item_for(province.leader, facility="x" * 161),
    ]
    response = post(client, "/screening-tests", {"tests": items})
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == [items[0]["client_id"], items[7]["client_id"]]
    reasons = {r["index"]: (r["field"], r["reason"]) for r in body["rejected"]}
    assert reasons[1] == ("worker", vi("Unknown worker, or not in your scope."))
    assert reasons[2][0] == "worker"
    assert reasons[3] == (
        "sampled_on",
        capfirst(vi("The %(label)s cannot be in the future.", label=vi("sample date"))),
    )
    assert reasons[4][0] == "method" and reasons[5][0] == "result"
    assert reasons[6][0] == "client_id"
    assert reasons[8][0] == "worker"
    assert reasons[9] == ("facility", vi("At most %(max)d characters.", max=160))
    assert ScreeningTest.objects.count() == 2
    again = post(client, "/screening-tests", {"tests": items[:1]}).json()
    assert again["duplicates"] == [items[0]["client_id"]] and not again["accepted"]
    assert ScreeningTest.objects.count() == 2


def test_it_refuses_an_oversized_batch(province: Province) -> None:
    client = login(province.user("enterprise"))
    items = [item_for(province.member) for _ in range(services.MAX_BATCH + 1)]
    response = post(client, "/screening-tests", {"tests": items})
    assert response.status_code == 422
    assert not ScreeningTest.objects.exists()


def _seed(province: Province) -> None:
    for worker in (province.member, province.outsider):
        services.record_test(
            worker=worker,
            method="rt_pcr",
            sampled_on=timezone.localdate(),
            facility="CDC",
            result="positive",
            by=province.user("province"),
            client_id=uuid.uuid4(),
        )


def test_it_masks_results_for_the_enterprise_officer(province: Province) -> None:
    _seed(province)
    body = login(province.user("enterprise")).get("/api/v1/screening-tests").json()
    assert [row["worker_id"] for row in body["items"]] == [province.member.pk]
    assert body["items"][0]["result"] is None
    assert body["items"][0]["result_visible"] is False
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).exists()


def test_it_shows_and_audits_results_for_health_officers(
    province: Province, health_officer: Any
) -> None:
    _seed(province)
    body = login(health_officer).get("/api/v1/screening-tests").json()
    assert {row["result"] for row in body["items"]} == {"positive"}
    assert body["count"] == 2
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW_PERSONAL, user=health_officer
        ).count()
        == 2
    )


def test_it_hides_other_scopes(province: Province, health_officer: Any) -> None:
    _seed(province)
    by = province.user("province")
    services.record_vaccination(
        worker=province.outsider,
        dose=1,
        given_on=timezone.localdate(),
        vaccine="Pfizer",
        place="",
        by=by,
        client_id=uuid.uuid4(),
    )
    second = f.make_worker("Ngoài phạm vi Thị Hai", enterprise=province.enterprise_b)
    services.record_pool(
        workers=[province.outsider, second],
        sampled_on=timezone.localdate(),
        facility="CDC",
        result="negative",
        by=by,
        client_id=uuid.uuid4(),
    )
    services.save_schedule(
        enterprise=province.enterprise_b,
        every_days=7,
        share_percent=20,
        method="rapid_antigen",
        starts_on=timezone.localdate(),
        active=True,
        by=by,
    )
    client = login(province.user("enterprise"))
    for url in (
        "/api/v1/screening-tests",
        "/api/v1/sample-pools",
        "/api/v1/vaccinations",
        "/api/v1/screening-schedules",
    ):
        body = client.get(url).json()
        assert "Ngoài phạm vi" not in str(body), url
        assert all(
            row.get("worker_id") != province.outsider.pk for row in body["items"]
        )
    assert client.get("/api/v1/sample-pools").json()["count"] == 0
    assert client.get("/api/v1/screening-schedules").json()["count"] == 0
    due = client.get(f"/api/v1/enterprises/{province.enterprise_b.pk}/screening-due")
    assert due.status_code == 404
    assert (
        login(province.user("outsider")).get("/api/v1/screening-tests").json()["count"]
        == 0
    )


def test_it_creates_a_pool_once_and_refuses_a_member_twice(
    province: Province,
) -> None:
    client = login(province.user("enterprise"))
    payload = {
        "client_id": str(uuid.uuid4()),
        "workers": [province.member.pk, province.colleague.pk, province.member.pk],
        "sampled_on": timezone.localdate().isoformat(),
        "facility": "CDC",
        "result": "positive",
    }
    response = post(client, "/sample-pools", payload)
    assert response.status_code == 422
    assert vi(
        "A worker may appear only once in a pool: %(names)s is listed twice.",
        names=province.member.full_name,
    ) in str(response.json())
    payload["workers"] = [province.member.pk, province.colleague.pk]
    first = post(client, "/sample-pools", payload)
    assert first.status_code == 201
    assert first.json()["result"] is None and first.json()["workers"]
    again = post(client, "/sample-pools", payload)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert SamplePool.objects.count() == 1
    payload.update(client_id=str(uuid.uuid4()), workers=[province.outsider.pk, 1])
    assert post(client, "/sample-pools", payload).status_code == 422


def test_it_records_vaccinations_in_a_batch(province: Province) -> None:
    client = login(province.user("team_leader"))
    day = (timezone.localdate() - timedelta(days=10)).isoformat()

    def dose(worker: Any, number: int, **extra: Any) -> dict[str, Any]:
        return {
            "client_id": str(uuid.uuid4()),
            "worker": worker.pk,
            "dose": number,
            "given_on": day,
            "vaccine": "Vero Cell",
            **extra,
        }

    items = [
        dose(province.member, 1),
        dose(province.member, 1),
        dose(province.colleague, 1),
        dose(province.leader, 0),
        dose(province.leader, 1, vaccine=""),
    ]
    body = post(client, "/vaccinations", {"vaccinations": items}).json()
    assert body["accepted"] == [items[0]["client_id"]]
    reasons = {r["index"]: r["field"] for r in body["rejected"]}
    assert reasons == {1: "dose", 2: "worker", 3: "dose", 4: "vaccine"}
    again = post(client, "/vaccinations", {"vaccinations": items[:1]}).json()
    assert again["duplicates"] == [items[0]["client_id"]]
    assert Vaccination.objects.count() == 1
    listed = client.get("/api/v1/vaccinations").json()
    assert [row["worker_id"] for row in listed["items"]] == [province.member.pk]


def test_it_plans_schedules_and_lists_the_due(province: Province) -> None:
    client = login(province.user("enterprise"))
    payload = {
        "client_id": str(uuid.uuid4()),
        "enterprise": province.enterprise_a.pk,
        "every_days": 7,
        "share_percent": 100,
        "starts_on": timezone.localdate().isoformat(),
    }
    assert post(client, "/screening-schedules", payload).status_code == 201
    assert post(client, "/screening-schedules", payload).status_code == 200
    assert ScreeningSchedule.objects.count() == 1
    leader = login(province.user("team_leader"))
    payload["client_id"] = str(uuid.uuid4())
    assert post(leader, "/screening-schedules", payload).status_code in (403, 404)
    due = client.get(
        f"/api/v1/enterprises/{province.enterprise_a.pk}/screening-due"
    ).json()
    assert {row["worker_id"] for row in due} == {
        province.leader.pk,
        province.member.pk,
        province.colleague.pk,
    }
    assert {row["reason"] for row in due} == {"schedule"}
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.get(
        f"/api/v1/enterprises/{province.enterprise_a.pk}/screening-due?day={future}"
    )
    assert response.status_code == 422


def test_it_takes_a_full_batch_of_tests_once(province: Province) -> None:
    client = login(province.user("enterprise"))
    workers = [province.member, province.colleague, province.leader]
    items = [item_for(workers[i % 3]) for i in range(services.MAX_BATCH)]
    first = post(client, "/screening-tests", {"tests": items}).json()
    assert len(first["accepted"]) == services.MAX_BATCH and not first["rejected"]
    again = post(client, "/screening-tests", {"tests": items}).json()
    assert len(again["duplicates"]) == services.MAX_BATCH and not again["accepted"]
    assert ScreeningTest.objects.count() == services.MAX_BATCH
    created = AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="screening.screeningtest"
    )
    assert created.count() == services.MAX_BATCH
    assert created.filter(scope_path=province.enterprise_a.path).count() == (
        services.MAX_BATCH
    )


def test_it_lets_health_officers_enter_a_laboratory_result(
    province: Province, health_officer: Any
) -> None:
    test = services.record_test(
        worker=province.member,
        method="rt_pcr",
        sampled_on=timezone.localdate(),
        facility="CDC",
        result="pending",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )
    url = f"/screening-tests/{test.pk}/result"
    officer = login(province.user("enterprise"))
    assert post(officer, url, {"result": "positive"}).status_code == 403
    response = post(login(health_officer), url, {"result": "positive"})
    assert response.status_code == 200 and response.json()["result"] == "positive"
    pool = services.record_pool(
        workers=[province.colleague, province.leader],
        sampled_on=timezone.localdate(),
        facility="CDC",
        result="pending",
        by=province.user("enterprise"),
        client_id=uuid.uuid4(),
    )
    response = post(
        login(health_officer), f"/sample-pools/{pool.pk}/result", {"result": "positive"}
    )
    assert response.json()["result"] == "positive"
    due = services.due_today(enterprise=province.enterprise_a, day=timezone.localdate())
    assert {item.worker.pk for item in due} == {
        province.colleague.pk,
        province.leader.pk,
    }
    outside = login(province.user("enterprise_b"))
    assert (
        post(
            outside, f"/sample-pools/{pool.pk}/result", {"result": "negative"}
        ).status_code
        == 404
    )

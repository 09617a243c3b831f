"""API of the dashboard: the same figures as the page, scoped; refresh."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from tests.test_dashboard import END, START
from tuquan.reports import rollup
from tuquan.reports.figures import summary
from tuquan.reports.models import EnterpriseDay


def client_for(province: Any, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


@pytest.fixture
def rolled(province: Any) -> Any:
    from tests.test_rollup_figures import generate_month

    generate_month(province)
    for day in (END - dt.timedelta(days=2), END - dt.timedelta(days=1), END):
        rollup.refresh_day(day)
    return province


@pytest.mark.django_db
def test_it_returns_the_summary_of_a_scope(rolled: Any) -> None:
    response = client_for(rolled, "province").get(
        f"/api/v1/dashboard/{rolled.zone_a.pk}",
        {"start": START.isoformat(), "end": END.isoformat()},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    expected = summary(scope=rolled.zone_a, start=START, end=END)
    assert data["totals"]["declarations"] == expected.totals.declarations > 0
    assert data["last_day"] == END.isoformat()
    assert len(data["series"]) == (END - START).days + 1
    assert {c["id"] for c in data["children"]} == {
        rolled.enterprise_a.pk,
        rolled.enterprise_a2.pk,
    }


@pytest.mark.django_db
def test_it_hides_other_scopes(rolled: Any) -> None:
    client = client_for(rolled, "commune")
    for pk in (rolled.commune_b.pk, rolled.zone_b.pk, rolled.province.pk):
        assert client.get(f"/api/v1/dashboard/{pk}").status_code == 404
        assert (
            client.post(
                f"/api/v1/dashboard/{pk}/refresh", "{}", content_type="application/json"
            ).status_code
            == 404
        )
    own = client.get(f"/api/v1/dashboard/{rolled.commune_a.pk}")
    assert own.status_code == 200
    assert "Ngoài phạm vi" not in own.content.decode()
    worker = client_for(rolled, "worker")
    assert worker.get(f"/api/v1/dashboard/{rolled.enterprise_a.pk}").status_code == 404


@pytest.mark.django_db
def test_it_refreshes_a_scope(rolled: Any) -> None:
    EnterpriseDay.objects.filter(day=END).delete()
    response = client_for(rolled, "enterprise").post(
        f"/api/v1/dashboard/{rolled.enterprise_a.pk}/refresh",
        json.dumps({"start": END.isoformat(), "end": END.isoformat()}),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    assert response.json()["days"] == [END.isoformat()]
    assert list(
        EnterpriseDay.objects.filter(day=END).values_list("enterprise_id", flat=True)
    ) == [rolled.enterprise_a.pk]


@pytest.mark.django_db
def test_it_explains_a_bad_period(rolled: Any) -> None:
    response = client_for(rolled, "province").get(
        f"/api/v1/dashboard/{rolled.province.pk}",
        {"start": "2021-08-01", "end": "2021-07-01"},
    )
    assert response.status_code == 422
    assert "start" in response.content.decode()

"""The dual-goal dashboard: scoping, figures from the rollups, links, query bound."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_rollup_figures import DAYS, START, generate_month
from tuquan.reports import rollup
from tuquan.reports.models import EnterpriseDay, NodeDay

END = START + dt.timedelta(days=DAYS - 1)
PERIOD = {"start": START.strftime("%d/%m/%Y"), "end": END.strftime("%d/%m/%Y")}


def client_for(province: Any, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


@pytest.fixture
def month(province: Any) -> Any:
    generate_month(province)
    for day in (START + dt.timedelta(days=i) for i in range(DAYS)):
        rollup.refresh_day(day)
    return province


@pytest.mark.django_db
def test_it_opens_the_users_widest_unit(month: Any) -> None:
    response = client_for(month, "province").get(reverse("dashboard_home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", args=(month.province.pk,))
    response = client_for(month, "zone").get(reverse("dashboard_home"))
    assert response["Location"] == reverse("dashboard", args=(month.zone_a.pk,))


@pytest.mark.django_db
def test_it_shows_the_three_sides_with_the_rollup_figures(month: Any) -> None:
    response = client_for(month, "province").get(
        reverse("dashboard", args=(month.province.pk,)), PERIOD
    )
    assert response.status_code == 200
    page = response.content.decode()
    for side in ("h-epidemic", "h-production", "h-security"):
        assert f'id="{side}"' in page
    board = response.context["board"]
    expected = sum(
        EnterpriseDay.objects.filter(day__range=(START, END)).values_list(
            "declarations", flat=True
        )
    )
    assert board.summary.totals.declarations == expected > 0
    assert board.summary.totals.incidents_new == sum(
        NodeDay.objects.filter(day__range=(START, END)).values_list(
            "incidents_new", flat=True
        )
    )
    assert page.count("<svg") == 3
    # Drill-down: each child unit links to its own dashboard.
    assert reverse("dashboard", args=(month.commune_a.pk,)) in page
    assert f'data-unit="{month.commune_a.pk}"' in page


@pytest.mark.django_db
def test_it_links_each_figure_to_its_scoped_rows(month: Any) -> None:
    client = client_for(month, "province")
    response = client.get(reverse("dashboard", args=(month.zone_a.pk,)), PERIOD)
    links = response.context["board"].links
    assert f"place={month.zone_a.pk}" in links["incidents"]
    assert f"since={START.isoformat()}" in links["incidents"]
    listed = client.get(links["incidents"])
    assert listed.status_code == 200
    workers = client_for(month, "province").get(
        reverse("dashboard", args=(month.enterprise_a.pk,)), PERIOD
    )
    assert (
        f"enterprise={month.enterprise_a.pk}"
        in workers.context["board"].links["workers"]
    )


@pytest.mark.django_db
def test_it_hides_other_scopes(month: Any) -> None:
    client = client_for(month, "commune")
    response = client.get(reverse("dashboard", args=(month.commune_b.pk,)), PERIOD)
    assert response.status_code == 403
    assert "Ngoài phạm vi" not in response.content.decode()
    for name in ("dashboard_map",):
        assert client.get(reverse(name, args=(month.zone_b.pk,))).status_code == 403
    assert (
        client.post(reverse("dashboard_refresh", args=(month.zone_b.pk,))).status_code
        == 403
    )
    own = client.get(reverse("dashboard", args=(month.commune_a.pk,)), PERIOD)
    assert own.status_code == 200
    assert "Ngoài phạm vi" not in own.content.decode()
    # A commune officer cannot see the province total.
    assert (
        client.get(reverse("dashboard", args=(month.province.pk,))).status_code == 403
    )
    outsider = client_for(month, "outsider")
    assert outsider.get(reverse("dashboard_home")).status_code == 403


@pytest.mark.django_db
def test_it_shows_a_team_its_members_figures(month: Any) -> None:
    response = client_for(month, "team_leader").get(
        reverse("dashboard", args=(month.team_a.pk,)), PERIOD
    )
    assert response.status_code == 200
    totals = response.context["board"].summary.totals
    assert (
        totals.workers_registered
        == month.team_a.memberships.filter(left_on__isnull=True).count()
    )
    assert totals.declarations > 0


@pytest.mark.django_db
def test_it_rejects_a_bad_period_in_vietnamese(month: Any) -> None:
    response = client_for(month, "province").get(
        reverse("dashboard", args=(month.province.pk,)),
        {"start": "31/02/2021", "end": "01/07/2021"},
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert response.context["errors"]


@pytest.mark.django_db
def test_it_refreshes_the_scope_on_demand(month: Any) -> None:
    day = END
    EnterpriseDay.objects.filter(day=day).delete()
    client = client_for(month, "zone")
    response = client.post(
        reverse("dashboard_refresh", args=(month.zone_a.pk,)),
        {"start": day.strftime("%d/%m/%Y"), "end": day.strftime("%d/%m/%Y")},
    )
    assert response.status_code == 302
    refreshed = EnterpriseDay.objects.filter(day=day)
    # Only the zone's enterprises were rewritten, not enterprise B outside it.
    assert {r.enterprise_id for r in refreshed} == {
        month.enterprise_a.pk,
        month.enterprise_a2.pk,
    }


@pytest.mark.django_db
def test_it_reads_a_bounded_number_of_queries(
    month: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(month, "province")
    url = reverse("dashboard", args=(month.province.pk,))
    client.get(url, PERIOD)  # warm the session and caches
    with django_assert_max_num_queries(20):
        response = client.get(url, PERIOD)
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_shows_an_enterprise_its_teams(month: Any) -> None:
    from tuquan.reports.models import TeamDay

    response = client_for(month, "enterprise").get(
        reverse("dashboard", args=(month.enterprise_a.pk,)), PERIOD
    )
    assert response.status_code == 200
    summary = response.context["board"].summary
    team = next(c for c in summary.children if c.id == month.team_a.pk)
    assert team.totals.declarations == sum(
        TeamDay.objects.filter(team=month.team_a, day__range=(START, END)).values_list(
            "declarations", flat=True
        )
    )
    assert team.totals.declarations > 0
    assert summary.totals.declarations > team.totals.declarations

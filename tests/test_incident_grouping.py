"""Grouping reports about the same event into one incident."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Province
from tuquan.security.models import Incident, IncidentReport
from tuquan.security.services import create_report, group_reports


def report_at(**place: Any) -> IncidentReport:
    return create_report(
        kind="assault",
        description="Xô xát giữa hai nhóm công nhân",
        occurred_at=timezone.now(),
        **place,
    )


def test_it_groups_reports_and_adds_more_later(province: Province) -> None:
    one = report_at(enterprise=province.enterprise_a)
    two = report_at(enterprise=province.enterprise_a2)
    zone = province.user("zone")
    incident = group_reports(reports=[one, two], by=zone, title="Xô xát cổng KCN")
    assert incident.scope_path == province.zone_a.path
    three = report_at(zone=province.zone_a)
    group_reports(reports=[three], by=zone, incident=incident)
    assert set(incident.reports.values_list("pk", flat=True)) == {
        one.pk,
        two.pk,
        three.pk,
    }


def test_it_needs_two_reports_and_a_verifier(province: Province) -> None:
    one = report_at(enterprise=province.enterprise_a)
    two = report_at(enterprise=province.enterprise_a)
    with pytest.raises(ValidationError):
        group_reports(reports=[one], by=province.user("zone"))
    with pytest.raises(PermissionDenied):
        group_reports(reports=[one, two], by=province.user("team_leader"))
    assert not Incident.objects.exists()


def test_it_groups_from_the_list_page(client: Any, province: Province) -> None:
    one = report_at(enterprise=province.enterprise_a)
    two = report_at(zone=province.zone_a)
    client.force_login(province.user("zone"))
    response = client.post(
        reverse("report_group"), {"report": [one.pk, two.pk], "title": "Một vụ"}
    )
    incident = Incident.objects.get()
    assert response["Location"] == reverse("incident_detail", args=[incident.pk])
    page = client.get(response["Location"]).content.decode()
    assert one.reference in page and two.reference in page


def test_it_groups_from_a_detail_page_by_reference(
    client: Any, province: Province
) -> None:
    one = report_at(enterprise=province.enterprise_a)
    two = report_at(enterprise=province.enterprise_a)
    client.force_login(province.user("enterprise"))
    client.post(reverse("report_group"), {"report": one.pk, "with": two.reference})
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.incident_id is not None and one.incident_id == two.incident_id
    # The enterprise officer still sees the incident they made.
    page = client.get(reverse("incident_detail", args=[one.incident_id]))
    assert page.status_code == 200


def test_it_hides_other_scopes(client: Any, province: Province) -> None:
    a = report_at(enterprise=province.enterprise_a)
    a2 = report_at(enterprise=province.enterprise_a2)
    b = report_at(enterprise=province.enterprise_b)
    police = province.user("police")
    incident = group_reports(reports=[a, a2, b], by=police, title="Liên khu")
    client.force_login(province.user("enterprise"))
    page = client.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert a.reference in page
    assert a2.reference not in page and b.reference not in page
    only_b = group_reports(
        reports=[b, report_at(enterprise=province.enterprise_b)], by=police
    )
    assert client.get(reverse("incident_detail", args=[only_b.pk])).status_code == 404
    # Grouping someone else's report by reference finds nothing.
    client.post(reverse("report_group"), {"report": a.pk, "with": b.reference})
    b.refresh_from_db()
    assert b.incident == only_b

"""The demo's incident reports: realistic, one handed over to the police with
its countdown running, one grouped incident."""

from __future__ import annotations

from typing import Any

from tests import factories as f
from tests.conftest import Province
from tests.test_incident_workflow import commune_police
from tuquan.accounts.choices import Role
from tuquan.security.choices import HandOverStatus, ReportStatus
from tuquan.security.demo import write_reports
from tuquan.security.models import HandOver, Incident, IncidentReport


class Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count(self, model: Any, n: int) -> None:
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + n


def test_it_writes_the_demo_reports(province: Province) -> None:
    station, _officer = commune_police(province, province.commune_a, "cax")
    users = {
        "congnhan": province.user("worker"),
        "totruong": province.user("team_leader"),
        "baove.hoaphu": f.make_user("baove", Role.GATE_GUARD, province.zone_a),
        "kcn.hoaphu": province.user("zone"),
        "congan.tinh": province.user("police"),
    }
    counter = Counter()
    write_reports(counter, province.zone_a.pk, users, seed=3)
    assert IncidentReport.objects.filter(is_sample=True).count() == 6
    assert counter.counts["IncidentReport"] == 6
    theft = IncidentReport.objects.get(kind__code="theft")
    assert theft.handover.police_unit == station
    assert theft.handover.status == HandOverStatus.PENDING
    assert not theft.handover.is_overdue()
    gambling = HandOver.objects.get(report__kind__code="gambling")
    assert gambling.status == HandOverStatus.CONCLUDED and gambling.record_number
    assert Incident.objects.get().reports.count() == 2
    assert (
        IncidentReport.objects.get(kind__code="traffic").status == ReportStatus.CLOSED
    )
    # Every report is visible to the zone board of the showcase zone.
    visible = IncidentReport.objects.visible_to(province.user("zone")).count()
    assert visible == 6

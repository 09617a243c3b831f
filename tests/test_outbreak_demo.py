"""The surveillance part of the demo: a declaration history, a planted
cluster in a team, and the alerts it raises."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.health.demo import write_declarations
from tuquan.health.models import HealthDeclaration
from tuquan.surveillance.demo import CLUSTER, HISTORY_DAYS, build_demo
from tuquan.surveillance.models import OutbreakAlert

pytestmark = pytest.mark.django_db


class Counter:
    """Stands for the demo writer: counts rows by model."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count(self, model: type[Model], n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n


def test_it_plants_a_cluster_that_the_detection_finds(province: Province) -> None:
    for number in range(10):  # team A: 12 members, the demo's minimum
        f.make_worker(
            f"Công nhân Mẫu {number}",
            enterprise=province.enterprise_a,
            teams=(province.team_a,),
        )
    writer = Counter()
    write_declarations(writer, province.zone_a.pk, seed=7)
    build_demo(writer, province.zone_a.pk, seed=7)
    today = timezone.localdate()
    days = set(HealthDeclaration.objects.values_list("day", flat=True))
    assert len(days) == HISTORY_DAYS + 1
    sick_today = HealthDeclaration.objects.filter(
        day=today,
        healthy=False,
        worker__memberships__team=province.team_a,
    ).count()
    assert sick_today >= CLUSTER[-1]
    team = OutbreakAlert.objects.filter(
        unit_key=f"team:{province.team_a.pk}", day=today, series="symptomatic"
    )
    assert team.count() == 4  # every method
    assert writer.counts["surveillance.outbreakalert"] == OutbreakAlert.objects.count()
    # Nothing outside the showcase zone alarms.
    assert not OutbreakAlert.objects.filter(scope_path__startswith=province.zone_b.path)
    assert all(a.message.startswith(province.team_a.name) for a in team)

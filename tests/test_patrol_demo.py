"""The patrols of the demo: checkpoints of the showcase zone, a plan and past
patrols of the demo team leader's team, readable on the patrol pages."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.test import Client
from django.urls import reverse

from tests import factories as f
from tests.conftest import Province
from tuquan.patrols.demo import CHECKPOINTS, write_patrols
from tuquan.patrols.models import Checkpoint, PatrolEntry, PatrolPlan, PatrolSession


class Writer:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def count(self, model: Any, n: int) -> None:
        self.counts[model._meta.label_lower] += n


def test_it_writes_patrols_for_the_showcase_zone(province: Province) -> None:
    other = f.make_team("Tổ tự quản Gỗ Tây Nguyên", enterprise=province.enterprise_a2)
    f.make_worker("Đỗ Văn Tuần", enterprise=province.enterprise_a2, teams=(other,))
    writer = Writer()
    users = {
        "kcn.hoaphu": province.user("zone"),
        "totruong": province.user("team_leader"),
    }
    write_patrols(writer, province.zone_a.pk, users, seed=7)
    assert Checkpoint.objects.filter(site=province.zone_a).count() == len(CHECKPOINTS)
    plan = PatrolPlan.objects.get()
    assert plan.team_id == province.team_a.pk and len(plan.route()) == 4
    assert PatrolSession.objects.filter(team=province.team_a).count() == 3
    assert PatrolSession.objects.filter(team=other, plan__isnull=True).count() == 1
    assert not PatrolSession.objects.filter(ended_at__isnull=True).exists()
    assert PatrolEntry.objects.filter(kind="scan").count() == 3 * 4 + 2
    assert writer.counts["patrols.patrolsession"] == 4
    client = Client()
    client.force_login(province.user("team_leader"))
    session = PatrolSession.objects.filter(team=province.team_a).first()
    page = client.get(reverse("patrol_session", args=[session.pk])).content.decode()
    assert "Nhà xe công nhân" in page and session.handover_note in page

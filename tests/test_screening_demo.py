"""The screening part of the demo: schedules, rounds of rapid tests, a
positive pool waiting for follow-ups, a positive test waiting for a health
officer, and vaccine doses."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.screening import services
from tuquan.screening.demo import build_demo
from tuquan.screening.models import (
    SamplePool,
    ScreeningSchedule,
    ScreeningTest,
    Vaccination,
)

pytestmark = pytest.mark.django_db


class Counter:
    """Stands for the demo writer: counts rows by model."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count(self, model: type[Model], n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n


def test_it_builds_sample_screening_data(
    province: Province, health_officer: Any
) -> None:
    for number in range(20):
        f.make_worker(f"Công nhân Mẫu {number}", enterprise=province.enterprise_a)
    writer = Counter()
    build_demo(writer, province.zone_a.pk, seed=7)
    assert ScreeningSchedule.objects.count() == 2  # both enterprises of zone A
    assert writer.counts["screening.screeningtest"] == ScreeningTest.objects.count()
    assert writer.counts["screening.vaccination"] == Vaccination.objects.count() > 0
    assert SamplePool.objects.get().result == "positive"
    assert not ScreeningTest.objects.filter(worker__enterprise=province.enterprise_b)
    due = services.due_today(enterprise=province.enterprise_a, day=timezone.localdate())
    followups = [i for i in due if i.reason == services.POOL_FOLLOWUP]
    assert len(followups) == 3  # five in the pool, two already tested again
    positives = services.positives_without_case(health_officer)
    assert positives.count() == 1

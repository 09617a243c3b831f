"""The recognition demo writes through the services a registration, a grading
and team ratings that respect the cap."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import time_machine
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.recognition.demo import write_recognition
from tuquan.recognition.models import Grading, Recognition, TeamRating


class Writer:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.lines: list[str] = []

    def say(self, message: str) -> None:
        self.lines.append(message)

    def count(self, model: Any, n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n


def test_it_writes_the_demo(province: Province) -> None:
    enterprise = province.enterprise_a
    enterprise.registered_workforce = 800
    enterprise.save()
    for i in range(4):
        f.make_team(f"Tổ demo {i}", enterprise=enterprise)
    writer = Writer()
    tz = timezone.get_fixed_timezone(7 * 60)
    with time_machine.travel(datetime(2026, 11, 29, 9, 0, tzinfo=tz)):
        write_recognition(writer, enterprise.pk, seed=7)
    assert Recognition.objects.get().state == "self_assessed"
    assert Grading.objects.get().total >= 60
    ratings = TeamRating.objects.filter(unit=enterprise)
    assert ratings.count() == 5
    excellent = ratings.filter(grade__is_excellent=True).count()
    good = ratings.filter(grade__good_or_better=True).count()
    assert excellent <= good * 20 // 100
    assert writer.counts["recognition.teamrating"] == 5

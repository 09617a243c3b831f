"""The demo's violations: written through the services in the showcase zone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import GateSite
from tests.test_violation_record import flagged_event, provision
from tuquan.violations.demo import write_violations
from tuquan.violations.models import SanctionDecision, Violation

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count(self, model: Any, n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n


def test_it_writes_violations_a_repeat_and_a_decision(gates: GateSite) -> None:
    province = gates.province
    provision()  # the shipped rows
    event = flagged_event(province.member, gates.gate_a)
    writer = Counter()
    write_violations(writer, province.zone_a.pk, province.users["zone"], seed=2021)
    assert writer.counts == {
        "violations.violation": 5,
        "violations.sanctiondecision": 1,
    }
    assert Violation.objects.filter(is_repeat=True).count() >= 1
    assert Violation.objects.filter(gate_event=event).exists()
    assert Violation.objects.filter(organisation__isnull=False).count() == 1
    decision = SanctionDecision.objects.get()
    assert decision.violations.get().is_repeat

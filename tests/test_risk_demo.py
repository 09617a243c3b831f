"""The demo's sample risk self-assessments."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Province
from tuquan.riskassess.choices import AssessmentStatus
from tuquan.riskassess.demo import write_assessments
from tuquan.riskassess.models import Answer, Assessment

pytestmark = pytest.mark.django_db


class Writer:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def count(self, model: Any, n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n


def test_it_writes_assessments_for_the_zone(province: Province) -> None:
    writer = Writer()
    write_assessments(writer, province.zone_a.pk, 7, inspector=province.user("zone"))
    assessments = Assessment.objects.all()
    assert {a.enterprise_id for a in assessments} == {
        province.enterprise_a.pk,
        province.enterprise_a2.pk,
    }
    assert writer.counts["riskassess.assessment"] == assessments.count()
    rescored = assessments.get(status=AssessmentStatus.RESCORED)
    assert rescored.scorings.count() == 2
    assert rescored.total_points == rescored.scorings.last().total_points
    # Fewer than 50 workers in each: CS1 scores 1 point everywhere.
    assert set(
        Answer.objects.filter(indicator__code="CS1").values_list("points", flat=True)
    ) == {1}
    for assessment in assessments:
        original = assessment.scorings.first()
        assert original.answers.count() == 15
        assert original.kind == "original"

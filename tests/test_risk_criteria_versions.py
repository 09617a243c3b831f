"""Which criteria set an assessment uses: the one in force on the submission
day, a province (or lower unit) override before the national set."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.conftest import Province
from tuquan.riskassess.models import AnswerOption, CriteriaSet, Indicator
from tuquan.riskassess.services import (
    answers_with_points,
    current_criteria_set,
    submit_assessment,
)
from tuquan.riskassess.shipped import install_national_set

pytestmark = pytest.mark.django_db


def make_set(code: str, start: date, end: date | None = None, **extra: Any) -> Any:
    """A one-indicator set whose single option is worth ``points``."""
    points = extra.pop("points", 5)
    criteria_set = CriteriaSet.objects.create(
        code=code, name=code, effective_from=start, effective_to=end, **extra
    )
    indicator = Indicator.objects.create(
        criteria_set=criteria_set, code="CS1", label="Số lượng", max_points=10
    )
    AnswerOption.objects.create(indicator=indicator, label="Một", points=points)
    return criteria_set


@pytest.fixture
def national() -> CriteriaSet:
    return install_national_set()


def test_it_uses_the_national_set_without_override(
    province: Province, national: CriteriaSet
) -> None:
    found = current_criteria_set(province.enterprise_a, date(2021, 7, 1))
    assert found == national


def test_it_picks_the_version_in_force_on_the_day(
    province: Province, national: CriteriaSet
) -> None:
    national.effective_to = date(2021, 12, 31)
    national.save()
    newer = make_set("qd-2194-2020", date(2022, 1, 1))
    enterprise = province.enterprise_a
    assert current_criteria_set(enterprise, date(2021, 12, 31)) == national
    assert current_criteria_set(enterprise, date(2022, 1, 1)) == newer
    with pytest.raises(ValidationError, match="19/05/2020"):
        current_criteria_set(enterprise, date(2020, 5, 19))


def test_it_prefers_the_province_override_while_in_force(
    province: Province, national: CriteriaSet
) -> None:
    override = make_set(
        "dak-lak-2021",
        date(2021, 6, 1),
        date(2021, 9, 30),
        organisation=province.province,
    )
    elsewhere = make_set("phuong-b", date(2021, 6, 1), organisation=province.commune_b)
    enterprise = province.enterprise_a
    assert current_criteria_set(enterprise, date(2021, 5, 31)) == national
    assert current_criteria_set(enterprise, date(2021, 7, 1)) == override
    assert current_criteria_set(enterprise, date(2021, 10, 1)) == national
    # Commune B's override applies to enterprise B only, and beats the province's.
    assert current_criteria_set(province.enterprise_b, date(2021, 7, 1)) == elsewhere


def test_it_prefers_the_nearest_override(
    province: Province, national: CriteriaSet
) -> None:
    make_set("dak-lak", date(2021, 6, 1), organisation=province.province)
    commune = make_set("hoa-phu", date(2021, 6, 1), organisation=province.commune_a)
    assert current_criteria_set(province.enterprise_a, date(2021, 7, 1)) == commune


def test_it_submits_with_the_set_of_the_submission_day(
    province: Province, national: CriteriaSet
) -> None:
    override = make_set(
        "dak-lak-2021", date(2021, 6, 1), organisation=province.province, points=5
    )
    user = province.user("enterprise")
    with time_machine.travel("2021-05-31 09:00 +0700", tick=False):
        before = submit_assessment(
            enterprise=province.enterprise_a,
            answers=answers_with_points(national, {"CS1": 10}),
            by=user,
        )
    with time_machine.travel("2021-06-01 09:00 +0700", tick=False):
        after = submit_assessment(
            enterprise=province.enterprise_a,
            answers=answers_with_points(override, {}),
            by=user,
        )
    assert before.criteria_set == national
    assert after.criteria_set == override
    # Override: 5 points over its own maximum total (300 by default).
    assert after.total_points == 5
    assert str(after.score) == "1.67"

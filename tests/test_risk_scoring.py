"""Scoring arithmetic of the risk self-assessment (Decision 2194/QĐ-BCĐQG):
score = points / 300 × 100, and each band edge checked by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tuquan.riskassess.choices import Band
from tuquan.riskassess.models import CriteriaSet
from tuquan.riskassess.services import band_of, score_answers
from tuquan.riskassess.shipped import NATIONAL_CODE, install_national_set


@pytest.mark.parametrize(
    ("points", "score", "band"),
    [
        ([0], "0.00", Band.VERY_LOW),
        ([1], "0.33", Band.VERY_LOW),
        ([10, 10, 25], "15.00", Band.VERY_LOW),  # 45/300 = 15 % exactly
        ([10, 10, 26], "15.33", Band.LOW),  # 46/300 = 15.33 %
        ([30, 30, 30], "30.00", Band.LOW),  # 90
        ([91], "30.33", Band.MEDIUM),
        ([150], "50.00", Band.MEDIUM),
        ([151], "50.33", Band.HIGH),
        ([200, 40], "80.00", Band.HIGH),  # 240
        ([241], "80.33", Band.VERY_HIGH),
        ([300], "100.00", Band.VERY_HIGH),
    ],
)
def test_it_scores_each_band_edge(points: list[int], score: str, band: str) -> None:
    result = score_answers(points)
    assert result.total_points == sum(points)
    assert result.score == Decimal(score)
    assert result.band == band


def test_it_compares_the_band_exactly_not_after_rounding() -> None:
    # 15.001 % would round to 15.00 but is above the very-low limit.
    assert band_of(15001, 100000) == Band.LOW
    assert band_of(15000, 100000) == Band.VERY_LOW
    assert score_answers([2], 3).score == Decimal("66.67")


@pytest.mark.django_db
def test_it_ships_the_national_set_with_fifteen_indicators() -> None:
    criteria_set = install_national_set()
    assert criteria_set.code == NATIONAL_CODE
    assert CriteriaSet.objects.filter(code=NATIONAL_CODE).count() == 1
    indicators = list(criteria_set.indicators.order_by("order"))
    assert [i.code for i in indicators] == [f"CS{n}" for n in range(1, 16)]
    assert sum(i.max_points for i in indicators) == criteria_set.max_total == 300
    cs1, cs2, cs3 = indicators[:3]
    assert [o.points for o in cs1.options.order_by("order")] == [1, 2, 4, 6, 8, 10]
    assert [o.points for o in cs2.options.order_by("order")] == [0, 10]
    assert not cs1.to_verify and not cs2.to_verify
    # CS3's ceiling is known, its options are not; CS4-CS15 are placeholders.
    assert cs3.max_points == 30 and all(o.to_verify for o in cs3.options.all())
    assert all(i.to_verify for i in indicators[3:])
    for indicator in indicators:
        assert max(o.points for o in indicator.options.all()) == indicator.max_points

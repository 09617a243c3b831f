"""EARS C1, C2, C3 and the CUSUM against figures worked out by hand.

Conventions (see tuquan.surveillance.methods): a series is oldest day first and
its last element is the day judged; sd is the sample sd (divide by n - 1) and
never below min_sigma (1 by default); alarm when statistic > threshold.
"""

from __future__ import annotations

import pytest

from tuquan.surveillance import methods
from tuquan.surveillance.methods import Parameters

# Baseline used below: 2, 4, 2, 4, 2, 4, 3
#   sum 21, mean 21 / 7 = 3
#   squared deviations 1 + 1 + 1 + 1 + 1 + 1 + 0 = 6
#   sample variance 6 / (7 - 1) = 1, sd = 1
#   (a population sd would be sqrt(6 / 7) = 0.926: the tests tell them apart)
BASELINE = [2, 4, 2, 4, 2, 4, 3]


def test_it_computes_c1_against_the_seven_previous_days() -> None:
    # C1 = (7 - 3) / 1 = 4 > 3: alarm; the count to exceed is 3 + 3 × 1 = 6
    result = methods.ears_c1([*BASELINE, 7])
    assert result.method == methods.C1
    assert result.observed == 7
    assert result.expected == pytest.approx(3.0)
    assert result.sigma == pytest.approx(1.0)
    assert result.statistic == pytest.approx(4.0)
    assert result.threshold == 3.0
    assert result.bound == pytest.approx(6.0)
    assert result.alarm is True


def test_it_does_not_alarm_exactly_at_the_threshold() -> None:
    # C1 = (6 - 3) / 1 = 3, which is not above 3
    result = methods.ears_c1([*BASELINE, 6])
    assert result.statistic == pytest.approx(3.0)
    assert result.alarm is False


def test_it_uses_only_the_last_seven_days_for_c1() -> None:
    # Two older days (100, 100) fall outside the baseline: same figures as above.
    result = methods.ears_c1([100, 100, *BASELINE, 7])
    assert result.expected == pytest.approx(3.0)
    assert result.statistic == pytest.approx(4.0)


def test_it_skips_a_two_day_guard_band_in_c2() -> None:
    # Days: BASELINE (7 days), guard band 9, 9, today 7.
    # C2 baseline = the 7 days ending 3 days before today = BASELINE:
    #   C2 = (7 - 3) / 1 = 4 > 3: alarm, bound 6.
    # C1 on the same series sees 2, 4, 2, 4, 3, 9, 9:
    #   sum 33, mean 4.714; sum of squares 4+16+4+16+9+81+81 = 211
    #   variance (211 - 33² / 7) / 6 = (211 - 155.571) / 6 = 9.238, sd 3.0394
    #   C1 = (7 - 4.714) / 3.0394 = 0.752: the rise hides in its own baseline.
    series = [*BASELINE, 9, 9, 7]
    c2 = methods.ears_c2(series)
    assert c2.expected == pytest.approx(3.0)
    assert c2.sigma == pytest.approx(1.0)
    assert c2.statistic == pytest.approx(4.0)
    assert c2.bound == pytest.approx(6.0)
    assert c2.alarm is True
    c1 = methods.ears_c1(series)
    assert c1.expected == pytest.approx(33 / 7)
    assert c1.sigma == pytest.approx(3.0394, abs=1e-4)
    assert c1.statistic == pytest.approx(0.752, abs=1e-3)
    assert c1.alarm is False


def test_it_floors_sigma_so_a_flat_zero_baseline_does_not_alarm_on_few_cases() -> None:
    # Baseline 0 × 7: sd 0, floored to min_sigma 1.
    # 3 cases: C1 = (3 - 0) / 1 = 3, not above 3: no alarm. 4 cases: 4 > 3.
    assert methods.ears_c1([0] * 7 + [3]).alarm is False
    assert methods.ears_c1([0] * 7 + [3]).sigma == 1.0
    assert methods.ears_c1([0] * 7 + [4]).alarm is True
    # With min_sigma 0.5: C1 = 3 / 0.5 = 6 > 3.
    params = Parameters(min_sigma=0.5)
    result = methods.ears_c1([0] * 7 + [3], params)
    assert result.statistic == pytest.approx(6.0)
    assert result.alarm is True


def test_it_sums_three_days_of_c2_above_one_in_c3() -> None:
    # Days 0-8 are 0 (every C2 baseline: mean 0, sd floored to 1), days 9-11
    # are 1, 2, 3: C2 = 1, 2, 3.
    # C3 = max(0, 1-1) + max(0, 2-1) + max(0, 3-1) = 0 + 1 + 2 = 3 > 2: alarm,
    # although C2 alone (3) does not exceed 3.
    # Bound: today alarms when max(0, C2 - 1) > 2 - 1, i.e. C2 > 2, count > 2.
    series = [0] * 9 + [1, 2, 3]
    c3 = methods.ears_c3(series)
    assert c3.statistic == pytest.approx(3.0)
    assert c3.threshold == 2.0
    assert c3.expected == 0.0
    assert c3.bound == pytest.approx(2.0)
    assert c3.alarm is True
    assert methods.ears_c2(series).alarm is False


def test_it_does_not_alarm_c3_below_its_threshold() -> None:
    # Days 9-11 are 0, 1, 2: C3 = 0 + 0 + 1 = 1, not above 2.
    # Bound: nothing carried, so C2 must exceed 1 + 2 = 3: count > 3.
    c3 = methods.ears_c3([0] * 9 + [0, 1, 2])
    assert c3.statistic == pytest.approx(1.0)
    assert c3.bound == pytest.approx(3.0)
    assert c3.alarm is False


def test_it_reports_no_bound_when_earlier_days_alone_exceed_c3() -> None:
    # Days 9-11 are 4, 4, 1: carried max(0, 4-1) + max(0, 4-1) = 6 > 2, so
    # today's count does not matter: C3 = 6 + 0 = 6, bound None.
    c3 = methods.ears_c3([0] * 9 + [4, 4, 1])
    assert c3.statistic == pytest.approx(6.0)
    assert c3.bound is None
    assert c3.alarm is True


def test_it_accumulates_the_cusum_with_k_and_h() -> None:
    # Days 0-8 are 0; the first day with a full C2 baseline is day 9.
    # Days 9-11 are 1, 2, 2: z = 1, 2, 2 (mean 0, sd floored to 1)
    #   S9 = max(0, 0 + 1 - 1.04) = 0
    #   S10 = max(0, 0 + 2 - 1.04) = 0.96
    #   S11 = max(0, 0.96 + 2 - 1.04) = 1.92, not above 2.26
    result = methods.cusum([0] * 9 + [1, 2, 2])
    assert result.statistic == pytest.approx(1.92)
    assert result.threshold == 2.26
    assert result.alarm is False
    # Day 11 at 3: S11 = 0.96 + 3 - 1.04 = 2.92 > 2.26: alarm.
    # Bound: x > 0 + (2.26 + 1.04 - 0.96) × 1 = 2.34.
    result = methods.cusum([0] * 9 + [1, 2, 3])
    assert result.statistic == pytest.approx(2.92)
    assert result.bound == pytest.approx(2.34)
    assert result.alarm is True


def test_it_reports_no_cusum_bound_when_earlier_days_carry_it_past_h() -> None:
    # Days 9-11 are 5, 5, 1 (z = 5, 5, 1):
    #   S9 = 5 - 1.04 = 3.96; S10 = 3.96 + 5 - 1.04 = 7.92
    #   S11 = 7.92 + 1 - 1.04 = 7.88 > 2.26: alarm
    # Room for today: 2.26 + 1.04 - 7.92 = -4.62 < 0, so no count bound.
    result = methods.cusum([0] * 9 + [5, 5, 1])
    assert result.statistic == pytest.approx(7.88)
    assert result.bound is None
    assert result.alarm is True


def test_it_standardises_the_cusum_with_the_baseline_sd() -> None:
    # Days 0-6 BASELINE (mean 3, sd 1), days 7-8 are 3, 3, day 9 is 6.
    # Day 9 is the first CUSUM day; its baseline is days 0-6: z = (6 - 3) / 1 = 3
    # S9 = max(0, 0 + 3 - 1.04) = 1.96, not above 2.26.
    result = methods.cusum([*BASELINE, 3, 3, 6])
    assert result.statistic == pytest.approx(1.96)
    assert result.alarm is False


def test_it_runs_every_method_at_once_with_the_same_figures() -> None:
    series = [0] * 9 + [1, 2, 3]
    together = {r.method: r for r in methods.run_all(series)}
    assert set(together) == set(methods.METHODS)
    for name in methods.METHODS:
        assert together[name] == methods.run(name, series)


def test_it_refuses_a_series_too_short() -> None:
    with pytest.raises(ValueError):
        methods.ears_c1([1, 2, 3])
    with pytest.raises(ValueError):
        methods.ears_c3([0] * 11)


def test_it_reads_parameters_from_settings(settings: object) -> None:
    settings.TUQUAN_OUTBREAK = {"min_sigma": 0.5, "cusum_h": 3.0}  # type: ignore[attr-defined]
    params = methods.parameters()
    assert params.min_sigma == 0.5
    assert params.cusum_h == 3.0
    assert params.cusum_k == 1.04  # default kept
    assert params.c1_threshold == 3.0 and params.c3_threshold == 2.0


def test_it_reports_bad_settings_as_improperly_configured(settings: object) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.TUQUAN_OUTBREAK = {"cusum_hh": 3.0}  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="cusum_hh"):
        methods.parameters()


def test_it_refuses_an_unknown_or_impossible_parameter() -> None:
    with pytest.raises(ValueError, match="min_sigm"):
        Parameters.from_mapping({"min_sigm": 0.5})
    with pytest.raises(ValueError):
        Parameters.from_mapping({"min_sigma": 0})
    with pytest.raises(ValueError):
        Parameters.from_mapping({"window_days": 5})

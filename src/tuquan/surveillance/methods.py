"""Aberration detection on daily counts: EARS C1, C2, C3 and a CUSUM.

Pure Python (no NumPy): a series is a list of daily counts, oldest first, whose
last element is the day being judged. Every parameter comes from
:class:`Parameters`, whose defaults can be overridden in settings::

    TUQUAN_OUTBREAK = {"min_sigma": 0.5, "cusum_h": 3.0}

The EARS methods follow the CDC's Early Aberration Reporting System
(Hutwagner et al., "The bioterrorism preparedness and response Early
Aberration Reporting System (EARS)", J Urban Health 2003; Fricker et al.,
Stat Med 2008):

- C1: baseline the 7 days before today; C1 = (x_t - mean) / sd, alarm above 3.
- C2: the same with a 2-day guard band: baseline the 7 days ending 3 days
  before today, so a slowly rising outbreak does not hide in its own baseline.
- C3: sum over today and the 2 previous days of max(0, C2_i - 1), alarm above 2.

The CUSUM standardises each day against the C2 baseline, z_t = (x_t - mean_t) /
sd_t, and accumulates S_t = max(0, S_{t-1} + z_t - k), alarm when S_t > h; it
starts at 0 on the first day of the series with a full baseline.

The standard deviation is the sample one (n - 1) and never below ``min_sigma``:
a baseline of seven zeros has sd 0, and without a floor a single case would be
an infinitely large aberration.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

C1 = "ears_c1"
C2 = "ears_c2"
C3 = "ears_c3"
CUSUM = "cusum"
METHODS = (C1, C2, C3, CUSUM)


@dataclass(frozen=True)
class Parameters:
    """Every tunable figure of the methods (settings ``TUQUAN_OUTBREAK``)."""

    baseline_days: int = 7
    guard_days: int = 2
    min_sigma: float = 1.0
    c1_threshold: float = 3.0
    c2_threshold: float = 3.0
    c3_threshold: float = 2.0
    # C3 adds only the part of each C2 above this value (1 in the CDC definition).
    c3_offset: float = 1.0
    c3_days: int = 3
    cusum_k: float = 1.04
    cusum_h: float = 2.26
    # Days of history read for each unit; the CUSUM runs over all of them.
    window_days: int = 28

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> Parameters:
        """Defaults overridden by ``values``; an unknown name is an error, so a
        typo in settings does not silently leave a default in force."""
        known = {f.name: f.type for f in fields(cls)}
        values = dict(values or {})
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"Unknown outbreak parameters: {', '.join(unknown)}")
        params = replace(cls(), **values)
        if params.baseline_days < 2:
            raise ValueError("baseline_days must be at least 2 (a sd needs 2 days).")
        if params.min_sigma <= 0:
            raise ValueError("min_sigma must be positive.")
        if params.window_days < params.min_length(C3):
            raise ValueError("window_days is too short for EARS C3.")
        return params

    def min_length(self, method: str) -> int:
        """Shortest series a method can judge its last day on."""
        lagged = self.baseline_days + self.guard_days + 1
        return {
            C1: self.baseline_days + 1,
            C2: lagged,
            C3: lagged + self.c3_days - 1,
            CUSUM: lagged,
        }[method]


DEFAULT = Parameters()


def parameters() -> Parameters:
    """The parameters in force: settings ``TUQUAN_OUTBREAK`` over the defaults."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return Parameters.from_mapping(getattr(settings, "TUQUAN_OUTBREAK", None))
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"TUQUAN_OUTBREAK: {exc}") from exc


@dataclass(frozen=True)
class Result:
    """One method's verdict on the last day of a series.

    ``bound`` is the count the last day had to exceed for the method to alarm
    (what "the threshold" means to a team leader); None when the day's count
    does not matter because the previous days alone already exceed it (C3,
    CUSUM).
    """

    method: str
    observed: float
    expected: float
    sigma: float
    statistic: float
    threshold: float
    bound: float | None
    alarm: bool


class Baselines:
    """Mean and floored sd of the ``n`` days before each day of a series,
    computed once with running sums (every method reads them)."""

    def __init__(self, series: Sequence[float], params: Parameters) -> None:
        n = params.baseline_days
        self.series = series
        self.params = params
        self.mean: list[float | None] = [None] * len(series)
        self.sigma: list[float | None] = [None] * len(series)
        total = sum(series[:n])
        squares = sum(x * x for x in series[:n])
        for t in range(n, len(series)):
            mean = total / n
            variance = max(0.0, (squares - total * mean) / (n - 1))
            self.mean[t] = mean
            self.sigma[t] = max(math.sqrt(variance), params.min_sigma)
            old, new = series[t - n], series[t]
            total += new - old
            squares += new * new - old * old

    def at(self, t: int, lag: int = 0) -> tuple[float, float]:
        """(mean, sd) of the baseline of day ``t`` ending ``lag`` days earlier."""
        if t - lag < 0:
            raise ValueError("The series is too short for this baseline.")
        mean, sigma = self.mean[t - lag], self.sigma[t - lag]
        if mean is None or sigma is None:
            raise ValueError("The series is too short for this baseline.")
        return mean, sigma


def _check(series: Sequence[float], params: Parameters, method: str) -> None:
    need = params.min_length(method)
    if len(series) < need:
        raise ValueError(f"{method} needs at least {need} days, got {len(series)}.")


def _c1(base: Baselines) -> Result:
    t = len(base.series) - 1
    x = base.series[t]
    mean, sigma = base.at(t)
    threshold = base.params.c1_threshold
    statistic = (x - mean) / sigma
    return Result(
        C1, x, mean, sigma, statistic, threshold, mean + threshold * sigma,
        statistic > threshold,
    )  # fmt: skip


def _c2_statistic(base: Baselines, t: int) -> tuple[float, float, float]:
    mean, sigma = base.at(t, lag=base.params.guard_days)
    return (base.series[t] - mean) / sigma, mean, sigma


def _c2(base: Baselines) -> Result:
    t = len(base.series) - 1
    statistic, mean, sigma = _c2_statistic(base, t)
    threshold = base.params.c2_threshold
    return Result(
        C2, base.series[t], mean, sigma, statistic, threshold,
        mean + threshold * sigma, statistic > threshold,
    )  # fmt: skip


def _c3(base: Baselines) -> Result:
    params = base.params
    t = len(base.series) - 1
    offset = params.c3_offset
    earlier = sum(
        max(0.0, _c2_statistic(base, t - i)[0] - offset)
        for i in range(1, params.c3_days)
    )
    today, mean, sigma = _c2_statistic(base, t)
    statistic = earlier + max(0.0, today - offset)
    threshold = params.c3_threshold
    # Today alarms when max(0, C2_t - offset) > threshold - earlier.
    room = threshold - earlier
    bound = mean + (offset + room) * sigma if room >= 0 else None
    return Result(
        C3, base.series[t], mean, sigma, statistic, threshold, bound,
        statistic > threshold,
    )  # fmt: skip


def _cusum(base: Baselines) -> Result:
    params = base.params
    k, h = params.cusum_k, params.cusum_h
    first = params.min_length(CUSUM) - 1
    last = len(base.series) - 1
    previous = 0.0
    for t in range(first, last):
        z, _, _ = _c2_statistic(base, t)
        previous = max(0.0, previous + z - k)
    z, mean, sigma = _c2_statistic(base, last)
    statistic = max(0.0, previous + z - k)
    # S_t > h  <=>  z_t > h + k - S_{t-1}  <=>  x_t > mean + (h + k - S_{t-1}) sd;
    # when the earlier days carry the sum past h + k, any count alarms.
    room = h + k - previous
    bound = mean + room * sigma if room >= 0 else None
    return Result(
        CUSUM, base.series[last], mean, sigma, statistic, h, bound, statistic > h,
    )  # fmt: skip


_RUNNERS = {C1: _c1, C2: _c2, C3: _c3, CUSUM: _cusum}


def run(method: str, series: Sequence[float], params: Parameters = DEFAULT) -> Result:
    """Judge the last day of ``series`` with ``method``."""
    _check(series, params, method)
    return _RUNNERS[method](Baselines(series, params))


def ears_c1(series: Sequence[float], params: Parameters = DEFAULT) -> Result:
    return run(C1, series, params)


def ears_c2(series: Sequence[float], params: Parameters = DEFAULT) -> Result:
    return run(C2, series, params)


def ears_c3(series: Sequence[float], params: Parameters = DEFAULT) -> Result:
    return run(C3, series, params)


def cusum(series: Sequence[float], params: Parameters = DEFAULT) -> Result:
    return run(CUSUM, series, params)


def run_all(series: Sequence[float], params: Parameters = DEFAULT) -> list[Result]:
    """Every method on the last day of ``series``, sharing one pass of
    baselines (the detection runs this for each unit and series)."""
    _check(series, params, C3)
    _check(series, params, CUSUM)
    base = Baselines(series, params)
    return [runner(base) for runner in _RUNNERS.values()]

"""The assessment of one week in plain sentences, for the detail page and API.

Built from the stored row at display time, so it is shown in the reader's
language.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tuquan.levels.choices import (
    CapacityStatus,
    Coverage,
    CoverageSource,
    EpidemicLevel,
    PopulationSource,
)
from tuquan.levels.models import WeeklyLevel


def _num(value: Decimal | int | None, places: int = 0) -> str:
    if value is None:
        return "—"
    return number_format(value, places, force_grouping=True)


def _pct(value: Decimal | None) -> str:
    if value is None:
        return "—"
    places = 0 if value == value.to_integral_value() else 2
    return f"{number_format(value, places)} %"


def explain(row: WeeklyLevel) -> list[str]:
    """One sentence per step: population, cases and rate, coverage, the rule,
    capacity, the result."""
    lines: list[str] = []
    lines.append(
        _("Week from %(start)s to %(end)s.")
        % {
            "start": row.week_start.strftime("%d/%m/%Y"),
            "end": (row.week_start + timedelta(days=6)).strftime("%d/%m/%Y"),
        }
    )
    if row.population_source == PopulationSource.ENTERED:
        lines.append(
            _(
                "Population: %(population)s people, entered by an officer "
                "(%(workers)s active workers in the system)."
            )
            % {"population": _num(row.population), "workers": _num(row.workers)}
        )
    else:
        lines.append(
            _(
                "Population: %(population)s active workers in the system. The "
                "real population of a commune is larger: an officer can enter it "
                "with the treatment capacity."
            )
            % {"population": _num(row.population)}
        )
    if row.rate is None:
        lines.append(
            _(
                "Nobody is counted in this unit, so no rate and no level can be "
                "computed."
            )
        )
        return lines
    lines.append(
        _(
            "New cases confirmed this week: %(cases)s. Rate = %(cases)s × 100,000 "
            "÷ %(population)s = %(rate)s new cases per 100,000 people per week."
        )
        % {
            "cases": _num(row.cases),
            "population": _num(row.population),
            "rate": _num(row.rate, 2),
        }
    )
    if row.coverage_source == CoverageSource.UNKNOWN:
        lines.append(
            _(
                "Vaccination coverage is not known (no vaccination records and "
                "none entered): counted as low coverage so that the level is not "
                "underestimated."
            )
        )
    else:
        source = (
            _("from the workers' vaccination records")
            if row.coverage_source == CoverageSource.VACCINATIONS
            else _("entered by an officer")
        )
        lines.append(
            _(
                "Vaccination coverage (%(source)s): %(one)s of adults with at "
                "least one dose, %(full)s fully vaccinated, %(elderly)s of people "
                "aged 65 and over fully vaccinated."
            )
            % {
                "source": source,
                "one": _pct(row.coverage_one_dose_pct),
                "full": _pct(row.coverage_full_dose_pct),
                "elderly": _pct(row.coverage_elderly_pct),
            }
        )
    ts = row.threshold_set
    if ts is not None:
        criteria = [
            _("at least %(pct)s of adults with one dose")
            % {"pct": _pct(ts.high_one_dose_pct)}
        ]
        if ts.high_full_dose_pct is not None:
            criteria.append(
                _("at least %(pct)s of adults fully vaccinated")
                % {"pct": _pct(ts.high_full_dose_pct)}
            )
        if ts.high_elderly_full_dose_pct is not None:
            criteria.append(
                _("at least %(pct)s of people aged 65 and over fully vaccinated")
                % {"pct": _pct(ts.high_elderly_full_dose_pct)}
            )
        lines.append(
            _("Coverage counts as high with %(criteria)s; here it is %(result)s.")
            % {
                "criteria": "; ".join(criteria),
                "result": Coverage(row.coverage).label,
            }
        )
    rule = row.inputs.get("rule") or {}
    if rule:
        upper = rule.get("rate_below")
        band = (
            _("from %(low)s to below %(high)s new cases per 100,000 per week")
            % {
                "low": _num(Decimal(rule["rate_from"]), 0),
                "high": _num(Decimal(upper), 0),
            }
            if upper is not None
            else _("%(low)s new cases per 100,000 per week or more")
            % {"low": _num(Decimal(rule["rate_from"]), 0)}
        )
        lines.append(
            _("Rule applied: %(band)s with %(coverage)s gives %(level)s.")
            % {
                "band": band,
                "coverage": Coverage(rule["coverage"]).label,
                "level": EpidemicLevel(rule["level"]).label,
            }
        )
    if row.capacity_status == CapacityStatus.FALLS_SHORT:
        if row.raised:
            lines.append(
                _(
                    "Treatment capacity does not meet the needs: the level is "
                    "raised by one."
                )
            )
        else:
            lines.append(_("Treatment capacity does not meet the needs."))
    elif row.capacity_status == CapacityStatus.MEETS:
        lines.append(_("Treatment capacity meets the needs."))
    else:
        lines.append(
            _(
                "Treatment capacity has not been entered for this week: the level "
                "is not raised for it."
            )
        )
    if row.level is not None:
        lines.append(
            _("Result: %(level)s.") % {"level": EpidemicLevel(row.level).label}
        )
    return lines


def to_verify(row: WeeklyLevel) -> bool:
    """Did the assessment use default figures nobody has verified yet?"""
    ts = row.inputs.get("threshold_set") or {}
    rule = row.inputs.get("rule") or {}
    return bool(ts.get("to_verify") or rule.get("to_verify"))

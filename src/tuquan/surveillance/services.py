"""Daily early outbreak detection: series per unit, the methods, the alerts.

``detect_outbreaks(day=...)`` judges ``day`` for every unit and series with
every method and stores one :class:`OutbreakAlert` per alarm. A rerun for the
same day updates the alerts in place (same ids, new figures), adds new ones and
removes those that no longer alarm (late declarations can lower a count), so
running it twice never duplicates anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tuquan.core.scoping import paths_q
from tuquan.health.cases import health_paths
from tuquan.organisations.models import Organisation, Workshop
from tuquan.surveillance import methods
from tuquan.surveillance.models import Method, OutbreakAlert, Series, UnitKind
from tuquan.surveillance.series import UnitSeries, unit_series, window

CHUNK = 900  # ids per IN (...) list: SQLite's historic variable limit is 999


@dataclass
class Unit:
    """What an alert needs to know about its unit."""

    key: str
    name: str
    path: str
    organisation_id: int | None = None
    workshop_id: int | None = None


@dataclass
class Detection:
    """What a run found, for the API, the task log and the bench."""

    day: date
    units: int = 0
    alarms: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    by_series: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "units": self.units,
            "alarms": self.alarms,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "by_method": self.by_method,
            "by_series": self.by_series,
            "by_kind": self.by_kind,
        }


def unit_key(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _units(wanted: Iterable[tuple[str, int]]) -> dict[str, Unit]:
    """Names and scope paths of the units, by key (two queries per 900 units)."""
    org_ids: dict[int, str] = {}
    workshop_ids: list[int] = []
    for kind, pk in wanted:
        if kind == UnitKind.WORKSHOP:
            workshop_ids.append(pk)
        else:
            org_ids[pk] = kind
    found: dict[str, Unit] = {}
    ids = list(org_ids)
    for chunk in _chunks(ids):
        rows = Organisation.objects.filter(pk__in=chunk).values_list(
            "pk", "name", "path"
        )
        for pk, name, path in rows:
            key = unit_key(org_ids[pk], pk)
            found[key] = Unit(key, name, path, organisation_id=pk)
    for chunk in _chunks(workshop_ids):
        rows = Workshop.objects.filter(pk__in=chunk).values_list(
            "pk", "name", "enterprise__name", "enterprise__path"
        )
        for pk, name, enterprise, path in rows:
            key = unit_key(UnitKind.WORKSHOP, pk)
            label = _("%(workshop)s (%(enterprise)s)") % {
                "workshop": name,
                "enterprise": enterprise,
            }
            found[key] = Unit(key, label, path, workshop_id=pk)
    return found


def _number(value: float, places: int = 1) -> str:
    """0.6 → "0,6", 5.0 → "5", 1234.5 → "1.234,5", 2.26 → "2,26" (places=2)
    in Vietnamese: no trailing zeros."""
    value = round(value, places)
    shown = 0
    while shown < places and round(value, shown) != value:
        shown += 1
    return number_format(value, decimal_pos=shown, use_l10n=True, force_grouping=True)


def alert_message(
    *, unit: str, series: str, day: date, method: str, result: methods.Result
) -> str:
    """The alert in plain words: what was seen, what is usual, the threshold
    and the method. Built in the site's language, whoever runs detection."""
    count = int(result.observed)
    values = {
        "unit": unit,
        "count": _number(result.observed),
        "day": f"{day:%d/%m/%Y}",
        "expected": _number(result.expected),
        "method": Method(method).label,
    }
    if series == Series.SYMPTOMATIC:
        seen = ngettext(
            "%(unit)s: %(count)s person declared symptoms on %(day)s, "
            "usually about %(expected)s a day",
            "%(unit)s: %(count)s people declared symptoms on %(day)s, "
            "usually about %(expected)s a day",
            count,
        )
    else:
        seen = ngettext(
            "%(unit)s: %(count)s person did not declare on %(day)s, "
            "usually about %(expected)s a day",
            "%(unit)s: %(count)s people did not declare on %(day)s, "
            "usually about %(expected)s a day",
            count,
        )
    if result.bound is not None:
        values["bound"] = _number(result.bound)
        rule = _("threshold %(bound)s (method %(method)s)")
    else:
        values["statistic"] = _number(result.statistic, 2)
        values["threshold"] = _number(result.threshold, 2)
        rule = _(
            "the previous days already exceeded the threshold: score "
            "%(statistic)s above %(threshold)s (method %(method)s)"
        )
    return f"{seen % values}; {rule % values}"


def _may_alarm(counts: list[int], params: methods.Parameters) -> bool:
    """Can any method alarm on the last day? Every alarm needs the day above
    its method's expected value, the mean of the 7 days before (C1) or of the
    7 days before the guard band (the others): two sums rule most units out."""
    today = counts[-1]
    if today <= 0:
        return False
    n, guard = params.baseline_days, params.guard_days
    recent = sum(counts[-1 - n : -1])
    lagged = sum(counts[-1 - guard - n : -1 - guard])
    return today * n > recent or today * n > lagged


def _alarms(
    series: list[UnitSeries], params: methods.Parameters
) -> list[tuple[UnitSeries, str, list[int], methods.Result]]:
    """Every (unit, series, counts, result) that alarms on the last day.

    An alarm also needs the day's count above the expected one: C3 and the
    CUSUM carry earlier days, and "0 today, usually 0.4: alarm" would read as
    nonsense to a team leader. A last day at 0 cannot alarm, which skips most
    symptom series without running anything; see :func:`_may_alarm`.
    """
    found = []
    for entry in series:
        for name, counts in (
            (Series.SYMPTOMATIC, entry.symptomatic),
            (Series.MISSING, entry.missing),
        ):
            if not _may_alarm(counts, params):
                continue
            for result in methods.run_all(counts, params):
                if result.alarm and result.observed > result.expected:
                    found.append((entry, name, counts, result))
    return found


def _within(units: dict[str, Unit], entry: UnitSeries, paths: list[str]) -> bool:
    unit = units.get(unit_key(entry.kind, entry.unit_id))
    return unit is not None and any(unit.path.startswith(p) for p in paths)


def detect_outbreaks(
    *,
    day: date,
    paths: list[str] | None = None,
    params: methods.Parameters | None = None,
) -> Detection:
    """Judge ``day`` for every unit (or only those under ``paths``) and store
    the alarms as alerts; returns what it found."""
    if day > timezone.localdate():
        raise ValidationError(
            {"day": _("%(day)s is in the future: there is nothing to judge yet.")
                    % {"day": f"{day:%d/%m/%Y}"}}
        )  # fmt: skip
    params = params or methods.parameters()
    # Alerts are stored text: written in the site's language, whoever runs it.
    with translation.override(settings.LANGUAGE_CODE):
        return _detect(day=day, paths=paths, params=params)


def _detect(
    *, day: date, paths: list[str] | None, params: methods.Parameters
) -> Detection:
    everything = unit_series(day=day, days=params.window_days)
    if paths is not None:
        units = _units((e.kind, e.unit_id) for e in everything)
        everything = [e for e in everything if _within(units, e, paths)]
    alarms = _alarms(everything, params)
    if paths is None:
        units = _units({(e.kind, e.unit_id) for e, _n, _c, _r in alarms})
    start, _end = window(day, params.window_days)
    detection = Detection(day=day, units=len(everything))
    rows: list[OutbreakAlert] = []
    for entry, series_name, counts, result in alarms:
        unit = units.get(unit_key(entry.kind, entry.unit_id))
        if unit is None:  # deleted between the two queries
            continue
        rows.append(
            OutbreakAlert(
                unit_kind=entry.kind,
                organisation_id=unit.organisation_id,
                workshop_id=unit.workshop_id,
                unit_key=unit.key,
                unit_name=unit.name[:255],
                scope_path=unit.path,
                day=day,
                series=series_name,
                method=result.method,
                observed=result.observed,
                expected=result.expected,
                sigma=result.sigma,
                statistic=result.statistic,
                threshold=result.threshold,
                upper_bound=result.bound,
                window=list(counts),
                window_start=start,
                message=alert_message(
                    unit=unit.name,
                    series=series_name,
                    day=day,
                    method=result.method,
                    result=result,
                ),
            )
        )
        for tally, key in (
            (detection.by_method, result.method),
            (detection.by_series, series_name),
            (detection.by_kind, entry.kind),
        ):
            tally[str(key)] = tally.get(str(key), 0) + 1
    detection.alarms = len(rows)
    _store(rows, day=day, paths=paths, detection=detection)
    return detection


def _store(
    rows: list[OutbreakAlert],
    *,
    day: date,
    paths: list[str] | None,
    detection: Detection,
) -> None:
    earlier = OutbreakAlert.objects.filter(day=day)
    if paths is not None:
        earlier = earlier.filter(paths_q("scope_path", paths))
    with transaction.atomic():
        existing = {
            (key, series, method): pk
            for pk, key, series, method in earlier.values_list(
                "pk", "unit_key", "series", "method"
            )
        }
        fresh = {(row.unit_key, row.series, row.method) for row in rows}
        stale = [pk for key, pk in existing.items() if key not in fresh]
        for chunk in _chunks(stale):
            OutbreakAlert.objects.filter(pk__in=chunk).delete()
        OutbreakAlert.objects.bulk_create(
            rows,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["unit_key", "day", "series", "method"],
            update_fields=[
                "unit_name",
                "scope_path",
                "observed",
                "expected",
                "sigma",
                "statistic",
                "threshold",
                "upper_bound",
                "window",
                "window_start",
                "message",
                "updated_at",
            ],
        )
    detection.removed = len(stale)
    detection.updated = len(fresh & set(existing))
    detection.created = len(fresh) - detection.updated


def detect_for(*, user: Any, day: date) -> Detection:
    """Detection run by a health officer: only the units in their scope."""
    paths = health_paths(user)
    if paths == []:
        raise PermissionDenied(_("Only health officers may run outbreak detection."))
    return detect_outbreaks(day=day, paths=paths)


def default_day() -> date:
    """The last complete day: a day still under way would show most workers
    as not declared yet."""
    return timezone.localdate() - timedelta(days=1)


RECENT_DAYS = 3


def recent_alerts(user: Any, days: int = RECENT_DAYS) -> Any:
    """Alerts of the last ``days`` days the user may see (home dashboard)."""
    since = timezone.localdate() - timedelta(days=days - 1)
    return OutbreakAlert.objects.visible_to(user).filter(day__gte=since)


def recent_alert_units(user: Any, days: int = RECENT_DAYS) -> int:
    """How many distinct units alarmed lately, for a to-do count."""
    return recent_alerts(user, days).values("unit_key").distinct().count()


def home_todo(user: Any) -> tuple[str, str, int] | None:
    """(text, url, count) for the home dashboard's to-do list when units in
    the user's scope alarmed in the last days; None otherwise."""
    from django.urls import reverse

    count = recent_alert_units(user)
    if not count:
        return None
    since = timezone.localdate() - timedelta(days=RECENT_DAYS - 1)
    text = ngettext(
        "Unit with an outbreak alert in the last %(days)d days",
        "Units with an outbreak alert in the last %(days)d days",
        count,
    ) % {"days": RECENT_DAYS}
    return text, f"{reverse('alert_list')}?since={since:%Y-%m-%d}", count

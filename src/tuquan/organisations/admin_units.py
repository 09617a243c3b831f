"""Loading administrative units from the ``vietnam-provinces`` dataset.

The post-2025 map has provinces and communes only (districts were abolished on
1 July 2025). Units are matched by (kind, code), so loading twice changes nothing
and a renamed unit is updated in place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import vietnam_provinces
from django.db import transaction

from tuquan.core.text import nfc
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import AdminUnit


@dataclass
class LoadResult:
    provinces_created: int = 0
    communes_created: int = 0
    updated: int = 0
    unchanged: int = 0


def _dataset() -> list[dict]:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as fh:
        return json.load(fh)


def _upsert(
    existing: dict[str, AdminUnit],
    *,
    kind: str,
    code: str,
    name: str,
    division_type: str,
    parent: AdminUnit | None,
    result: LoadResult,
) -> tuple[AdminUnit, bool]:
    name = nfc(name)  # the dataset has a few double spaces
    unit = existing.get(code)
    if unit is None:
        unit = AdminUnit(
            kind=kind, code=code, name=name, division_type=division_type, parent=parent
        )
        unit.save()
        return unit, True
    if (unit.name, unit.division_type, unit.parent_id) != (
        name,
        division_type,
        parent.pk if parent else None,
    ):
        unit.name, unit.division_type, unit.parent = name, division_type, parent
        unit.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return unit, False


def load_admin_units(*, province_codes: list[int] | None = None) -> LoadResult:
    """Load the given provinces (all when None) and their communes and wards."""
    result = LoadResult()
    wanted = {int(c) for c in province_codes} if province_codes else None
    provinces = {u.code: u for u in AdminUnit.objects.filter(kind=OrgKind.PROVINCE)}
    communes = {u.code: u for u in AdminUnit.objects.filter(kind=OrgKind.COMMUNE)}
    with transaction.atomic():
        for item in _dataset():
            if wanted is not None and int(item["code"]) not in wanted:
                continue
            province, created = _upsert(
                provinces,
                kind=OrgKind.PROVINCE,
                code=str(item["code"]),
                name=item["name"],
                division_type=item["division_type"],
                parent=None,
                result=result,
            )
            result.provinces_created += created
            for ward in item["wards"]:
                _unit, created = _upsert(
                    communes,
                    kind=OrgKind.COMMUNE,
                    code=str(ward["code"]),
                    name=ward["name"],
                    division_type=ward["division_type"],
                    parent=province,
                    result=result,
                )
                result.communes_created += created
    return result

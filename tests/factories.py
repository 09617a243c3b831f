"""Small ``make_*`` helpers for tests: valid-format codes and tree nodes."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from tuquan.accounts.models import RoleAssignment, User
from tuquan.core.validators import national_id_century_sex_digit, tax_code_check_digit
from tuquan.gates.models import Gate, WorkerCard
from tuquan.organisations.choices import OrgKind, TeamKind
from tuquan.organisations.models import (
    AdminUnit,
    Enterprise,
    Organisation,
    Residence,
    Team,
    Zone,
)
from tuquan.people.models import Sex, Worker

# Automatic serials start far above the small ones tests choose by hand, so a
# long run never hands out a national ID a test is about to import.
_counter = itertools.count(500_000)


def valid_tax_code(seed: int | None = None) -> str:
    n = seed if seed is not None else next(_counter)
    base = 400000000 + n * 7
    while True:
        first9 = f"{base:09d}"
        digit = tax_code_check_digit(first9)
        if digit is not None:
            return f"{first9}{digit}"
        base += 1


def valid_national_id(
    *,
    born: date = date(1995, 5, 17),
    sex: str = Sex.MALE,
    province: str = "066",
    serial: int | None = None,
) -> str:
    n = serial if serial is not None else next(_counter)
    century = national_id_century_sex_digit(born.year, sex)
    return f"{province}{century}{born.year % 100:02d}{n % 1000000:06d}"


def valid_phone(serial: int | None = None) -> str:
    n = serial if serial is not None else next(_counter)
    return f"+8491{n % 10000000:07d}"


def make_commune(province: AdminUnit, name: str, code: str = "") -> AdminUnit:
    return AdminUnit.objects.create(
        name=name,
        kind=OrgKind.COMMUNE,
        parent=province,
        code=code or name[:8],
        division_type="xã",
    )


def make_zone(commune: AdminUnit, name: str, **extra: Any) -> Zone:
    return Zone.objects.create(
        name=name, kind=OrgKind.INDUSTRIAL_PARK, commune=commune, **extra
    )


def make_enterprise(zone: Zone, name: str, **extra: Any) -> Enterprise:
    extra.setdefault("tax_code", valid_tax_code())
    extra.setdefault("registered_workforce", 100)
    return Enterprise.objects.create(
        name=name, zone=zone, code=extra["tax_code"], **extra
    )


def make_residence(commune: AdminUnit, name: str, **extra: Any) -> Residence:
    extra.setdefault("address", "12 Nguyễn Tất Thành")
    return Residence.objects.create(name=name, commune=commune, **extra)


def make_team(
    name: str,
    *,
    enterprise: Enterprise | None = None,
    residence: Residence | None = None,
    **extra: Any,
) -> Team:
    kind = TeamKind.WORKPLACE if enterprise is not None else TeamKind.RESIDENCE
    return Team.objects.create(
        name=name, team_kind=kind, enterprise=enterprise, residence=residence, **extra
    )


def make_worker(
    full_name: str,
    *,
    enterprise: Enterprise | None = None,
    residence: Residence | None = None,
    born: date = date(1995, 5, 17),
    sex: str = Sex.MALE,
    teams: tuple[Team, ...] = (),
    user: User | None = None,
    national_id: str | None = None,
    phone: str | None = None,
) -> Worker:
    worker = Worker(
        full_name=full_name,
        date_of_birth=born,
        sex=sex,
        enterprise=enterprise,
        residence=residence,
        user=user,
    )
    worker.national_id = national_id or valid_national_id(born=born, sex=sex)
    worker.phone = phone if phone is not None else valid_phone()
    worker.save()
    for team in teams:
        worker.memberships.create(team=team)
    return worker


def make_user(
    username: str,
    role: str | None = None,
    org: Organisation | None = None,
    function: str = "",
    **extra: Any,
) -> User:
    user = User.objects.create_user(
        username=username, password="matkhau-thu-nghiem-1", **extra
    )
    if role is not None and org is not None:
        RoleAssignment.objects.create(
            user=user, role=role, organisation=org, function=function
        )
    return user


PASSWORD = "matkhau-thu-nghiem-1"


def make_gate(site: Organisation, name: str, **extra: Any) -> Gate:
    return Gate.objects.create(site=site, name=name, **extra)


def make_card(worker: Worker, code: str | None = None) -> WorkerCard:
    from tuquan.gates.models import new_card_code

    return WorkerCard.objects.create(worker=worker, code=code or new_card_code())

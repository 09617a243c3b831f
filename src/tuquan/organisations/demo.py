"""Building the sample province behind ``tuquan demo``.

One call of :func:`build_demo` fills an empty database with a realistic Đắk Lắk:
administrative units, the steering committee and its agencies, every industrial park
and cluster of the catalogue (:mod:`tuquan.organisations.demo_catalogue`), enterprises
with workshops, lines, shifts and shuttle routes, boarding houses and dormitories with
rooms, workers with employment history, self-management teams, and one login per
persona. Organisations and workers carry ``is_sample=True``.

Everything is drawn from ``random.Random`` instances seeded from ``seed`` and never
from database ids, so the same seed gives the same names, codes and assignments on
SQLite and PostgreSQL alike. Work happens in two passes: a *plan* of plain Python
objects, then bulk writes inside one transaction.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any, TextIO

from django.apps import apps
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.models import RoleAssignment, User
from tuquan.core import audit
from tuquan.core.text import fold
from tuquan.core.validators import (
    MOBILE_PREFIXES,
    national_id_century_sex_digit,
    tax_code_check_digit,
)
from tuquan.directives import demo as directives_demo
from tuquan.gates import demo as gate_demo
from tuquan.health import demo as health_demo
from tuquan.levels import demo as levels_demo
from tuquan.organisations import demo_catalogue as cat
from tuquan.organisations.admin_units import load_admin_units
from tuquan.organisations.choices import (
    AgencyFunction,
    OperatingMode,
    OrgKind,
    ResidenceKind,
    TeamKind,
)
from tuquan.organisations.models import (
    AdminUnit,
    BusRoute,
    Enterprise,
    Line,
    OperatingModeChange,
    Organisation,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
    Zone,
)
from tuquan.outreach import demo as outreach_demo
from tuquan.patrols import demo as patrols_demo
from tuquan.people.models import (
    Employment,
    EmploymentStatus,
    MembershipRole,
    TeamMembership,
    Worker,
)
from tuquan.recognition import demo as recognition_demo
from tuquan.reports import demo as reports_demo
from tuquan.riskassess import demo as riskassess_demo
from tuquan.screening import demo as screening_demo
from tuquan.security import demo as security_demo
from tuquan.surveillance import demo as surveillance_demo
from tuquan.tips import demo as tips_demo
from tuquan.violations import demo as violations_demo

# The same password for every demo login; it is printed on screen, so it protects
# nothing and must never be used outside sample data.
DEMO_PASSWORD = "tuquan2021"
MIN_WORKERS = 100
SHOWCASE_ZONE = "KCN Hòa Phú"  # the zone, commune and enterprise personas work in
ENTERPRISE_USERNAME_PREFIX = "dn."
# Usernames the builder always creates; the enterprise officer's name depends on the
# seed ("dn.phuocthinh"), see :func:`demo_users`.
DEMO_USERNAMES: tuple[str, ...] = (
    "bcd.tinh",
    "congan.tinh",
    "yte.tinh",
    "bql.kcn",
    "xa.hoaphu",
    "kcn.hoaphu",
    "totruong",
    "congnhan",
    "baove.hoaphu",
    "kiemtoan",
    "admin",
)
# Display order of the logins table ("dn.*" comes after the zone board).
_LOGIN_ORDER = (*DEMO_USERNAMES[:6], ENTERPRISE_USERNAME_PREFIX, *DEMO_USERNAMES[6:])

MIN_WORKPLACE_TEAM = 3  # a leader, a deputy and at least one member
MIN_RESIDENCE_TEAM = 6
RESIDENT_SHARE = 0.6
PHONE_SHARE = 0.88
PREVIOUS_JOB_SHARE = 0.03
LAST_START = date(2025, 6, 30)  # fixed, not today: the data must not drift
FIRST_START = date(2012, 1, 1)

# Sample data (Vietnamese content, not interface text): why an enterprise left the
# normal operating mode in the 2021 wave, and when.
MODE_REASONS: dict[str, list[str]] = {
    OperatingMode.ON_SITE: [
        "Thực hiện phương án “3 tại chỗ” theo chỉ đạo của Ban Chỉ đạo phòng, chống "
        "dịch COVID-19 tỉnh để duy trì sản xuất.",
        "Địa bàn lân cận ghi nhận ca F0 trong cộng đồng; doanh nghiệp tổ chức cho "
        "công nhân ăn, nghỉ, làm việc tại chỗ.",
    ],
    OperatingMode.FIXED_ROUTE: [
        "Áp dụng “1 cung đường 2 điểm đến”: công nhân đi xe đưa đón theo tuyến cố "
        "định giữa nơi ở và doanh nghiệp.",
        "Theo phương án phòng, chống dịch đã được Ban Quản lý các KCN chấp thuận, "
        "công nhân chỉ đi lại giữa nhà trọ và nhà máy.",
    ],
    OperatingMode.SUSPENDED: [
        "Phát hiện ca F0 tại phân xưởng; tạm dừng hoạt động để khử khuẩn, truy vết "
        "và xét nghiệm toàn bộ người lao động.",
    ],
}
MODE_MONTHS = {
    OperatingMode.ON_SITE: (7, 8),
    OperatingMode.FIXED_ROUTE: (8, 9),
    OperatingMode.SUSPENDED: (9, 9),
}

# Province of birth registration (first three digits of the citizen ID) by where the
# zone lies: mostly the province itself, then neighbours and the usual migrant
# provinces of the north-central coast.
ID_PROVINCES: dict[str, list[tuple[str, float]]] = {
    "dak_lak": [
        ("066", 64.0), ("054", 8.0), ("067", 5.0), ("064", 5.0), ("062", 2.0),
        ("068", 2.0), ("040", 4.0), ("038", 3.0), ("042", 3.0), ("052", 3.0),
        ("056", 1.0),
    ],
    "phu_yen": [
        ("054", 64.0), ("066", 12.0), ("052", 8.0), ("056", 6.0), ("064", 3.0),
        ("051", 3.0), ("049", 2.0), ("040", 2.0),
    ],
}  # fmt: skip
HIGHLAND_ID_PROVINCES = ("066", "067", "064", "062")  # Ê Đê / M'nông families
# Tax office codes that open a tax code: Đắk Lắk 60, Phú Yên 44.
TAX_PREFIXES = {"dak_lak": "60", "phu_yen": "44"}
PLATE_PREFIXES = {"dak_lak": "47", "phu_yen": "78"}
CARRIER_WEIGHTS = {
    "Viettel": 5.0,
    "Vinaphone": 3.0,
    "MobiFone": 3.0,
    "Vietnamobile": 0.8,
    "Gmobile": 0.3,
    "Itelecom": 0.4,
    "Wintel": 0.2,
}
FEMALE_SHARE = {
    "garment": 0.8,
    "footwear": 0.75,
    "seafood": 0.7,
    "food": 0.6,
    "pharma": 0.6,
    "coffee": 0.5,
    "agri_products": 0.55,
    "packaging": 0.5,
    "electronics": 0.6,
    "mechanical": 0.15,
    "building_materials": 0.2,
    "logistics": 0.2,
    "solar": 0.2,
    "wood": 0.35,
}
PARK_BOARD = next(b for b in cat.PROVINCE_BODIES if b["function"] == "park_board")
SHIFT_WEIGHTS = (35.0, 30.0, 20.0, 15.0)  # Ca 1, Ca 2, Ca 3, office hours


@dataclass
class DemoLogin:
    """One row of the logins table."""

    username: str
    role: str
    organisation: str
    password: str


@dataclass
class DemoResult:
    """What :func:`build_demo` made; ``counts`` is keyed by model label."""

    province: AdminUnit
    counts: dict[str, int]
    seconds: float
    logins: list[DemoLogin]


# ---------------------------------------------------------------------------------
# Plan: plain objects, no database
# ---------------------------------------------------------------------------------


@dataclass
class _PlannedWorker:
    full_name: str
    sex: str
    born: date
    national_id: str
    phone: str
    enterprise: int
    workshop: int
    line: int
    shift: int
    start: date
    residence: int | None = None
    room: int | None = None
    bus_route: int | None = None
    previous: tuple[int, date, date] | None = None  # enterprise, started, ended


@dataclass
class _PlannedEnterprise:
    zone: dict[str, Any]
    sector: str
    name: str
    short_name: str
    brand: str
    tax_code: str
    address: str
    registered_workforce: int
    workshops: list[tuple[str, int]]  # name, number of lines
    bus_routes: list[tuple[str, str, str]]  # name, stops, plate
    mode: str = OperatingMode.NORMAL
    mode_change: tuple[date, str] | None = None
    workers: list[int] = field(default_factory=list)


@dataclass
class _PlannedResidence:
    zone: dict[str, Any]
    kind: str
    name: str
    address: str
    owner_name: str
    owner_phone: str
    weight: int
    rooms: list[tuple[str, int]] = field(default_factory=list)  # number, capacity
    residents: list[int] = field(default_factory=list)


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest
    remainder, ties to the earlier index)."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    if whole <= 0:
        weights, whole = [1.0] * len(weights), float(len(weights))
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _slug(text: str) -> str:
    """ "Phước Thịnh" -> "phuocthinh" (for usernames)."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))


class _Plan:
    """Draws the whole sample province from ``seed`` without touching the database.

    Each part has its own generator (seeded with ``seed`` and the part's name), so
    that drawing one more value in one part does not shift every later part.
    """

    def __init__(self, *, workers: int, seed: int) -> None:
        self.seed = seed
        self.n_workers = workers
        self.ids: set[str] = set()
        self.phones: set[str] = set()
        self.enterprises: list[_PlannedEnterprise] = []
        self.residences: list[_PlannedResidence] = []
        self.workers: list[_PlannedWorker] = []
        self.carriers = [
            (prefix, CARRIER_WEIGHTS[carrier])
            for prefix, carrier in MOBILE_PREFIXES.items()
        ]
        self._plan_enterprises()
        self._plan_workers()
        self._plan_residences()

    def rng(self, part: str) -> random.Random:
        # String seeds are hashed with SHA-512, not hash(): stable across runs.
        return random.Random(f"tuquan-demo:{self.seed}:{part}")

    # Codes ---------------------------------------------------------------------

    def phone(self, rng: random.Random) -> str:
        while True:
            number = f"+84{_weighted(rng, self.carriers)[1:]}{rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def national_id(
        self, rng: random.Random, region: str, born: date, sex: str, ethnic: bool
    ) -> str:
        province = _weighted(rng, ID_PROVINCES[region])
        if ethnic and province not in HIGHLAND_ID_PROVINCES:
            province = "066"
        head = (
            f"{province}{national_id_century_sex_digit(born.year, sex)}"
            f"{born.year % 100:02d}"
        )
        while True:
            number = f"{head}{rng.randrange(10**6):06d}"
            if number not in self.ids:
                self.ids.add(number)
                return number

    @staticmethod
    def tax_code(rng: random.Random, region: str, used: set[str]) -> str:
        while True:
            first9 = f"{TAX_PREFIXES[region]}{rng.randrange(1, 10**7):07d}"
            digit = tax_code_check_digit(first9)
            if digit is not None and f"{first9}{digit}" not in used:
                used.add(f"{first9}{digit}")
                return f"{first9}{digit}"

    # Enterprises ---------------------------------------------------------------

    def _plan_enterprises(self) -> None:
        rng = self.rng("enterprises")
        zones = cat.zones(status="operating")
        total = min(max(40 + self.n_workers // 500, 40), 150)
        # Parks hold more tenants than clusters; the showcase park the most.
        weights = [
            6.0 if z["short_name"] == SHOWCASE_ZONE else 4.0 if z["kind"] == cat.INDUSTRIAL_PARK else 1.0
            for z in zones
        ]  # fmt: skip
        # Every operating zone has at least one tenant.
        per_zone = [1 + n for n in _apportion(total - len(zones), weights)]
        lots: set[tuple[str, str]] = set()
        names: set[str] = set()
        tax_codes: set[str] = set()
        legal_forms = sorted((f for f, _w in cat.LEGAL_FORMS), key=len, reverse=True)
        brands = sorted(cat.ENTERPRISE_BRANDS, key=len, reverse=True)
        for zone, count in zip(zones, per_zone, strict=True):
            region = zone["former_province"]
            for _i in range(count):
                sector = rng.choice(zone["sectors"])
                name = cat.enterprise_name(rng, sector, region)
                while name in names:
                    name = cat.enterprise_name(rng, sector, region)
                names.add(name)
                form = next(f for f in legal_forms if name.startswith(f + " "))
                brand = next(b for b in brands if b in name)
                workforce = int(rng.lognormvariate(5.3, 0.7))  # median about 200
                if zone["short_name"] == SHOWCASE_ZONE and not any(
                    e.zone is zone for e in self.enterprises
                ):
                    # The enterprise the personas work for is a large one.
                    workforce = rng.randint(900, 1400)
                lot = f"Lô {rng.choice('ABCDEFGH')}{rng.randint(1, 24)}"
                while (zone["short_name"], lot) in lots:
                    lot = f"Lô {rng.choice('ABCDEFGH')}{rng.randint(1, 24)}"
                lots.add((zone["short_name"], lot))
                workshop_names = rng.sample(
                    cat.WORKSHOPS_BY_SECTOR[sector],
                    k=rng.randint(2, min(4, len(cat.WORKSHOPS_BY_SECTOR[sector]))),
                )
                self.enterprises.append(
                    _PlannedEnterprise(
                        zone=zone,
                        sector=sector,
                        name=name,
                        short_name=name[len(form) + 1 :],
                        brand=brand,
                        tax_code=self.tax_code(rng, region, tax_codes),
                        address=f"{lot}, {zone['name']}",
                        registered_workforce=min(max(workforce, 40), 2500),
                        workshops=[(w, rng.randint(1, 3)) for w in workshop_names],
                        bus_routes=self._bus_routes(rng, zone),
                    )
                )
        self._plan_modes(rng)

    def _bus_routes(
        self, rng: random.Random, zone: dict[str, Any]
    ) -> list[tuple[str, str, str]]:
        routes: dict[str, tuple[str, str, str]] = {}
        wanted = rng.randint(1, 3)
        for _attempt in range(12):
            if len(routes) == wanted:
                break
            origin = rng.choice(cat.bus_origins(zone))
            name = rng.choice(cat.BUS_ROUTE_PATTERNS).format(
                origin=origin, zone=zone["short_name"]
            )
            plate = (
                f"{PLATE_PREFIXES[zone['former_province']]}B-"
                f"{rng.randint(0, 999):03d}.{rng.randint(0, 99):02d}"
            )
            routes.setdefault(name, (name, f"{origin}\n{zone['short_name']}", plate))
        return list(routes.values())

    def _plan_modes(self, rng: random.Random) -> None:
        showcase = self.showcase_index()
        others = [i for i in range(len(self.enterprises)) if i != showcase]
        n = len(self.enterprises)
        picks = rng.sample(others, k=max(3, n // 12) + max(2, n // 16) + 1)
        modes = (
            [OperatingMode.SUSPENDED]
            + [OperatingMode.FIXED_ROUTE] * max(2, n // 16)
            + [OperatingMode.ON_SITE] * max(3, n // 12)
        )
        for index, mode in zip(picks, modes, strict=True):
            first, last = MODE_MONTHS[mode]
            effective = _day_between(
                rng, date(2021, first, 1), date(2021, last + 1, 1) - timedelta(days=1)
            )
            self.enterprises[index].mode = mode
            self.enterprises[index].mode_change = (
                effective,
                rng.choice(MODE_REASONS[mode]),
            )

    def showcase_index(self) -> int:
        return next(
            i
            for i, e in enumerate(self.enterprises)
            if e.zone["short_name"] == SHOWCASE_ZONE
        )

    # Workers -------------------------------------------------------------------

    def _plan_workers(self) -> None:
        rng = self.rng("workers")
        n_ent = len(self.enterprises)
        floor = min(5, self.n_workers // (2 * n_ent))
        counts = [
            floor + n
            for n in _apportion(
                self.n_workers - floor * n_ent,
                [e.registered_workforce for e in self.enterprises],
            )
        ]
        for e_index, (ent, count) in enumerate(
            zip(self.enterprises, counts, strict=True)
        ):
            # The register never lists more people than the enterprise declared.
            ent.registered_workforce = max(
                ent.registered_workforce, math.ceil(count * 1.05)
            )
            region = ent.zone["former_province"]
            workshop_weights = [rng.randint(1, 3) for _w in ent.workshops]
            for _i in range(count):
                sex = (
                    cat.FEMALE
                    if rng.random() < FEMALE_SHARE.get(ent.sector, 0.45)
                    else cat.MALE
                )
                name = cat.person_name(rng, sex)
                year = min(max(round(rng.triangular(1965, 2005, 1996)), 1965), 2005)
                born = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
                workshop = rng.choices(range(len(ent.workshops)), workshop_weights)[0]
                adult = date(born.year + 18, born.month, min(born.day, 28))
                start = _day_between(rng, max(adult, FIRST_START), LAST_START)
                worker = _PlannedWorker(
                    full_name=name,
                    sex=sex,
                    born=born,
                    national_id=self.national_id(
                        rng, region, born, sex, cat.is_ethnic_name(name)
                    ),
                    phone=self.phone(rng) if rng.random() < PHONE_SHARE else "",
                    enterprise=e_index,
                    workshop=workshop,
                    line=rng.randrange(ent.workshops[workshop][1]),
                    shift=rng.choices(range(4), SHIFT_WEIGHTS)[0],
                    start=start,
                )
                if rng.random() < RESIDENT_SHARE:
                    worker.residence = -1  # placed by _plan_residences
                ride = 0.15 if worker.residence is not None else 0.45
                if rng.random() < ride:
                    worker.bus_route = rng.randrange(len(ent.bus_routes))
                first_possible = max(adult, FIRST_START)
                if (
                    rng.random() < PREVIOUS_JOB_SHARE
                    and (start - first_possible).days > 400
                ):
                    other = rng.choice([i for i in range(n_ent) if i != e_index])
                    began = _day_between(
                        rng, first_possible, start - timedelta(days=200)
                    )
                    ended = start - timedelta(days=rng.randint(15, 90))
                    worker.previous = (other, began, ended)
                ent.workers.append(len(self.workers))
                self.workers.append(worker)

    # Residences ----------------------------------------------------------------

    def _plan_residences(self) -> None:
        rng = self.rng("residences")
        communes: dict[int, dict[str, Any]] = {}  # ward code -> first zone there
        residents: dict[int, list[int]] = {}
        for zone in cat.zones(status="operating"):
            communes.setdefault(zone["ward_code"], zone)
            residents.setdefault(zone["ward_code"], [])
        for index, worker in enumerate(self.workers):
            if worker.residence is not None:
                code = self.enterprises[worker.enterprise].zone["ward_code"]
                residents[code].append(index)
        n_residents = sum(len(r) for r in residents.values())
        dorm_zones = cat.zones(cat.INDUSTRIAL_PARK, "operating")
        total = max(60, round(n_residents / 30))
        boarding = [
            1 + n
            for n in _apportion(
                total - len(dorm_zones) - len(communes),
                [len(residents[code]) for code in communes],
            )
        ]
        names: set[tuple[int, str]] = set()
        by_commune: dict[int, list[_PlannedResidence]] = {code: [] for code in communes}
        for zone in dorm_zones:
            by_commune[zone["ward_code"]].append(
                self._residence(rng, zone, ResidenceKind.DORMITORY, names)
            )
        for code, count in zip(communes, boarding, strict=True):
            for _i in range(count):
                by_commune[code].append(
                    self._residence(
                        rng, communes[code], ResidenceKind.BOARDING_HOUSE, names
                    )
                )
        for code, places in by_commune.items():
            weights = [p.weight for p in places]
            for index in residents[code]:
                rng.choices(places, weights)[0].residents.append(index)
            for place in places:
                self._rooms(rng, place)
            self.residences.extend(places)
        for r_index, place in enumerate(self.residences):
            for worker_index in place.residents:
                self.workers[worker_index].residence = r_index
            slots = [
                room for room, (_n, capacity) in enumerate(place.rooms)
                for _b in range(capacity)
            ]  # fmt: skip
            for worker_index, room in zip(
                place.residents, rng.sample(slots, len(place.residents)), strict=True
            ):
                self.workers[worker_index].room = room

    def _residence(
        self,
        rng: random.Random,
        zone: dict[str, Any],
        kind: str,
        names: set[tuple[int, str]],
    ) -> _PlannedResidence:
        name = cat.residence_name(rng, kind, zone)
        for _attempt in range(20):
            if (zone["ward_code"], name) not in names:
                break
            name = cat.residence_name(rng, kind, zone)
        base, number = name, 2
        while (zone["ward_code"], name) in names:
            name, number = f"{base} {number}", number + 1
        names.add((zone["ward_code"], name))
        dormitory = kind == ResidenceKind.DORMITORY
        return _PlannedResidence(
            zone=zone,
            kind=kind,
            name=name,
            address=cat.residence_address(rng, zone),
            owner_name=(
                PARK_BOARD["name"]
                if dormitory
                else cat.person_name(rng, rng.choice(cat.SEXES))
            ),
            owner_phone=self.phone(rng),
            weight=6 if dormitory else rng.choice([1, 1, 2, 3]),
        )

    @staticmethod
    def _rooms(rng: random.Random, place: _PlannedResidence) -> None:
        """Enough rooms for the residents, with a few free beds."""
        dormitory = place.kind == ResidenceKind.DORMITORY
        needed = len(place.residents) + rng.randint(1, 6)
        capacity = 0
        while capacity < needed or len(place.rooms) < (8 if dormitory else 3):
            n = len(place.rooms)
            if dormitory:
                number, size = f"{n // 10 + 1}{n % 10 + 1:02d}", rng.choice([6, 8])
            else:
                number, size = f"P{n + 1:02d}", rng.choice([2, 3, 4, 4, 6])
            place.rooms.append((number, size))
            capacity += size


# ---------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------


def database_has_organisations() -> bool:
    """True when any node of the tree exists (``tuquan demo --if-empty``)."""
    return Organisation.objects.exists()


def demo_conflicts() -> list[str]:
    """Reasons why the sample data cannot be built here (empty when it can)."""
    province = AdminUnit.objects.filter(
        kind=OrgKind.PROVINCE, code=str(cat.PROVINCE_CODE)
    ).first()
    if (
        province is not None
        and Organisation.objects.filter(
            path__startswith=province.path, is_sample=True
        ).exists()
    ):
        return [
            _("This database already holds the sample data of %(province)s.")
            % {"province": province.name}
        ]
    taken = list(
        User.objects.filter(username__in=DEMO_USERNAMES)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if taken:
        return [
            _("These user names are already taken: %(names)s.")
            % {"names": ", ".join(taken)}
        ]
    return []


class _Writer:
    """Writes a :class:`_Plan` to the database (inside the caller's transaction)."""

    def __init__(self, plan: _Plan, stdout: TextIO | None) -> None:
        self.plan = plan
        self.stdout = stdout
        self.counts: dict[str, int] = {}

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")

    def count(self, model: type[models.Model], n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n

    def node(self, node: Organisation) -> Organisation:
        node.is_sample = True
        # Our own fresh rows: skip the query per foreign key and per unique field
        # that full_clean would make (the database enforces both anyway).
        relations = [f.name for f in node._meta.concrete_fields if f.is_relation]
        node.full_clean(
            exclude=["path", "client_id", *relations], validate_unique=False
        )
        node.save()
        self.count(type(node), 1)
        return node

    def run(self) -> tuple[AdminUnit, dict[str, Any]]:
        self.say(_("Loading the administrative units…"))
        load_admin_units(province_codes=[cat.PROVINCE_CODE])
        self.province = AdminUnit.objects.get(
            kind=OrgKind.PROVINCE, code=str(cat.PROVINCE_CODE)
        )
        self.communes = {
            u.code: u
            for u in AdminUnit.objects.filter(
                kind=OrgKind.COMMUNE, parent=self.province
            )
        }
        self.count(AdminUnit, 1 + len(self.communes))
        self.say(_("Creating the steering committee, agencies and zones…"))
        self.write_bodies()
        self.write_zones()
        self.say(_("Creating enterprises and residences…"))
        self.write_enterprises()
        self.write_residences()
        self.say(_("Creating %(count)d workers…") % {"count": len(self.plan.workers)})
        self.write_workers()
        self.say(_("Creating self-management teams and logins…"))
        self.write_teams()
        self.say(_("Creating gates, worker cards and today's passages…"))
        showcase = self.enterprises[self.plan.showcase_index()]
        self.main_gate = gate_demo.write_gates(self, self.zones, showcase)
        gate_demo.write_cards(self)
        users = self.write_users()
        gate_demo.write_passages(
            self, self.main_gate, users["baove.hoaphu"], self.plan.seed
        )
        health_demo.write_declarations(self, self.main_gate.site_id, self.plan.seed)
        health_demo.write_case(
            self, self.main_gate.site_id, users["yte.tinh"], self.plan.seed
        )
        screening_demo.build_demo(self, self.main_gate.site_id, self.plan.seed)
        levels_demo.write_levels(self)
        riskassess_demo.write_assessments(
            self, self.main_gate.site_id, self.plan.seed, inspector=users["kcn.hoaphu"]
        )
        surveillance_demo.build_demo(self, self.main_gate.site_id, self.plan.seed)
        security_demo.write_reports(self, self.main_gate.site_id, users, self.plan.seed)
        patrols_demo.write_patrols(self, self.main_gate.site_id, users, self.plan.seed)
        recognition_demo.write_recognition(self, showcase.pk, self.plan.seed)
        violations_demo.write_violations(
            self, self.main_gate.site_id, users["kcn.hoaphu"], self.plan.seed
        )
        tips_demo.write_tips(
            self, handler=users["congan.tinh"], place=self.main_gate.site
        )
        outreach_demo.write_outreach(
            self, showcase.pk, users["bcd.tinh"], self.plan.seed
        )
        directives_demo.write_directives(self, users)
        # Last: the dashboards' rollups read everything written above.
        reports_demo.build_rollups(self)
        return self.province, users

    def commune_of(self, zone: dict[str, Any]) -> AdminUnit:
        # Catalogue names may differ in spacing or apostrophes: match by code.
        return self.communes[str(zone["ward_code"])]

    def write_bodies(self) -> None:
        self.bodies: dict[str, Organisation] = {}
        for body in cat.PROVINCE_BODIES:
            org = self.node(
                Organisation(
                    kind=body["kind"],
                    name=body["name"],
                    short_name=body["short_name"],
                    parent=self.province,
                    jurisdiction=self.province,
                    function=body["function"] or "",
                )
            )
            self.bodies[body["function"] or body["kind"]] = org
        commune = self.commune_of(cat.ZONES_BY_SHORT_NAME[SHOWCASE_ZONE])
        # "Xã Hòa Phú" -> "Công an xã Hòa Phú"
        police = f"Công an {commune.name[0].lower()}{commune.name[1:]}"
        self.node(
            Organisation(
                kind=OrgKind.AGENCY,
                name=police,
                short_name=police,
                parent=commune,
                jurisdiction=commune,
                function=AgencyFunction.POLICE,
            )
        )

    def write_zones(self) -> None:
        self.zones: dict[str, Zone] = {}
        for spec in cat.ZONES:
            park = spec["kind"] == cat.INDUSTRIAL_PARK
            self.zones[spec["short_name"]] = self.node(
                Zone(
                    kind=OrgKind.INDUSTRIAL_PARK
                    if park
                    else OrgKind.INDUSTRIAL_CLUSTER,
                    name=spec["name"],
                    short_name=spec["short_name"],
                    commune=self.commune_of(spec),
                    # Parks answer to the park board; clusters to the department
                    # of industry and trade.
                    management_board=self.bodies[
                        AgencyFunction.PARK_BOARD
                        if park
                        else AgencyFunction.INDUSTRY_TRADE
                    ],
                    latitude=Decimal(str(spec["lat"])).quantize(Decimal("0.000001")),
                    longitude=Decimal(str(spec["lng"])).quantize(Decimal("0.000001")),
                    area_ha=Decimal(str(spec["area_ha"])).quantize(Decimal("0.01")),
                )
            )

    def write_enterprises(self) -> None:
        self.enterprises: list[Enterprise] = []
        workshops: list[Workshop] = []
        shifts: list[Shift] = []
        routes: list[BusRoute] = []
        changes: list[OperatingModeChange] = []
        self.workshops: list[list[Workshop]] = []
        self.lines: list[list[list[Line]]] = []
        self.shifts: list[list[Shift]] = []
        self.routes: list[list[BusRoute]] = []
        for spec in self.plan.enterprises:
            zone = self.zones[spec.zone["short_name"]]
            ent = self.node(
                Enterprise(
                    name=spec.name,
                    short_name=spec.short_name,
                    tax_code=spec.tax_code,
                    code=spec.tax_code,
                    zone=zone,
                    commune=zone.commune,
                    address=spec.address,
                    sector=cat.SECTOR_LABELS[spec.sector],
                    registered_workforce=spec.registered_workforce,
                    operating_mode=spec.mode,
                )
            )
            self.enterprises.append(ent)
            if spec.mode_change is not None:
                changes.append(
                    OperatingModeChange(
                        enterprise=ent,
                        mode=spec.mode,
                        previous_mode=OperatingMode.NORMAL,
                        effective_on=spec.mode_change[0],
                        reason=spec.mode_change[1],
                    )
                )
            own = [Workshop(enterprise=ent, name=name) for name, _n in spec.workshops]
            self.workshops.append(own)
            workshops += own
            own_lines = [
                [
                    Line(workshop=w, name=cat.line_name(spec.sector, n + 1))
                    for n in range(n_lines)
                ]
                for w, (_name, n_lines) in zip(own, spec.workshops, strict=True)
            ]
            self.lines.append(own_lines)
            own_shifts = [
                Shift(
                    enterprise=ent,
                    name=name,
                    starts_at=clock.fromisoformat(start),
                    ends_at=clock.fromisoformat(end),
                )
                for name, start, end in cat.SHIFT_TEMPLATES
            ]
            self.shifts.append(own_shifts)
            shifts += own_shifts
            own_routes = [
                BusRoute(enterprise=ent, name=name, stops=stops, plate=plate)
                for name, stops, plate in spec.bus_routes
            ]
            self.routes.append(own_routes)
            routes += own_routes
        for model, rows in (
            (OperatingModeChange, changes),
            (Workshop, workshops),
            (Shift, shifts),
            (BusRoute, routes),
        ):
            model.objects.bulk_create(rows)
            self.count(model, len(rows))
        # bulk_create fills workshop_id from the workshops saved just above.
        all_lines = [line for own in self.lines for ls in own for line in ls]
        Line.objects.bulk_create(all_lines)
        self.count(Line, len(all_lines))

    def write_residences(self) -> None:
        self.residences: list[Residence] = []
        self.rooms: list[list[Room]] = []
        rooms: list[Room] = []
        for spec in self.plan.residences:
            residence = Residence(
                residence_kind=spec.kind,
                name=spec.name,
                address=spec.address,
                commune=self.commune_of(spec.zone),
                owner_name=spec.owner_name,
            )
            residence.owner_phone = spec.owner_phone
            self.residences.append(self.node(residence))
            own = [
                Room(residence=residence, number=number, capacity=capacity)
                for number, capacity in spec.rooms
            ]
            self.rooms.append(own)
            rooms += own
        Room.objects.bulk_create(rooms)
        self.count(Room, len(rooms))

    def write_workers(self) -> None:
        self.workers: list[Worker] = []
        for spec in self.plan.workers:
            e = spec.enterprise
            worker = Worker(
                full_name=spec.full_name,
                name_folded=fold(spec.full_name),
                date_of_birth=spec.born,
                sex=spec.sex,
                enterprise=self.enterprises[e],
                workshop=self.workshops[e][spec.workshop],
                line=self.lines[e][spec.workshop][spec.line],
                shift=self.shifts[e][spec.shift],
                residence=(
                    self.residences[spec.residence]
                    if spec.residence is not None
                    else None
                ),
                room=(
                    self.rooms[spec.residence][spec.room]
                    if spec.residence is not None and spec.room is not None
                    else None
                ),
                bus_route=(
                    self.routes[e][spec.bus_route]
                    if spec.bus_route is not None
                    else None
                ),
                employment_status=self.status_of(e),
                employment_start=spec.start,
                is_sample=True,
            )
            # The properties encrypt and fill the lookup hash and masked tail.
            worker.national_id = spec.national_id
            worker.phone = spec.phone
            self.workers.append(worker)
        Worker.objects.bulk_create(self.workers, batch_size=500)
        self.count(Worker, len(self.workers))
        employments: list[Employment] = []
        for spec, worker in zip(self.plan.workers, self.workers, strict=True):
            if spec.previous is not None:
                other, began, ended = spec.previous
                employments.append(
                    Employment(
                        worker=worker,
                        enterprise=self.enterprises[other],
                        started_on=began,
                        ended_on=ended,
                        status=EmploymentStatus.LEFT,
                    )
                )
            employments.append(
                Employment(
                    worker=worker,
                    enterprise=worker.enterprise,
                    started_on=spec.start,
                    status=worker.employment_status,
                )
            )
        Employment.objects.bulk_create(employments, batch_size=1000)
        self.count(Employment, len(employments))

    def status_of(self, enterprise_index: int) -> str:
        suspended = (
            self.plan.enterprises[enterprise_index].mode == OperatingMode.SUSPENDED
        )
        return EmploymentStatus.ON_LEAVE if suspended else EmploymentStatus.ACTIVE

    def write_teams(self) -> None:
        rng = self.plan.rng("teams")
        memberships: list[TeamMembership] = []
        self.teams_of: list[list[tuple[Team, list[Worker]]]] = [
            [] for _e in self.enterprises
        ]
        groups: list[tuple[str, list[int], Any]] = []
        for e, spec in enumerate(self.plan.enterprises):
            for w_index in range(len(spec.workshops)):
                members = [
                    i for i in spec.workers if self.plan.workers[i].workshop == w_index
                ]
                if len(members) >= MIN_WORKPLACE_TEAM:
                    groups.append((TeamKind.WORKPLACE, members, (e, w_index)))
        for r, spec in enumerate(self.plan.residences):
            if len(spec.residents) >= MIN_RESIDENCE_TEAM:
                groups.append((TeamKind.RESIDENCE, list(spec.residents), r))
        for kind, members, owner in groups:
            # Leaders are usually people with some years behind them.
            seniors = [i for i in members if self.plan.workers[i].born.year <= 1995]
            leader = rng.choice(seniors or members)
            deputy = rng.choice([i for i in members if i != leader])
            founded = _day_between(rng, date(2021, 3, 1), date(2021, 10, 31))
            pledge = "\n".join(
                f"{n}. {point}"
                for n, point in enumerate(rng.choice(cat.TEAM_PLEDGES[kind]), start=1)
            )
            if kind == TeamKind.WORKPLACE:
                e, w_index = owner
                workshop = self.workshops[e][w_index]
                label = workshop.name.removeprefix("Tổ ")
                team = Team(
                    name=f"Tổ công nhân tự quản {label}",
                    team_kind=kind,
                    enterprise=self.enterprises[e],
                    workshop=workshop,
                )
            else:
                residence = self.residences[owner]
                name = residence.name
                team = Team(
                    name=f"Tổ tự quản {name[0].lower()}{name[1:]}",
                    team_kind=kind,
                    residence=residence,
                )
            team.leader = self.workers[leader]
            team.deputy = self.workers[deputy]
            team.pledge = pledge
            team.founded_on = founded
            self.node(team)
            roles = {leader: MembershipRole.LEADER, deputy: MembershipRole.DEPUTY}
            for i in members:
                memberships.append(
                    TeamMembership(
                        team=team,
                        worker=self.workers[i],
                        role=roles.get(i, MembershipRole.MEMBER),
                        joined_on=max(founded, self.plan.workers[i].start),
                    )
                )
            if kind == TeamKind.WORKPLACE:
                self.teams_of[owner[0]].append(
                    (team, [self.workers[i] for i in members])
                )
        TeamMembership.objects.bulk_create(memberships, batch_size=1000)
        self.count(TeamMembership, len(memberships))

    def write_users(self) -> dict[str, Any]:
        rng = self.plan.rng("users")
        showcase = self.plan.showcase_index()
        enterprise = self.enterprises[showcase]
        zone = self.zones[SHOWCASE_ZONE]
        teams = self.teams_of[showcase]
        if not teams:
            raise ValidationError(
                _("The demo enterprise has no team: build it with more workers.")
            )
        team, members = max(teams, key=lambda pair: len(pair[1]))
        member = next(
            w for w in members if w.pk not in (team.leader_id, team.deputy_id)
        )
        dn = ENTERPRISE_USERNAME_PREFIX + _slug(self.plan.enterprises[showcase].brand)
        officials = [
            ("bcd.tinh", Role.PROVINCE_COMMITTEE, self.bodies["committee"], ""),
            (
                "congan.tinh",
                Role.AGENCY_OFFICER,
                self.bodies["police"],
                AgencyFunction.POLICE,
            ),
            (
                "yte.tinh",
                Role.AGENCY_OFFICER,
                self.bodies["health"],
                AgencyFunction.HEALTH,
            ),
            (
                "bql.kcn",
                Role.AGENCY_OFFICER,
                self.bodies["park_board"],
                AgencyFunction.PARK_BOARD,
            ),
            ("xa.hoaphu", Role.COMMUNE_COMMITTEE, zone.commune, ""),
            ("kcn.hoaphu", Role.ZONE_BOARD, zone, ""),
            (dn, Role.ENTERPRISE_OFFICER, enterprise, ""),
            ("totruong", Role.TEAM_LEADER, team, ""),
            ("congnhan", Role.WORKER, enterprise, ""),
            ("baove.hoaphu", Role.GATE_GUARD, self.main_gate, ""),
            ("kiemtoan", Role.AUDITOR, self.province, ""),
        ]
        # One hash for all: hashing is deliberately slow and the password is public.
        password = make_password(DEMO_PASSWORD)
        linked = {"totruong": team.leader, "congnhan": member}
        users: dict[str, User] = {}
        for username, role, org, function in officials:
            person = linked.get(username)
            user = User.objects.create(
                username=username,
                password=password,
                full_name=(
                    person.full_name
                    if person is not None
                    else cat.person_name(rng, rng.choice(cat.SEXES))
                ),
            )
            RoleAssignment.objects.create(
                user=user, role=role, organisation=org, function=function
            )
            if person is not None:
                person.user = user
                person.save(update_fields=["user"])
            users[username] = user
        users["admin"] = User.objects.create(
            username="admin",
            password=password,
            full_name=_("Administrator"),
            is_staff=True,
            is_superuser=True,
        )
        self.count(User, len(users))
        return users


def build_demo(
    *, workers: int = 5000, seed: int = 2021, stdout: TextIO | None = None
) -> DemoResult:
    """Fill the database with the sample province and its demo logins.

    Deterministic for a given ``seed`` and ``workers``. Runs in one transaction and
    writes one audit entry (action IMPORT) for the whole build. Raises
    ``ValidationError`` when the sample data (or a demo username) already exists or
    ``workers`` is below ``MIN_WORKERS``; progress lines go to ``stdout``.
    """
    if workers < MIN_WORKERS:
        raise ValidationError(
            _("The demo needs at least %(count)d workers.") % {"count": MIN_WORKERS}
        )
    started = time.monotonic()
    with transaction.atomic():
        problems = demo_conflicts()
        if problems:
            raise ValidationError(problems)
        plan = _Plan(workers=workers, seed=seed)
        writer = _Writer(plan, stdout)
        province, _users = writer.run()
        audit.record(
            audit.AuditAction.IMPORT,
            province,
            changes={
                "sample_data": {"seed": seed, "workers": workers, **writer.counts}
            },
            object_repr=_("Sample data"),
            scope_path=province.path,
        )
    return DemoResult(
        province=province,
        counts=writer.counts,
        seconds=time.monotonic() - started,
        logins=demo_logins(verify=False),
    )


# ---------------------------------------------------------------------------------
# Logins table
# ---------------------------------------------------------------------------------


def demo_users() -> models.QuerySet[User]:
    """The users :func:`build_demo` creates, identified by their usernames."""
    return (
        User.objects.filter(
            Q(username__in=DEMO_USERNAMES)
            | Q(
                username__startswith=ENTERPRISE_USERNAME_PREFIX,
                assignments__role=Role.ENTERPRISE_OFFICER,
                assignments__organisation__is_sample=True,
            )
        )
        .distinct()
        .prefetch_related("assignments__organisation")
    )


def _order(username: str) -> int:
    if username.startswith(ENTERPRISE_USERNAME_PREFIX):
        return _LOGIN_ORDER.index(ENTERPRISE_USERNAME_PREFIX)
    return _LOGIN_ORDER.index(username)


def demo_logins(*, verify: bool = True) -> list[DemoLogin]:
    """Rows of the logins table from the database, in persona order.

    With ``verify``, the password column says "(changed)" for accounts whose
    password is no longer :data:`DEMO_PASSWORD`. The builder gives every account
    the same hash, so each distinct hash is checked once.
    """
    users = sorted(demo_users(), key=lambda u: (_order(u.username), u.username))
    still_demo: dict[str, bool] = {}
    rows: list[DemoLogin] = []
    for user in users:
        if verify and user.password not in still_demo:
            still_demo[user.password] = check_password(DEMO_PASSWORD, user.password)
        password = (
            DEMO_PASSWORD if not verify or still_demo[user.password] else _("(changed)")
        )
        assignments = sorted(user.assignments.all(), key=lambda a: a.pk)
        if user.is_superuser and not assignments:
            rows.append(
                DemoLogin(user.username, _("superuser"), _("(everything)"), password)
            )
        for a in assignments:
            role = str(a.get_role_display())
            if a.function:
                role = f"{role} ({a.get_function_display()})"
            rows.append(DemoLogin(user.username, role, str(a.organisation), password))
    return rows


def format_logins(logins: Sequence[DemoLogin]) -> str:
    """The logins as a plain-text table for the console."""
    header = (_("Username"), _("Role"), _("Organisation"), _("Password"))
    rows = [header] + [
        (row.username, row.role, row.organisation, row.password) for row in logins
    ]
    widths = [max(len(r[c]) for r in rows) for c in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))
             for r in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def format_summary(result: DemoResult) -> str:
    """Counts of what was built, one model per line, in Vietnamese."""
    lines = [
        _("Sample data of %(province)s built in %(seconds)s s.")
        % {
            "province": result.province.name,
            "seconds": number_format(result.seconds, decimal_pos=1),
        }
    ]
    for key, count in result.counts.items():
        if key == Organisation._meta.label_lower:
            label = _("Steering committee and agencies")
        else:
            label = capfirst(apps.get_model(key)._meta.verbose_name_plural)
        lines.append(f"  {label}: {number_format(count, force_grouping=True)}")
    return "\n".join(lines)

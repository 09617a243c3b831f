"""``tuquan demo`` and ``tuquan demo_logins``: the sample province and its logins."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils.translation import gettext

from tuquan.accounts.models import User
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.core.validators import (
    normalise_national_id,
    normalise_phone,
    normalise_tax_code,
)
from tuquan.organisations import demo_catalogue as cat
from tuquan.organisations.choices import OperatingMode, OrgKind, TeamKind
from tuquan.organisations.demo import (
    DEMO_PASSWORD,
    DEMO_USERNAMES,
    MIN_RESIDENCE_TEAM,
    DemoResult,
    _Plan,
    build_demo,
)
from tuquan.organisations.models import (
    AdminUnit,
    Enterprise,
    OperatingModeChange,
    Organisation,
    Residence,
    Room,
    Team,
    Zone,
)
from tuquan.people.models import Employment, EmploymentStatus, MembershipRole, Worker

WORKERS = 300


MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fast_hashing(settings: Any) -> None:
    # The demo hashes its password once; logging in checks it for every persona.
    settings.PASSWORD_HASHERS = MD5


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoResult]:
    """One build shared by a class of tests; each test still runs in its own
    savepoint (the ``db`` fixture), and the build is rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5):
        with transaction.atomic():
            try:
                yield build_demo(workers=WORKERS, seed=2021)
            finally:
                transaction.set_rollback(True)


def _user(prefix: str) -> User:
    return User.objects.get(username__startswith=prefix)


class TestTheBuiltDemo:
    """Tests that read one shared build of the demo."""

    def test_it_builds_enough_of_everything(self, demo: DemoResult, db: Any) -> None:
        assert Enterprise.objects.count() >= 40
        assert Residence.objects.count() >= 60
        assert Worker.objects.count() == WORKERS
        assert Zone.objects.count() == len(cat.ZONES)
        assert AdminUnit.objects.filter(kind=OrgKind.COMMUNE).count() == 102
        assert not Organisation.objects.exclude(
            kind__in=[OrgKind.PROVINCE, OrgKind.COMMUNE]
        ).filter(is_sample=False)
        assert not Worker.objects.filter(is_sample=False)
        operating = {z["short_name"] for z in cat.zones(status="operating")}
        assert set(Enterprise.objects.values_list("zone__short_name", flat=True)) == (
            operating
        )
        commune_police = Organisation.objects.get(
            kind=OrgKind.AGENCY, jurisdiction__kind=OrgKind.COMMUNE
        )
        assert commune_police.function == "police"
        assert commune_police.parent == commune_police.jurisdiction
        for ent in Enterprise.objects.prefetch_related(
            "workshops__lines", "shifts", "bus_routes"
        ):
            assert 2 <= len(ent.workshops.all()) <= 4
            assert all(1 <= len(w.lines.all()) <= 3 for w in ent.workshops.all())
            assert len(ent.shifts.all()) == 4
            assert 1 <= len(ent.bus_routes.all()) <= 3
            assert ent.registered_workforce >= ent.workers.count()
        assert Worker.objects.filter(residence__isnull=False).count() / WORKERS == (
            pytest.approx(0.6, abs=0.1)
        )
        assert Worker.objects.filter(phone_hash="").exists()
        assert Worker.objects.filter(bus_route__isnull=False).exists()

    def test_it_gives_non_normal_modes_a_history(
        self, demo: DemoResult, db: Any
    ) -> None:
        modes = Counter(Enterprise.objects.values_list("operating_mode", flat=True))
        assert modes[OperatingMode.NORMAL] > len(Enterprise.objects.all()) * 0.7
        assert modes[OperatingMode.SUSPENDED] == 1
        assert modes[OperatingMode.ON_SITE] >= 3
        assert modes[OperatingMode.FIXED_ROUTE] >= 2
        for ent in Enterprise.objects.exclude(operating_mode=OperatingMode.NORMAL):
            change = OperatingModeChange.objects.get(enterprise=ent)
            assert change.mode == ent.operating_mode
            assert change.previous_mode == OperatingMode.NORMAL
            assert change.effective_on.year == 2021
            assert change.reason.strip()
        assert not OperatingModeChange.objects.filter(
            enterprise__operating_mode=OperatingMode.NORMAL
        )

    def test_it_makes_valid_codes(self, demo: DemoResult, db: Any) -> None:
        ids, phones = set(), set()
        for worker in Worker.objects.all():
            number = worker.national_id
            assert (
                normalise_national_id(
                    number, date_of_birth=worker.date_of_birth, sex=worker.sex
                )
                == number
            )
            assert 1965 <= worker.date_of_birth.year <= 2005
            ids.add(number)
            if worker.phone:
                assert normalise_phone(worker.phone) == worker.phone
                phones.add(worker.phone)
        assert len(ids) == WORKERS
        prefixes = Counter(number[:3] for number in ids)
        assert prefixes["066"] + prefixes["054"] > WORKERS * 0.6
        assert len(prefixes) > 3  # some from neighbouring provinces
        for residence in Residence.objects.all():
            assert normalise_phone(residence.owner_phone) == residence.owner_phone
            assert residence.owner_name
            phones.add(residence.owner_phone)
        assert len(phones) == Worker.objects.exclude(phone_hash="").count() + (
            Residence.objects.count()
        )
        for tax_code in Enterprise.objects.values_list("tax_code", flat=True):
            assert normalise_tax_code(tax_code) == tax_code

    def test_it_respects_room_capacity(self, demo: DemoResult, db: Any) -> None:
        rooms = Room.objects.annotate(n=Count("residents"))
        assert rooms.exists()
        assert all(room.n <= room.capacity for room in rooms)
        for worker in Worker.objects.filter(residence__isnull=False).select_related(
            "room", "residence", "enterprise__zone"
        ):
            assert worker.room.residence_id == worker.residence_id
            # People live near where they work.
            assert worker.residence.commune_id == worker.enterprise.zone.commune_id
        assert not Worker.objects.filter(residence__isnull=True, room__isnull=False)

    def test_it_keeps_employment_history(self, demo: DemoResult, db: Any) -> None:
        for worker in Worker.objects.prefetch_related("employments"):
            current = [e for e in worker.employments.all() if e.ended_on is None]
            assert len(current) == 1
            assert current[0].enterprise_id == worker.enterprise_id
            assert current[0].started_on == worker.employment_start
        earlier = Employment.objects.filter(status=EmploymentStatus.LEFT)
        assert earlier.exists()
        for job in earlier.select_related("worker"):
            assert job.enterprise_id != job.worker.enterprise_id
            assert job.started_on < job.ended_on < job.worker.employment_start

    def test_it_gives_every_team_a_leader_and_deputy_who_are_members(
        self, demo: DemoResult, db: Any
    ) -> None:
        teams = Team.objects.prefetch_related("memberships__worker")
        assert teams.filter(team_kind=TeamKind.WORKPLACE).exists()
        assert teams.filter(team_kind=TeamKind.RESIDENCE).exists()
        for team in teams:
            roles = {m.worker_id: m.role for m in team.memberships.all()}
            assert roles[team.leader_id] == MembershipRole.LEADER
            assert roles[team.deputy_id] == MembershipRole.DEPUTY
            assert team.founded_on.year == 2021
            assert team.pledge.startswith("1. ")
            for m in team.memberships.all():
                if team.team_kind == TeamKind.WORKPLACE:
                    assert m.worker.workshop_id == team.workshop_id
                else:
                    assert m.worker.residence_id == team.residence_id
        for residence in Residence.objects.annotate(n=Count("residents")):
            assert residence.teams.exists() == (residence.n >= MIN_RESIDENCE_TEAM)

    def test_it_writes_one_import_entry_and_the_sample_stories(
        self, demo: DemoResult, db: Any
    ) -> None:
        entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
        assert entry.changes["sample_data"]["people.worker"] == WORKERS
        # The rest tells the sample stories (a case traced by the provincial
        # health officer, reports handled by the police, violations recorded by
        # the park board...): every entry is by a demo persona.
        others = AuditEntry.objects.exclude(pk=entry.pk)
        personas = {login.username for login in demo.logins}
        assert others.filter(user__username="yte.tinh").exists()
        assert set(others.values_list("user__username", flat=True)) <= personas

    def test_it_lets_every_persona_log_in(
        self, demo: DemoResult, db: Any, fast_hashing: None, client: Any
    ) -> None:
        usernames = [login.username for login in demo.logins]
        assert set(DEMO_USERNAMES) <= set(usernames)
        assert any(name.startswith("dn.") for name in usernames)
        for username in set(usernames):
            assert client.login(username=username, password=DEMO_PASSWORD), username
            client.logout()
        assert User.objects.get(username="admin").is_superuser

    def test_it_hides_other_scopes(
        self, demo: DemoResult, db: Any, client: Any
    ) -> None:
        officer = _user("dn.")
        enterprise = officer.assignments.get().organisation.specific()
        assert enterprise.zone.short_name == "KCN Hòa Phú"
        own = Worker.objects.filter(enterprise=enterprise)
        assert set(Worker.objects.visible_to(officer)) == set(own)
        assert list(Enterprise.objects.visible_to(officer)) == [enterprise]
        assert not Residence.objects.visible_to(officer).exists()

        client.force_login(officer)
        other = Worker.objects.exclude(enterprise=enterprise).first()
        assert client.get(reverse("worker_detail", args=[other.pk])).status_code == 404
        mine = own.first()
        assert client.get(reverse("worker_detail", args=[mine.pk])).status_code == 200

        # The zone board sees its zone only; the commune its zone and residences.
        board = User.objects.get(username="kcn.hoaphu")
        assert set(Enterprise.objects.visible_to(board)) == set(
            Enterprise.objects.filter(zone=enterprise.zone)
        )
        commune = User.objects.get(username="xa.hoaphu")
        assert {r.commune_id for r in Residence.objects.visible_to(commune)} == {
            enterprise.zone.commune_id
        }
        # The team leader and the worker are linked to their records.
        leader = User.objects.get(username="totruong")
        team = Team.objects.get(pk=leader.assignments.get().organisation_id)
        assert leader.worker == team.leader
        assert team.enterprise_id == enterprise.pk
        assert set(Worker.objects.visible_to(leader)) >= {
            m.worker for m in team.memberships.all()
        }
        worker = User.objects.get(username="congnhan")
        assert list(Worker.objects.visible_to(worker)) == [worker.worker]
        assert team.memberships.filter(
            worker=worker.worker, role=MembershipRole.MEMBER
        ).exists()
        # The province sees every worker.
        province = User.objects.get(username="bcd.tinh")
        assert Worker.objects.visible_to(province).count() == WORKERS

    def test_it_lists_the_demo_logins(
        self, demo: DemoResult, db: Any, fast_hashing: None
    ) -> None:
        User.objects.create_user(username="someone-else", password="x" * 12)
        changed = User.objects.get(username="kiemtoan")
        changed.set_password("mat-khau-moi-2025")
        changed.save()

        out = StringIO()
        call_command("demo_logins", stdout=out)
        lines = out.getvalue().splitlines()
        assert "someone-else" not in out.getvalue()
        rows = {line.split()[0]: line for line in lines[2:]}
        assert set(DEMO_USERNAMES) <= set(rows)
        assert rows["bcd.tinh"].rstrip().endswith(DEMO_PASSWORD)
        assert rows["kiemtoan"].rstrip().endswith(gettext("(changed)"))
        assert "Ban Chỉ đạo tỉnh" in rows["bcd.tinh"]
        dn = next(name for name in rows if name.startswith("dn."))
        assert _user("dn.").assignments.get().organisation.short_name in rows[dn]


def _digest(workers: int, seed: int) -> str:
    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            build_demo(workers=workers, seed=seed)
            data = [
                list(Worker.objects.order_by("id").values_list("full_name", flat=True)),
                list(
                    Worker.objects.order_by("id").values_list(
                        "national_id_hash", "phone_hash", "date_of_birth",
                        "enterprise__tax_code", "residence__name", "room__number",
                    )
                ),
                list(Enterprise.objects.order_by("id").values_list("name", "tax_code")),
                list(Residence.objects.order_by("id").values_list("name", "address")),
                list(Team.objects.order_by("id").values_list("name", "leader__full_name")),
                sorted(User.objects.values_list("username", flat=True)),
            ]  # fmt: skip
            digest = hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()
            raise Rollback
    except Rollback:
        pass
    return digest


def test_it_is_deterministic_for_a_seed(db: Any, fast_hashing: None) -> None:
    first = _digest(120, 7)
    assert not Worker.objects.exists()  # rolled back
    assert _digest(120, 7) == first
    # Another seed draws other people (compared on the plan: no second build).
    names = [w.full_name for w in _Plan(workers=120, seed=7).workers]
    assert [w.full_name for w in _Plan(workers=120, seed=7).workers] == names
    assert [w.full_name for w in _Plan(workers=120, seed=8).workers] != names


def test_it_does_nothing_on_a_second_run_with_if_empty(
    db: Any, fast_hashing: None
) -> None:
    out = StringIO()
    call_command("demo", "--workers", "120", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    assert "bcd.tinh" in text and "dn." in text
    counts = (Organisation.objects.count(), Worker.objects.count())

    again = StringIO()
    call_command("demo", "--if-empty", stdout=again)
    assert (Organisation.objects.count(), Worker.objects.count()) == counts
    assert "kcn.hoaphu" in again.getvalue()

    with pytest.raises(
        CommandError, match="tuquan.sqlite3|database|cơ sở dữ liệu|Cơ sở dữ liệu"
    ):
        call_command("demo", "--workers", "120", stdout=StringIO())
    assert Worker.objects.count() == 120
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 1


def test_it_refuses_too_few_workers(db: Any) -> None:
    with pytest.raises(CommandError):
        call_command("demo", "--workers", "5", stdout=StringIO())
    assert not Organisation.objects.exists()


def test_it_says_when_there_are_no_demo_logins(db: Any) -> None:
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert out.getvalue().strip() == gettext("No demo logins: run “tuquan demo” first.")

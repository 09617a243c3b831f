"""Rollup figures equal a direct count on the raw tables for a generated month."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests import factories as f
from tuquan.gates.models import GateEvent
from tuquan.health.models import (
    Case,
    Contact,
    ContactStatus,
    DiseaseProfile,
    HealthDeclaration,
)
from tuquan.organisations.models import Enterprise, Team
from tuquan.people.models import EmploymentStatus, TeamMembership, Worker
from tuquan.reports import rollup
from tuquan.reports.figures import summary
from tuquan.reports.models import EnterpriseDay, NodeDay, TeamDay
from tuquan.screening.models import ScreeningTest, Vaccination
from tuquan.security.models import IncidentKind, IncidentReport
from tuquan.tips.models import Tip
from tuquan.violations.models import LegalProvision, Violation

START = dt.date(2021, 7, 1)
DAYS = 31


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 15)))


def generate_month(p: Any, *, seed: int = 7) -> list[dt.date]:
    """A month of raw data over the province fixture: extra workers, daily
    declarations, cases, contacts, tests, vaccinations, passages, incidents,
    tips and violations, with some rows just around midnight."""
    rng = random.Random(seed)
    days = [START + dt.timedelta(days=i) for i in range(DAYS)]
    enterprises = [p.enterprise_a, p.enterprise_a2, p.enterprise_b]
    for i in range(24):
        ent = enterprises[i % 3]
        worker = f.make_worker(f"Công nhân {i}", enterprise=ent)
        if i % 5 == 0:
            worker.employment_start = START + dt.timedelta(days=10)
        if i % 7 == 0:
            worker.employment_status = EmploymentStatus.LEFT
            worker.employment_end = START + dt.timedelta(days=20)
        worker.save()
        if i % 4 == 0:
            TeamMembership.objects.create(team=p.team_a, worker=worker)
    workers = list(Worker.objects.all())
    profile = DiseaseProfile.objects.first()
    gate = f.make_gate(p.zone_a, "Cổng chính")
    kinds = list(IncidentKind.objects.all()[:3]) or [
        # A transactional (browser) test empties the shipped kinds.
        IncidentKind.objects.create(
            code="theft", name="Trộm cắp", default_severity="medium"
        )
    ]
    provision = LegalProvision.objects.first()
    declarations, events, tests, vaccinations = [], [], [], []
    for day in days:
        for w in workers:
            if rng.random() < 0.8:
                declarations.append(
                    HealthDeclaration(
                        worker=w,
                        day=day,
                        profile=profile,
                        healthy=rng.random() > 0.1,
                        client_id=uuid.uuid4(),
                        declared_at=at(day, 7),
                    )
                )
            if w.enterprise_id != p.enterprise_b.pk and rng.random() < 0.6:
                for hour in (7, 23) if rng.random() < 0.2 else (7,):
                    events.append(
                        GateEvent(
                            client_id=uuid.uuid4(),
                            gate=gate,
                            site=p.zone_a,
                            worker=w,
                            enterprise_id=w.enterprise_id,
                            direction="in",
                            occurred_at=at(day, hour)
                            + dt.timedelta(minutes=44 if hour == 23 else 0),
                            received_at=at(day, hour),
                            source="scan",
                        )
                    )
            if rng.random() < 0.05:
                tests.append(
                    ScreeningTest(
                        worker=w,
                        method="rt_pcr",
                        sampled_on=day,
                        facility="CDC",
                        result=rng.choice(["negative", "positive", "pending"]),
                        client_id=uuid.uuid4(),
                    )
                )
    for w in workers:
        for dose in (1, 2):
            if rng.random() < 0.6:
                vaccinations.append(
                    Vaccination(
                        worker=w,
                        dose=dose,
                        given_on=rng.choice(days) - dt.timedelta(days=dose),
                        vaccine="AZ",
                        client_id=uuid.uuid4(),
                    )
                )
    HealthDeclaration.objects.bulk_create(declarations)
    GateEvent.objects.bulk_create(events)
    ScreeningTest.objects.bulk_create(tests)
    Vaccination.objects.bulk_create(vaccinations)
    for n, w in enumerate(rng.sample(workers, 8)):
        confirmed = rng.choice(days)
        case = Case.objects.create(
            worker=w,
            profile=profile,
            basis="rt_pcr",
            confirmed_on=confirmed,
            isolation_until=confirmed + dt.timedelta(days=10),
            outcome="recovered" if n % 2 else "isolating",
            closed_on=confirmed + dt.timedelta(days=9) if n % 2 else None,
        )
        for other in rng.sample(workers, 3):
            decided = confirmed + dt.timedelta(days=1)
            Contact.objects.create(
                case=case,
                worker=other,
                status=rng.choice([ContactStatus.CONFIRMED, ContactStatus.DISMISSED]),
                decided_at=at(decided, 23),
                quarantine_until=decided + dt.timedelta(days=14),
                released_on=decided + dt.timedelta(days=7) if n % 3 == 0 else None,
                traced_at=at(confirmed, 9),
            )
    places = [
        (p.enterprise_a.path, p.enterprise_a),
        (p.zone_a.path, None),
        (p.commune_a.path, None),
        (p.team_a.path, None),
        (p.enterprise_b.path, p.enterprise_b),
    ]
    for n in range(40):
        day = rng.choice(days)
        path, ent = rng.choice(places)
        IncidentReport.objects.bulk_create(
            [
                IncidentReport(
                    reference=f"SC-{n:05d}",
                    kind=rng.choice(kinds),
                    severity="medium",
                    status=rng.choice(["received", "resolved", "in_handling"]),
                    source="officer",
                    occurred_at=at(day, 1),
                    received_at=at(day, rng.choice([0, 12, 23])),
                    description="Sự việc",
                    enterprise=ent,
                    scope_path=path,
                )
            ]
        )
        Tip.objects.bulk_create(
            [
                Tip(
                    kind="other",
                    place_text="Chợ",
                    description="Tin báo",
                    scope_path=rng.choice(places)[0],
                    received_at=at(rng.choice(days), 23),
                    receipt_lookup=f"L{n}",
                    receipt_salt="s",
                    receipt_hash="h",
                    receipt_expires_at=at(START, 1),
                )
            ]
        )
        site = rng.choice([p.enterprise_a, p.zone_a, p.commune_a, p.enterprise_b])
        if provision is not None:
            Violation.objects.bulk_create(
                [
                    Violation(
                        subject_kind="person",
                        person_name="Người vi phạm",
                        subject_key=f"k{n}",
                        subject_label="Người vi phạm",
                        provision=provision,
                        occurred_at=at(rng.choice(days), 10),
                        place="Cổng",
                        site=site,
                        scope_path=site.path,
                        record_number=f"BB{n}",
                        state="recorded",
                    )
                ]
            )
    return days


def registered(w: Worker, day: dt.date) -> bool:
    return (
        w.enterprise_id is not None
        and (w.employment_start is None or w.employment_start <= day)
        and (w.employment_end is None or w.employment_end >= day)
        and not (w.employment_status == EmploymentStatus.LEFT and not w.employment_end)
    )


def direct(ent: Enterprise, day: dt.date) -> dict[str, int]:
    """The enterprise's figures counted row by row on the raw tables."""
    workers = list(Worker.objects.filter(enterprise=ent))
    ids = {w.pk for w in workers}
    start, end = rollup.day_bounds(day)
    decls = [d for d in HealthDeclaration.objects.filter(day=day) if d.worker_id in ids]
    cases = [c for c in Case.objects.all() if c.worker_id in ids]
    contacts = [
        c
        for c in Contact.objects.filter(status=ContactStatus.CONFIRMED)
        if c.worker_id in ids
        and c.decided_at < end
        and c.quarantine_until >= day
        and (c.released_on is None or c.released_on > day)
    ]
    tests = [
        t for t in ScreeningTest.objects.filter(sampled_on=day) if t.worker_id in ids
    ]
    counted = {w.pk for w in workers if registered(w, day)}
    vacc = [
        v
        for v in Vaccination.objects.filter(dose__lte=2)
        if v.worker_id in counted and v.given_on <= day
    ]
    present = {
        e.worker_id
        for e in GateEvent.objects.filter(enterprise=ent, direction="in")
        if start <= e.occurred_at < end
    }
    return {
        "workers_registered": sum(registered(w, day) for w in workers),
        "workers_present": len(present),
        "declarations": len(decls),
        "declarations_symptomatic": sum(not d.healthy for d in decls),
        "new_cases": sum(c.confirmed_on == day for c in cases),
        "in_isolation": len(
            {
                c.worker_id
                for c in cases
                if c.confirmed_on <= day and (c.closed_on is None or c.closed_on > day)
            }
        ),
        "in_quarantine": len({c.worker_id for c in contacts}),
        "tests": len(tests),
        "tests_positive": sum(t.result == "positive" for t in tests),
        "vaccinated": len({v.worker_id for v in vacc}),
        "fully_vaccinated": len({v.worker_id for v in vacc if v.dose >= 2}),
    }


def direct_nodes(path: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """Incidents, tips and violations under ``path`` in the period, counted raw."""
    lo, _ = rollup.day_bounds(start)
    _, hi = rollup.day_bounds(end)
    return {
        "incidents_new": sum(
            lo <= r.received_at < hi and r.scope_path.startswith(path)
            for r in IncidentReport.objects.all()
        ),
        "tips": sum(
            lo <= t.received_at < hi and t.scope_path.startswith(path)
            for t in Tip.objects.all()
        ),
        "violations": sum(
            lo <= v.occurred_at < hi and v.scope_path.startswith(path)
            for v in Violation.objects.all()
        ),
    }


FIELDS = (
    "workers_registered",
    "workers_present",
    "declarations",
    "declarations_symptomatic",
    "new_cases",
    "in_isolation",
    "in_quarantine",
    "tests",
    "tests_positive",
    "vaccinated",
    "fully_vaccinated",
)


@pytest.mark.django_db
def test_it_matches_a_direct_count_for_every_enterprise_and_day(province: Any) -> None:
    days = generate_month(province)
    for day in days:
        rollup.refresh_day(day)
    for ent in Enterprise.objects.all():
        rows = {r.day: r for r in EnterpriseDay.objects.filter(enterprise=ent)}
        assert sorted(rows) == days
        for day in days:
            expected = direct(ent, day)
            got = {name: getattr(rows[day], name) for name in FIELDS}
            assert got == expected, (ent.name, day)
    # Some figures are not trivially zero, or the comparison proves little.
    totals = EnterpriseDay.objects.filter(day__in=days)
    assert sum(r.declarations_symptomatic for r in totals) > 0
    assert sum(r.in_quarantine for r in totals) > 0
    assert sum(r.workers_present for r in totals) > 0


@pytest.mark.django_db
def test_it_sums_a_subtree_like_the_raw_tables(province: Any) -> None:
    days = generate_month(province)
    for day in days:
        rollup.refresh_day(day)
    start, end = days[0], days[-1]
    for scope in (province.province, province.commune_a, province.zone_a):
        result = summary(scope=scope, start=start, end=end)
        raw = direct_nodes(scope.path, start, end)
        assert result.totals.incidents_new == raw["incidents_new"]
        assert result.totals.tips == raw["tips"]
        assert result.totals.violations == raw["violations"]
        ents = Enterprise.objects.filter(path__startswith=scope.path)
        expected_decl = sum(direct(e, d)["declarations"] for e in ents for d in days)
        assert result.totals.declarations == expected_decl
        last = [direct(e, end) for e in ents]
        assert result.totals.in_isolation == sum(x["in_isolation"] for x in last)
        assert result.totals.workers_registered == sum(
            x["workers_registered"] for x in last
        )
        # The children add up to the scope (nothing counted on the scope node).
        for name in ("declarations", "tips", "incidents_new"):
            own = NodeDay.objects.filter(path=scope.path).count()
            if own == 0:
                assert getattr(result.totals, name) == sum(
                    getattr(c.totals, name) for c in result.children
                )


@pytest.mark.django_db
def test_it_counts_team_members(province: Any) -> None:
    days = generate_month(province)
    rollup.refresh_day(days[5])
    team = province.team_a
    members = [
        m.worker for m in TeamMembership.objects.filter(team=team, left_on__isnull=True)
    ]
    row = TeamDay.objects.get(team=team, day=days[5])
    assert row.members == len(members)
    assert (
        row.declarations
        == HealthDeclaration.objects.filter(day=days[5], worker__in=members).count()
    )
    assert TeamDay.objects.filter(day=days[5]).count() == Team.objects.count()


@pytest.mark.django_db
def test_it_rebuilds_the_same_figures(province: Any) -> None:
    days = generate_month(province)
    for day in days:
        rollup.refresh_day(day)
    before = sorted(
        EnterpriseDay.objects.filter(day__in=days).values_list(
            "day", "enterprise_id", *FIELDS
        )
    )
    nodes_before = sorted(
        NodeDay.objects.filter(day__in=days).values_list(
            "day", "organisation_id", "incidents_new", "tips", "violations"
        )
    )
    call_command("rollup", "--rebuild", "--until", days[-1].isoformat())
    after = sorted(
        EnterpriseDay.objects.filter(day__in=days).values_list(
            "day", "enterprise_id", *FIELDS
        )
    )
    nodes_after = sorted(
        NodeDay.objects.filter(day__in=days).values_list(
            "day", "organisation_id", "incidents_new", "tips", "violations"
        )
    )
    assert before == after
    assert nodes_before == nodes_after


@pytest.mark.django_db
def test_it_counts_message_reach_per_enterprise(province: Any) -> None:
    from tuquan.outreach.models import Delivery, Message

    day = START + dt.timedelta(days=3)
    message = Message.objects.create(
        organisation=province.enterprise_a,
        audience_unit=province.enterprise_a,
        title="Đeo khẩu trang",
        body="Đeo khẩu trang khi vào xưởng.",
        topic="epidemic",
        valid_from=START,
        state="sent",
    )
    rows = [
        (province.leader, at(day, 8), at(day, 9), at(day, 10), True),
        (province.member, at(day, 8), at(day, 23), None, None),
        (province.colleague, at(day, 8), None, at(day, 10), False),
        (province.resident, at(day - dt.timedelta(days=1), 8), None, None, None),
    ]
    Delivery.objects.bulk_create(
        [
            Delivery(
                message=message,
                worker=w,
                channel="inbox",
                unit=w.enterprise,
                state="read" if read else "sent",
                sent_at=sent,
                read_at=read,
                answered_at=answered,
                quiz_right=right,
            )
            for w, sent, read, answered, right in rows
        ]
    )
    rollup.refresh_day(day)
    a = EnterpriseDay.objects.get(day=day, enterprise=province.enterprise_a)
    assert (a.messages_sent, a.messages_read, a.messages_understood) == (3, 2, 1)
    a2 = EnterpriseDay.objects.get(day=day, enterprise=province.enterprise_a2)
    assert a2.messages_sent == 0

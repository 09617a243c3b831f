"""Automatic contact tracing: F1 candidates with reasons and scores, decisions,
quarantine at the gate, F2 on demand, lockdown options and the chain."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories as f
from tests.conftest import GateSite
from tuquan.gates.choices import Direction, EventSource
from tuquan.gates.models import GateEvent
from tuquan.gates.services import scan_card
from tuquan.health.cases import confirm_case, work_restrictions
from tuquan.health.models import Case, Contact, ContactStatus, FollowUp
from tuquan.health.tracing import (
    Candidate,
    chain,
    confirm_contact,
    dismiss_contact,
    exposure_window,
    lockdown_options,
    reason_text,
    trace_case,
    trace_second_generation,
)
from tuquan.organisations.models import BusRoute, Line, Room, Shift, Workshop
from tuquan.people.models import Worker

pytestmark = pytest.mark.django_db

CONFIRMED = date(2026, 11, 20)
ONSET = date(2026, 11, 19)  # window: 17/11 (onset − 2 look-back days) to 20/11


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


@dataclass
class Outbreak:
    site: GateSite
    case_worker: Worker
    workers: dict[str, Worker]
    route: BusRoute

    def passage(
        self, name: str, when: datetime, *, gate: Any = None, **extra: Any
    ) -> None:
        worker = self.workers[name] if name in self.workers else self.case_worker
        gate = gate or self.site.gate_a
        GateEvent.objects.create(
            client_id=uuid.uuid4(),
            gate=gate,
            site_id=gate.site_id,
            worker=worker,
            enterprise_id=worker.enterprise_id,
            direction=Direction.IN,
            occurred_at=when,
            received_at=when,
            source=EventSource.DEVICE,
            **extra,
        )


@pytest.fixture
def outbreak(gates: GateSite) -> Outbreak:
    p = gates.province
    ent = p.enterprise_a
    roasting = Workshop.objects.create(enterprise=ent, name="Xưởng Rang")
    line_1 = Line.objects.create(workshop=roasting, name="Chuyền 1")
    line_2 = Line.objects.create(workshop=roasting, name="Chuyền 2")
    day = Shift.objects.create(
        enterprise=ent, name="Ca ngày", starts_at=time(7), ends_at=time(15)
    )
    night = Shift.objects.create(
        enterprise=ent, name="Ca đêm", starts_at=time(22), ends_at=time(6)
    )
    room_101 = Room.objects.create(residence=p.residence_a, number="101")
    room_102 = Room.objects.create(residence=p.residence_a, number="102")
    route = BusRoute.objects.create(enterprise=ent, name="Tuyến Buôn Ma Thuột")

    def worker(name: str, **attrs: Any) -> Worker:
        w = f.make_worker(name, enterprise=ent)
        for key, value in attrs.items():
            setattr(w, key, value)
        w.save()
        return w

    case_worker = p.member
    for key, value in {
        "workshop": roasting,
        "line": line_1,
        "shift": day,
        "residence": p.residence_a,
        "room": room_101,
    }.items():
        setattr(case_worker, key, value)
    case_worker.save()
    p.leader.room = room_102
    p.leader.save()
    p.colleague.workshop, p.colleague.line, p.colleague.shift = roasting, line_1, day
    p.colleague.save()
    workers = {
        "leader": p.leader,  # same team, same residence (another room)
        "resident": p.resident,  # same boarding house, another employer
        "colleague": p.colleague,  # same line and shift, two shared days
        "workshop_mate": worker("Võ Văn Tư", workshop=roasting, line=line_2, shift=day),
        "night_shift": worker(
            "Đỗ Thị Năm", workshop=roasting, line=line_1, shift=night
        ),
        "absent": worker("Hồ Văn Sáu", workshop=roasting, line=line_1, shift=day),
        "roommate": worker("Mai Thị Bảy", residence=p.residence_a, room=room_101),
        "rider": worker("Lý Văn Tám"),
        "gate_near": worker("Kiều Thị Chín"),
        "gate_far": worker("Tạ Văn Mười"),
    }
    o = Outbreak(gates, case_worker, workers, route)
    # The case at work on 18 and 19/11 (arriving by bus on the 19th).
    o.passage("case", at(date(2026, 11, 18), 6, 50))
    o.passage("case", at(date(2026, 11, 19), 6, 40), bus_route=route)
    o.passage("colleague", at(date(2026, 11, 18), 6, 30))
    o.passage("colleague", at(date(2026, 11, 19), 6, 20))
    o.passage("colleague", at(date(2026, 11, 12), 6, 20))  # before the window
    o.passage("workshop_mate", at(date(2026, 11, 19), 6, 10))
    o.passage("workshop_mate", at(date(2026, 11, 21), 6, 10))  # case isolated by then
    o.passage("night_shift", at(date(2026, 11, 18), 21, 40))
    o.passage("rider", at(date(2026, 11, 19), 6, 10), bus_route=route)
    o.passage("rider", at(date(2026, 11, 18), 6, 10), bus_route=route)  # case walked
    o.passage("gate_near", at(date(2026, 11, 18), 6, 51))
    o.passage("gate_far", at(date(2026, 11, 18), 7, 20))
    return o


def traced(o: Outbreak, officer: Any) -> tuple[Case, dict[str, Contact]]:
    with time_machine.travel(at(CONFIRMED, 9), tick=False):
        case = confirm_case(
            worker=o.case_worker, basis="positive_test", by=officer, onset_on=ONSET
        )
        trace_case(case, by=officer)
    names = {w.pk: name for name, w in o.workers.items()}
    return case, {names[c.worker_id]: c for c in case.contacts.all()}


def codes(contact: Contact) -> set[str]:
    return {reason["code"] for reason in contact.reasons}


def test_it_looks_back_from_onset_by_the_profile_days(
    outbreak: Outbreak, health_officer: Any
) -> None:
    case, _ = traced(outbreak, health_officer)
    window = exposure_window(case)
    assert (window.start, window.end) == (date(2026, 11, 17), CONFIRMED)


def test_it_finds_f1_candidates_with_their_reasons(
    outbreak: Outbreak, health_officer: Any
) -> None:
    _case, contacts = traced(outbreak, health_officer)
    assert set(contacts) == {
        "leader",
        "resident",
        "colleague",
        "workshop_mate",
        "roommate",
        "rider",
        "gate_near",
    }
    assert codes(contacts["resident"]) == {"residence"}
    assert codes(contacts["leader"]) == {"team", "residence"}
    assert codes(contacts["colleague"]) == {"line_shift"}
    assert contacts["colleague"].reasons[0]["days"] == ["2026-11-18", "2026-11-19"]
    assert codes(contacts["workshop_mate"]) == {"workshop_shift"}
    assert contacts["workshop_mate"].reasons[0]["days"] == ["2026-11-19"]
    assert codes(contacts["roommate"]) == {"room"}
    assert codes(contacts["rider"]) == {"bus"}
    assert contacts["rider"].reasons[0]["days"] == ["2026-11-19"]
    assert codes(contacts["gate_near"]) == {"gate"}
    assert all(
        c.status == ContactStatus.CANDIDATE and c.generation == 1
        for c in contacts.values()
    )


def test_it_scores_each_candidate_from_its_reasons(
    outbreak: Outbreak, health_officer: Any
) -> None:
    _case, contacts = traced(outbreak, health_officer)
    scores = {name: c.score for name, c in contacts.items()}
    assert scores == {
        "leader": 30 + 10,  # team + same residence
        "resident": 10,
        "colleague": 30 + 5,  # line and shift, one extra shared day
        "workshop_mate": 15,
        "roommate": 40,
        "rider": 20,
        "gate_near": 10,  # one passage within 2 minutes
    }
    assert contacts["leader"].first_contact_on == date(2026, 11, 17)
    assert contacts["colleague"].last_contact_on == date(2026, 11, 19)


def test_it_caps_gate_points_and_the_score() -> None:
    crowd = Candidate(1)
    crowd.add("gate", "Cổng 1", [date(2026, 11, 18)], count=5)
    assert crowd.score == 30
    for code in ("room", "team", "line_shift", "bus"):
        crowd.add(code, "x", [date(2026, 11, 18), date(2026, 11, 19)])
    assert crowd.score == 100


def test_it_lists_line_mates_without_days_when_the_case_has_no_passage(
    outbreak: Outbreak, health_officer: Any
) -> None:
    GateEvent.objects.filter(worker=outbreak.case_worker).delete()
    _case, contacts = traced(outbreak, health_officer)
    assert {"colleague", "absent"} <= set(contacts)
    reason = contacts["absent"].reasons[0]
    assert reason["unrecorded"] is True
    assert contacts["absent"].score == 15
    assert "không có lượt qua cổng" in reason_text(reason)


def test_it_traces_when_a_case_is_confirmed_and_schedules_follow_ups(
    outbreak: Outbreak, health_officer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(at(CONFIRMED, 9), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            case = confirm_case(
                worker=outbreak.case_worker,
                basis="positive_test",
                by=health_officer,
                onset_on=ONSET,
            )
    assert case.contacts.count() == 7
    assert list(case.follow_ups.values_list("due_on", flat=True)) == [
        CONFIRMED + timedelta(days=d) for d in (1, 7, 14)
    ]


def test_it_keeps_decisions_and_drops_stale_candidates_when_traced_again(
    outbreak: Outbreak, health_officer: Any
) -> None:
    case, contacts = traced(outbreak, health_officer)
    with time_machine.travel(at(CONFIRMED, 10), tick=False):
        confirm_contact(contacts["roommate"], by=health_officer)
        dismiss_contact(contacts["gate_near"], by=health_officer)
        GateEvent.objects.filter(worker=outbreak.workers["rider"]).delete()
        outbreak.workers["roommate"].room = None
        outbreak.workers["roommate"].save()
        trace_case(case, by=health_officer)
    statuses = dict(case.contacts.values_list("worker__full_name", "status"))
    assert statuses["Mai Thị Bảy"] == ContactStatus.CONFIRMED  # decision kept
    assert statuses["Kiều Thị Chín"] == ContactStatus.DISMISSED
    assert "Lý Văn Tám" not in statuses  # the bus ride is gone: so is the lead
    assert codes(case.contacts.get(worker=outbreak.workers["roommate"])) == {
        "residence"
    }


def test_it_never_lists_a_worker_who_is_already_a_case(
    outbreak: Outbreak, health_officer: Any
) -> None:
    with time_machine.travel(at(CONFIRMED, 8), tick=False):
        confirm_case(
            worker=outbreak.workers["roommate"],
            basis="positive_test",
            by=health_officer,
        )
    _case, contacts = traced(outbreak, health_officer)
    assert "roommate" not in contacts


def test_it_quarantines_a_confirmed_contact_and_the_gate_refuses_them(
    outbreak: Outbreak, health_officer: Any
) -> None:
    _case, contacts = traced(outbreak, health_officer)
    colleague = contacts["colleague"]
    with time_machine.travel(at(CONFIRMED, 10), tick=False):
        confirm_contact(colleague, by=health_officer)
        assert colleague.quarantine_until == date(2026, 11, 19) + timedelta(days=14)
        assert list(
            FollowUp.objects.filter(contact=colleague).values_list("due_on", flat=True)
        ) == [date(2026, 11, 19) + timedelta(days=d) for d in (1, 7, 14)]
        assert work_restrictions([colleague.worker_id], timezone.now()) == {
            colleague.worker_id: "đến hết ngày 03/12/2026"
        }
        card = outbreak.site.cards["colleague"]
        outcome = scan_card(
            gate=outbreak.site.gate_a,
            code=card.code,
            direction="in",
            by=outbreak.site.guard,
        )
    assert not outcome.allowed
    assert "03/12/2026" in outcome.message
    assert "COVID" not in outcome.message


def test_it_lets_a_dismissed_contact_through(
    outbreak: Outbreak, health_officer: Any
) -> None:
    _case, contacts = traced(outbreak, health_officer)
    with time_machine.travel(at(CONFIRMED, 10), tick=False):
        confirm_contact(contacts["colleague"], by=health_officer)
        dismiss_contact(contacts["colleague"], by=health_officer)
        assert (
            work_restrictions([contacts["colleague"].worker_id], timezone.now()) == {}
        )
        assert not FollowUp.objects.filter(contact=contacts["colleague"]).exists()


def test_it_refuses_to_confirm_twice_or_end_quarantine_before_the_contact(
    outbreak: Outbreak, health_officer: Any
) -> None:
    _case, contacts = traced(outbreak, health_officer)
    with pytest.raises(ValidationError):
        confirm_contact(
            contacts["colleague"], by=health_officer, quarantine_until=date(2026, 11, 1)
        )
    confirm_contact(contacts["colleague"], by=health_officer)
    with pytest.raises(ValidationError, match="đã được xác nhận"):
        confirm_contact(contacts["colleague"], by=health_officer)


def test_it_finds_second_generation_contacts_of_a_confirmed_f1_only(
    outbreak: Outbreak, health_officer: Any
) -> None:
    case, contacts = traced(outbreak, health_officer)
    rider = contacts["rider"]
    # The rider met someone new at the gate after riding with the case.
    stranger = f.make_worker(
        "Ông Văn Mười Một", enterprise=outbreak.site.province.enterprise_a2
    )
    outbreak.workers["stranger"] = stranger
    outbreak.passage("stranger", at(date(2026, 11, 19), 6, 12))
    with time_machine.travel(at(CONFIRMED, 10), tick=False):
        with pytest.raises(ValidationError):
            trace_second_generation(rider, by=health_officer)
        confirm_contact(rider, by=health_officer)
        found = trace_second_generation(rider, by=health_officer)
    f2 = {c.worker_id: c for c in found}
    assert stranger.pk in f2
    assert f2[stranger.pk].generation == 2 and f2[stranger.pk].parent_id == rider.pk
    # Someone already in the case's tree stays where they are.
    assert case.contacts.filter(worker=outbreak.case_worker).count() == 0
    assert (
        case.contacts.filter(generation=2, worker=outbreak.workers["gate_near"]).count()
        == 0
    )


def test_it_lets_only_health_officers_trace(
    outbreak: Outbreak, health_officer: Any
) -> None:
    case, contacts = traced(outbreak, health_officer)
    enterprise_officer = outbreak.site.province.user("enterprise")
    with pytest.raises(PermissionDenied):
        trace_case(case, by=enterprise_officer)
    with pytest.raises(PermissionDenied):
        confirm_contact(contacts["colleague"], by=enterprise_officer)


def test_it_shows_the_workforce_each_lockdown_option_takes(
    outbreak: Outbreak, health_officer: Any
) -> None:
    case, contacts = traced(outbreak, health_officer)
    with time_machine.travel(at(CONFIRMED, 10), tick=False):
        confirm_contact(contacts["colleague"], by=health_officer)
        options = {o.scope: o for o in lockdown_options(case)}
    workforce = Worker.objects.filter(
        enterprise=outbreak.site.province.enterprise_a
    ).count()
    assert workforce == 10
    assert options["site"].affected == workforce and options["site"].share == 1
    assert options["team"].affected == 2  # leader and the case
    assert options["line"].affected == 4  # case, colleague, night shift, absent
    assert options["workshop"].affected == 5
    assert (
        options["line"].already_out == 2
    )  # the case (isolation), colleague (quarantine)
    assert options["team"].remaining == workforce - 2


def test_it_builds_the_chain_of_an_enterprise(
    outbreak: Outbreak, health_officer: Any
) -> None:
    case, contacts = traced(outbreak, health_officer)
    with time_machine.travel(at(CONFIRMED, 10), tick=False):
        confirm_contact(contacts["rider"], by=health_officer)
        dismiss_contact(contacts["gate_near"], by=health_officer)
        outbreak.passage("colleague", at(date(2026, 11, 20), 6, 10))
        trace_second_generation(contacts["rider"], by=health_officer)
        chains = chain(outbreak.site.province.enterprise_a.pk, since=date(2026, 11, 1))
    assert [c["case"] for c in chains] == [case]
    listed = {item["contact"].worker_id for item in chains[0]["contacts"]}
    assert contacts["gate_near"].worker_id not in listed  # dismissed
    assert contacts["rider"].worker_id in listed

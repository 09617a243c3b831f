"""Gates of the sample province: a main gate per zone, the showcase
enterprise's own gate, a card for every worker, this morning's passages,
vehicles (one not disinfected) and visitors.

Passages are dated from the moment the demo is built, so the presence pages
show people inside right after ``make run``.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tuquan.gates.choices import (
    Direction,
    DisinfectionMethod,
    GateKind,
    VehicleKind,
)
from tuquan.gates.models import (
    Gate,
    GateEvent,
    VehicleEntry,
    Visitor,
    WorkerCard,
    new_card_code,
)
from tuquan.gates.services import record_gate_events
from tuquan.organisations.models import Enterprise, Zone
from tuquan.people.models import EmploymentStatus, Worker

PRESENT_SHARE = 0.7  # of the showcase zone's workers, in since this morning


def write_gates(writer: Any, zones: dict[str, Zone], showcase: Enterprise) -> Gate:
    """A main gate per zone and the showcase enterprise's worker gate; returns
    the showcase zone's main gate (where the demo guard works)."""
    main: Gate | None = None
    for zone in zones.values():
        gate = writer.node(
            Gate(name=f"Cổng chính {zone.short_name or zone.name}", site=zone)
        )
        if zone.pk == showcase.zone_id:
            main = gate
    writer.node(
        Gate(
            name=f"Cổng nhà xưởng {showcase.short_name or showcase.name}",
            site=showcase,
            gate_kind=GateKind.WORKER,
        )
    )
    assert main is not None
    return main


def write_cards(writer: Any) -> None:
    """One active card per worker, in bulk."""
    used: set[str] = set()
    cards = []
    for worker_id in Worker.objects.values_list("pk", flat=True).order_by("pk"):
        code = new_card_code()
        while code in used:
            code = new_card_code()
        used.add(code)
        cards.append(WorkerCard(worker_id=worker_id, code=code))
    WorkerCard.objects.bulk_create(cards, batch_size=2000)
    writer.count(WorkerCard, len(cards))


def write_passages(writer: Any, gate: Gate, guard: Any, seed: int) -> None:
    """This morning at the showcase zone's gate: most workers came in, a few
    already left; vehicles and visitors of the day."""
    rng = random.Random(seed)
    now = timezone.now()
    workers = list(
        WorkerCard.objects.filter(
            worker__enterprise__zone=gate.site_id,
            worker__employment_status=EmploymentStatus.ACTIVE,
        )
        .values_list("code", flat=True)
        .order_by("pk")
    )
    events = []
    for code in workers:
        if rng.random() > PRESENT_SHARE:
            continue
        came = now - timedelta(minutes=rng.randint(60, 300))
        events.append(_event(gate, code, Direction.IN, came))
        if rng.random() < 0.05:
            left = came + timedelta(minutes=rng.randint(10, 50))
            events.append(_event(gate, code, Direction.OUT, left))
    for start in range(0, len(events), 5000):
        record_gate_events(events=events[start : start + 5000], by=guard)
    writer.count(GateEvent, len(events))
    plates = ["47C-123.45", "47H-088.12", "51D-456.78", "47B-019.90"]
    vehicles = []
    for n, plate in enumerate(plates):
        entry = VehicleEntry(
            client_id=uuid.uuid4(),
            gate=gate,
            plate=plate,
            vehicle_kind=VehicleKind.SHUTTLE_BUS if n == 3 else VehicleKind.TRUCK,
            driver_name=["Võ Văn Tài", "Lê Minh Quân", "Trần Văn Lực", "Y Blang Niê"][
                n
            ],
            origin=["Buôn Ma Thuột", "Krông Pắc", "TP. Hồ Chí Minh", "Cư M'gar"][n],
            cargo=["Cà phê nhân", "Bao bì", "Linh kiện", "Đưa đón công nhân"][n],
            direction=Direction.IN,
            occurred_at=now - timedelta(minutes=30 + 40 * n),
            disinfected=n != 2,
            disinfected_by="" if n == 2 else "Tổ khử khuẩn cổng chính",
            disinfection_method="" if n == 2 else DisinfectionMethod.SPRAY,
            driver_declared=True,
            recorded_by=guard,
            received_at=now,
        )
        entry.driver_phone = f"09{rng.randint(10000000, 99999999)}"
        vehicles.append(entry)
    VehicleEntry.objects.bulk_create(vehicles)
    writer.count(VehicleEntry, len(vehicles))
    host = Enterprise.objects.filter(zone=gate.site_id).order_by("pk").first()
    visitors = []
    for n, (name, org, purpose) in enumerate(
        [
            ("Nguyễn Thị Hạnh", "Sở Y tế", "Kiểm tra công tác phòng dịch"),
            ("Phạm Quốc Việt", "Công ty Vận tải Tây Nguyên", "Giao hàng"),
        ]
    ):
        visitor = Visitor(
            client_id=uuid.uuid4(),
            gate=gate,
            full_name=name,
            organisation_name=org,
            host=host,
            purpose=purpose,
            time_in=now - timedelta(minutes=20 + 25 * n),
            recorded_by=guard,
        )
        visitor.national_id = f"0661{rng.randint(10**7, 10**8 - 1)}"
        visitors.append(visitor)
    Visitor.objects.bulk_create(visitors)
    writer.count(Visitor, len(visitors))


def _event(gate: Gate, code: str, direction: str, at: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "gate": gate.pk,
        "card": code,
        "direction": direction,
        "occurred_at": at.isoformat(),
    }

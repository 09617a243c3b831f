"""A device resends, reorders and drops: the stored passages stay exact."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import GateSite
from tuquan.gates.models import GateEvent, Presence, WorkerCard, new_card_code
from tuquan.gates.services import record_gate_events
from tuquan.people.models import Worker

# Outside a test transaction, so PostgreSQL takes the one-statement autocommit path.
pytestmark = pytest.mark.django_db(transaction=True)


def test_it_stores_exactly_ten_thousand_after_three_shuffled_replays(
    gates: GateSite,
) -> None:
    province = gates.province
    workers = Worker.objects.bulk_create(
        [
            Worker(
                full_name=f"Công nhân {n}",
                name_folded=f"cong nhan {n}",
                date_of_birth=province.leader.date_of_birth,
                sex="male",
                national_id_enc="x",
                national_id_hash=f"h{n}",
                national_id_tail=f"{n:04d}"[-4:],
                enterprise=province.enterprise_a2,
            )
            for n in range(200)
        ]
    )
    cards = WorkerCard.objects.bulk_create(
        [WorkerCard(worker=w, code=new_card_code()) for w in workers]
    )
    start = timezone.now() - timedelta(days=2)
    events = []
    for n in range(10_000):
        card = cards[n % len(cards)]
        events.append(
            {
                "client_id": str(uuid.uuid4()),
                "gate": gates.gate_a.pk,
                "card": card.code,
                "direction": "in" if (n // len(cards)) % 2 == 0 else "out",
                "occurred_at": (start + timedelta(seconds=n * 10)).isoformat(),
            }
        )
    rng = random.Random(20211)
    accepted: set[str] = set()
    for _attempt in range(3):
        order = events[:]
        rng.shuffle(order)
        chunks = [order[i : i + 1000] for i in range(0, len(order), 1000)]
        dropped = [chunk for chunk in chunks if rng.random() < 0.3]
        for chunk in chunks + dropped:  # dropped chunks are resent at the end
            result = record_gate_events(events=chunk, by=gates.guard)
            assert result.rejected == []
            assert not accepted & set(result.accepted)
            accepted.update(result.accepted)
    assert len(accepted) == 10_000
    assert GateEvent.objects.count() == 10_000
    # However the chunks arrived, presence holds each worker's latest passage.
    latest = {}
    for event in events:
        latest[event["card"]] = event
    by_code = dict(WorkerCard.objects.values_list("worker_id", "code"))
    for worker_id, direction, at in Presence.objects.filter(
        site=province.zone_a
    ).values_list("worker_id", "direction", "occurred_at"):
        expected = latest[by_code[worker_id]]
        assert direction == expected["direction"]
        assert at == datetime.fromisoformat(expected["occurred_at"])

"""Today's health declarations in the sample province: most workers of the
showcase zone declared, a few with symptoms, some by their team leader."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.people.models import EmploymentStatus, Worker

DECLARED_SHARE = 0.75
SYMPTOM_SHARE = 0.02


def write_declarations(writer: Any, zone_id: int, seed: int) -> None:
    profile = DiseaseProfile.objects.filter(active=True).order_by("pk").first()
    if profile is None:
        return
    rng = random.Random(seed)
    now = timezone.now()
    today = timezone.localdate()
    codes = [item["code"] for item in profile.symptoms]
    rows = []
    workers = Worker.objects.filter(
        enterprise__zone=zone_id, employment_status=EmploymentStatus.ACTIVE
    ).values_list("pk", flat=True)
    for worker_id in workers.order_by("pk"):
        if rng.random() > DECLARED_SHARE:
            continue
        symptoms = sorted(rng.sample(codes, 2)) if rng.random() < SYMPTOM_SHARE else []
        rows.append(
            HealthDeclaration(
                worker_id=worker_id,
                day=today,
                profile=profile,
                healthy=not symptoms,
                symptoms=symptoms,
                exposures=[],
                by_proxy=rng.random() < 0.05,
                client_id=uuid.uuid4(),
                declared_at=now - timedelta(minutes=rng.randint(5, 240)),
            )
        )
    HealthDeclaration.objects.bulk_create(rows, batch_size=2000)
    writer.count(HealthDeclaration, len(rows))


def write_case(writer: Any, zone_id: int, officer: Any, seed: int) -> None:
    """One confirmed case in the showcase zone, traced, with its two closest
    contacts confirmed: the health officer's pages have something to show."""
    from tuquan.health.cases import confirm_case
    from tuquan.health.models import Case, Contact
    from tuquan.health.tracing import confirm_contact, trace_case

    rng = random.Random(seed + 7)
    candidates = list(
        Worker.objects.filter(
            enterprise__zone=zone_id,
            employment_status=EmploymentStatus.ACTIVE,
            memberships__isnull=False,
            gate_events__isnull=False,
        )
        .distinct()
        .order_by("pk")[:200]
    )
    if not candidates:
        return
    today = timezone.localdate()
    case = confirm_case(
        worker=rng.choice(candidates),
        basis="positive_test",
        by=officer,
        confirmed_on=today,
        onset_on=today - timedelta(days=1),
        note="Test nhanh dương tính tại trạm y tế KCN, RT-PCR khẳng định.",
    )
    contacts = trace_case(case, by=officer)
    for contact in sorted(contacts, key=lambda c: -c.score)[:2]:
        confirm_contact(contact, by=officer)
    writer.count(Case, 1)
    writer.count(Contact, len(contacts))

"""Tests, vaccinations and screening schedules in the sample province: each
enterprise of the showcase zone screens 20 % of its workers every 7 days
(Decision 2787/QĐ-BYT's example), with three weeks of rapid tests behind it,
one positive pool waiting for individual follow-ups, one positive rapid test
waiting for a health officer, and two or three vaccine doses for most workers.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tuquan.organisations.models import Enterprise
from tuquan.people.models import EmploymentStatus, Worker
from tuquan.screening.models import (
    SamplePool,
    ScreeningMethod,
    ScreeningResult,
    ScreeningSchedule,
    ScreeningTest,
    Vaccination,
)
from tuquan.screening.services import cohort, derived_id

FACILITIES = (
    "Trạm Y tế xã Hòa Phú",
    "Trung tâm Kiểm soát bệnh tật tỉnh Đắk Lắk",
)
VACCINES = ("AstraZeneca", "Pfizer-BioNTech", "Vero Cell", "Moderna")
VACCINATION_SITE = "Điểm tiêm chủng KCN Hòa Phú"
WEEKS = 3


def build_demo(writer: Any, zone_id: int, seed: int) -> None:
    """Write the sample screening data of zone ``zone_id``; ``writer`` counts
    the rows (``writer.count(model, n)``) like the other demo writers."""
    rng = random.Random(seed + 2787)
    today = timezone.localdate()
    starts_on = today - timedelta(days=7 * WEEKS)
    tests: list[ScreeningTest] = []
    doses: list[Vaccination] = []
    schedules = 0
    for enterprise in Enterprise.objects.filter(zone_id=zone_id).order_by("pk"):
        ids = list(
            Worker.objects.filter(
                enterprise=enterprise, employment_status=EmploymentStatus.ACTIVE
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            continue
        ScreeningSchedule.objects.create(
            enterprise=enterprise,
            every_days=7,
            share_percent=20,
            method=ScreeningMethod.RAPID_ANTIGEN,
            starts_on=starts_on,
            active=True,
        )
        schedules += 1
        # The past rounds were done (a few workers missed theirs).
        for number in range(WEEKS):
            first_day = starts_on + timedelta(days=7 * number)
            for worker_id in cohort(ids, 20, number):
                if rng.random() < 0.1:
                    continue
                tests.append(
                    ScreeningTest(
                        worker_id=worker_id,
                        method=ScreeningMethod.RAPID_ANTIGEN,
                        sampled_on=first_day + timedelta(days=rng.randint(0, 2)),
                        facility=FACILITIES[0],
                        result=ScreeningResult.NEGATIVE,
                        client_id=uuid.UUID(int=rng.getrandbits(128)),
                    )
                )
        for worker_id in ids:
            if rng.random() > 0.9:
                continue
            vaccine = rng.choice(VACCINES)
            first = today - timedelta(days=rng.randint(200, 300))
            count = 3 if rng.random() < 0.45 else 2
            for dose in range(1, count + 1):
                doses.append(
                    Vaccination(
                        worker_id=worker_id,
                        dose=dose,
                        given_on=first + timedelta(days=(dose - 1) * 90),
                        vaccine=vaccine if dose < 3 else rng.choice(VACCINES),
                        place=VACCINATION_SITE,
                        client_id=uuid.UUID(int=rng.getrandbits(128)),
                    )
                )
    ScreeningTest.objects.bulk_create(tests, batch_size=2000)
    Vaccination.objects.bulk_create(doses, batch_size=2000)
    extra = _showcase_positives(zone_id, rng, today)
    writer.count(ScreeningSchedule, schedules)
    writer.count(ScreeningTest, len(tests) + extra)
    writer.count(SamplePool, 1 if extra else 0)
    writer.count(Vaccination, len(doses))


def _showcase_positives(zone_id: int, rng: random.Random, today: Any) -> int:
    """A positive pool of five (two already followed up) and one positive
    rapid test, in the zone's largest enterprise."""
    enterprise = (
        Enterprise.objects.filter(zone_id=zone_id)
        .order_by("-registered_workforce", "pk")
        .first()
    )
    if enterprise is None:
        return 0
    ids = list(
        Worker.objects.filter(
            enterprise=enterprise, employment_status=EmploymentStatus.ACTIVE
        )
        .order_by("-pk")
        .values_list("pk", flat=True)[:6]
    )
    if len(ids) < 6:
        return 0
    pooled_on = today - timedelta(days=2)
    pool = SamplePool.objects.create(
        sampled_on=pooled_on,
        facility=FACILITIES[1],
        result=ScreeningResult.POSITIVE,
        client_id=uuid.UUID(int=rng.getrandbits(128)),
    )
    rows = [
        ScreeningTest(
            worker_id=worker_id,
            method=ScreeningMethod.POOLED_RT_PCR,
            sampled_on=pooled_on,
            facility=FACILITIES[1],
            result=ScreeningResult.POSITIVE,
            pool=pool,
            client_id=derived_id(pool.client_id, worker_id),
        )
        for worker_id in ids[:5]
    ]
    rows += [
        ScreeningTest(
            worker_id=worker_id,
            method=ScreeningMethod.RT_PCR,
            sampled_on=today - timedelta(days=1),
            facility=FACILITIES[1],
            result=ScreeningResult.NEGATIVE,
            client_id=uuid.UUID(int=rng.getrandbits(128)),
        )
        for worker_id in ids[:2]
    ]
    rows.append(
        ScreeningTest(
            worker_id=ids[5],
            method=ScreeningMethod.RAPID_ANTIGEN,
            sampled_on=today - timedelta(days=1),
            facility=FACILITIES[0],
            result=ScreeningResult.POSITIVE,
            client_id=uuid.UUID(int=rng.getrandbits(128)),
        )
    )
    ScreeningTest.objects.bulk_create(rows)
    return len(rows)

"""Outbreak alerts in the sample province.

The health demo writes today's declarations only; with no history every
baseline would be empty and any symptom today would look like an outbreak. So
this part first gives the showcase zone's workers 27 earlier days declared
like today (same shares as ``tuquan.health.demo``), then plants a small rising
cluster in the smallest team of at least 12 members (2, 4 and 6 members with symptoms over the last
three days), and runs the detection for those three days: the alerts show the
cluster in the team, its enterprise and its zone, and nothing else stands out.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from tuquan.health.demo import DECLARED_SHARE, SYMPTOM_SHARE
from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.organisations.models import Team
from tuquan.people.models import EmploymentStatus, Worker
from tuquan.surveillance.models import OutbreakAlert
from tuquan.surveillance.services import detect_outbreaks

HISTORY_DAYS = 27
CLUSTER = (2, 4, 6)  # members with symptoms, day before yesterday to today
# The cluster goes to the smallest team with at least this many members: in a
# big team the random symptoms of a normal day would blur it.
MIN_TEAM = 2 * max(CLUSTER)


def build_demo(writer: Any, zone_id: int, seed: int) -> None:
    """Declaration history, a planted cluster and the detection runs for the
    showcase zone (call after ``health_demo.write_declarations``)."""
    profile = DiseaseProfile.objects.filter(active=True).order_by("pk").first()
    if profile is None:
        return
    rng = random.Random(seed + 8)
    today = timezone.localdate()
    codes = [item["code"] for item in profile.symptoms]
    workers = list(
        Worker.objects.filter(
            enterprise__zone=zone_id, employment_status=EmploymentStatus.ACTIVE
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cluster_team = (
        Team.objects.filter(enterprise__zone=zone_id)
        .annotate(
            members=Count(
                "memberships",
                filter=Q(
                    memberships__left_on__isnull=True,
                    memberships__worker__employment_status=EmploymentStatus.ACTIVE,
                ),
            )
        )
        .filter(members__gte=MIN_TEAM)
        .order_by("members", "pk")
        .first()
    )
    cluster: list[int] = []
    if cluster_team is not None:
        cluster = list(
            cluster_team.memberships.filter(
                left_on__isnull=True,
                worker__employment_status=EmploymentStatus.ACTIVE,
            )
            .order_by("worker_id")
            .values_list("worker_id", flat=True)[: max(CLUSTER)]
        )
    first_cluster_day = today - timedelta(days=len(CLUSTER) - 1)
    sick_on = {
        first_cluster_day + timedelta(days=i): set(cluster[:n])
        for i, n in enumerate(CLUSTER)
    }
    now = timezone.now()
    rows = []
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        planted = sick_on.get(day, set())
        declared_at = now - timedelta(days=back)
        for worker_id in workers:
            sick = worker_id in planted or rng.random() < SYMPTOM_SHARE
            if worker_id not in planted and rng.random() > DECLARED_SHARE:
                continue
            symptoms = sorted(rng.sample(codes, 2)) if sick else []
            rows.append(
                HealthDeclaration(
                    worker_id=worker_id,
                    day=day,
                    profile=profile,
                    healthy=not sick,
                    symptoms=symptoms,
                    exposures=[],
                    client_id=uuid.uuid4(),
                    declared_at=declared_at,
                )
            )
    # Only days before today: today's declarations are the health demo's.
    HealthDeclaration.objects.bulk_create(rows, batch_size=2000)
    today_sick = sick_on.get(today, set())
    added = 0
    for worker_id in sorted(today_sick):
        _declaration, new = HealthDeclaration.objects.update_or_create(
            worker_id=worker_id,
            day=today,
            defaults={
                "profile": profile,
                "healthy": False,
                "symptoms": sorted(rng.sample(codes, 2)),
                "exposures": [],
                "declared_at": now,
            },
            create_defaults={
                "profile": profile,
                "healthy": False,
                "symptoms": sorted(rng.sample(codes, 2)),
                "exposures": [],
                "declared_at": now,
                "client_id": uuid.uuid4(),
            },
        )
        added += new
    writer.count(HealthDeclaration, len(rows) + added)
    created = 0
    for back in range(len(CLUSTER) - 1, -1, -1):
        created += detect_outbreaks(day=today - timedelta(days=back)).created
    writer.count(OutbreakAlert, created)

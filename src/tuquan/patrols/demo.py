"""Patrols in the sample province: checkpoints of the showcase zone (added by
its board), a night patrol plan for the demo team leader's team, three
patrols walked on past nights with their logs, and one ad hoc patrol of
another team of the zone.

Checkpoints and the plan go through the services (codes, rights, audit); the
past patrols are written directly with their past times, which the services
only ever set to "now"."""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tuquan.accounts.choices import Role
from tuquan.organisations.models import Team, Zone
from tuquan.patrols.choices import EntryKind
from tuquan.patrols.models import Checkpoint, PatrolEntry, PatrolPlan, PatrolSession
from tuquan.patrols.services import (
    create_checkpoint,
    create_plan,
    current_members,
    team_area,
)

CHECKPOINTS = [
    ("Cổng chính", "Cổng ra vào chính của khu công nghiệp, cạnh chốt bảo vệ."),
    ("Nhà xe công nhân", "Bãi giữ xe máy của công nhân, hay mất trộm ca đêm."),
    ("Kho hóa chất", "Kho chứa hóa chất và vật tư dễ cháy phía sau nhà xưởng."),
    ("Trạm biến áp", "Trạm biến áp 22 kV góc Đông Nam."),
    ("Hàng rào phía Bắc", "Đoạn hàng rào giáp đồng cà phê, ít đèn."),
    ("Nhà ăn ca", "Nhà ăn chung của các doanh nghiệp."),
]
ROUTE = [1, 2, 0, 4]  # indexes of CHECKPOINTS, in walking order
OBSERVATIONS = [
    "Đèn chiếu sáng đoạn hàng rào phía Bắc bị hỏng, đề nghị thay.",
    "Cửa kho hóa chất chưa khóa, đã báo bảo vệ ca đêm khóa lại.",
    "Có hai xe máy không dán thẻ gửi xe trong nhà xe, đã ghi biển số.",
]
HANDOVER = [
    "Ca tuần tra bình thường, đã bàn giao cho bảo vệ ca sáng.",
    "Nhắc bảo vệ kiểm tra lại cửa kho hóa chất đầu ca.",
    "Đề nghị Ban quản lý khu thay đèn đoạn hàng rào phía Bắc.",
]


def write_patrols(writer: Any, zone_id: int, users: dict[str, Any], seed: int) -> None:
    """Patrol data for the showcase zone; ``users`` are the demo logins."""
    rng = random.Random(seed + 23)
    zone = Zone.objects.get(pk=zone_id)
    board = users["kcn.hoaphu"]
    leader = users["totruong"]
    team = Team.objects.get(
        pk=leader.assignments.get(role=Role.TEAM_LEADER).organisation_id
    )
    if team_area(team) is None or team_area(team).pk != zone.pk:
        return  # the demo team does not patrol this zone: nothing to show
    checkpoints = [
        create_checkpoint(site=zone, name=name, description=description, by=board)
        for name, description in CHECKPOINTS
    ]
    writer.count(Checkpoint, len(checkpoints))
    plan = create_plan(
        team=team,
        name="Tuần tra ca đêm nhà xe, kho và hàng rào",
        weekdays=[0, 1, 2, 3, 4, 5],
        start_time=time(21, 0),
        duration_minutes=90,
        route=[checkpoints[i].pk for i in ROUTE],
        by=leader,
    )
    writer.count(PatrolPlan, 1)
    members = list(current_members(team).order_by("pk"))
    walked = 0
    for n, days_ago in enumerate((4, 2, 1)):
        walkers = [team.leader, *rng.sample(members, min(2, len(members)))]
        route = [checkpoints[i] for i in ROUTE]
        _past_patrol(
            team,
            plan,
            leader,
            {w.pk: w for w in walkers if w is not None}.values(),
            days_ago,
            route,
            OBSERVATIONS[n],
            HANDOVER[n],
        )
        walked += 1
    other = (
        Team.objects.filter(enterprise__zone=zone)
        .exclude(pk=team.pk)
        .order_by("pk")
        .first()
    )
    if other is not None:
        others = list(current_members(other).order_by("pk")[:3])
        if others:
            _past_patrol(
                other,
                None,
                None,
                others,
                3,
                [checkpoints[0], checkpoints[5]],
                "",
                "Tuần tra đột xuất sau giờ tan ca, không có gì bất thường.",
            )
            walked += 1
    writer.count(PatrolSession, walked)


def _past_patrol(
    team: Team,
    plan: PatrolPlan | None,
    by: Any,
    walkers: Any,
    days_ago: int,
    route: list[Checkpoint],
    observation: str,
    note: str,
) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    started = timezone.make_aware(datetime.combine(day, time(21, 0)))
    session = PatrolSession.objects.create(
        team=team,
        plan=plan,
        started_by=by,
        started_at=started,
        ended_at=started + timedelta(minutes=15 * len(route) + 20),
        handover_note=note,
    )
    session.members.set(list(walkers))
    entries = [
        PatrolEntry(
            session=session,
            kind=EntryKind.SCAN,
            checkpoint=checkpoint,
            payload=checkpoint.qr_payload,
            occurred_at=started + timedelta(minutes=5 + 15 * i),
            recorded_by=by,
            client_id=uuid.uuid4(),
        )
        for i, checkpoint in enumerate(route)
    ]
    if observation:
        entries.append(
            PatrolEntry(
                session=session,
                kind=EntryKind.OBSERVATION,
                text=observation,
                occurred_at=started + timedelta(minutes=12),
                recorded_by=by,
                client_id=uuid.uuid4(),
            )
        )
    PatrolEntry.objects.bulk_create(entries)

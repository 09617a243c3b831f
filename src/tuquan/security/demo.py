"""Demo incident reports in the showcase zone: a theft handed to the commune
police with its countdown running, a gambling report the police received and
answered, a fight reported twice and grouped into one incident, a suspicious
person being handled by enterprise security, and a closed traffic accident
reported by a passer-by."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tuquan.organisations.models import Enterprise, Residence, Zone
from tuquan.people.models import Worker
from tuquan.security.choices import ReportStatus
from tuquan.security.models import HandOver, Incident, IncidentReport
from tuquan.security.services import (
    create_report,
    group_reports,
    transition_report,
    update_handover,
)

S = ReportStatus


def write_reports(writer: Any, zone_id: int, users: dict[str, Any], seed: int) -> None:
    """``users`` are the demo logins by username (congnhan, totruong,
    baove.hoaphu, kcn.hoaphu, congan.tinh)."""
    rng = random.Random(seed + 11)
    zone = Zone.objects.get(pk=zone_id)
    worker_user = users["congnhan"]
    worker = (
        Worker.objects.filter(user=worker_user).select_related("enterprise").first()
    )
    enterprise = (
        worker.enterprise
        if worker is not None and worker.enterprise_id
        else Enterprise.objects.filter(zone=zone).order_by("pk").first()
    )
    residence = (
        Residence.objects.filter(commune=zone.commune).order_by("pk").first()
        if zone.commune_id
        else None
    )
    now = timezone.now()
    board, police = users["kcn.hoaphu"], users["congan.tinh"]

    theft = create_report(
        kind="theft",
        description=(
            "Mất xe máy Honda Wave màu đen để ở bãi xe công nhân ca 2, "
            "phát hiện lúc tan ca. Camera cổng phụ có thể đã ghi lại."
        ),
        occurred_at=now - timedelta(hours=5, minutes=rng.randrange(0, 50)),
        received_at=now - timedelta(hours=3),
        by=worker_user,
        enterprise=enterprise,
        place_text="Bãi xe công nhân, cổng phụ",
        is_sample=True,
    )
    transition_report(
        report=theft,
        to=S.VERIFYING,
        by=board,
        note="Bảo vệ KCN đang trích xuất camera cổng phụ.",
    )

    gambling_place = (
        {"residence": residence} if residence is not None else {"zone": zone}
    )
    gambling = create_report(
        kind="gambling",
        description="Nhóm 5–6 người tụ tập đánh bài ăn tiền nhiều đêm liền.",
        occurred_at=now - timedelta(days=2, hours=3),
        received_at=now - timedelta(days=2),
        by=users["totruong"],
        people_involved="Một số người thuê trọ phòng cuối dãy",
        place_text="Dãy phòng phía sau",
        is_sample=True,
        **gambling_place,
    )
    update_handover(
        handover=gambling.handover,
        by=police,
        receiving_officer="Đại úy Trần Văn Minh",
        record_number="27/TB-CAX",
    )
    transition_report(report=gambling, to=S.VERIFYING, by=police)
    transition_report(
        report=gambling,
        to=S.ASSIGNED,
        by=police,
        assignee="commune_police",
        note="Công an xã tiếp nhận, xác minh.",
    )
    update_handover(
        handover=gambling.handover,
        by=police,
        outcome="Đã kiểm tra, lập biên bản xử phạt hành chính 4 người.",
    )

    fights = [
        create_report(
            kind="assault",
            description=text,
            occurred_at=now - timedelta(hours=20),
            received_at=now - timedelta(hours=19, minutes=50 - 10 * index),
            by=by,
            zone=zone if by is None else None,
            enterprise=enterprise if by is not None else None,
            source="public" if by is None else None,
            is_sample=True,
        )
        for index, (text, by) in enumerate(
            [
                ("Hai nhóm công nhân xô xát trước cổng chính sau giờ tan ca.", None),
                (
                    "Đánh nhau ở cổng chính, một người bị thương nhẹ.",
                    users["baove.hoaphu"],
                ),
            ]
        )
    ]
    group_reports(reports=fights, by=board, title="Xô xát trước cổng chính KCN")

    suspicious = create_report(
        kind="suspicious",
        description="Người lạ đi xe máy không biển số nhiều lần quanh khu nhà xưởng.",
        occurred_at=now - timedelta(hours=8),
        received_at=now - timedelta(hours=7),
        by=users["baove.hoaphu"],
        enterprise=enterprise,
        is_sample=True,
    )
    transition_report(report=suspicious, to=S.VERIFYING, by=board)
    transition_report(
        report=suspicious,
        to=S.ASSIGNED,
        by=board,
        assignee="enterprise_security",
        note="Giao bảo vệ doanh nghiệp theo dõi.",
    )

    accident = create_report(
        kind="traffic",
        description="Xe tải va chạm xe máy ở ngã ba vào KCN, không ai bị thương nặng.",
        occurred_at=now - timedelta(days=3),
        received_at=now - timedelta(days=3),
        zone=zone,
        contact="Người đi đường",
        is_sample=True,
    )
    for step in (S.VERIFYING, S.ASSIGNED, S.IN_HANDLING, S.RESOLVED, S.CLOSED):
        transition_report(
            report=accident, to=step, by=board, assignee="zone_board", note=""
        )

    writer.count(IncidentReport, 6)
    writer.count(HandOver, HandOver.objects.filter(report__is_sample=True).count())
    writer.count(Incident, 1)

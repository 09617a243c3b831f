"""Demo violations: a few records in the showcase zone, one repeat offence,
one against an enterprise, and one sanction decision, so the zone board's
pages have something to show."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tuquan.gates.models import GateEvent
from tuquan.organisations.models import Enterprise
from tuquan.people.models import EmploymentStatus, Worker
from tuquan.violations.choices import Detection, SubjectKind
from tuquan.violations.models import (
    Authority,
    LegalProvision,
    SanctionDecision,
    Violation,
)
from tuquan.violations.services import issue_decision, record_violation


def write_violations(writer: Any, zone_id: int, officer: Any, seed: int) -> None:
    """Called by the demo builder after the gates and passages exist."""
    rng = random.Random(seed + 17)
    workers = list(
        Worker.objects.filter(
            enterprise__zone=zone_id, employment_status=EmploymentStatus.ACTIVE
        ).order_by("pk")[:300]
    )
    enterprise = Enterprise.objects.filter(zone=zone_id).order_by("pk").first()
    if len(workers) < 3 or enterprise is None:
        return
    rules = {p.code: p for p in LegalProvision.objects.all()}
    mask, test = rules["nd117-12-1a-khau-trang"], rules["nd117-xet-nghiem"]
    now = timezone.now()
    offender, second = rng.sample(workers, 2)
    made: list[Violation] = []

    def record(**values: Any) -> Violation:
        number = f"{len(made) + 1:02d}/BB-VPHC"
        violation = record_violation(by=officer, record_number=number, **values)
        made.append(violation)
        return violation

    record(
        subject_kind=SubjectKind.WORKER,
        worker=offender,
        provision=mask,
        occurred_at=now - timedelta(days=40, hours=3),
        place="Nhà ăn ca",
        detection=Detection.PATROL,
        description="Không đeo khẩu trang khi xếp hàng lấy suất ăn.",
    )
    repeat = record(
        subject_kind=SubjectKind.WORKER,
        worker=offender,
        provision=mask,
        occurred_at=now - timedelta(days=2, hours=5),
        place="Cổng chính",
        detection=Detection.INSPECTION,
        description="Tái phạm: không đeo khẩu trang tại cổng.",
    )
    record(
        subject_kind=SubjectKind.WORKER,
        worker=second,
        provision=test,
        occurred_at=now - timedelta(days=1, hours=2),
        place="Trạm y tế KCN",
        detection=Detection.HEALTH_RECORD,
        description="Không đến xét nghiệm theo giấy mời.",
    )
    flagged = (
        GateEvent.objects.filter(site_id=zone_id)
        .exclude(flag="")
        .order_by("-occurred_at")
        .first()
    )
    if flagged is not None:
        record(
            subject_kind=SubjectKind.WORKER,
            worker=flagged.worker,
            provision=rules["nd117-kiem-tra-vung-dich"],
            occurred_at=flagged.occurred_at,
            place=str(flagged.gate),
            detection=Detection.GATE_FLAG,
            gate_event=flagged,
        )
    record(
        subject_kind=SubjectKind.ORGANISATION,
        organisation=enterprise,
        provision=rules["nd117-tu-tap-kinh-doanh"],
        occurred_at=now - timedelta(days=5),
        place=enterprise.name,
        detection=Detection.INSPECTION,
        description="Tổ chức liên hoan cuối ca hơn 50 người khi đang cấm tụ tập.",
    )
    writer.count(Violation, len(made))
    issue_decision(
        by=officer,
        violations=[repeat],
        authority=Authority.objects.get(code="ct-ubnd-xa"),
        number="01/QĐ-XPHC",
        issuing_body="Ủy ban nhân dân xã Hòa Phú",
        signer_name="Nguyễn Văn Bình",
        place_name="Hòa Phú",
        fine_amount=2_000_000,
        issued_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=10),
    )
    writer.count(SanctionDecision, 1)

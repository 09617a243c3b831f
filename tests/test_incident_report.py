"""Creating incident reports: place, scope, idempotency, hand-over opening."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tuquan.security.choices import ReportStatus, Source
from tuquan.security.models import IncidentKind, IncidentReport
from tuquan.security.services import create_report


def test_it_ships_the_catalogue_of_kinds(db: Any) -> None:
    codes = set(IncidentKind.objects.values_list("code", flat=True))
    assert {"theft", "assault", "gambling", "drugs", "fire", "other"} <= codes
    assert IncidentKind.objects.get(code="theft").may_be_crime
    assert not IncidentKind.objects.get(code="suspicious").may_be_crime
    assert IncidentKind.objects.count() == 11


def test_it_records_a_workers_report_at_their_workplace(province: Any) -> None:
    report = create_report(
        kind="suspicious",
        description="Người lạ đi lại quanh xưởng",
        occurred_at=timezone.now() - timedelta(hours=1),
        by=province.user("worker"),
    )
    assert report.created
    assert report.enterprise == province.enterprise_a
    assert report.commune == province.commune_a
    assert report.team == province.team_a
    assert report.source == Source.WORKER
    assert report.status == ReportStatus.RECEIVED
    assert report.reference.startswith("VV")
    assert report.transitions.count() == 1
    assert not hasattr(report, "handover")


def test_it_is_idempotent_by_client_id(province: Any) -> None:
    client_id = uuid.uuid4()
    values = dict(
        kind="theft",
        description="Mất xe máy",
        occurred_at=timezone.now(),
        enterprise=province.enterprise_a,
        client_id=client_id,
    )
    first = create_report(**values)
    second = create_report(**values)
    assert first.pk == second.pk
    assert not second.created
    assert IncidentReport.objects.count() == 1


def test_it_requires_a_place_and_a_description(province: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        create_report(kind="theft", description="x", occurred_at=timezone.now())
    assert "zone" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create_report(
            kind="theft",
            description="  ",
            occurred_at=timezone.now(),
            zone=province.zone_a,
        )
    assert "description" in exc.value.message_dict
    assert IncidentReport.objects.count() == 0

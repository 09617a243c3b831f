"""Patrol checkpoints: who adds them, their QR codes and printed sheet, and
the checks on what a leader scans, answered in Vietnamese."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import OUTSIDE, Province
from tests.test_patrol_sessions import make_checkpoints, scan, start
from tuquan.patrols.models import Checkpoint
from tuquan.patrols.services import (
    create_checkpoint,
    normalise_payload,
    set_checkpoint_active,
)


def test_it_lets_editors_of_the_place_add_checkpoints(province: Province) -> None:
    checkpoint = create_checkpoint(
        site=province.residence_a,
        name="  Cổng  nhà trọ ",
        description="Cửa sắt phía đường Lê Duẩn",
        by=province.user("commune"),
    )
    assert checkpoint.name == "Cổng nhà trọ"
    assert len(checkpoint.code) == 8
    assert checkpoint.qr_payload == f"TQP-{checkpoint.code}"
    for persona in ("team_leader", "worker", "enterprise_b"):
        with pytest.raises(PermissionDenied):
            create_checkpoint(site=province.zone_a, name="X", by=province.user(persona))
    with pytest.raises(ValidationError, match="đã có điểm tuần tra mang tên này"):
        create_checkpoint(
            site=province.residence_a, name="Cổng nhà trọ", by=province.user("commune")
        )
    with pytest.raises(ValidationError, match="khu, cụm công nghiệp hoặc nhà trọ"):
        create_checkpoint(
            site=province.enterprise_a, name="Xưởng", by=province.user("zone")
        )


def test_it_replays_a_checkpoint_created_twice(province: Province) -> None:
    client_id = uuid.uuid4()
    first = create_checkpoint(
        site=province.zone_a, name="Cổng", by=province.user("zone"), client_id=client_id
    )
    again = create_checkpoint(
        site=province.zone_a, name="Cổng", by=province.user("zone"), client_id=client_id
    )
    assert again.pk == first.pk and Checkpoint.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("TQP-ABCD-EFGH", "checkpoint"),
        ("tqp abcdefgh", "checkpoint"),
        ("ABCD-EFGH", "checkpoint"),
        ("TQABCDEFGH", "card"),
        ("ABCD-EFG0", "bad"),  # 0 is not in the alphabet
        ("https://example.com", "bad"),
    ],
)
def test_it_reads_what_was_scanned_or_typed(text: str, kind: str) -> None:
    assert normalise_payload(text)[0] == kind


def test_it_explains_every_refused_scan_in_vietnamese(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    session = start(province)
    cases = [
        ("", "Chưa có mã điểm tuần tra"),
        ("TQ-ABCD-EFGH", "Đây là thẻ công nhân, không phải điểm tuần tra"),
        ("<script>alert(1)</script>", "Đây không phải mã điểm tuần tra"),
        ("TQP-ZZZZ-ZZZZ", "Không có điểm tuần tra nào mang mã này"),
        (checkpoints[3].qr_payload, "không thuộc khu vực của tổ"),
    ]
    for code, message in cases:
        with pytest.raises(ValidationError) as caught:
            scan(session, leader, code)
        assert message in " ".join(caught.value.messages), code
    set_checkpoint_active(
        checkpoint=checkpoints[2], active=False, by=province.user("zone")
    )
    with pytest.raises(ValidationError, match="đã ngừng sử dụng"):
        scan(session, leader, checkpoints[2].code)
    assert not session.entries.exists()
    # The QR content, the code with or without dash, any case: all one checkpoint.
    for code in (
        checkpoints[0].qr_payload,
        checkpoints[0].display_code.lower(),
        checkpoints[0].code,
    ):
        assert scan(session, leader, code).checkpoint == checkpoints[0]


def test_it_prints_a_sheet_of_checkpoint_qr_codes(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    client = Client()
    client.force_login(province.user("zone"))
    page = client.get(reverse("checkpoint_sheet", args=[province.zone_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('class="qr"') == 3
    for checkpoint in checkpoints[:3]:
        assert checkpoint.name in html and checkpoint.display_code in html
    assert OUTSIDE not in html


def test_it_adds_checkpoints_from_the_list_page(province: Province) -> None:
    client = Client()
    client.force_login(province.user("zone"))
    response = client.post(
        reverse("checkpoint_list"),
        {"site": province.zone_a.pk, "name": "Trạm biến áp", "description": ""},
    )
    assert response.status_code == 302
    checkpoint = Checkpoint.objects.get(name="Trạm biến áp")
    page = client.get(reverse("checkpoint_list")).content.decode()
    assert checkpoint.display_code in page
    response = client.post(
        reverse("checkpoint_list"), {"site": province.zone_a.pk, "name": ""}
    )
    assert "Hãy đặt tên cho điểm tuần tra" in response.content.decode()


def test_it_hides_other_scopes(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    for persona in ("team_leader", "enterprise", "zone", "commune", "outsider"):
        client = Client()
        client.force_login(province.user(persona))
        page = client.get(reverse("checkpoint_list")).content.decode()
        assert OUTSIDE not in page, persona
        if persona != "outsider":
            assert checkpoints[0].name in page, persona
        assert (
            client.get(
                reverse("checkpoint_sheet", args=[province.zone_b.pk])
            ).status_code
            == 404
        )
        # Toggling a checkpoint outside the scope: not found, nothing changed.
        response = client.post(
            reverse("checkpoint_list"),
            {"action": "toggle", "checkpoint": checkpoints[3].pk},
        )
        assert response.status_code == 404
    assert Checkpoint.objects.get(pk=checkpoints[3].pk).active

"""Patrol log entries: the offline queue replayed (never twice), batches with
a reason per rejected entry, photos checked by their bytes and stored without
metadata, and observations turned into incident reports."""

from __future__ import annotations

import base64
import struct
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Province
from tests.test_patrol_sessions import make_checkpoints, outside_session, start
from tuquan.patrols.models import PatrolEntry
from tuquan.patrols.photos import clean_photo
from tuquan.patrols.services import (
    MAX_BATCH,
    end_session,
    record_entries,
    record_entry,
)
from tuquan.security.models import IncidentReport

GPS = b"GPSLatitude 12.6667N GPSLongitude 108.0500E"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def jpeg_with_exif() -> bytes:
    """SOI, a JFIF APP0, an Exif APP1 holding a location, a scan, EOI."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    app1 = b"Exif\x00\x00MM\x00*" + GPS
    scan = b"\x00\x08\x01\x01\x00\x00?\x00" + b"\x12\x34\x56\x78" * 8
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xe1"
        + struct.pack(">H", len(app1) + 2)
        + app1
        + b"\xff\xda"
        + scan
        + b"\xff\xd9"
    )


def png_with_exif() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + b"\x00\x00\x00\x00"

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"eXIf", b"MM\x00*" + GPS)
        + chunk(b"tEXt", b"Comment\x00" + GPS)
        + chunk(b"IDAT", b"\x78\x9c\x63\x00\x00\x00\x01\x00\x01")
        + chunk(b"IEND", b"")
    )


def webp_with_exif() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            kind
            + struct.pack("<I", len(data))
            + data
            + (b"\x00" if len(data) % 2 else b"")
        )

    body = (
        chunk(b"VP8X", bytes([0x08, 0, 0, 0]) + b"\x00" * 6)
        + chunk(b"VP8 ", b"\x10\x02\x00\x9d\x01\x2a" + b"\x00" * 12)
        + chunk(b"EXIF", b"MM\x00*" + GPS)
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def item(session: Any, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(uuid.uuid4()),
        "session": session.pk,
        "kind": "scan",
        "occurred_at": timezone.now().isoformat(),
        **extra,
    }


def test_it_replays_the_offline_queue_without_duplicates(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    session = start(province)
    queued = [
        item(session, code=checkpoints[0].qr_payload),
        item(session, kind="observation", text="Cửa kho không khóa"),
        item(session, code=checkpoints[1].display_code),
    ]
    first = record_entries(entries=queued, by=leader)
    assert len(first.accepted) == 3 and not first.rejected
    # The phone lost the answer and sends its whole queue again, plus one more.
    again = record_entries(
        entries=[*queued, item(session, code=checkpoints[2].code)], by=leader
    )
    assert sorted(again.duplicates) == sorted(e["client_id"] for e in queued)
    assert len(again.accepted) == 1
    assert PatrolEntry.objects.count() == 4
    stored = PatrolEntry.objects.get(client_id=queued[0]["client_id"])
    assert stored.occurred_at.isoformat()[:19] == queued[0]["occurred_at"][:19]


def test_it_answers_each_rejected_entry_with_its_reason(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    session = start(province)
    theirs = outside_session(province)
    repeated = str(uuid.uuid4())
    entries = [
        item(session, code=checkpoints[0].code, client_id=repeated),
        item(session, code=checkpoints[1].code, client_id=repeated),
        item(session, code="TQP-ZZZZ-ZZZZ"),
        item(session, kind="observation", text=""),
        item(session, code=checkpoints[0].code, occurred_at="hôm qua"),
        item(theirs, code=checkpoints[3].code),
        item(session, kind="patrol"),
        item(session, code=checkpoints[0].code, client_id="not-a-uuid"),
        "không phải đối tượng",
    ]
    result = record_entries(entries=entries, by=leader)
    assert len(result.accepted) == 1
    reasons = {r["index"]: (r["field"], r["reason"]) for r in result.rejected}
    assert reasons[1][0] == "client_id"
    assert reasons[2] == ("code", "Không có điểm tuần tra nào mang mã này.")
    assert reasons[3] == ("text", "Hãy ghi điều bạn thấy, hoặc thêm ảnh.")
    assert reasons[4][0] == "occurred_at"
    assert reasons[5][0] == "session"  # another team's patrol: as if missing
    assert reasons[6] == ("kind", 'kind phải là "scan" hoặc "observation".')
    assert reasons[7][0] == "client_id"
    assert reasons[8][1] == "Mỗi mục phải là một đối tượng."
    assert PatrolEntry.objects.count() == 1
    with pytest.raises(ValidationError, match="tối đa 1000 mục"):
        record_entries(entries=[item(session)] * (MAX_BATCH + 1), by=leader)


def test_it_refuses_a_client_id_reused_in_another_patrol(province: Province) -> None:
    checkpoints = make_checkpoints(province)
    leader = province.user("team_leader")
    client_id = uuid.uuid4()
    first = start(province)
    record_entry(
        session=first,
        by=leader,
        client_id=client_id,
        kind="scan",
        code=checkpoints[0].code,
    )
    end_session(session=first, by=leader)
    second = start(province)
    with pytest.raises(ValidationError, match="ca tuần tra khác"):
        record_entry(
            session=second,
            by=leader,
            client_id=client_id,
            kind="scan",
            code=checkpoints[0].code,
        )


@pytest.mark.parametrize(
    ("make", "extension", "gone"),
    [
        (jpeg_with_exif, "jpg", [b"Exif"]),
        (png_with_exif, "png", [b"eXIf", b"tEXt"]),
        (webp_with_exif, "webp", [b"EXIF"]),
    ],
)
def test_it_strips_the_location_from_photos(
    make: Any, extension: str, gone: list[bytes]
) -> None:
    original = make()
    assert GPS in original
    cleaned, ext = clean_photo(original)
    assert ext == extension
    assert GPS not in cleaned
    for marker in gone:
        assert marker not in cleaned
    assert cleaned[:4] == original[:4]
    if extension == "webp":
        assert struct.unpack("<I", cleaned[4:8])[0] == len(cleaned) - 8
        assert cleaned[20] & 0x08 == 0  # the EXIF flag of VP8X is cleared
    if extension == "jpg":
        assert cleaned.endswith(b"\xff\xd9")


def test_it_refuses_files_that_are_not_small_photos(province: Province) -> None:
    with pytest.raises(ValidationError, match="Chỉ nhận ảnh JPEG, PNG hoặc WebP"):
        clean_photo(b"%PDF-1.4 fake.jpg")
    with pytest.raises(ValidationError, match="lớn hơn 5 MB"):
        clean_photo(b"\xff\xd8\xff" + b"\x00" * (5 * 1024 * 1024))
    with pytest.raises(ValidationError, match="bị hỏng"):
        clean_photo(b"\xff\xd8\xff\xe1\xff\xff")


def test_it_stores_an_observation_photo_without_metadata(
    province: Province, media: Path
) -> None:
    make_checkpoints(province)
    session = start(province)
    client = Client()
    client.force_login(province.user("team_leader"))
    response = client.post(
        reverse("patrol_entry", args=[session.pk]),
        {
            "kind": "observation",
            "text": "Hàng rào bị cắt <b>gần kho</b>",
            "client_id": str(uuid.uuid4()),
            "photo": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_exif(), "image/jpeg"),
        },
        headers={"HX-Request": "true"},
    )
    assert "tone-ok" in response.content.decode()
    # Script in text is shown escaped.
    assert "&lt;b&gt;gần kho&lt;/b&gt;" in response.content.decode()
    entry = PatrolEntry.objects.get()
    data = entry.photo.read()
    assert data.startswith(b"\xff\xd8") and GPS not in data
    photo = client.get(reverse("patrol_photo", args=[entry.pk]))
    assert photo.status_code == 200 and GPS not in b"".join(photo.streaming_content)
    outsider = Client()
    outsider.force_login(province.user("enterprise_b"))
    assert outsider.get(reverse("patrol_photo", args=[entry.pk])).status_code == 404
    bad = client.post(
        reverse("patrol_entry", args=[session.pk]),
        {
            "kind": "observation",
            "text": "x",
            "client_id": str(uuid.uuid4()),
            "photo": SimpleUploadedFile("virus.jpg", b"MZ\x90\x00", "image/jpeg"),
        },
        headers={"HX-Request": "true"},
    )
    assert "Chỉ nhận ảnh JPEG, PNG hoặc WebP" in bad.content.decode()
    assert PatrolEntry.objects.count() == 1


def test_it_sends_a_photo_in_a_batch(province: Province) -> None:
    make_checkpoints(province)
    session = start(province)
    photo = base64.b64encode(png_with_exif()).decode()
    result = record_entries(
        entries=[
            item(session, kind="observation", text="Ảnh cổng sau", photo=photo),
            item(session, kind="observation", text="x", photo="không-phải-base64"),
        ],
        by=province.user("team_leader"),
    )
    assert len(result.accepted) == 1
    assert result.rejected[0]["field"] == "photo"
    entry = PatrolEntry.objects.get()
    assert entry.photo.name.endswith(".png") and GPS not in entry.photo.read()


def test_it_makes_an_incident_report_from_an_observation(province: Province) -> None:
    make_checkpoints(province)
    leader = province.user("team_leader")
    session = start(province)
    entry_id = uuid.uuid4()
    when = timezone.now() - timedelta(seconds=30)
    recorded = record_entry(
        session=session,
        by=leader,
        client_id=entry_id,
        kind="observation",
        text="Hai người lạ trèo rào vào bãi xe",
        occurred_at=when,
        report_kind="suspicious",
    )
    report = recorded.entry.report
    assert report is not None
    assert report.team_id == province.team_a.pk
    assert report.zone_id == province.zone_a.pk
    assert report.reporter_id == leader.pk
    assert report.description == "Hai người lạ trèo rào vào bãi xe"
    # The phone sends the same entry again: no second entry, no second report.
    again = record_entries(
        entries=[
            {
                "client_id": str(entry_id),
                "session": session.pk,
                "kind": "observation",
                "text": "Hai người lạ trèo rào vào bãi xe",
                "report_kind": "suspicious",
                "occurred_at": when.isoformat(),
            }
        ],
        by=leader,
    )
    assert again.duplicates == [str(entry_id)]
    assert IncidentReport.objects.count() == 1
    # Linking an existing report the leader can see; a scan cannot be linked.
    linked = record_entry(
        session=session,
        by=leader,
        client_id=uuid.uuid4(),
        kind="observation",
        text="Đã báo bảo vệ",
        report_id=report.pk,
    ).entry
    assert linked.report_id == report.pk
    with pytest.raises(ValidationError, match="Chỉ mục ghi nhận"):
        record_entry(
            session=session,
            by=leader,
            client_id=uuid.uuid4(),
            kind="scan",
            code="x",
            report_id=report.pk,
        )
    with pytest.raises(ValidationError, match="Không có tin báo vụ việc"):
        record_entry(
            session=session,
            by=leader,
            client_id=uuid.uuid4(),
            kind="observation",
            text="y",
            report_id=report.pk + 1000,
        )


def test_it_hides_other_scopes(province: Province) -> None:
    """An entry sent for a patrol outside the leader's scope is refused as if
    the patrol did not exist, and its photo is not served."""
    checkpoints = make_checkpoints(province)
    theirs = outside_session(province)
    result = record_entries(
        entries=[item(theirs, code=checkpoints[3].code)],
        by=province.user("team_leader"),
    )
    assert result.rejected[0]["field"] == "session"
    assert not PatrolEntry.objects.exists()

"""Report photos: type by magic bytes, size cap, metadata (EXIF, GPS, XMP,
text) removed while the image data stays byte for byte."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.conftest import Province
from tuquan.security.models import IncidentReport, ReportPhoto
from tuquan.security.photos import MAX_BYTES, clean_photo
from tuquan.security.services import create_report

GPS = b"GPSLatitude 12.6667 N GPSLongitude 108.05 E"


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(with_exif: bool = True) -> bytes:
    parts = [
        b"\xff\xd8",
        _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
    ]
    if with_exif:
        parts.append(_segment(0xE1, b"Exif\x00\x00MM\x00*" + GPS))
        parts.append(_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>"))
        parts.append(_segment(0xFE, b"Chup boi Nguyen Van A"))
    parts += [
        _segment(0xDB, b"\x00" + bytes(range(64))),
        _segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"),
        _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
        b"\x12\x34\xff\x00\x56",  # entropy-coded data (with a stuffed 0xFF)
        b"\xff\xd9",
    ]
    return b"".join(parts)


def _chunk(ctype: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(ctype + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + ctype + data + struct.pack(">I", crc)


def png(with_meta: bool = True) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    chunks = [_chunk(b"IHDR", ihdr)]
    if with_meta:
        chunks += [
            _chunk(b"eXIf", b"MM\x00*" + GPS),
            _chunk(b"tEXt", b"Author\x00" + GPS),
        ]
    chunks += [_chunk(b"IDAT", idat), _chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def _riff_chunk(ctype: bytes, data: bytes) -> bytes:
    pad = b"\x00" if len(data) % 2 else b""
    return ctype + struct.pack("<I", len(data)) + data + pad


def webp() -> bytes:
    vp8x = bytes([0x08 | 0x04, 0, 0, 0]) + b"\x00\x00\x00" + b"\x00\x00\x00"
    body = (
        _riff_chunk(b"VP8X", vp8x)
        + _riff_chunk(b"VP8L", b"\x2f\x00\x00\x00\x00")
        + _riff_chunk(b"EXIF", b"MM\x00*" + GPS)
        + _riff_chunk(b"XMP ", b"<x:xmpmeta/>")
    )
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def test_it_strips_exif_and_gps_from_a_jpeg() -> None:
    ctype, data = clean_photo(jpeg())
    assert ctype == "image/jpeg"
    assert b"GPS" not in data and b"Exif" not in data and b"xmpmeta" not in data
    assert b"Nguyen" not in data
    assert data == jpeg(with_exif=False)  # everything else kept byte for byte


def test_it_strips_metadata_chunks_from_a_png() -> None:
    ctype, data = clean_photo(png())
    assert ctype == "image/png"
    assert b"GPS" not in data and b"eXIf" not in data
    assert data == png(with_meta=False)


def test_it_strips_exif_and_xmp_from_a_webp() -> None:
    ctype, data = clean_photo(webp())
    assert ctype == "image/webp"
    assert b"GPS" not in data and b"EXIF" not in data and b"XMP " not in data
    (size,) = struct.unpack("<I", data[4:8])
    assert size + 8 == len(data)
    assert data[20] & 0x0C == 0  # VP8X no longer announces EXIF or XMP


@pytest.mark.parametrize(
    "data",
    [
        b"<script>alert(1)</script>",
        b"%PDF-1.7 not a photo",
        b"GIF89a\x01\x00\x01\x00",
        b"MZ\x90\x00 an executable",
    ],
)
def test_it_refuses_what_is_not_a_photo_whatever_its_name(data: bytes) -> None:
    with pytest.raises(ValidationError) as exc:
        clean_photo(data)
    assert exc.value.messages


def test_it_refuses_an_oversized_photo() -> None:
    big = jpeg()[:-2] + b"\x00" * MAX_BYTES + b"\xff\xd9"
    with pytest.raises(ValidationError):
        clean_photo(big)


def test_it_refuses_a_truncated_photo() -> None:
    with pytest.raises(ValidationError):
        clean_photo(jpeg()[:30])


def test_it_stores_nothing_when_one_photo_is_bad(province: Province) -> None:
    with pytest.raises(ValidationError) as exc:
        create_report(
            kind="theft",
            description="Mất điện thoại",
            occurred_at=timezone.now(),
            zone=province.zone_a,
            photos=[jpeg(), b"not an image"],
        )
    assert "photos" in exc.value.message_dict
    assert IncidentReport.objects.count() == 0
    assert ReportPhoto.objects.count() == 0


def test_it_keeps_the_cleaned_photo_with_the_report(province: Province) -> None:
    report = create_report(
        kind="theft",
        description="Mất điện thoại",
        occurred_at=timezone.now(),
        zone=province.zone_a,
        photos=[jpeg(), png()],
    )
    stored: list[Any] = list(report.photos.all())
    assert [p.content_type for p in stored] == ["image/jpeg", "image/png"]
    assert all(b"GPS" not in bytes(p.data) for p in stored)

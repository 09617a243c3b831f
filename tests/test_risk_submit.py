"""Submitting a risk self-assessment: who may, what bad input is refused
(nothing half-saved), evidence photos and idempotent retries."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.riskassess.choices import AssessmentStatus, Band, ScoringKind
from tuquan.riskassess.models import Answer, Assessment, EvidencePhoto, Scoring
from tuquan.riskassess.services import answers_with_points, submit_assessment
from tuquan.riskassess.shipped import install_national_set

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def national() -> Any:
    return install_national_set()


def photo(name: str, content: bytes, kind: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=kind)


def test_it_submits_and_scores_an_assessment(
    province: Province, national: Any, media: Path
) -> None:
    # 6 + 10 + 30 = 46 points: 15.33 %, just above "very low".
    answers = answers_with_points(national, {"CS1": 6, "CS2": 10, "CS3": 30})
    assessment = submit_assessment(
        enterprise=province.enterprise_a,
        answers=answers,
        by=province.user("enterprise"),
        photos=[photo("cong.jpg", JPEG), photo("bep.png", PNG), photo("x.webp", WEBP)],
    )
    assert (assessment.total_points, str(assessment.score)) == (46, "15.33")
    assert assessment.band == Band.LOW
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.criteria_set == national
    scoring = Scoring.objects.get(assessment=assessment)
    assert scoring.kind == ScoringKind.ORIGINAL
    assert scoring.answers.count() == 15
    assert sorted(p.content_type for p in assessment.photos.all()) == [
        "image/jpeg",
        "image/png",
        "image/webp",
    ]
    stored = assessment.photos.get(content_type="image/png")
    assert stored.original_name == "bep.png"
    assert (media / stored.file.name).read_bytes() == PNG
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(assessment.pk)
    ).exists()


def test_it_names_each_missing_indicator(province: Province, national: Any) -> None:
    answers = answers_with_points(national, {})
    del answers["CS4"], answers["CS15"]
    with pytest.raises(ValidationError) as caught:
        submit_assessment(
            enterprise=province.enterprise_a,
            answers=answers,
            by=province.user("enterprise"),
        )
    errors = caught.value.message_dict
    assert set(errors) == {"CS4", "CS15"}
    assert "CS4" in errors["CS4"][0] and "Khoảng cách" in errors["CS4"][0]
    assert not Assessment.objects.exists() and not Answer.objects.exists()


def test_it_refuses_an_option_of_another_indicator(
    province: Province, national: Any
) -> None:
    answers = answers_with_points(national, {})
    answers["CS2"] = answers["CS1"]
    answers["CS99"] = answers["CS1"]
    with pytest.raises(ValidationError) as caught:
        submit_assessment(
            enterprise=province.enterprise_a,
            answers=answers,
            by=province.user("enterprise"),
        )
    errors = caught.value.message_dict
    assert errors["CS2"] == [
        vi("The answer given for %(code)s is not one of its options.") % {"code": "CS2"}
    ]
    assert "CS99" in errors
    assert not Assessment.objects.exists()


def test_it_refuses_users_who_are_not_the_enterprise_officers(
    province: Province, national: Any
) -> None:
    answers = answers_with_points(national, {})
    for persona in ("enterprise_b", "zone", "province", "team_leader", "worker"):
        with pytest.raises(PermissionDenied):
            submit_assessment(
                enterprise=province.enterprise_a,
                answers=answers,
                by=province.user(persona),
            )
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("anh.gif", GIF, "%(name)s is not a JPEG, PNG or WebP photo."),
        (
            "gia.jpg",
            b"not an image at all",
            "%(name)s is not a JPEG, PNG or WebP photo.",
        ),
        (
            "lon.jpg",
            JPEG + b"\x00" * (5 * 1024 * 1024),
            "%(name)s is larger than 5 MB.",
        ),
    ],
)
def test_it_refuses_a_bad_photo_and_saves_nothing(
    province: Province,
    national: Any,
    media: Path,
    name: str,
    content: bytes,
    reason: str,
) -> None:
    with pytest.raises(ValidationError) as caught:
        submit_assessment(
            enterprise=province.enterprise_a,
            answers=answers_with_points(national, {}),
            by=province.user("enterprise"),
            photos=[photo("tot.jpg", JPEG), photo(name, content)],
        )
    assert caught.value.message_dict == {"photos": [vi(reason) % {"name": name}]}
    assert not Assessment.objects.exists() and not EvidencePhoto.objects.exists()
    assert not any(media.rglob("*.*"))


def test_it_accepts_a_photo_of_exactly_5_mb(province: Province, national: Any) -> None:
    content = JPEG + b"\x00" * (5 * 1024 * 1024 - len(JPEG))
    assessment = submit_assessment(
        enterprise=province.enterprise_a,
        answers=answers_with_points(national, {}),
        by=province.user("enterprise"),
        photos=[photo("vua.jpg", content)],
    )
    assert assessment.photos.get().size == 5 * 1024 * 1024


def test_it_replays_a_retry_with_the_same_client_id(
    province: Province, national: Any
) -> None:
    client_id = uuid.uuid4()
    kwargs = {
        "enterprise": province.enterprise_a,
        "answers": answers_with_points(national, {"CS1": 10}),
        "by": province.user("enterprise"),
        "client_id": client_id,
    }
    first = submit_assessment(**kwargs)
    again = submit_assessment(**kwargs)
    assert again.pk == first.pk and again._replayed  # type: ignore[attr-defined]
    assert not getattr(first, "_replayed", False)
    assert Assessment.objects.count() == 1 and Scoring.objects.count() == 1


def test_it_refuses_a_client_id_used_for_another_enterprise(
    province: Province, national: Any
) -> None:
    client_id = uuid.uuid4()
    submit_assessment(
        enterprise=province.enterprise_a,
        answers=answers_with_points(national, {}),
        by=province.user("enterprise"),
        client_id=client_id,
    )
    with pytest.raises(ValidationError) as caught:
        submit_assessment(
            enterprise=province.enterprise_b,
            answers=answers_with_points(national, {}),
            by=province.user("enterprise_b"),
            client_id=client_id,
        )
    assert "client_id" in caught.value.message_dict
    assert Assessment.objects.count() == 1

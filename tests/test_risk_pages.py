"""Pages of the risk self-assessment: the phone form, the result, the
history, the inspector's re-score, the list by band and the photos."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import OUTSIDE, Province
from tuquan.riskassess.models import Assessment, Scoring
from tuquan.riskassess.services import answers_with_points, submit_assessment
from tuquan.riskassess.shipped import install_national_set

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


def login(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def national() -> Any:
    return install_national_set()


def submit(province: Province, enterprise: Any, persona: str, **points: int) -> Any:
    return submit_assessment(
        enterprise=enterprise,
        answers=answers_with_points(install_national_set(), points),
        by=province.user(persona),
        photos=[SimpleUploadedFile("cong.jpg", JPEG, content_type="image/jpeg")],
    )


def test_it_shows_the_form_with_badges_for_criteria_to_verify(
    province: Province, national: Any
) -> None:
    url = reverse("risk_assessment_create", args=[province.enterprise_a.pk])
    response = login(province, "enterprise").get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="radio"') == sum(
        i.options.count() for i in national.indicators.all()
    )
    assert "CS15." in page and "Dưới 50 người" in page
    assert page.count(vi("to verify")) >= 12  # CS3's options and CS4-CS15
    assert 'name="client_id"' in page and 'enctype="multipart/form-data"' in page


def test_it_submits_the_form_and_shows_the_result(
    province: Province, national: Any
) -> None:
    client = login(province, "enterprise")
    url = reverse("risk_assessment_create", args=[province.enterprise_a.pk])
    data: dict[str, Any] = answers_with_points(national, {"CS1": 10, "CS2": 10})
    data["client_id"] = str(uuid.uuid4())
    data["photos"] = [SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")]
    response = client.post(url, data)
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "risk_assessment_detail", args=[assessment.pk]
    )
    assert assessment.photos.count() == 1
    # The same form posted again (double tap) stores nothing new.
    data["photos"] = [SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")]
    assert client.post(url, data).status_code == 302
    assert Assessment.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "6,67%" in page and "band-very_low" in page  # 20 points / 300
    assert reverse("risk_photo", args=[assessment.photos.get().pk]) in page


def test_it_names_missing_answers_on_the_form(
    province: Province, national: Any
) -> None:
    data: dict[str, Any] = answers_with_points(national, {})
    del data["CS7"]
    data["CS99"] = data["CS1"]
    data["client_id"] = str(uuid.uuid4())
    url = reverse("risk_assessment_create", args=[province.enterprise_a.pk])
    response = login(province, "enterprise").post(url, data)
    page = response.content.decode()
    assert response.status_code == 422
    message = vi("Choose an answer for %(code)s (%(label)s).") % {
        "code": "CS7",
        "label": "Phương tiện đưa đón người lao động",
    }
    assert message in page
    unknown = vi("%(code)s is not an indicator of this criteria set.")
    assert unknown % {"code": "CS99"} in page
    # What was chosen stays chosen.
    assert f'value="{data["CS1"]}" checked' in page
    assert not Assessment.objects.exists()


def test_it_refuses_the_form_to_non_officers(province: Province, national: Any) -> None:
    url = reverse("risk_assessment_create", args=[province.enterprise_a.pk])
    assert login(province, "zone").get(url).status_code == 403


def test_it_rescores_through_the_page(province: Province, national: Any) -> None:
    assessment = submit(province, province.enterprise_a, "enterprise")
    url = reverse("risk_assessment_rescore", args=[assessment.pk])
    assert login(province, "enterprise").get(url).status_code == 403
    client = login(province, "zone")
    page = client.get(url).content.decode()
    current = answers_with_points(national, {})
    assert f'value="{current["CS3"]}" checked' in page
    data: dict[str, Any] = answers_with_points(national, {"CS3": 30})
    response = client.post(url, {**data, "reason": ""})
    assert response.status_code == 422
    assert vi("Say why the assessment is re-scored.") in response.content.decode()
    response = client.post(url, {**data, "reason": "Có công nhân ở vùng dịch"})
    assert response.status_code == 302
    assert Scoring.objects.filter(assessment=assessment).count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert "Có công nhân ở vùng dịch" in detail and 'class="changed"' in detail
    assert "10,33%" in detail  # 1 + 30 = 31 points


def test_it_lists_the_latest_assessment_of_each_enterprise_by_band(
    province: Province, national: Any
) -> None:
    submit(province, province.enterprise_a, "enterprise", CS1=10, CS2=10, CS3=30)
    latest = submit(province, province.enterprise_a, "enterprise")
    client = login(province, "zone")
    url = reverse("risk_assessment_list")
    page = client.get(url).content.decode()
    assert province.enterprise_a.name in page and province.enterprise_a2.name in page
    assert reverse("risk_assessment_detail", args=[latest.pk]) in page
    assert vi("Not assessed yet") in page
    very_low = client.get(url, {"band": "very_low"}).content.decode()
    assert province.enterprise_a.name in very_low
    assert province.enterprise_a2.name not in very_low
    low = client.get(url, {"band": "low"}).content.decode()
    assert province.enterprise_a.name not in low  # the older "low" one is not latest
    none = client.get(url, {"band": "none"}, HTTP_HX_REQUEST="true").content.decode()
    assert province.enterprise_a2.name in none and "<h1>" not in none


def test_it_shows_the_history_of_an_enterprise(
    province: Province, national: Any
) -> None:
    first = submit(province, province.enterprise_a, "enterprise")
    second = submit(province, province.enterprise_a, "enterprise", CS2=10)
    url = reverse("risk_assessment_history", args=[province.enterprise_a.pk])
    page = login(province, "commune").get(url).content.decode()
    for assessment in (first, second):
        assert reverse("risk_assessment_detail", args=[assessment.pk]) in page


def test_it_hides_other_scopes(province: Province, national: Any) -> None:
    outside = submit(province, province.enterprise_b, "enterprise_b")
    photo = outside.photos.get()
    urls = [
        reverse("risk_assessment_detail", args=[outside.pk]),
        reverse("risk_assessment_rescore", args=[outside.pk]),
        reverse("risk_assessment_history", args=[province.enterprise_b.pk]),
        reverse("risk_assessment_create", args=[province.enterprise_b.pk]),
        reverse("risk_photo", args=[photo.pk]),
    ]
    for persona in ("enterprise", "zone", "commune", "team_leader", "worker"):
        client = login(province, persona)
        for url in urls:
            assert client.get(url).status_code == 404, (persona, url)
        page = client.get(reverse("risk_assessment_list")).content.decode()
        assert OUTSIDE not in page, persona
    # The province committee sees it, photo included.
    client = login(province, "province")
    assert client.get(urls[0]).status_code == 200
    response = client.get(urls[-1])
    assert response.status_code == 200 and b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"


def test_it_lists_in_a_constant_number_of_queries(
    province: Province, national: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    client = login(province, "zone")
    url = reverse("risk_assessment_list")
    submit(province, province.enterprise_a, "enterprise")
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(4):
        enterprise = f.make_enterprise(province.zone_a, f"Công ty Thêm {n}")
        officer = f.make_user(f"dn{n}", "enterprise_officer", enterprise)
        submit_assessment(
            enterprise=enterprise,
            answers=answers_with_points(national, {"CS1": 10}),
            by=officer,
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(url).content.decode()
    assert "Công ty Thêm 3" in page
    assert len(after.captured_queries) == len(before.captured_queries)


def test_it_submits_without_photos(province: Province, national: Any) -> None:
    # A browser sends an empty file input as a plain field named "photos".
    data: dict[str, Any] = answers_with_points(national, {})
    data.update(client_id=str(uuid.uuid4()), photos="")
    url = reverse("risk_assessment_create", args=[province.enterprise_a.pk])
    response = login(province, "enterprise").post(url, data)
    assert response.status_code == 302
    assert not Assessment.objects.get().photos.exists()

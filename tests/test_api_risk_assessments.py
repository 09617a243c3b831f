"""API of the risk self-assessment: the criteria set for an enterprise,
POST /risk-assessments (idempotent), list and detail, re-score and photos."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import OUTSIDE, Province
from tuquan.riskassess.models import Assessment, CriteriaSet, Scoring
from tuquan.riskassess.services import answers_with_points, submit_assessment
from tuquan.riskassess.shipped import install_national_set

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk-assessments"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def national() -> CriteriaSet:
    return install_national_set()


def login(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_it_answers_the_criteria_set_for_an_enterprise(
    province: Province, national: CriteriaSet
) -> None:
    url = f"/api/v1/enterprises/{province.enterprise_a.pk}/risk-criteria"
    body = login(province, "enterprise").get(url).json()
    assert body["id"] == national.pk and body["max_total"] == 300
    assert [i["code"] for i in body["indicators"]][:3] == ["CS1", "CS2", "CS3"]
    assert len(body["indicators"]) == 15
    assert body["indicators"][0]["options"][0] == {
        "id": body["indicators"][0]["options"][0]["id"],
        "label": "Dưới 50 người",
        "points": 1,
        "to_verify": False,
    }
    assert body["indicators"][14]["to_verify"] is True
    old = login(province, "enterprise").get(url, {"day": "2019-01-01"})
    assert old.status_code == 422


def test_it_creates_idempotently(province: Province, national: CriteriaSet) -> None:
    client = login(province, "enterprise")
    body = {
        "enterprise": province.enterprise_a.pk,
        "answers": answers_with_points(national, {"CS1": 10, "CS2": 10, "CS3": 30}),
        "client_id": str(uuid.uuid4()),
    }
    first = post(client, URL, body)
    assert first.status_code == 201, first.content
    data = first.json()
    # 10 + 10 + 30 = 50 points: 16.67 %, low.
    assert (data["total_points"], data["score"], data["band"]) == (50, "16.67", "low")
    assert data["scorings"][0]["kind"] == "original"
    again = post(client, URL, body)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Assessment.objects.count() == 1


def test_it_refuses_bad_input_with_the_field(
    province: Province, national: CriteriaSet
) -> None:
    client = login(province, "enterprise")
    answers = answers_with_points(national, {})
    del answers["CS9"]
    response = post(
        client, URL, {"enterprise": province.enterprise_a.pk, "answers": answers}
    )
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["CS9"]
    outside = post(
        client,
        URL,
        {
            "enterprise": province.enterprise_b.pk,
            "answers": answers_with_points(national, {}),
        },
    )
    assert outside.status_code == 422
    assert outside.json()["detail"][0]["field"] == "enterprise"
    zone = post(
        login(province, "zone"),
        URL,
        {
            "enterprise": province.enterprise_a.pk,
            "answers": answers_with_points(national, {}),
        },
    )
    assert zone.status_code == 403
    assert not Assessment.objects.exists()


def test_it_lists_filters_and_rescores(
    province: Province, national: CriteriaSet
) -> None:
    by = province.user("enterprise")
    older = submit_assessment(
        enterprise=province.enterprise_a,
        answers=answers_with_points(national, {"CS3": 30, "CS2": 10, "CS1": 10}),
        by=by,
    )
    newer = submit_assessment(
        enterprise=province.enterprise_a,
        answers=answers_with_points(national, {}),
        by=by,
    )
    client = login(province, "zone")
    items = client.get(URL).json()["items"]
    assert [i["id"] for i in items] == [newer.pk, older.pk]
    latest = client.get(URL, {"latest": "true"}).json()["items"]
    assert [i["id"] for i in latest] == [newer.pk]
    low = client.get(URL, {"band": "low"}).json()["items"]
    assert [i["id"] for i in low] == [older.pk]
    assert client.get(URL, {"band": "bad"}).status_code == 422
    cs3 = answers_with_points(national, {"CS3": 30})["CS3"]
    response = post(
        client,
        f"{URL}/{newer.pk}/rescore",
        {"answers": {"CS3": cs3}, "reason": "Kiểm tra thực tế"},
    )
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == "rescored" and detail["total_points"] == 31
    assert [s["kind"] for s in detail["scorings"]] == ["original", "rescore"]
    assert detail["scorings"][0]["total_points"] == 1
    assert detail["scorings"][1]["reason"] == "Kiểm tra thực tế"
    refused = post(
        login(province, "enterprise"),
        f"{URL}/{newer.pk}/rescore",
        {"answers": {}, "reason": "Tự sửa"},
    )
    assert refused.status_code == 403
    assert Scoring.objects.filter(assessment=newer).count() == 2


def test_it_adds_photos(province: Province, national: CriteriaSet) -> None:
    assessment = submit_assessment(
        enterprise=province.enterprise_a,
        answers=answers_with_points(national, {}),
        by=province.user("enterprise"),
    )
    client = login(province, "enterprise")
    url = f"{URL}/{assessment.pk}/photos"
    good = SimpleUploadedFile("cong.jpg", JPEG, content_type="image/jpeg")
    response = client.post(url, {"photos": [good]})
    assert response.status_code == 200, response.content
    photos = response.json()["photos"]
    assert len(photos) == 1 and photos[0]["content_type"] == "image/jpeg"
    bad = SimpleUploadedFile("so.pdf", b"%PDF-1.4", content_type="image/jpeg")
    refused = client.post(url, {"photos": [bad]})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "photos"
    assert assessment.photos.count() == 1


def test_it_hides_other_scopes(province: Province, national: CriteriaSet) -> None:
    outside = submit_assessment(
        enterprise=province.enterprise_b,
        answers=answers_with_points(national, {}),
        by=province.user("enterprise_b"),
    )
    for persona in ("enterprise", "zone", "commune", "team_leader", "worker"):
        client = login(province, persona)
        body = client.get(URL).content.decode()
        assert OUTSIDE not in body and str(outside.pk) not in json.dumps(
            [i["id"] for i in client.get(URL).json()["items"]]
        ), persona
        assert client.get(f"{URL}/{outside.pk}").status_code == 404, persona
        criteria = f"/api/v1/enterprises/{province.enterprise_b.pk}/risk-criteria"
        assert client.get(criteria).status_code == 404, persona
        rescore = post(client, f"{URL}/{outside.pk}/rescore", {"reason": "x"})
        assert rescore.status_code == 404, persona
        photo = SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg")
        assert (
            client.post(f"{URL}/{outside.pk}/photos", {"photos": [photo]}).status_code
            == 404
        )
    assert Scoring.objects.filter(assessment=outside).count() == 1
    assert not outside.photos.exists()

"""Report pages: the phone form (logged in, personal link, public), following
a report, the officers' list, detail and workflow buttons, CSV export."""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_incident_photos import jpeg
from tests.test_incident_workflow import commune_police
from tuquan.core.models import AuditEntry
from tuquan.health.services import health_link_token
from tuquan.security.choices import ReportStatus
from tuquan.security.models import IncidentReport
from tuquan.security.services import create_report, transition_report

SCRIPT = '<script>alert("x")</script>'


def form(place: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "theft",
        "description": "Mất trộm xe máy Honda Wave ở bãi xe",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "place": place.pk,
        "client_id": str(uuid.uuid4()),
        **extra,
    }


def report_at(place: dict[str, Any], kind: str = "suspicious") -> IncidentReport:
    return create_report(
        kind=kind,
        description="Người lạ đi lại",
        occurred_at=timezone.now(),
        **place,
    )


# --- reporting ------------------------------------------------------------------


def test_it_lets_a_worker_report_and_follow_it(client: Any, province: Province) -> None:
    client.force_login(province.user("worker"))
    page = client.get(reverse("report_new"))
    assert page.status_code == 200
    assert province.enterprise_a.name in page.content.decode()
    photo = SimpleUploadedFile("anh.jpg", jpeg(), content_type="image/jpeg")
    response = client.post(
        reverse("report_new"), form(province.enterprise_a, photos=photo)
    )
    report = IncidentReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("my_report_detail", args=[report.pk])
    assert report.reporter == province.user("worker")
    assert report.reporter_worker == province.member
    assert report.photos.count() == 1
    mine = client.get(reverse("my_reports")).content.decode()
    assert report.reference in mine
    status = client.get(response["Location"]).content.decode()
    assert report.kind.name in status
    assert str(report.public_status).capitalize() in status


def test_it_does_not_duplicate_a_resent_form(client: Any, province: Province) -> None:
    client.force_login(province.user("worker"))
    data = form(province.enterprise_a)
    client.post(reverse("report_new"), data)
    client.post(reverse("report_new"), data)
    assert IncidentReport.objects.count() == 1


def test_it_refuses_a_place_outside_the_reporters_choices(
    client: Any, province: Province
) -> None:
    client.force_login(province.user("worker"))
    response = client.post(reverse("report_new"), form(province.enterprise_b))
    assert response.status_code == 422
    assert _("Where: choose the place from the list.") in response.content.decode()
    assert IncidentReport.objects.count() == 0


def test_it_explains_a_bad_upload_in_the_form(client: Any, province: Province) -> None:
    client.force_login(province.user("worker"))
    fake = SimpleUploadedFile("anh.jpg", b"MZ not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("report_new"), form(province.enterprise_a, photos=fake)
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert _("only JPEG, PNG or WebP photos are accepted.") in body
    assert IncidentReport.objects.count() == 0


def test_it_refuses_an_oversized_upload_before_reading_it(
    client: Any, province: Province, settings: Any
) -> None:
    client.force_login(province.user("worker"))
    big = SimpleUploadedFile(
        "to.jpg", jpeg() + b"\x00" * (5 * 1024 * 1024), content_type="image/jpeg"
    )
    response = client.post(
        reverse("report_new"), form(province.enterprise_a, photos=big)
    )
    assert response.status_code == 422
    assert (
        _("Photos: photo %(n)d is larger than %(mb)d MB.") % {"n": 1, "mb": 5}
        in response.content.decode()
    )
    assert IncidentReport.objects.count() == 0


def test_it_escapes_script_in_text(client: Any, province: Province) -> None:
    report = create_report(
        kind="other",
        description=SCRIPT,
        people_involved=SCRIPT,
        place_text=SCRIPT,
        occurred_at=timezone.now(),
        by=province.user("worker"),
    )
    client.force_login(province.user("zone"))
    for url in (
        reverse("report_detail", args=[report.pk]),
        reverse("report_list"),
    ):
        body = client.get(url).content.decode()
        assert SCRIPT not in body
    assert (
        "&lt;script&gt;"
        in client.get(reverse("report_detail", args=[report.pk])).content.decode()
    )
    client.force_login(province.user("worker"))
    body = client.get(reverse("my_report_detail", args=[report.pk])).content.decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body


def test_it_lets_a_worker_report_through_the_personal_link(
    client: Any, province: Province
) -> None:
    token = health_link_token(province.colleague)  # a worker without an account
    url = reverse("link_report", args=[token])
    assert client.get(url).status_code == 200
    response = client.post(url, form(province.enterprise_a))
    report = IncidentReport.objects.get()
    assert response["Location"] == reverse(
        "link_report_status", args=[token, report.pk]
    )
    assert report.reporter is None and report.reporter_worker == province.colleague
    assert report.source == "worker_link"
    assert client.get(response["Location"]).status_code == 200
    listing = client.get(reverse("link_reports", args=[token]))
    assert report.reference in listing.content.decode()
    assert listing["Cache-Control"] == "private, no-store"
    # Another worker's link cannot open this report.
    other = health_link_token(province.resident)
    response = client.get(reverse("link_report_status", args=[other, report.pk]))
    assert response.status_code == 404


def test_it_refuses_a_forged_link(client: Any, province: Province) -> None:
    response = client.get(reverse("link_report", args=["1.0:forged"]))
    assert response.status_code == 404
    response = client.post(
        reverse("link_report", args=["1.0:forged"]), form(province.zone_a)
    )
    assert response.status_code == 404
    assert IncidentReport.objects.count() == 0


def test_it_gives_the_public_a_status_link_once(
    client: Any, province: Province
) -> None:
    data = form(province.zone_a, contact="0905 123 456")
    response = client.post(reverse("public_report"), data)
    assert response.status_code == 200
    body = response.content.decode()
    match = re.search(r"/report/status/([\w-]+)/", body)
    assert match is not None
    report = IncidentReport.objects.get()
    assert report.source == "public" and report.reporter is None
    assert match.group(1) not in report.status_key_hash  # only a hash is kept
    status = client.get(reverse("public_report_status", args=[match.group(1)]))
    assert status.status_code == 200 and report.reference in status.content.decode()
    # A resent form creates nothing and does not show the key again.
    again = client.post(reverse("public_report"), data).content.decode()
    assert match.group(1) not in again
    assert IncidentReport.objects.count() == 1
    wrong = client.get(reverse("public_report_status", args=["x" * 24]))
    assert wrong.status_code == 404


def test_it_shows_the_public_only_zones_and_communes(
    client: Any, province: Province
) -> None:
    body = client.get(reverse("public_report")).content.decode()
    assert province.zone_a.name in body and province.commune_a.name in body
    assert province.enterprise_a.name not in body


# --- handling -------------------------------------------------------------------


def test_it_filters_the_list(client: Any, province: Province) -> None:
    theft = report_at({"enterprise": province.enterprise_a}, kind="theft")
    fire = report_at({"zone": province.zone_a}, kind="fire")
    client.force_login(province.user("police"))
    url = reverse("report_list")
    body = client.get(url, {"kind": "theft"}).content.decode()
    assert theft.reference in body and fire.reference not in body
    body = client.get(url, {"severity": "critical"}).content.decode()
    assert fire.reference in body and theft.reference not in body
    body = client.get(url, {"place": province.enterprise_a.pk}).content.decode()
    assert theft.reference in body and fire.reference not in body
    transition_report(report=fire, to=ReportStatus.VERIFYING, by=province.user("zone"))
    body = client.get(url, {"status": "verifying"}).content.decode()
    assert fire.reference in body and theft.reference not in body
    today = timezone.localdate().isoformat()
    body = client.get(url, {"since": today, "until": today}).content.decode()
    assert fire.reference in body and theft.reference in body
    body = client.get(url, {"until": "2020-01-01"}).content.decode()
    assert fire.reference not in body
    partial = client.get(url, {"kind": "theft"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()


def test_it_paginates_the_list_by_50(client: Any, province: Province) -> None:
    for _n in range(51):
        report_at({"zone": province.zone_a})
    client.force_login(province.user("police"))
    first = client.get(reverse("report_list")).context["page_obj"]
    assert len(first.object_list) == 50 and first.paginator.count == 51


def test_it_caps_the_count_of_a_very_long_list(
    client: Any, province: Province, monkeypatch: Any
) -> None:
    from tuquan.security import views

    monkeypatch.setattr(views, "COUNT_CAP", 5)
    for _n in range(7):
        report_at({"zone": province.zone_a})
    client.force_login(province.user("police"))
    body = client.get(reverse("report_list")).content.decode()
    assert (
        _("More than %(shown)s reports: narrow them with the filters.") % {"shown": 5}
        in body
    )
    body = client.get(reverse("report_list"), {"kind": "fire"}).content.decode()
    assert "More than" not in body


def test_it_moves_a_report_through_the_page(client: Any, province: Province) -> None:
    report = report_at({"enterprise": province.enterprise_a})
    client.force_login(province.user("zone"))
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    assert 'value="verifying"' in page and 'value="in_handling"' not in page
    url = reverse("report_transition", args=[report.pk])
    response = client.post(url, {"to": "verifying", "note": "Đã gọi bảo vệ"})
    assert response.status_code == 302
    response = client.post(url, {"to": "rejected", "reason": ""})
    assert response.status_code == 422
    assert _("Give the reason for rejecting the report.") in response.content.decode()
    response = client.post(url, {"to": "closed"})
    assert response.status_code == 422
    report.refresh_from_db()
    assert report.status == ReportStatus.VERIFYING


def test_it_refuses_a_forbidden_transition_with_a_reason(
    client: Any, province: Province
) -> None:
    # Made by a member of team A: the team leader sees it but may not move it.
    report = create_report(
        kind="suspicious",
        description="Người lạ",
        occurred_at=timezone.now(),
        by=province.user("worker"),
    )
    client.force_login(province.user("team_leader"))
    assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200
    response = client.post(
        reverse("report_transition", args=[report.pk]), {"to": "verifying"}
    )
    assert response.status_code == 403
    assert (
        _("Your role may not move this report to “%(to)s”.")
        % {"to": ReportStatus.VERIFYING.label}
        in response.content.decode()
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_it_audits_opening_a_report(client: Any, province: Province) -> None:
    report = report_at({"zone": province.zone_a})
    client.force_login(province.user("zone"))
    client.get(reverse("report_detail", args=[report.pk]))
    assert AuditEntry.objects.filter(
        object_type="security.incidentreport", object_id=str(report.pk)
    ).exists()


def test_it_marks_a_possible_crime_from_the_page(
    client: Any, province: Province
) -> None:
    station, _officer = commune_police(province, province.commune_a, "cax")
    report = report_at({"zone": province.zone_a})
    client.force_login(province.user("zone"))
    client.post(reverse("report_mark_crime", args=[report.pk]), {"note": ""})
    report.refresh_from_db()
    assert report.may_be_crime and report.handover.police_unit == station


def test_it_exports_the_filtered_list(client: Any, province: Province) -> None:
    theft = report_at({"enterprise": province.enterprise_a}, kind="theft")
    report_at({"zone": province.zone_a}, kind="fire")
    client.force_login(province.user("zone"))
    response = client.get(reverse("report_export"), {"kind": "theft"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == theft.reference


def test_it_keeps_the_list_to_officers(client: Any, province: Province) -> None:
    client.force_login(province.user("worker"))
    assert client.get(reverse("report_list")).status_code == 403
    assert client.get(reverse("report_export")).status_code == 403
    assert client.get(reverse("handover_list")).status_code == 403


def test_it_keeps_the_list_queries_flat(
    client: Any, province: Province, django_assert_max_num_queries: Any
) -> None:
    for index in range(30):
        report_at(
            {"enterprise": province.enterprise_a}, kind="theft" if index % 2 else "fire"
        )
    client.force_login(province.user("police"))
    client.get(reverse("report_list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("report_list"))


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b", "sees_residence"),
    [
        ("police", True, True, True),
        ("commune", True, False, True),
        ("zone", True, False, False),
        ("enterprise", True, False, False),
        ("team_leader", True, False, False),
        ("enterprise_b", False, True, False),
        ("auditor", True, True, True),
    ],
)
def test_it_hides_other_scopes(
    client: Any,
    province: Province,
    persona: str,
    sees_a: bool,
    sees_b: bool,
    sees_residence: bool,
) -> None:
    # A team A member's report (team path) at enterprise A, one at enterprise B,
    # one at a residence of commune A.
    a = create_report(
        kind="theft",
        description="Ở xưởng rang",
        occurred_at=timezone.now(),
        by=province.user("worker"),
    )
    b = report_at({"enterprise": province.enterprise_b}, kind="theft")
    res = report_at({"residence": province.residence_a})
    photo_b = create_report(
        kind="theft",
        description="Ảnh",
        occurred_at=timezone.now(),
        enterprise=province.enterprise_b,
        photos=[jpeg()],
    ).photos.get()
    client.force_login(province.user(persona))
    listing = client.get(reverse("report_list"))
    export = client.get(reverse("report_export")).content.decode("utf-8-sig")
    for report, expected in ((a, sees_a), (b, sees_b), (res, sees_residence)):
        if listing.status_code == 200:
            assert (report.reference in listing.content.decode()) == expected
        assert (report.reference in export) == expected
        detail = client.get(reverse("report_detail", args=[report.pk]))
        assert detail.status_code == (200 if expected else 404)
    photo = client.get(reverse("report_photo", args=[photo_b.pk]))
    assert photo.status_code == (200 if sees_b else 404)
    response = client.post(
        reverse("report_transition", args=[b.pk]), {"to": "verifying"}
    )
    assert response.status_code in ((302, 403) if sees_b else (404,))
    b.refresh_from_db()
    if not sees_b:
        assert b.status == ReportStatus.RECEIVED


def test_it_hides_other_reporters_reports(client: Any, province: Province) -> None:
    mine = create_report(
        kind="theft",
        description="Của tôi",
        occurred_at=timezone.now(),
        by=province.user("worker"),
    )
    client.force_login(province.user("team_leader"))
    assert client.get(reverse("my_report_detail", args=[mine.pk])).status_code == 404
    assert mine.reference not in client.get(reverse("my_reports")).content.decode()

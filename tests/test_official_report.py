"""Official periodic reports: asked for on a page, the API or the command line,
written by a task with progress, kept with who asked, figures equal to the
dashboard's (the rollups), .docx in the Decree 30/2020 layout that LibreOffice
converts to PDF, .xlsx annex, scoping and bad input."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import Province
from tests.test_sanction_documents import all_text
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.reports import official, rollup
from tuquan.reports.figures import summary
from tuquan.reports.models import GeneratedReport

pytestmark = pytest.mark.django_db

JULY = [dt.date(2021, 7, d) for d in range(1, 8)]


def declare_week(p: Province) -> int:
    """Declarations of the zone A workers for the first week of July 2021 (one
    symptomatic), rolled up; returns how many were made."""
    profile = DiseaseProfile.objects.first()
    made = 0
    for day in JULY:
        for worker in (p.leader, p.member, p.colleague):
            HealthDeclaration.objects.create(
                worker=worker,
                day=day,
                profile=profile,
                healthy=not (worker == p.member and day == JULY[2]),
                client_id=uuid.uuid4(),
                declared_at=timezone.make_aware(
                    dt.datetime.combine(day, dt.time(7, 30))
                ),
            )
            made += 1
    for day in JULY:
        rollup.refresh_day(day)
    return made


def login(p: Province, persona: str) -> Client:
    client = Client()
    client.force_login(p.users[persona])
    return client


def ask(client: Client, scope: Any, period: str = "2021-07", **extra: Any) -> Any:
    kind = "weekly" if "W" in period else "monthly"
    field = "week" if kind == "weekly" else "month"
    return client.post(
        reverse("official_report_list"),
        {"scope": scope.pk, "kind": kind, field: period, **extra},
    )


@pytest.fixture
def frozen() -> Any:
    with time_machine.travel(dt.datetime(2021, 8, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_it_reads_months_and_weeks() -> None:
    assert official.parse_period("2021-07") == (
        "monthly",
        dt.date(2021, 7, 1),
        dt.date(2021, 7, 31),
    )
    assert official.parse_period("2021-W30") == (
        "weekly",
        dt.date(2021, 7, 26),
        dt.date(2021, 8, 1),
    )
    for bad in ("2021-13", "tháng 7", "2021-W54", ""):
        with pytest.raises(ValidationError) as caught:
            official.parse_period(bad)
        assert "2021-W30" in caught.value.messages[0]


def test_it_writes_the_monthly_report_with_the_dashboard_figures(
    province: Province, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    made = declare_week(province)
    client = login(province, "zone")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, province.zone_a)
    report = GeneratedReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("official_report_detail", args=[report.pk])
    assert report.state == GeneratedReport.State.DONE
    assert report.progress == 100
    assert report.requested_by == province.users["zone"]
    assert (report.period_start, report.period_end) == (
        dt.date(2021, 7, 1),
        dt.date(2021, 7, 31),
    )

    page = client.get(reverse("official_report_detail", args=[report.pk]))
    assert "download-docx" in page.content.decode()
    docx = client.get(reverse("official_report_download", args=[report.pk, "docx"]))
    assert docx["Content-Disposition"].endswith('.docx"')
    text = all_text(b"".join(docx.streaming_content))
    figures = summary(
        scope=province.zone_a, start=dt.date(2021, 7, 1), end=dt.date(2021, 7, 31)
    )
    assert figures.totals.declarations == made == 21
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BÁO CÁO" in text and "Tháng 7 năm 2021" in text
    assert f"{made} lượt khai báo" in text
    assert "1 lượt khai có triệu chứng" in text
    assert "Nơi nhận:" in text and "TM. " in text
    assert province.zone_a.name in text

    xlsx = client.get(reverse("official_report_download", args=[report.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    totals = {row[0]: row[1] for row in book["Tổng hợp"].iter_rows(values_only=True)}
    assert totals["Lượt khai báo y tế"] == made
    days = list(book["Theo ngày"].iter_rows(min_row=2, values_only=True))
    assert len(days) == 31 and sum(row[1] for row in days) == made
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=report.pk)
    assert exports.count() == 2


def test_it_says_so_when_the_period_has_no_data(
    province: Province, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(province, "province")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, province.province, "2021-W29")
    report = GeneratedReport.objects.get()
    assert report.kind == "weekly" and report.state == GeneratedReport.State.DONE
    text = all_text(report.docx.read())
    assert "chưa có số liệu" in text
    assert "Tuần từ ngày 19/07/2021 đến ngày 25/07/2021" in text


def test_it_refuses_bad_requests(province: Province, frozen: Any) -> None:
    client = login(province, "enterprise")
    outside = ask(client, province.zone_b)
    assert outside.status_code == 200
    assert "Chọn một đơn vị" in outside.content.decode()
    future = ask(client, province.enterprise_a, "2022-01")
    assert "chưa bắt đầu" in future.content.decode()
    malformed = client.post(
        reverse("official_report_list"),
        {"scope": province.enterprise_a.pk, "kind": "monthly", "month": "07/2021"},
    )
    assert "2021-W30" in malformed.content.decode()
    assert not GeneratedReport.objects.exists()
    worker = login(province, "worker")
    page = worker.get(reverse("official_report_list"))
    assert "report-form" not in page.content.decode()
    assert ask(worker, province.enterprise_a).status_code == 200
    assert not GeneratedReport.objects.exists()


def test_it_hides_other_scopes(
    province: Province, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ask(login(province, "enterprise_b"), province.enterprise_b)
    theirs = GeneratedReport.objects.get()
    client = login(province, "zone")
    listing = client.get(reverse("official_report_list")).content.decode()
    assert "Ngoài phạm vi" not in listing
    for name, args in (
        ("official_report_detail", [theirs.pk]),
        ("official_report_download", [theirs.pk, "docx"]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    api = client.get(f"/api/v1/official-reports/{theirs.pk}")
    assert api.status_code == 404
    assert client.get("/api/v1/official-reports").json()["count"] == 0


def test_it_keeps_a_failure_with_its_reason(
    province: Province,
    frozen: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: Any,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("đĩa đầy")

    monkeypatch.setattr(official, "report_xlsx", broken)
    client = login(province, "province")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, province.province)
    report = GeneratedReport.objects.get()
    assert report.state == GeneratedReport.State.FAILED
    assert "đĩa đầy" in report.error
    page = client.get(reverse("official_report_detail", args=[report.pk]))
    assert "đĩa đầy" in page.content.decode()
    assert (
        client.get(
            reverse("official_report_download", args=[report.pk, "docx"])
        ).status_code
        == 404
    )


def test_it_shows_progress_while_the_report_is_written(
    province: Province, frozen: Any
) -> None:
    client = login(province, "province")
    ask(client, province.province)  # the task waits for the commit: queued
    report = GeneratedReport.objects.get()
    part = client.get(
        reverse("official_report_detail", args=[report.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in part and "<progress" in part
    assert "<html" not in part


def test_the_api_creates_once_and_links_the_files(
    province: Province, frozen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    declare_week(province)
    client = login(province, "province")
    body = {
        "scope_id": province.zone_a.pk,
        "period": "2021-07",
        "client_id": str(uuid.uuid4()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            "/api/v1/official-reports", body, content_type="application/json"
        )
    again = client.post(
        "/api/v1/official-reports", body, content_type="application/json"
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert GeneratedReport.objects.count() == 1
    data = client.get(f"/api/v1/official-reports/{first.json()['id']}").json()
    assert data["state"] == "done" and data["progress"] == 100
    download = client.get(data["docx_url"])
    assert download.status_code == 200
    assert "21 lượt khai báo" in all_text(b"".join(download.streaming_content))
    bad = client.post(
        "/api/v1/official-reports",
        {"scope_id": province.zone_b.pk + 10_000, "period": "07-2021"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = (
        {item["field"] for item in bad.json()["errors"]}
        if "errors" in bad.json()
        else set()
    )
    assert "scope_id" in str(bad.json()) or "scope_id" in fields


def test_the_command_line_writes_the_report_and_its_annex(
    province: Province, frozen: Any, tmp_path: Path
) -> None:
    made = declare_week(province)
    out = tmp_path / "bao-cao" / "thang-7.docx"
    call_command(
        "report", scope=province.province.code, period="2021-07", output=str(out)
    )
    assert f"{made} lượt khai báo" in all_text(out.read_bytes())
    assert openpyxl.load_workbook(out.with_suffix(".xlsx"))["Theo đơn vị"].max_row > 1
    report = GeneratedReport.objects.get()
    assert report.requested_by is None and report.state == "done"
    with pytest.raises(CommandError, match="2021-W30"):
        call_command("report", scope="66", period="7/2021", output=str(out))
    with pytest.raises(CommandError, match="Không có đơn vị nào"):
        call_command("report", scope="00000", period="2021-07", output=str(out))
    with pytest.raises(CommandError, match="không được"):
        call_command(
            "report",
            scope=province.zone_b.pk,
            period="2021-07",
            output=str(out),
            user="kcn",
        )


@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler-utils are not installed here; CI installs them",
)
def test_the_report_converts_to_pdf_with_the_figures(
    province: Province, frozen: Any, tmp_path: Path
) -> None:
    made = declare_week(province)
    out = tmp_path / "bao-cao.docx"
    call_command("report", scope=province.zone_a.pk, period="2021-07", output=str(out))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    pdf = tmp_path / "bao-cao.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = " ".join(text.split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert f"{made} lượt khai báo" in flat
    assert "Tháng 7 năm 2021" in flat

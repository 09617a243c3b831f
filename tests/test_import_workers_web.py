"""Web flow of the roster import: upload → preview (errors, error copy) →
confirm → result, progress polling, and scoping of jobs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from tests.conftest import Province
from tests.test_import_workers import make_parts, make_xlsx, person
from tuquan import celery_app
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people import tasks
from tuquan.people.models import Worker
from tuquan.people.roster_import import JobStatus, load_import_job, run_import_job

pytestmark = pytest.mark.usefixtures("parts")


@pytest.fixture
def parts(province: Province) -> dict[str, Any]:
    return make_parts(province)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager() -> Iterator[None]:
    """No broker: tasks run inside the request, as in the default set-up."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def login(client: Client, province: Province, persona: str = "enterprise") -> Client:
    client.force_login(province.user(persona))
    return client


def upload(
    client: Client,
    province: Province,
    rows: list[dict[str, object]],
    *,
    skip_invalid: bool = False,
    enterprise: Any = None,
) -> Any:
    data = {
        "enterprise": (enterprise or province.enterprise_a).pk,
        "file": SimpleUploadedFile("danh-sach.xlsx", make_xlsx(rows)),
    }
    if skip_invalid:
        data["skip_invalid"] = "on"
    return client.post(reverse("worker_import"), data)


def job_id_of(response: Any) -> str:
    return response["Location"].rstrip("/").split("/")[-1]


def test_it_offers_only_enterprises_the_user_can_edit(
    client: Client, province: Province
) -> None:
    response = login(client, province).get(reverse("worker_import"))

    assert response.status_code == 200
    choices = list(response.context["form"].fields["enterprise"].queryset)
    assert choices == [province.enterprise_a]
    assert "Số CCCD" in response.content.decode()


def test_it_uploads_previews_confirms_and_shows_the_result(
    client: Client, province: Province
) -> None:
    login(client, province)
    rows = [
        person(f"Công Nhân {i}", serial=i, workshop="Xưởng Mới") for i in range(1, 4)
    ]

    response = upload(client, province, rows)
    assert response.status_code == 302
    job_id = job_id_of(response)
    assert response["Location"] == reverse("worker_import_preview", args=[job_id])

    preview = client.get(response["Location"])
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.created, report.updated, report.invalid) == (3, 0, 0)
    page = preview.content.decode()
    assert "Công Nhân 2" in page and "Xưởng Mới" in page
    assert reverse("worker_import_confirm", args=[job_id]) in page
    assert not Worker.objects.filter(full_name__startswith="Công Nhân").exists()

    confirmed = client.post(reverse("worker_import_confirm", args=[job_id]))
    assert confirmed["Location"] == reverse("worker_import_result", args=[job_id])
    result = client.get(confirmed["Location"])
    assert result.status_code == 200
    assert result.context["report"].created == 3
    assert Worker.objects.filter(full_name__startswith="Công Nhân").count() == 3
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert (entry.username, entry.via, entry.address) == (
        "doanhnghiep",
        "web",
        "127.0.0.1",
    )
    # A second confirm of the same job changes nothing.
    again = client.post(reverse("worker_import_confirm", args=[job_id]))
    assert again.status_code == 302
    assert Worker.objects.filter(full_name__startswith="Công Nhân").count() == 3


def test_it_lists_errors_refuses_to_import_and_offers_the_error_copy(
    client: Client, province: Province
) -> None:
    login(client, province)
    rows = [
        person(serial=1),
        person(serial=2, shift="Ca ma"),
        person(serial=3, phone="1"),
    ]
    job_id = job_id_of(upload(client, province, rows))

    preview = client.get(reverse("worker_import_preview", args=[job_id]))
    page = preview.content.decode()
    assert preview.context["report"].invalid == 2
    assert "Ca ma" in page
    assert _("Unknown shift “%(value)s”.") % {"value": "Ca ma"} in page
    assert reverse("worker_import_confirm", args=[job_id]) not in page
    assert reverse("worker_import_errors", args=[job_id]) in page

    refused = client.post(reverse("worker_import_confirm", args=[job_id]))
    assert refused["Location"] == reverse("worker_import_preview", args=[job_id])
    assert not Worker.objects.filter(full_name="Nguyễn Văn An").exists()

    download = client.get(reverse("worker_import_errors", args=[job_id]))
    assert download.status_code == 200
    assert "loi-danh-sach.xlsx" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(download.streaming_content))
    ).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][-1] == "Lỗi"
    assert cells[1][-1] is None and "Ca ma" in cells[2][-1] and cells[3][-1]


def test_it_imports_valid_rows_when_asked_to_skip_invalid_ones(
    client: Client, province: Province
) -> None:
    login(client, province)
    rows = [
        person(serial=1),
        person(serial=2, national_id="12"),
        person("Lê Thị C", serial=3),
    ]
    job_id = job_id_of(upload(client, province, rows, skip_invalid=True))

    preview = client.get(reverse("worker_import_preview", args=[job_id]))
    assert preview.context["invalid_ranges"] == "3"
    client.post(reverse("worker_import_confirm", args=[job_id]))
    result = client.get(reverse("worker_import_result", args=[job_id]))

    assert result.context["report"].skipped_rows == [3]
    assert result.context["skipped_ranges"] == "3"
    assert (
        Worker.objects.filter(full_name__in=["Nguyễn Văn An", "Lê Thị C"]).count() == 2
    )


def test_it_polls_progress_while_a_worker_runs_the_import(
    client: Client, province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a broker the confirm only queues the task; the page polls."""
    login(client, province)
    job_id = job_id_of(upload(client, province, [person(serial=1)]))
    queued: list[str] = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda job: queued.append(job))

    client.post(reverse("worker_import_confirm", args=[job_id]))
    page = client.get(reverse("worker_import_result", args=[job_id]))
    progress_url = reverse("worker_import_progress", args=[job_id])
    assert queued == [job_id]
    assert f'hx-get="{progress_url}"' in page.content.decode()
    assert 'hx-trigger="every 1s"' in page.content.decode()
    bar = client.get(progress_url, headers={"HX-Request": "true"})
    assert bar.status_code == 200 and b"<progress" in bar.content

    run_import_job(job_id)  # what the Celery worker does

    done = client.get(progress_url, headers={"HX-Request": "true"})
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("worker_import_result", args=[job_id])
    assert load_import_job(job_id).status == JobStatus.DONE
    assert Worker.objects.filter(full_name="Nguyễn Văn An").exists()


def test_it_reports_a_file_that_is_not_a_roster(
    client: Client, province: Province
) -> None:
    login(client, province)
    response = client.post(
        reverse("worker_import"),
        {
            "enterprise": province.enterprise_a.pk,
            "file": SimpleUploadedFile("anh.csv", b"a,b\n1,2\n"),
        },
    )
    preview = client.get(response["Location"])

    assert preview.status_code == 200
    assert preview.context["report"] is None
    assert preview.context["job"].status == JobStatus.FAILED
    assert preview.context["job"].error in preview.content.decode()


def test_it_hides_other_scopes(client: Client, province: Province) -> None:
    """Enterprise B's officer cannot import into enterprise A or see A's jobs."""
    login(client, province)
    job_id = job_id_of(upload(client, province, [person(serial=1)]))

    other = login(Client(), province, "enterprise_b")
    response = upload(
        other, province, [person(serial=2)], enterprise=province.enterprise_a
    )
    assert response.status_code == 200  # the form again: A is not a choice
    assert "enterprise" in response.context["form"].errors
    for name in (
        "worker_import_preview",
        "worker_import_progress",
        "worker_import_result",
        "worker_import_errors",
    ):
        assert other.get(reverse(name, args=[job_id])).status_code == 404
    assert (
        other.post(reverse("worker_import_confirm", args=[job_id])).status_code == 404
    )
    assert not Worker.objects.filter(full_name="Nguyễn Văn An").exists()

    # Roles that cannot edit any enterprise get a 403 page.
    for persona in ("team_leader", "worker", "auditor", "outsider"):
        page = login(Client(), province, persona).get(reverse("worker_import"))
        assert page.status_code == 403


def test_it_requires_login(client: Client, province: Province) -> None:
    response = client.get(reverse("worker_import"))
    assert response.status_code == 302 and "login" in response["Location"]

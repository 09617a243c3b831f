"""Roster import (upload → preview → confirm → result) and export pages.

The work happens in ``roster_import``/``roster_export`` and the Celery tasks;
these views parse input, call them and render. A job belongs to the user who
uploaded it: anyone else gets a 404, as for an object outside their scope.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tuquan.core.middleware import client_address
from tuquan.organisations.models import Enterprise
from tuquan.organisations.views import forbidden, read_filters, registry_view
from tuquan.people import tasks
from tuquan.people.filters import WorkerFilter
from tuquan.people.models import Worker
from tuquan.people.roster_export import XLSX_CONTENT_TYPE, export_workers
from tuquan.people.roster_file import EXPORT_HEADERS
from tuquan.people.roster_import import (
    MAX_STORED_ERRORS,
    ImportJob,
    JobStatus,
    confirm_import_job,
    editable_enterprises,
    row_ranges,
    start_import_job,
    user_import_job,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportForm(forms.Form):
    enterprise = forms.ModelChoiceField(
        label=gettext_lazy("Enterprise"), queryset=Enterprise.objects.none()
    )
    file = forms.FileField(
        label=gettext_lazy("Roster file"),
        help_text=gettext_lazy(
            "Excel (.xlsx) or CSV (UTF-8 or UTF-16). Title rows above the header "
            "are fine; dates as day/month/year."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Skip invalid rows and import the others"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise nothing is imported while any row is invalid."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = editable_enterprises(user).order_by("name_folded", "pk")
        self.fields["enterprise"].queryset = choices  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _job_or_404(request: HttpRequest, job_id: str) -> ImportJob:
    job = user_import_job(job_id, by=request.user)
    if job is None:
        raise Http404
    return job


def _next_url(job: ImportJob) -> str | None:
    """Where the progress poll sends the browser once the job has finished."""
    if job.status == JobStatus.CHECKED or (
        job.status == JobStatus.FAILED and job.preview is None
    ):
        return reverse("worker_import_preview", args=[job.id])
    if job.status in (JobStatus.DONE, JobStatus.FAILED):
        return reverse("worker_import_result", args=[job.id])
    return None


def _progress_page(request: HttpRequest, job: ImportJob) -> HttpResponse:
    return render(request, "people/import_progress.html", {"job": job})


@registry_view
@require_http_methods(["GET", "POST"])
def worker_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not editable_enterprises(user).exists():
        return forbidden(request, _("You may not register workers for any enterprise."))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = start_import_job(
                upload=upload,
                filename=upload.name,
                enterprise=form.cleaned_data["enterprise"],
                by=user,
                skip_invalid=form.cleaned_data["skip_invalid"],
                language=get_language() or "",
                address=client_address(request),
            )
            tasks.check_import.delay(job.id)
            return redirect("worker_import_preview", job.id)
    else:
        initial = {}
        choices = editable_enterprises(user)
        wanted = request.GET.get("enterprise", "")
        if wanted.isdigit() and choices.filter(pk=int(wanted)).exists():
            initial["enterprise"] = int(wanted)
        elif choices.count() == 1:
            initial["enterprise"] = choices.get().pk
        form = ImportForm(user=user, initial=initial)
    return render(
        request,
        "people/import_form.html",
        {
            "form": form,
            "headers": list(EXPORT_HEADERS.values()),
            "export_enterprise": form.initial.get("enterprise"),
        },
    )


@registry_view
@require_GET
def worker_import_preview(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if job.status == JobStatus.CHECKING:
        return _progress_page(request, job)
    if job.status != JobStatus.CHECKED and job.preview is not None:
        return redirect("worker_import_result", job.id)
    report = job.preview_report()
    return render(
        request,
        "people/import_preview.html",
        {
            "job": job,
            "report": report,
            "max_errors": MAX_STORED_ERRORS,
            "invalid_ranges": row_ranges(report.invalid_rows) if report else "",
        },
    )


@registry_view
@require_POST
def worker_import_confirm(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        confirm_import_job(job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("worker_import_preview", job.id)
    tasks.run_import.delay(job.id)
    return redirect("worker_import_result", job.id)


@registry_view
@require_GET
def worker_import_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    next_url = _next_url(job)
    if next_url is not None:
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = next_url
            return response
        return redirect(next_url)
    return render(request, "people/import_progress_bar.html", {"job": job})


@registry_view
@require_GET
def worker_import_result(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if job.status == JobStatus.IMPORTING:
        return _progress_page(request, job)
    if job.status == JobStatus.CHECKING or (
        job.status == JobStatus.CHECKED and job.result is None
    ):
        return redirect("worker_import_preview", job.id)
    report = job.result_report()
    return render(
        request,
        "people/import_result.html",
        {
            "job": job,
            "report": report,
            "skipped_ranges": row_ranges(report.skipped_rows) if report else "",
        },
    )


@registry_view
@require_GET
def worker_import_errors(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if not job.has_error_copy or not job.error_copy_path.is_file():
        raise Http404
    return FileResponse(
        open(job.error_copy_path, "rb"),  # FileResponse closes it
        as_attachment=True,
        filename=f"loi-{Path(job.filename).stem}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


@registry_view
@require_GET
def worker_export(request: HttpRequest) -> HttpResponse:
    """The worker list, with the list's filters, as an .xlsx roster."""
    filters = read_filters(request, WorkerFilter)
    workers = filters.filter(Worker.objects.visible_to(request.user))
    enterprise = None
    if filters.enterprise:
        enterprise = (
            Enterprise.objects.visible_to(request.user)
            .filter(pk=filters.enterprise)
            .first()
        )
    result = export_workers(
        by=request.user,
        queryset=workers,
        enterprise=enterprise,
        filters=filters.model_dump(exclude_none=True),
    )
    response = HttpResponse(result.data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    return response

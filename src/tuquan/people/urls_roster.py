"""Roster import and export of workers (included by the main urls.py)."""

from django.urls import path

from tuquan.people import views_roster

urlpatterns = [
    path("workers/import/", views_roster.worker_import, name="worker_import"),
    path(
        "workers/import/<str:job_id>/",
        views_roster.worker_import_preview,
        name="worker_import_preview",
    ),
    path(
        "workers/import/<str:job_id>/confirm/",
        views_roster.worker_import_confirm,
        name="worker_import_confirm",
    ),
    path(
        "workers/import/<str:job_id>/progress/",
        views_roster.worker_import_progress,
        name="worker_import_progress",
    ),
    path(
        "workers/import/<str:job_id>/result/",
        views_roster.worker_import_result,
        name="worker_import_result",
    ),
    path(
        "workers/import/<str:job_id>/errors.xlsx",
        views_roster.worker_import_errors,
        name="worker_import_errors",
    ),
    path("workers/export.xlsx", views_roster.worker_export, name="worker_export"),
]

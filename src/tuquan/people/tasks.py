"""Celery tasks of the people app: roster imports, which can take a minute.

Without a broker (CELERY_TASK_ALWAYS_EAGER) ``delay()`` runs them inside the
request that asked; with one, a worker runs them and the page polls the job's
progress. Both read and write the job files under ``MEDIA_ROOT/imports/``, so
the worker must share that directory with the web processes.
"""

from __future__ import annotations

from celery import shared_task

from tuquan.people.roster_import import check_import_job, run_import_job


@shared_task(name="tuquan.people.check_import")
def check_import(job_id: str) -> str:
    """Validate an uploaded roster (nothing is written); returns the job status."""
    job = check_import_job(job_id)
    return job.status if job is not None else "missing"


@shared_task(name="tuquan.people.run_import")
def run_import(job_id: str) -> str:
    """Import a confirmed roster; returns the job status."""
    job = run_import_job(job_id)
    return job.status if job is not None else "missing"

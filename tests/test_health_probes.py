"""Liveness and readiness probes for balancers and supervisors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_it_answers_liveness_without_login() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_is_ready_with_a_database_and_no_broker() -> None:
    with override_settings(CELERY_BROKER_URL=""):
        response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not configured",
    }


def test_it_is_not_ready_when_the_broker_is_down() -> None:
    # Nothing listens on port 9 (discard) here: the connection is refused.
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:9/0"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_it_is_not_ready_when_the_database_is_down(monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    with override_settings(CELERY_BROKER_URL=""):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_it_is_ready_with_a_live_broker() -> None:
    import os

    url = os.environ.get("TUQUAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=1) as probe:
            probe.ensure_connection(max_retries=1, timeout=1)
    except Exception:
        pytest.skip(f"no Redis at {url}")
    with override_settings(CELERY_BROKER_URL=url):
        response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"

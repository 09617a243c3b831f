"""Celery: eager without a broker, a real worker over Redis with one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tuquan.celery import app
from tuquan.core.tasks import ping

REDIS_URL = os.environ.get("TUQUAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_it_runs_tasks_eagerly_without_a_broker() -> None:
    assert app.conf.task_always_eager
    result = ping.delay()
    assert result.get(timeout=1)["database"] in {"sqlite", "postgresql"}


@pytest.mark.redis
def test_it_runs_a_task_through_a_real_worker_on_redis(tmp_path: Path) -> None:
    if not _redis_reachable():
        pytest.skip(f"no Redis reachable at {REDIS_URL}; CI provides one")
    env = {
        **os.environ,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "tuquan.settings",
        "TUQUAN_TESTING": "1",
        "TUQUAN_VAR_DIR": str(tmp_path),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tuquan",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        client = app.__class__("tuquan-test-client")
        client.conf.update(
            broker_url=REDIS_URL, result_backend=REDIS_URL, task_always_eager=False
        )
        deadline = time.monotonic() + 60
        result = client.send_task("tuquan.core.ping")
        answer = result.get(timeout=max(1.0, deadline - time.monotonic()))
        assert answer["host"]
        expected = (
            "postgresql"
            if "postgres" in os.environ.get("DATABASE_URL", "")
            else "sqlite"
        )
        assert answer["database"] == expected
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()

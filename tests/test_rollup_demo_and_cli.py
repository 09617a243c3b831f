"""The rollup command, the Celery task and the demo hook."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.test_rollup_figures import START, generate_month
from tuquan.reports.demo import build_rollups
from tuquan.reports.models import EnterpriseDay, RollupRun
from tuquan.reports.tasks import refresh_rollups


@pytest.mark.django_db
def test_the_command_refreshes_one_day(province: Any) -> None:
    generate_month(province)
    out = StringIO()
    call_command("rollup", "--day", START.isoformat(), stdout=out)
    assert START.isoformat() in out.getvalue()
    assert EnterpriseDay.objects.filter(day=START).count() == 3
    assert RollupRun.objects.filter(day=START).exists()
    call_command("rollup", "--day", "02/07/2021", stdout=out)
    assert EnterpriseDay.objects.filter(day=dt.date(2021, 7, 2)).count() == 3


@pytest.mark.django_db
def test_the_command_refuses_a_bad_day(province: Any) -> None:
    with pytest.raises(CommandError):
        call_command("rollup", "--day", "31/02/2021")


@pytest.mark.django_db
def test_the_task_refreshes_today_and_yesterday(province: Any) -> None:
    done = refresh_rollups.delay().get()
    today = timezone.localdate()
    assert done == [(today - dt.timedelta(days=1)).isoformat(), today.isoformat()]
    assert EnterpriseDay.objects.filter(day=today).count() == 3


@pytest.mark.django_db
def test_the_demo_hook_fills_the_last_days(province: Any) -> None:
    said: list[str] = []

    class Writer:
        def say(self, message: str) -> None:
            said.append(message)

    assert build_rollups(Writer(), days=3) == 3
    assert said
    assert EnterpriseDay.objects.filter(day=timezone.localdate()).count() == 3

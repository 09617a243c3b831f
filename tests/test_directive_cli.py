"""``tuquan directive_reminders``: the reminders from the command line, with a
clear reason for a bad date."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import Province
from tests.test_directive_services import make_directive
from tuquan.directives.models import Reminder


def test_it_creates_reminders_for_a_given_day(province: Province) -> None:
    make_directive(province)  # deadline 31/08/2021
    out = StringIO()
    call_command("directive_reminders", "--day", "28/08/2021", stdout=out)
    assert re.search(r"\b2\b", out.getvalue()), out.getvalue()
    call_command("directive_reminders", "--day", "2021-08-28", stdout=StringIO())
    assert Reminder.objects.count() == 2


def test_it_refuses_a_bad_day(province: Province) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("directive_reminders", "--day", "31/02/2021")
    assert "31/02/2021" in str(exc.value)
    assert Reminder.objects.count() == 0

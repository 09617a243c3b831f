"""Deadline reminders (Celery task ``tuquan.directives.send_reminders``) with
frozen time: three days before, on the day after the deadline, never twice,
none for a unit that is done; e-mailed to the unit's officers."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.conftest import Province
from tests.test_directive_services import at, make_directive
from tests.test_directive_status import monthly
from tuquan.directives import services
from tuquan.directives.choices import ReminderKind
from tuquan.directives.models import Reminder
from tuquan.directives.tasks import send_reminders


def run(day: date) -> int:
    with at(day, hour=7):
        return send_reminders.delay().get()["created"]


def test_it_reminds_three_days_before_and_after_the_missed_deadline(
    province: Province, mailoutbox: list[Any]
) -> None:
    officer = province.user("commune")
    officer.email = "xa.hoaphu@example.vn"
    officer.save()
    task = make_directive(province).tasks.get()  # deadline 31/08/2021
    assert run(date(2021, 8, 27)) == 0
    assert run(date(2021, 8, 28)) == 2  # lead commune A and supporting zone A
    soon = Reminder.objects.get(unit=province.commune_a)
    assert (soon.kind, soon.due_on) == (ReminderKind.DUE_SOON, date(2021, 8, 31))
    assert soon.emailed_to == 1
    assert mailoutbox[0].to == ["xa.hoaphu@example.vn"]
    assert "31/08/2021" in mailoutbox[0].subject
    assert run(date(2021, 8, 29)) == 0  # not twice
    assert run(date(2021, 8, 31)) == 0  # the last day is not missed yet
    assert run(date(2021, 9, 1)) == 2
    assert run(date(2021, 9, 2)) == 0
    kinds = sorted(
        Reminder.objects.filter(task=task, unit=province.commune_a).values_list(
            "kind", flat=True
        )
    )
    assert kinds == [ReminderKind.DUE_SOON, ReminderKind.MISSED]
    assert len(mailoutbox) == 2  # zone A's officer has no address


def test_it_does_not_remind_a_unit_that_is_done(province: Province) -> None:
    task = make_directive(province).tasks.get()
    with at(date(2021, 8, 20)):
        done = services.submit_progress(
            task=task,
            unit=province.commune_a,
            by=province.user("commune"),
            percentage=100,
            narrative="Hoàn thành",
        )
    services.review_report(report=done, by=province.user("province"), approve=True)
    run(date(2021, 8, 28))
    run(date(2021, 9, 1))
    assert not Reminder.objects.filter(unit=province.commune_a).exists()
    assert Reminder.objects.filter(unit=province.zone_a).count() == 2


def test_it_reminds_each_period_of_a_monthly_report(province: Province) -> None:
    task = monthly(province)  # due on the 20th
    assert run(date(2021, 8, 17)) == 1
    assert run(date(2021, 8, 21)) == 1
    assert run(date(2021, 9, 17)) == 1
    periods = sorted(
        Reminder.objects.filter(task=task).values_list("period_start", "kind")
    )
    assert periods == [
        (date(2021, 8, 1), ReminderKind.DUE_SOON),
        (date(2021, 8, 1), ReminderKind.MISSED),
        (date(2021, 9, 1), ReminderKind.DUE_SOON),
    ]


def test_it_shows_reminders_in_the_units_inbox(province: Province) -> None:
    make_directive(province)
    run(date(2021, 8, 28))
    with at(date(2021, 8, 28), hour=10):
        mine = services.inbox(province.user("commune"))
        zone = services.inbox(province.user("zone"))
        outsider = services.inbox(province.user("enterprise_b"))
    assert [r.unit_id for r in mine.reminders] == [province.commune_a.pk]
    assert [r.unit_id for r in zone.reminders] == [province.zone_a.pk]
    assert outsider.reminders == [] and outsider.count == 0

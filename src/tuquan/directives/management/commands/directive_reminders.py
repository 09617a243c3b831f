"""Create the deadline reminders of directive tasks now (what the daily Celery
task does), e.g. from cron where no beat runs: ``tuquan directive_reminders``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuquan.directives.services import send_reminders


def parse_day(text: str) -> date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CommandError(
        _("--day: “%(text)s” is not a date; write dd/mm/yyyy, e.g. 28/08/2021.")
        % {"text": text}
    )


class Command(BaseCommand):
    help = (
        "Create today's reminders: three days before a task's due date and the day "
        "after it was missed; e-mail the units' officers. Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="run as of this day (dd/mm/yyyy)")

    def handle(self, *args: Any, **options: Any) -> None:
        day = parse_day(options["day"]) if options["day"] else None
        created = send_reminders(today=day)
        self.stdout.write(_("%(count)d reminder(s) created.") % {"count": created})

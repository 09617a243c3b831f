"""``tuquan rollup [--day D | --rebuild]``: refresh the daily rollups."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tuquan.reports import rollup


def _date(value: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise CommandError(f"Not a date (YYYY-MM-DD or dd/mm/yyyy): {value}")


class Command(BaseCommand):
    help = (
        "Refresh the daily rollups: today and yesterday by default, one day with "
        "--day, or everything from scratch with --rebuild."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--day", type=_date, action="append", help="YYYY-MM-DD")
        group.add_argument(
            "--rebuild",
            action="store_true",
            help="delete every rollup and recompute from the first day with data",
        )
        parser.add_argument(
            "--until", type=_date, help="last day of a rebuild (default today)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            count = rollup.rebuild(until=options["until"])
            self.stdout.write(f"Rebuilt {count} day(s) of rollups.")
            return
        today = timezone.localdate()
        days = options["day"] or [today - dt.timedelta(days=1), today]
        for day in days:
            run = rollup.refresh_day(day)
            self.stdout.write(f"{day.isoformat()}: refreshed in {run.seconds:.2f} s")

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuquan.core.context import acting_as
from tuquan.organisations.demo import (
    DEMO_PASSWORD,
    build_demo,
    database_has_organisations,
    demo_conflicts,
    demo_logins,
    format_logins,
    format_summary,
)


def _fresh_database_hint() -> str:
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        return _(
            "To build it again, delete %(path)s, then run “tuquan migrate” and "
            "“tuquan demo”."
        ) % {"path": database["NAME"]}
    return _("To build it again, use a new, empty database.")


class Command(BaseCommand):
    help = (
        "Build the sample province (Đắk Lắk): zones, enterprises, residences, "
        "workers, teams and one login per persona, all marked as sample data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers", type=int, default=5000, help="Number of workers (default 5000)"
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2021,
            help="Random seed; the same seed gives the same data",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (but list the logins) when the database "
            "already has organisations",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and database_has_organisations():
            self.stdout.write(
                _("The database already has organisations: nothing was built.")
            )
            self._print_logins()
            return
        problems = demo_conflicts()
        if problems:
            raise CommandError(" ".join([*problems, _fresh_database_hint()]))
        try:
            with acting_as(None, via="cli"):
                result = build_demo(
                    workers=options["workers"],
                    seed=options["seed"],
                    stdout=self.stdout,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(format_summary(result))
        self.stdout.write("")
        self.stdout.write(
            _("Demo logins (password for all: %(password)s):")
            % {"password": DEMO_PASSWORD}
        )
        self.stdout.write(format_logins(result.logins))

    def _print_logins(self) -> None:
        logins = demo_logins()
        if logins:
            self.stdout.write(format_logins(logins))

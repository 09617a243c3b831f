from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuquan.organisations.admin_units import load_admin_units


class Command(BaseCommand):
    help = "Load provinces and communes/wards from the vietnam-provinces dataset."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument(
            "--province",
            type=int,
            action="append",
            help="Province code, e.g. 66 for Đắk Lắk (repeatable)",
        )
        group.add_argument("--all", action="store_true", help="All 34 provinces")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        codes = None if options["all"] else options["province"]
        result = load_admin_units(province_codes=codes)
        if codes and not (
            result.provinces_created or result.unchanged or result.updated
        ):
            raise CommandError(_("No province with code %(code)s.") % {"code": codes})
        self.stdout.write(
            _(
                "Provinces created: %(p)d; communes/wards created: %(c)d; "
                "updated: %(u)d; unchanged: %(n)d (%(s).1f s)."
            )
            % {
                "p": result.provinces_created,
                "c": result.communes_created,
                "u": result.updated,
                "n": result.unchanged,
                "s": time.monotonic() - started,
            }
        )

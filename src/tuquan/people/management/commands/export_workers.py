"""``tuquan export_workers --enterprise TAXCODE -o FILE [--as USERNAME]``

Writes the enterprise's workers as .xlsx with the import's headers. National ID
and phone are in clear only when the actor's role may see personal data (the
system actor may); a masked file cannot be imported again. Audited as EXPORT.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from tuquan.core.context import acting_as
from tuquan.organisations.models import Enterprise
from tuquan.people.management.commands.import_workers import (
    EXIT_CANNOT_RUN,
    find_actor,
    find_enterprise,
)
from tuquan.people.models import Worker
from tuquan.people.roster_export import export_workers


class Command(BaseCommand):
    help = "Export an enterprise's workers as an .xlsx roster."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enterprise", required=True, metavar="TAXCODE", help="tax code"
        )
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="act as this user (default: the system, with full rights)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        enterprise = find_enterprise(options["enterprise"])
        actor = find_actor(options["username"])
        # Only what the actor sees: an enterprise outside their scope is
        # reported exactly like one that does not exist.
        if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
            raise CommandError(
                _("No enterprise has the tax code %(tax_code)s.")
                % {"tax_code": options["enterprise"]},
                returncode=EXIT_CANNOT_RUN,
            )
        workers = Worker.objects.visible_to(actor).filter(enterprise=enterprise)
        with acting_as(actor, via="cli"):
            result = export_workers(
                by=actor,
                queryset=workers,
                enterprise=enterprise,
                filters={"enterprise": enterprise.pk},
            )
        out = Path(options["output"])
        out.write_bytes(result.data)
        self.stdout.write(
            _("Exported %(count)s workers to %(path)s.")
            % {"count": result.count, "path": out}
        )
        if result.masked:
            self.stdout.write(
                _(
                    "National ID and phone numbers are masked: this file cannot be "
                    "imported again."
                )
            )

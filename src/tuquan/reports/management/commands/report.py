"""``tuquan report --scope CODE --period 2021-07 -o FILE.docx``: write an
official report (and its .xlsx annex beside it) from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from django.utils.translation import gettext as _

from tuquan.accounts.models import User
from tuquan.core.context import acting_as
from tuquan.organisations.models import Organisation
from tuquan.reports import official
from tuquan.reports.models import GeneratedReport


def find_scope(code: str) -> Organisation:
    """The unit whose code (administrative code, tax code) or id is ``code``."""
    query = Q(code=code) | Q(pk=int(code)) if code.isdigit() else Q(code=code)
    matches = list(
        Organisation.objects.filter(kind__in=official.REPORT_KINDS)
        .filter(query)
        .order_by("depth")[:5]
    )
    if not matches:
        raise CommandError(_("No unit has the code “%(code)s”.") % {"code": code})
    by_code = [unit for unit in matches if unit.code == code]
    if len(by_code) > 1:
        names = "; ".join(f"{u.pk}: {u.name}" for u in by_code)
        raise CommandError(
            _("Several units have the code “%(code)s” (%(names)s): give the id.")
            % {"code": code, "names": names}
        )
    return (by_code or matches)[0]


class Command(BaseCommand):
    help = _(
        "Write the weekly or monthly official report of a unit as .docx, with its "
        ".xlsx annex beside it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scope", required=True, help=_("code or id of the unit reported on")
        )
        parser.add_argument(
            "--period", required=True, help=_("a month (2021-07) or a week (2021-W30)")
        )
        parser.add_argument(
            "-o", "--output", required=True, help=_("the .docx file to write")
        )
        parser.add_argument(
            "--user", help=_("write as this user (their scope and unit apply)")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.suffix.lower() != ".docx":
            raise CommandError(_("The output file must end in .docx."))
        scope = find_scope(str(options["scope"]))
        try:
            kind, start, _end = official.parse_period(options["period"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("No user “%(name)s”.") % {"name": options["user"]})
            if official.issuer_for(user, scope) is None:
                raise CommandError(
                    _("%(name)s may not write reports for %(unit)s.")
                    % {"name": user.username, "unit": scope.name}
                )
        with acting_as(user, via="cli"):
            try:
                report, _created = official.request_report(
                    user=user, scope=scope, kind=kind, day=start, queue=False
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            official.generate(report)
        report.refresh_from_db()
        if report.state != GeneratedReport.State.DONE:
            raise CommandError(
                _("The report could not be written: %(error)s")
                % {"error": report.error}
            )
        output.parent.mkdir(parents=True, exist_ok=True)
        annex = output.with_suffix(".xlsx")
        with report.docx.open("rb") as src:
            output.write_bytes(src.read())
        with report.xlsx.open("rb") as src:
            annex.write_bytes(src.read())
        self.stdout.write(
            _("Report written: %(docx)s (annex %(xlsx)s)")
            % {"docx": output, "xlsx": annex}
        )

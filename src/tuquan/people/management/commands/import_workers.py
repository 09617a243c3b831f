"""``tuquan import_workers FILE --enterprise TAXCODE [--dry-run] [--skip-invalid]
[--as USERNAME] [--error-file PATH]``

Exit status: 0 when the file was imported (or, with --dry-run, would be), 1 when
rows are invalid and nothing was imported, 2 when the command cannot run (unknown
enterprise or user, no permission, unreadable file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from tuquan.accounts.models import User
from tuquan.core.context import acting_as
from tuquan.core.validators import normalise_tax_code
from tuquan.organisations.models import Enterprise
from tuquan.people.roster_import import (
    ImportReport,
    SystemActor,
    error_copy,
    import_workers,
    row_ranges,
)

EXIT_INVALID = 1
EXIT_CANNOT_RUN = 2


def find_enterprise(tax_code: str) -> Enterprise:
    """The enterprise with ``tax_code`` (any spelling), or CommandError."""
    try:
        code = normalise_tax_code(tax_code)
    except ValidationError:
        code = tax_code.strip()
    enterprise = Enterprise.objects.filter(tax_code=code).first()
    if enterprise is None:
        raise CommandError(
            _("No enterprise has the tax code %(tax_code)s.") % {"tax_code": tax_code},
            returncode=EXIT_CANNOT_RUN,
        )
    return enterprise


def find_actor(username: str | None) -> Any:
    """The user named by --as, or the system actor (full rights, audited as
    "system") when the operator runs the command without --as."""
    if not username:
        return SystemActor()
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            _("No active user is called %(username)s.") % {"username": username},
            returncode=EXIT_CANNOT_RUN,
        )
    return user


class Command(BaseCommand):
    help = "Import workers from a roster file (.xlsx or .csv) into one enterprise."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="roster file, .xlsx or .csv")
        parser.add_argument(
            "--enterprise", required=True, metavar="TAXCODE", help="tax code"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file, write nothing"
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and list the skipped ones",
        )
        parser.add_argument(
            "--as",
            dest="username",
            metavar="USERNAME",
            help="act as this user (default: the system, with full rights)",
        )
        parser.add_argument(
            "--error-file",
            metavar="PATH",
            help="write a copy of the file with an error column (.xlsx)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Commands run with translations off; the output is for Vietnamese users.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(
                _("File not found: %(path)s") % {"path": path},
                returncode=EXIT_CANNOT_RUN,
            )
        enterprise = find_enterprise(options["enterprise"])
        actor = find_actor(options["username"])
        try:
            with acting_as(actor, via="cli"):
                report = import_workers(
                    source=path,
                    filename=path.name,
                    enterprise=enterprise,
                    by=actor,
                    dry_run=options["dry_run"],
                    skip_invalid=options["skip_invalid"],
                )
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=EXIT_CANNOT_RUN) from exc
        except ValidationError as exc:
            raise CommandError(
                " ".join(exc.messages), returncode=EXIT_CANNOT_RUN
            ) from exc

        if report.rows == 0:
            self.stderr.write(_("The file has no rows of workers under its header."))
            raise SystemExit(EXIT_INVALID)
        self._print_report(report, enterprise)
        if options["error_file"] and report.invalid:
            out = Path(options["error_file"])
            out.write_bytes(error_copy(source=path, filename=path.name, report=report))
            self.stdout.write(_("Error copy written to %(path)s") % {"path": out})
        if report.invalid and not report.imported and not report.skip_invalid:
            raise SystemExit(EXIT_INVALID)

    def _print_report(self, report: ImportReport, enterprise: Enterprise) -> None:
        write = self.stdout.write
        write(
            _("File: %(file)s; enterprise: %(enterprise)s (tax code %(tax_code)s)")
            % {
                "file": report.filename,
                "enterprise": enterprise,
                "tax_code": enterprise.tax_code,
            }
        )
        write(
            _(
                "Rows: %(rows)s; new: %(created)s; changed: %(updated)s; "
                "unchanged: %(unchanged)s; invalid: %(invalid)s"
            )
            % {
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "invalid": report.invalid,
            }
        )
        if report.hired:
            write(
                _("Workers hired from another enterprise: %(count)s")
                % {"count": report.hired}
            )
        if report.new_parts:
            write(
                _(
                    "Created automatically: %(workshops)s workshops, %(lines)s "
                    "production lines, %(rooms)s rooms"
                )
                % {
                    "workshops": len(report.new_workshops),
                    "lines": len(report.new_lines),
                    "rooms": len(report.new_rooms),
                }
            )
        for error in report.errors:
            self.stderr.write(
                _("Row %(row)s, column “%(column)s” (%(value)s): %(message)s")
                % {
                    "row": error.row,
                    "column": error.column,
                    "value": error.value,
                    "message": error.message,
                }
            )
        if report.dry_run:
            write(_("Dry run: nothing was written."))
        elif report.imported:
            if report.skipped_rows:
                write(
                    _("Skipped rows: %(rows)s")
                    % {"rows": row_ranges(report.skipped_rows)}
                )
            write(
                _(
                    "Imported: %(changed)s changed (%(created)s new, "
                    "%(updated)s updated)."
                )
                % {
                    "changed": report.changed,
                    "created": report.created,
                    "updated": report.updated,
                }
            )
        else:
            self.stderr.write(
                _(
                    "Nothing was imported: %(count)s rows are invalid. Correct them, "
                    "or use --skip-invalid to import the valid rows only."
                )
                % {"count": report.invalid}
            )

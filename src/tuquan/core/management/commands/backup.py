"""``tuquan backup [-o FILE] [--media]``: a consistent copy of the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuquan.core.backup import BackupError, backup_database, backup_media, default_name


class Command(BaseCommand):
    help = _(
        "Write a consistent copy of the database (SQLite: online backup; "
        "PostgreSQL: pg_dump, custom format), and of the uploaded files with --media."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o",
            "--output",
            help=_("the file to write (default: var/backups/tuquan-<time>.…)"),
        )
        parser.add_argument(
            "--media",
            action="store_true",
            help=_("also archive the uploaded files beside it (.media.tar.gz)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(
            options["output"] or Path(settings.VAR_DIR) / "backups" / default_name()
        )
        try:
            written = backup_database(target)
        except (BackupError, OSError) as exc:
            raise CommandError(
                _("Backup failed: %(reason)s") % {"reason": exc}
            ) from exc
        size = written.stat().st_size
        self.stdout.write(
            _("Database backed up to %(file)s (%(size)s bytes).")
            % {"file": written, "size": f"{size:,}".replace(",", ".")}
        )
        if options["media"]:
            archive = backup_media(target.with_name(target.name + ".media.tar.gz"))
            if archive is None:
                self.stdout.write(_("No uploaded files to archive."))
            else:
                self.stdout.write(
                    _("Uploaded files archived to %(file)s.") % {"file": archive}
                )

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from tuquan.organisations.demo import demo_logins, format_logins


class Command(BaseCommand):
    help = "List the demo logins created by `tuquan demo`, with their roles."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_logins()
        if not logins:
            self.stdout.write(_("No demo logins: run “tuquan demo” first."))
            return
        self.stdout.write(format_logins(logins))

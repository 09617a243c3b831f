from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tuquan.accounts.models import User
from tuquan.accounts.services import create_token
from tuquan.core.context import acting_as


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                _("No user named %(name)s.") % {"name": options["username"]}
            )
        with acting_as(user, via="cli"):
            _token, raw = create_token(user=user, name=options["name"])
        self.stdout.write(raw)

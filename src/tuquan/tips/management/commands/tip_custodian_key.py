"""Make the custodians' key pair for tipsters' contact details."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tuquan.tips.sealing import generate


class Command(BaseCommand):
    help = (
        "Create an X25519 key pair: the private key goes to a passphrase-protected "
        "PEM file for the custodians; the public key is printed for the setting "
        "TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="file to write the private key to")
        parser.add_argument(
            "--passphrase-file", help="read the passphrase from this file"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.exists():
            raise CommandError(f"{out} exists; not overwriting a key")
        if options["passphrase_file"]:
            passphrase = Path(options["passphrase_file"]).read_text().strip()
        else:
            passphrase = getpass.getpass("Passphrase: ")
            if passphrase != getpass.getpass("Again: "):
                raise CommandError("the passphrases differ")
        if len(passphrase) < 12:
            raise CommandError("use a passphrase of at least 12 characters")
        public, pem = generate(passphrase)
        out.touch(mode=0o600)
        out.write_bytes(pem)
        self.stdout.write(f"TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY={public}")

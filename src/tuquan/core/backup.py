"""Backups of the database (and, on request, of uploaded files).

SQLite: the online backup API copies a consistent snapshot while the
application keeps running. PostgreSQL: ``pg_dump`` in its custom format (one
consistent snapshot; restore with ``pg_restore``). Restoring is described in
``docs/operations.md``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    """The backup could not be written (the message says why)."""


def default_name(now: datetime | None = None) -> str:
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    return f"tuquan-{stamp}.{suffix}"


def backup_database(target: Path) -> Path:
    """Write a consistent copy of the default database to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        _sqlite(target)
    elif connection.vendor == "postgresql":
        _postgresql(target)
    else:
        raise BackupError(f"no backup method for {connection.vendor}")
    return target


def _sqlite(target: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    partial = target.with_name(target.name + ".part")
    destination = sqlite3.connect(partial)
    try:
        # Pages in steps, so writers are not blocked for the whole copy.
        source.backup(destination, pages=1024)
    finally:
        destination.close()
    os.replace(partial, target)


def _postgresql(target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: postgresql-client)")
    conf = connection.settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if conf.get(key):
            command.append(f"{flag}={conf[key]}")
    command.append(str(conf["NAME"]))
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        target.unlink(missing_ok=True)
        raise BackupError(done.stderr.strip() or "pg_dump failed")


def backup_media(target: Path) -> Path | None:
    """A .tar.gz of the uploaded files (evidence, photos, reports), if any."""
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return None
    with tarfile.open(target, "w:gz") as archive:
        archive.add(media, arcname="media")
    return target

"""``tuquan backup``: a copy restored into a fresh database holds the same rows."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from tests.conftest import Province


def tables() -> list[str]:
    return sorted(
        {m._meta.db_table for m in apps.get_models() if m._meta.managed}
        | {
            f.remote_field.through._meta.db_table
            for m in apps.get_models()
            for f in m._meta.local_many_to_many
        }
    )


def counts(cursor: Any) -> dict[str, int]:
    result = {}
    for table in tables():
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        result[table] = cursor.fetchone()[0]
    return result


# Committed rows, as in production: inside a test's open transaction the
# shared-cache test database would lock the backup's reads.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backup")
def test_it_copies_sqlite_online(province: Province, tmp_path: Path) -> None:
    target = tmp_path / "sao-luu" / "tuquan.sqlite3"
    call_command("backup", output=str(target))
    with connection.cursor() as cursor:
        expected = counts(cursor)
    copy = sqlite3.connect(target)
    try:
        assert counts(copy.cursor()) == expected
    finally:
        copy.close()
    assert expected["people_worker"] == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL dump")
def test_it_dumps_postgresql_and_restores_into_a_fresh_database(
    province: Province, tmp_path: Path
) -> None:
    target = tmp_path / "tuquan.dump"
    call_command("backup", output=str(target), media=True)
    with connection.cursor() as cursor:
        expected = counts(cursor)
    conf = connection.settings_dict
    fresh = f"tuquan_restore_{uuid.uuid4().hex[:8]}"
    dsn = dict(host=conf["HOST"] or "127.0.0.1", port=conf["PORT"] or 5432)
    dsn.update(user=conf["USER"], password=conf["PASSWORD"] or None)
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        env_args = ["--host", str(dsn["host"]), "--port", str(dsn["port"])]
        if dsn["user"]:
            env_args += ["--username", dsn["user"]]
        subprocess.run(
            ["pg_restore", "--no-owner", *env_args, "--dbname", fresh, str(target)],
            check=True,
            capture_output=True,
            env={"PGPASSWORD": str(dsn["password"] or ""), "PATH": "/usr/bin:/bin"},
        )
        with psycopg.connect(dbname=fresh, **dsn) as restored:
            assert counts(restored.cursor()) == expected
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
    assert expected["people_worker"] == 5


@pytest.mark.django_db
def test_it_says_why_a_backup_failed(
    tmp_path: Path, monkeypatch: Any, settings: Any
) -> None:
    if connection.vendor == "postgresql":
        monkeypatch.setattr(shutil, "which", lambda name: None)
        with pytest.raises(CommandError, match="pg_dump"):
            call_command("backup", output=str(tmp_path / "x.dump"))
    else:
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("")
        with pytest.raises(CommandError, match="not-a-folder"):
            call_command("backup", output=str(blocked / "x.sqlite3"))

"""Large set-based statements on PostgreSQL (batches of thousands of rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def array_literal(values: Iterable[Any]) -> str:
    """``{a,b,NULL}``, cast to an array type in SQL: joining 5,000 strings costs
    a fraction of adapting 5,000 values one by one. For values that need no
    quoting (numbers, UUIDs, ISO times, fixed codes); write "" for an empty
    string yourself."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def server_bound(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run ``sql`` with server-side binding on Django's connection, and so in
    its transaction. Django's cursors quote parameters into the SQL text in
    Python, which for thousands of values costs more than the statement."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql.replace("%s", "%b"), params)
        return cursor.fetchall() if cursor.description else []

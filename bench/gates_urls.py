"""URLs of the gates benchmark server: the project's, plus a bare view that
inserts one row with one ``cursor.execute`` (the baseline for single scans).

The bare table is created and dropped by bench/bench_gates.py.
"""

import uuid

import orjson
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from tuquan.urls import urlpatterns as project_urlpatterns

BARE_TABLE = "bench_gates_bare_scan"


@csrf_exempt
def bare_insert(request: HttpRequest) -> HttpResponse:
    """Read a scan-sized JSON body and store it as one row: no auth, no checks."""
    body = orjson.loads(request.body)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_TABLE} (client_id, card, direction, occurred_at) "
            "VALUES (%s, %s, %s, now())",
            [uuid.uuid4(), body["card"], body["direction"]],
        )
    return HttpResponse(b'{"ok":true}', content_type="application/json")


urlpatterns = [
    *project_urlpatterns,
    path("bench/bare-insert", bare_insert),
]

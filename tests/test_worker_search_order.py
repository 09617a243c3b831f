"""A name search is listed in name order whether it matches few workers (sorted
matches) or many (walked in name order), and counted once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.conftest import Province
from tuquan.people import filters

pytestmark = pytest.mark.django_db

NAMES = ["Nguyễn Văn Yên", "Nguyễn Thị An", "Trần Nguyên Bảo", "Lê Văn Nguyện"]
# With the team leader of the shared province, Nguyễn Văn Đông.
EXPECTED = [
    "Lê Văn Nguyện",
    "Nguyễn Thị An",
    "Nguyễn Văn Đông",
    "Nguyễn Văn Yên",
    "Trần Nguyên Bảo",
]


@pytest.mark.parametrize("broad_from", [1, 10_000])
def test_it_lists_matches_in_name_order_and_counts_them_once(
    province: Province, monkeypatch: Any, broad_from: int
) -> None:
    monkeypatch.setattr(filters, "BROAD_SEARCH", broad_from)
    for name in NAMES:
        f.make_worker(name, enterprise=province.enterprise_a)
    client = Client()
    client.force_login(province.user("province"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/workers/", {"q": "nguyen"}).content.decode()
    order = [page.index(name) for name in EXPECTED]
    assert order == sorted(order)
    counts = [
        q
        for q in queries.captured_queries
        if "COUNT(*)" in q["sql"]
        and "people_worker" in q["sql"]
        and "name_folded" in q["sql"]
    ]
    assert len(counts) == 1
    # The page itself is a LIMITed query, never the whole list of matches.
    pages = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "people_worker"' in q["sql"] and "COUNT(*)" not in q["sql"]
    ]
    assert pages and all("LIMIT" in sql for sql in pages)
    api = client.get("/api/v1/workers", {"q": "nguyen"}).json()
    assert api["count"] == len(EXPECTED)
    assert [item["full_name"] for item in api["items"]] == EXPECTED

"""The scoping proof of the foundation (tests/test_scoping_proof.py), run on
the patrol and teams-at-work pages only, with patrol rows outside every
persona's scope: checkpoints, a plan, a patrol with its log."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from tests.conftest import OUTSIDE, GateSite
from tests.test_patrol_sessions import make_checkpoints, outside_session, start
from tests.test_scoping_proof import (
    NARROW,
    OTHER_PROVINCE,
    PARAM,
    WIDE,
    build_other_province,
    check,
    fill,
    iter_routes,
    out_of_scope_ids,
)
from tuquan.patrols.services import create_plan, record_entry

MINE = ("patrols/", "teams/activity/", "teams/<int:pk>/activity/")


def patrol_rows_outside(gates: GateSite) -> list[int]:
    """A plan, a patrol and a log entry of team B, all named OUTSIDE."""
    province = gates.province
    checkpoints = make_checkpoints(province)
    theirs = outside_session(province)
    leader_b = theirs.started_by
    create_plan(
        team=province.team_b,
        name=f"Kế hoạch {OUTSIDE}",
        weekdays=[0],
        start_time=theirs.started_at.time(),
        duration_minutes=30,
        route=[checkpoints[3].pk],
        by=leader_b,
    )
    entry = record_entry(
        session=theirs,
        by=leader_b,
        client_id=uuid.uuid4(),
        kind="observation",
        text=f"Ghi nhận {OUTSIDE}",
    ).entry
    start(province)
    return [theirs.pk, entry.pk, checkpoints[3].pk]


@pytest.mark.parametrize("persona", NARROW + WIDE)
def test_it_hides_other_scopes(gates: GateSite, persona: str) -> None:
    province = gates.province
    extra = patrol_rows_outside(gates)
    other = build_other_province()
    wide = persona in WIDE
    marker = OTHER_PROVINCE if wide else OUTSIDE
    client = Client()
    client.force_login(province.user(persona))
    routes = [r for r in iter_routes() if r.startswith(MINE)]
    assert len(routes) >= 10, routes
    ids = out_of_scope_ids(province, other, wide, province.user(persona))
    if not wide:
        ids = sorted(set(ids) | set(extra))
    for route in routes:
        if not PARAM.search(route):
            url = "/" + route
            check(client.get(url), marker, f"GET {url}")
            check(client.get(url, {"q": "ngoai pham"}), marker, f"GET {url}?q=")
            continue
        for pk in ids:
            url = fill(route, pk)
            check(client.get(url), marker, f"GET {url}")
            check(client.post(url, {}), marker, f"POST {url}")

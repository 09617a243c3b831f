"""Teams at work: a team's members, pledge, patrols, reports and health
declaration rate over a quarter, checked by hand; the quarterly summary of
every team in scope, sortable and exported as .xlsx."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tests.test_patrol_sessions import make_checkpoints, outside_session, scan, start
from tuquan.health.models import DiseaseProfile, HealthDeclaration
from tuquan.organisations.models import Team
from tuquan.patrols.activity import parse_quarter, summary, team_activity
from tuquan.patrols.services import end_session, record_entry
from tuquan.people.models import TeamMembership
from tuquan.security.services import create_report

TZ = timezone.get_fixed_timezone(7 * 60)
TODAY = datetime(2026, 11, 15, 20, 0, tzinfo=TZ)


def at(day: date, hour: int = 21) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)


def declare(worker: Any, days: list[date]) -> None:
    profile = DiseaseProfile.objects.filter(active=True).first()
    for day in days:
        HealthDeclaration.objects.create(
            worker=worker,
            day=day,
            profile=profile,
            healthy=True,
            client_id=uuid.uuid4(),
            declared_at=at(day, 7),
        )


def patrol(
    province: Province,
    checkpoints: list[Any],
    day: date,
    scans: int,
    end: bool = True,
) -> None:
    leader = province.user("team_leader")
    with time_machine.travel(at(day), tick=False):
        session = start(province)
        for checkpoint in checkpoints[:scans]:
            scan(session, leader, checkpoint.code)
        if end:
            end_session(session=session, by=leader, note="")


def report(by: Any, province: Province, day: date) -> None:
    create_report(
        kind="suspicious",
        description="Người lạ đi lại nhiều lần quanh nhà xe",
        occurred_at=at(day, 19),
        received_at=at(day, 20),
        by=by,
        zone=province.zone_a,
    )


@pytest.fixture
def quarter_of_work(province: Province) -> Province:
    """Quarter 4 of 2026 as of 15/11 for team A (worked out by hand):

    - members: leader, member, and colleague who joined on 01/11 = 3; a worker
      who left on 30/09 does not count;
    - days so far: 31 (October) + 15 (November) = 46;
    - declarations: leader 10, member 5, colleague 3 = 18 (plus one of the
      leader on 30/09 and 7 of a non-member, not counted);
      rate = 18 / (3 × 46) = 0.1304;
    - patrols: two ended in the quarter (one September patrol does not count,
      nor the one still under way); scans in the quarter: 3 + 2 + 1 (the
      patrol under way) = 6; one observation;
    - reports: one by the leader's account, one by the member = 2; one by the
      enterprise officer and one by the leader in September do not count.
    """
    team = province.team_a
    TeamMembership.objects.create(
        team=team, worker=province.colleague, joined_on=date(2026, 11, 1)
    )
    gone = f.make_worker("Võ Văn Đi", enterprise=province.enterprise_a)
    TeamMembership.objects.create(
        team=team,
        worker=gone,
        joined_on=date(2026, 1, 1),
        left_on=date(2026, 9, 30),
    )
    october = [date(2026, 10, d) for d in range(1, 32)]
    declare(province.leader, [date(2026, 9, 30), *october[:10]])
    declare(province.member, october[10:15])
    declare(province.colleague, [date(2026, 11, d) for d in (2, 3, 4)])
    declare(province.resident, october[:7])
    declare(gone, [date(2026, 9, 29)])

    checkpoints = make_checkpoints(province)
    patrol(province, checkpoints, date(2026, 9, 20), scans=2)
    patrol(province, checkpoints, date(2026, 10, 5), scans=3)
    patrol(province, checkpoints, date(2026, 11, 10), scans=2)
    with time_machine.travel(at(date(2026, 11, 10), 22), tick=False):
        session = team.patrol_sessions.order_by("-started_at").first()
        # An observation made during the second patrol, sent after its end.
        record_entry(
            session=session,
            by=province.user("team_leader"),
            client_id=uuid.uuid4(),
            kind="observation",
            text="Bóng đèn hành lang cháy",
            occurred_at=at(date(2026, 11, 10), 21) + timedelta(minutes=1),
        )
    patrol(province, checkpoints, date(2026, 11, 14), scans=1, end=False)

    report(province.user("team_leader"), province, date(2026, 9, 25))
    report(province.user("team_leader"), province, date(2026, 10, 20))
    report(province.user("worker"), province, date(2026, 11, 2))
    report(province.user("enterprise"), province, date(2026, 11, 3))
    return province


def test_it_works_out_a_quarter_by_hand(quarter_of_work: Province) -> None:
    province = quarter_of_work
    q4 = parse_quarter("2026-Q4")
    with time_machine.travel(TODAY, tick=False):
        activity = team_activity(province.team_a, q4.start, q4.end)
    assert activity.members == 3
    assert activity.declaration_days == 46
    assert activity.declarations == 18
    assert activity.declaration_rate == pytest.approx(18 / 138)
    assert activity.sessions == 2
    assert activity.scans == 6
    assert activity.observations == 1
    assert activity.reports == 2
    assert not activity.pledge_recorded


def test_it_counts_a_past_quarter_to_its_end(quarter_of_work: Province) -> None:
    province = quarter_of_work
    q3 = parse_quarter("2026-Q3")
    with time_machine.travel(TODAY, tick=False):
        activity = team_activity(province.team_a, q3.start, q3.end)
    # Leader, member and the worker who left on 30/09; 92 days in Q3.
    assert activity.members == 3
    assert activity.declaration_days == 92
    assert activity.declarations == 2
    assert activity.sessions == 1 and activity.scans == 2
    assert activity.reports == 1


def test_it_matches_the_summary_with_the_team_figures(
    quarter_of_work: Province,
) -> None:
    province = quarter_of_work
    q4 = parse_quarter("2026-Q4")
    with time_machine.travel(TODAY, tick=False):
        rows = {
            t.pk: t
            for t in summary(
                Team.objects.visible_to(province.user("enterprise")), q4.start, q4.end
            )
        }
    assert set(rows) == {province.team_a.pk}
    row = rows[province.team_a.pk]
    assert (row.members_n, row.sessions_n, row.scans_n, row.reports_n) == (3, 2, 6, 2)
    assert row.declarations_n == 18
    assert row.rate == pytest.approx(18 / 138)


def test_it_shows_the_pledge_only_when_recorded(province: Province) -> None:
    client = Client()
    client.force_login(province.user("team_leader"))
    url = reverse("team_activity", args=[province.team_a.pk])
    assert "Chưa ghi nhận quy ước tự quản của tổ." in client.get(url).content.decode()
    province.team_a.pledge = "Không trộm cắp, không đánh bạc, giữ vệ sinh chung."
    province.team_a.save()
    page = client.get(url).content.decode()
    assert "Không trộm cắp, không đánh bạc" in page


def test_it_shows_the_team_panel_and_page(quarter_of_work: Province) -> None:
    province = quarter_of_work
    client = Client()
    client.force_login(province.user("zone"))
    with time_machine.travel(TODAY, tick=False):
        panel = client.get(
            reverse("team_activity_panel", args=[province.team_a.pk]),
            headers={"HX-Request": "true"},
        ).content.decode()
        page = client.get(
            reverse("team_activity", args=[province.team_a.pk]), {"quarter": "2026-q4"}
        ).content.decode()
        wrong = client.get(
            reverse("team_activity", args=[province.team_a.pk]), {"quarter": "quý 4"}
        ).content.decode()
    assert "Quý 4/2026" in panel
    assert "13,0 %" in panel and "18 lượt khai báo / 3 thành viên × 46 ngày" in panel
    assert "Từ 01/10/2026 đến 31/12/2026." in page
    assert "2026-Q4" in wrong and "Quý 4/2026" in wrong  # explained, current quarter


def test_it_sorts_and_exports_the_quarterly_summary(
    quarter_of_work: Province,
) -> None:
    province = quarter_of_work
    client = Client()
    client.force_login(province.user("commune"))
    with time_machine.travel(TODAY, tick=False):
        page = client.get(
            reverse("team_activity_summary"), {"quarter": "2026-Q4", "sort": "-rate"}
        ).content.decode()
        export = client.get(
            reverse("team_activity_export"), {"quarter": "2026-Q4", "sort": "-rate"}
        )
    # The boarding-house team (7 / (1 × 46) = 15 %) before team A (13 %).
    assert page.index(province.team_a_residence.name) < page.index(province.team_a.name)
    assert OUTSIDE not in page
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Hoạt động của các tổ tự quản, Quý 4/2026"
    assert rows[1][:4] == ("Tổ", "Doanh nghiệp hoặc nhà trọ", "Tổ trưởng", "Thành viên")
    assert rows[2][0] == province.team_a_residence.name
    assert rows[2][3:] == (1, "chưa ghi nhận", 0, 0, 0, 0, 7, round(7 / 46, 4))
    assert rows[3][0] == province.team_a.name
    assert rows[3][3:] == (3, "chưa ghi nhận", 2, 6, 1, 2, 18, round(18 / 138, 4))
    assert len(rows) == 4


def test_it_keeps_the_summary_queries_flat(province: Province) -> None:
    client = Client()
    client.force_login(province.user("province"))
    url = reverse("team_activity_summary")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(6):
        f.make_team(f"Tổ thêm {n}", enterprise=province.enterprise_a2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_hides_other_scopes(province: Province) -> None:
    make_checkpoints(province)
    outside_session(province)
    start(province)
    for persona in ("team_leader", "enterprise", "zone", "commune", "outsider"):
        client = Client()
        client.force_login(province.user(persona))
        for url in (
            reverse("team_activity", args=[province.team_b.pk]),
            reverse("team_activity_panel", args=[province.team_b.pk]),
        ):
            assert client.get(url).status_code == 404, (persona, url)
        for url in (
            reverse("team_activity_summary"),
            reverse("team_activity_summary") + "?sort=-sessions",
        ):
            assert OUTSIDE not in client.get(url).content.decode(), persona
        export = client.get(reverse("team_activity_export"))
        book = openpyxl.load_workbook(io.BytesIO(export.content))
        cells = " ".join(
            str(c) for row in book.active.iter_rows(values_only=True) for c in row if c
        )
        assert OUTSIDE not in cells, persona


def test_it_gives_the_team_page_a_slot_for_the_panel(province: Province) -> None:
    html = render_to_string(
        "patrols/team_activity_slot.html", {"team": province.team_a}
    )
    panel = reverse("team_activity_panel", args=[province.team_a.pk])
    assert f'hx-get="{panel}"' in html and 'hx-trigger="load"' in html

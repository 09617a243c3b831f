"""The demo's Letter 23/BCĐ-CAT: four tasks assigned to the province's
agencies, the commune and the zone, reports in several states and buckets,
and the letter's public summary on the bulletin."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests import factories as f
from tests.conftest import Province
from tuquan.accounts.choices import Role
from tuquan.directives import queries
from tuquan.directives.choices import Bucket, ReportState
from tuquan.directives.demo import write_directives
from tuquan.directives.models import Directive, Notice, ProgressReport
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.demo import SHOWCASE_ZONE
from tuquan.organisations.models import Organisation


class Writer:
    """The parts of the demo builder that ``write_directives`` uses."""

    def __init__(self, province: Province) -> None:
        def agency(name: str, function: str) -> Organisation:
            return Organisation.objects.create(
                kind=OrgKind.AGENCY,
                name=name,
                parent=province.province,
                jurisdiction=province.province,
                function=function,
            )

        self.bodies = {
            "committee": province.committee,
            "police": province.police,
            "health": agency("Sở Y tế", AgencyFunction.HEALTH),
            "park_board": agency("Ban Quản lý các KCN", AgencyFunction.PARK_BOARD),
            "labour_federation": agency("LĐLĐ tỉnh", AgencyFunction.LABOUR_FEDERATION),
        }
        self.zones = {SHOWCASE_ZONE: province.zone_a}
        self.said: list[str] = []
        self.counts: dict[Any, int] = {}

    def say(self, message: str) -> None:
        self.said.append(message)

    def count(self, model: Any, n: int) -> None:
        self.counts[model] = self.counts.get(model, 0) + n


def test_it_seeds_letter_23_with_reports_in_several_buckets(
    province: Province,
) -> None:
    writer = Writer(province)
    users = {
        "bcd.tinh": province.user("province"),
        "congan.tinh": province.user("police"),
        "yte.tinh": f.make_user("yte", Role.AGENCY_OFFICER, writer.bodies["health"]),
        "bql.kcn": f.make_user("bql", Role.AGENCY_OFFICER, writer.bodies["park_board"]),
        "xa.hoaphu": province.user("commune"),
        "kcn.hoaphu": province.user("zone"),
    }
    letter = write_directives(writer, users)
    assert letter.number == "23/BCĐ-CAT"
    assert letter.issued_on.isoformat() == "2021-07-26"
    assert letter.tasks.count() == 4
    assert Directive.objects.count() == 2
    states = set(ProgressReport.objects.values_list("state", flat=True))
    assert states == {ReportState.APPROVED, ReportState.RETURNED, ReportState.SUBMITTED}
    rows = queries.directive_list(province.user("province"))
    buckets = {t.bucket for row in rows for t in row.tasks}
    assert {Bucket.DONE_ON_TIME, Bucket.DONE_LATE, Bucket.OVERDUE} <= buckets
    assert Bucket.IN_PROGRESS in buckets
    notice = Notice.objects.get()
    assert notice.is_public and notice.directive == letter
    assert "23/BCĐ-CAT" in Client().get("/ban-tin/").content.decode()
    # The commune officer has tasks to accept in "Việc phải làm".
    inbox = Client()
    inbox.force_login(province.user("commune"))
    assert "23/BCĐ-CAT" in inbox.get("/directives/inbox/").content.decode()

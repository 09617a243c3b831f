"""The report workflow: every transition, allowed and forbidden, for every role.

The expectations below are the specification written out by hand (not read
from the service's table): who may move a report at enterprise A from which
status to which.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tests import factories as f
from tests.conftest import Province
from tuquan.accounts.choices import Role
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.security.choices import ReportStatus
from tuquan.security.models import IncidentReport, ReportTransition
from tuquan.security.services import (
    allowed_transitions,
    create_report,
    transition_report,
)

S = ReportStatus
VERIFY = {"police", "commune_police", "commune", "zone", "enterprise"}
SUPERVISE = {"police", "commune_police", "commune", "zone"}
# (from, to) → personas allowed, for a report assigned to enterprise security.
ALLOWED: dict[tuple[str, str], set[str]] = {
    (S.RECEIVED, S.VERIFYING): VERIFY,
    (S.REOPENED, S.VERIFYING): VERIFY,
    (S.RECEIVED, S.REJECTED): SUPERVISE,
    (S.VERIFYING, S.REJECTED): SUPERVISE,
    (S.RECEIVED, S.DUPLICATE): VERIFY,
    (S.VERIFYING, S.DUPLICATE): VERIFY,
    (S.VERIFYING, S.ASSIGNED): SUPERVISE,
    (S.ASSIGNED, S.ASSIGNED): SUPERVISE,
    (S.ASSIGNED, S.IN_HANDLING): {"enterprise"},
    (S.IN_HANDLING, S.RESOLVED): {"enterprise"},
    (S.RESOLVED, S.CLOSED): SUPERVISE,
    (S.RESOLVED, S.REOPENED): SUPERVISE | {"province"},
    (S.CLOSED, S.REOPENED): SUPERVISE | {"province"},
    (S.REJECTED, S.REOPENED): SUPERVISE | {"province"},
    (S.DUPLICATE, S.REOPENED): SUPERVISE | {"province"},
}
PERSONAS = [
    "police",
    "commune_police",
    "commune_police_b",
    "province",
    "commune",
    "zone",
    "enterprise",
    "team_leader",
    "worker",
    "auditor",
    "outsider",
    "enterprise_b",
]


def commune_police(province: Province, commune: Any, username: str) -> Any:
    """A commune police station (agency, function police, jurisdiction the
    commune) and one officer."""
    station = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name=f"Công an {commune.name}",
        parent=commune,
        jurisdiction=commune,
        function=AgencyFunction.POLICE,
    )
    user = f.make_user(
        username, Role.AGENCY_OFFICER, station, function=AgencyFunction.POLICE
    )
    return station, user


@pytest.fixture
def people(province: Province) -> dict[str, Any]:
    users = dict(province.users)
    users["commune_police"] = commune_police(province, province.commune_a, "cax")[1]
    users["commune_police_b"] = commune_police(province, province.commune_b, "caxb")[1]
    return users


def make_report(province: Province, kind: str = "suspicious") -> IncidentReport:
    return create_report(
        kind=kind,
        description="Có người lạ lảng vảng trước cổng xưởng",
        occurred_at=timezone.now(),
        by=province.user("worker"),
    )


def _set_state(report: IncidentReport, status: str) -> None:
    IncidentReport.objects.filter(pk=report.pk).update(
        status=status,
        assignee="enterprise_security" if status in (S.ASSIGNED, S.IN_HANDLING) else "",
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_allows_exactly_the_transitions_of_each_role(
    province: Province, people: dict[str, Any], persona: str
) -> None:
    user = people[persona]
    report = make_report(province)
    other = make_report(province)
    for src in S.values:
        for to in S.values:
            _set_state(report, src)
            report.refresh_from_db()
            expected = persona in ALLOWED.get((src, to), set())
            steps = ReportTransition.objects.filter(report=report).count()
            assert (to in allowed_transitions(user, report)) == expected, (src, to)
            if expected:
                moved = transition_report(
                    report=report,
                    to=to,
                    by=user,
                    note="ghi chú",
                    assignee="enterprise_security",
                    reason="Thông tin không đúng",
                    duplicate_of=other,
                )
                assert moved.status == to
                last = ReportTransition.objects.filter(report=report).last()
                assert (last.from_status, last.to_status, last.by) == (src, to, user)
            else:
                with pytest.raises((PermissionDenied, ValidationError)):
                    transition_report(
                        report=report,
                        to=to,
                        by=user,
                        assignee="enterprise_security",
                        reason="x",
                        duplicate_of=other,
                    )
                report.refresh_from_db()
                assert report.status == src
                assert ReportTransition.objects.filter(report=report).count() == steps


@pytest.mark.parametrize(
    ("assignee", "handler", "not_handler"),
    [
        ("zone_board", "zone", "enterprise"),
        ("commune_police", "commune_police", "zone"),
        ("enterprise_security", "enterprise", "commune_police"),
    ],
)
def test_it_lets_only_the_assignee_handle(
    province: Province,
    people: dict[str, Any],
    assignee: str,
    handler: str,
    not_handler: str,
) -> None:
    report = make_report(province)
    transition_report(report=report, to=S.VERIFYING, by=people["zone"])
    transition_report(
        report=report, to=S.ASSIGNED, by=people["commune"], assignee=assignee
    )
    with pytest.raises(PermissionDenied):
        transition_report(report=report, to=S.IN_HANDLING, by=people[not_handler])
    transition_report(report=report, to=S.IN_HANDLING, by=people[handler])
    transition_report(report=report, to=S.RESOLVED, by=people[handler], note="Xong")
    closed = transition_report(report=report, to=S.CLOSED, by=people["police"])
    assert closed.status == S.CLOSED
    assert [t.to_status for t in closed.transitions.all()] == [
        S.RECEIVED,
        S.VERIFYING,
        S.ASSIGNED,
        S.IN_HANDLING,
        S.RESOLVED,
        S.CLOSED,
    ]


def test_it_requires_a_reason_to_reject(province: Province) -> None:
    report = make_report(province)
    with pytest.raises(ValidationError) as exc:
        transition_report(
            report=report, to=S.REJECTED, by=province.user("zone"), reason="  "
        )
    assert exc.value.message_dict["reason"] == [
        _("Give the reason for rejecting the report.")
    ]
    report.refresh_from_db()
    assert report.status == S.RECEIVED
    done = transition_report(
        report=report, to=S.REJECTED, by=province.user("zone"), reason="Tin sai"
    )
    assert done.rejection_reason == "Tin sai"


def test_it_requires_an_assignee_and_a_visible_duplicate(province: Province) -> None:
    report = make_report(province)
    zone = province.user("zone")
    transition_report(report=report, to=S.VERIFYING, by=zone)
    with pytest.raises(ValidationError) as exc:
        transition_report(report=report, to=S.ASSIGNED, by=zone, assignee="")
    assert "assignee" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        transition_report(report=report, to=S.DUPLICATE, by=zone)
    assert "duplicate_of" in exc.value.message_dict
    elsewhere = create_report(
        kind="suspicious",
        description="Ở khu khác",
        occurred_at=timezone.now(),
        enterprise=province.enterprise_b,
    )
    with pytest.raises(ValidationError) as exc:
        transition_report(
            report=report, to=S.DUPLICATE, by=zone, duplicate_of=elsewhere
        )
    assert "duplicate_of" in exc.value.message_dict
    original = make_report(province)
    dup = transition_report(
        report=report, to=S.DUPLICATE, by=zone, duplicate_of=original
    )
    assert dup.duplicate_of == original
    reopened = transition_report(report=report, to=S.REOPENED, by=zone)
    assert reopened.duplicate_of is None


def test_it_explains_a_transition_the_workflow_does_not_allow(
    province: Province,
) -> None:
    report = make_report(province)
    with pytest.raises(ValidationError) as exc:
        transition_report(report=report, to=S.CLOSED, by=province.user("police"))
    assert exc.value.message_dict["to"] == [
        _("A report that is “%(from)s” cannot become “%(to)s”.")
        % {"from": S.RECEIVED.label, "to": S.CLOSED.label}
    ]


def test_it_lets_only_the_police_reject_a_possible_crime(
    province: Province, people: dict[str, Any]
) -> None:
    report = make_report(province, kind="theft")
    for persona in ("zone", "commune"):
        assert S.REJECTED not in allowed_transitions(people[persona], report)
        with pytest.raises(PermissionDenied):
            transition_report(
                report=report, to=S.REJECTED, by=people[persona], reason="Không"
            )
    done = transition_report(
        report=report,
        to=S.REJECTED,
        by=people["commune_police"],
        reason="Tài sản bị thất lạc, không phải trộm cắp",
    )
    assert done.status == S.REJECTED


def test_it_keeps_the_timeline_append_only(province: Province) -> None:
    report = make_report(province)
    entry = report.transitions.get()
    entry.note = "sửa"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert report.transitions.get().note == ""


def test_it_shows_the_reporter_only_what_is_visible_to_them(
    province: Province,
) -> None:
    report = make_report(province)
    zone = province.user("zone")
    transition_report(report=report, to=S.VERIFYING, by=zone, note="Đang xác minh")
    transition_report(
        report=report,
        to=S.ASSIGNED,
        by=zone,
        assignee="zone_board",
        note="Nghi vấn liên quan đối tượng X",
        visible_to_reporter=False,
    )
    public = [t.note for t in report.transitions.for_reporter()]
    assert "Đang xác minh" in public
    assert "Nghi vấn liên quan đối tượng X" not in public

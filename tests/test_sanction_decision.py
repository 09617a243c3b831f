"""Sanction decisions: one subject, the fine within the provisions' range
(twice for organisations, summed over violations), the authority's ceiling,
enforcement dates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import Province
from tests.test_violation_record import make_violation
from tuquan.violations.choices import EnforcementState, SubjectKind, ViolationState
from tuquan.violations.models import Authority, SanctionDecision, Violation
from tuquan.violations.services import issue_decision, update_enforcement

pytestmark = pytest.mark.django_db


def decide(
    province: Province, violations: list[Violation], by: Any = None, **extra: Any
) -> Any:
    values: dict[str, Any] = {
        "authority": Authority.objects.get(code="ct-ubnd-huyen"),
        "number": "15/QĐ-XPHC",
        "issuing_body": "UBND xã Hòa Phú",
        "signer_name": "Nguyễn Văn Chủ",
        "place_name": "Hòa Phú",
        "fine_amount": 2_000_000,
        "issued_on": timezone.localdate(),
    }
    values.update(extra)
    by = by or province.users["zone"]
    return issue_decision(by=by, violations=violations, **values)


def test_it_issues_a_decision_for_an_individual(province: Province) -> None:
    violation = make_violation(province)
    decision = decide(province, [violation])
    violation.refresh_from_db()
    assert violation.decision == decision
    assert violation.state == ViolationState.DECIDED
    assert decision.subject_label == province.member.full_name
    assert decision.scope_path == province.enterprise_a.path
    assert decision.state == EnforcementState.ISSUED


@pytest.mark.parametrize("fine", [999_999, 3_000_001, 0])
def test_it_refuses_a_fine_outside_the_individual_range(
    province: Province, fine: int
) -> None:
    violation = make_violation(province)
    with pytest.raises(ValidationError) as err:
        decide(province, [violation], fine_amount=fine)
    assert "fine_amount" in err.value.message_dict
    assert "1.000.000" in err.value.message_dict["fine_amount"][0]
    assert SanctionDecision.objects.count() == 0
    violation.refresh_from_db()
    assert violation.decision is None


def test_it_doubles_the_range_for_an_organisation(province: Province) -> None:
    violation = make_violation(
        province,
        subject_kind=SubjectKind.ORGANISATION,
        worker=None,
        organisation=province.enterprise_a2,
        code="nd117-tu-tap-kinh-doanh",
    )
    with pytest.raises(ValidationError):
        decide(province, [violation], fine_amount=19_999_999)
    with pytest.raises(ValidationError):
        decide(province, [violation], fine_amount=40_000_001)
    assert (
        decide(province, [violation], fine_amount=40_000_000).fine_amount == 40_000_000
    )


def test_it_sums_the_ranges_of_several_violations(province: Province) -> None:
    first = make_violation(province, number="1")
    second = make_violation(province, number="2", code="nd117-xet-nghiem")
    with pytest.raises(ValidationError):
        decide(province, [first, second], fine_amount=1_500_000)
    decision = decide(province, [first, second], fine_amount=5_000_000)
    assert decision.violations.count() == 2


def test_it_refuses_violations_of_different_subjects(province: Province) -> None:
    mine = make_violation(province, number="1")
    theirs = make_violation(province, number="2", worker=province.colleague)
    with pytest.raises(ValidationError) as err:
        decide(province, [mine, theirs])
    message = err.value.message_dict["violations"][0]
    assert (
        province.member.full_name in message and province.colleague.full_name in message
    )
    assert SanctionDecision.objects.count() == 0
    assert Violation.objects.filter(decision__isnull=False).count() == 0


def test_it_refuses_a_violation_already_decided(province: Province) -> None:
    violation = make_violation(province)
    decide(province, [violation])
    with pytest.raises(ValidationError) as err:
        decide(province, [violation], number="16/QĐ-XPHC")
    assert "violations" in err.value.message_dict


def test_it_refuses_a_fine_above_the_authoritys_ceiling(province: Province) -> None:
    violation = make_violation(province, code="nd117-kiem-tra-vung-dich")
    commune_chair = Authority.objects.get(code="ct-ubnd-xa")
    with pytest.raises(ValidationError) as err:
        decide(province, [violation], authority=commune_chair, fine_amount=20_000_000)
    assert "fine_amount" in err.value.message_dict
    assert SanctionDecision.objects.count() == 0


def test_it_refuses_a_duplicate_number_from_the_same_body(province: Province) -> None:
    decide(province, [make_violation(province, number="1")])
    with pytest.raises(ValidationError) as err:
        decide(
            province, [make_violation(province, number="2", worker=province.colleague)]
        )
    assert "number" in err.value.message_dict
    assert SanctionDecision.objects.count() == 1


def test_it_refuses_deciding_outside_the_officers_subtree(province: Province) -> None:
    violation = make_violation(province)
    with pytest.raises(PermissionDenied):
        issue_decision(
            by=province.users["enterprise"],
            violations=[violation],
            authority=Authority.objects.first(),
            number="1",
            issuing_body="X",
            signer_name="Y",
            place_name="Z",
            fine_amount=1_000_000,
        )


def test_it_refuses_a_payment_before_the_decision(province: Province) -> None:
    decision = decide(
        province,
        [make_violation(province)],
        issued_on=timezone.localdate() - timedelta(days=5),
    )
    with pytest.raises(ValidationError) as err:
        update_enforcement(
            decision=decision,
            by=province.users["zone"],
            state=EnforcementState.PAID,
            paid_on=decision.issued_on - timedelta(days=1),
        )
    assert "paid_on" in err.value.message_dict
    decision.refresh_from_db()
    assert decision.state == EnforcementState.ISSUED and decision.paid_on is None


def test_it_records_payment_and_an_appeal(province: Province) -> None:
    decision = decide(
        province,
        [make_violation(province)],
        issued_on=timezone.localdate() - timedelta(days=5),
    )
    update_enforcement(
        decision=decision,
        by=province.users["commune"],
        state=EnforcementState.PAID,
        paid_on=timezone.localdate(),
        appeal_state="lodged",
        appeal_note="Đương sự khiếu nại mức phạt.",
    )
    decision.refresh_from_db()
    assert decision.state == EnforcementState.PAID
    assert decision.appeal_state == "lodged"


def test_it_refuses_a_deadline_before_the_issue_date(province: Province) -> None:
    with pytest.raises(ValidationError) as err:
        decide(
            province,
            [make_violation(province)],
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert "due_on" in err.value.message_dict

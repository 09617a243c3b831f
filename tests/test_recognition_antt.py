"""Recognition "An toàn về ANTT": registration in the first quarter only, not
for small enterprises, self-assessment with evidence, the police's decision."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import Province
from tuquan.recognition.choices import RecognitionState
from tuquan.recognition.models import Recognition, RecognitionCriterion
from tuquan.recognition.services import (
    current_criteria,
    decide_recognition,
    register_recognition,
    self_assess,
)

MARCH = date(2026, 3, 10)


def big(province: Province) -> None:
    province.enterprise_a.registered_workforce = 350
    province.enterprise_a.save()


def register(province: Province, today: date = MARCH) -> Recognition:
    big(province)
    return register_recognition(
        enterprise=province.enterprise_a,
        by=province.user("enterprise"),
        today=today,
        client_id=uuid.uuid4(),
    )


def all_met() -> dict[int, dict[str, object]]:
    return {c.number: {"met": True, "evidence": "Biên bản"} for c in current_criteria()}


def test_it_ships_criterion_one_verified_and_the_rest_to_verify(db: None) -> None:
    criteria = current_criteria()
    first = criteria[0]
    assert first.number == 1 and not first.to_verify
    assert len(first.sub_item_list) == 4
    assert "100 %" in first.sub_items
    assert all(c.to_verify for c in criteria[1:])


def test_it_registers_in_the_first_quarter(province: Province) -> None:
    recognition = register(province)
    assert recognition.year == 2026
    assert recognition.assessments.count() == RecognitionCriterion.objects.count()


def test_it_refuses_registration_outside_the_first_quarter(province: Province) -> None:
    big(province)
    with pytest.raises(ValidationError) as exc:
        register_recognition(
            enterprise=province.enterprise_a,
            by=province.user("enterprise"),
            today=date(2026, 4, 1),
        )
    assert "quý" in str(exc.value) or "first quarter" in str(exc.value)
    assert not Recognition.objects.exists()


def test_it_uses_todays_date_when_none_given(province: Province) -> None:
    big(province)
    with time_machine.travel(date(2026, 7, 1)):
        with pytest.raises(ValidationError):
            register_recognition(
                enterprise=province.enterprise_a, by=province.user("enterprise")
            )
    with time_machine.travel(date(2026, 1, 1)):
        register_recognition(
            enterprise=province.enterprise_a, by=province.user("enterprise")
        )
    assert Recognition.objects.count() == 1


def test_it_refuses_small_enterprises(province: Province) -> None:
    # The fixture's enterprises have 100 registered workers: small.
    with pytest.raises(ValidationError) as exc:
        register_recognition(
            enterprise=province.enterprise_a,
            by=province.user("enterprise"),
            today=MARCH,
        )
    assert "enterprise" in exc.value.error_dict
    assert not Recognition.objects.exists()


def test_it_refuses_a_second_registration_in_a_year(province: Province) -> None:
    register(province)
    with pytest.raises(ValidationError):
        register(province, today=date(2026, 3, 20))
    assert Recognition.objects.count() == 1


def test_it_replays_a_retried_registration(province: Province) -> None:
    big(province)
    client_id = uuid.uuid4()
    kwargs = {
        "enterprise": province.enterprise_a,
        "by": province.user("enterprise"),
        "today": MARCH,
        "client_id": client_id,
    }
    first = register_recognition(**kwargs)
    again = register_recognition(**kwargs)
    assert again.pk == first.pk and Recognition.objects.count() == 1


def test_it_lets_only_the_enterprise_register(province: Province) -> None:
    big(province)
    for persona in ("enterprise_b", "worker", "police"):
        with pytest.raises(PermissionDenied):
            register_recognition(
                enterprise=province.enterprise_a, by=province.user(persona), today=MARCH
            )


def test_it_needs_evidence_for_a_criterion_claimed_met(province: Province) -> None:
    recognition = register(province)
    answers = all_met()
    answers[1] = {"met": True, "evidence": "  "}
    with pytest.raises(ValidationError) as exc:
        self_assess(
            recognition=recognition,
            by=province.user("enterprise"),
            answers=answers,
            today=MARCH,
        )
    assert "criterion_1" in exc.value.error_dict
    recognition.refresh_from_db()
    assert recognition.state == RecognitionState.REGISTERED
    assert not recognition.assessments.filter(self_met__isnull=False).exists()


def test_it_needs_every_criterion_answered(province: Province) -> None:
    recognition = register(province)
    answers = all_met()
    del answers[3]
    with pytest.raises(ValidationError) as exc:
        self_assess(
            recognition=recognition,
            by=province.user("enterprise"),
            answers=answers,
            today=MARCH,
        )
    assert "criterion_3" in exc.value.error_dict


def test_it_lets_the_police_decide(province: Province) -> None:
    recognition = register(province)
    self_assess(
        recognition=recognition,
        by=province.user("enterprise"),
        answers=all_met(),
        today=MARCH,
    )
    with pytest.raises(PermissionDenied):
        decide_recognition(
            recognition=recognition,
            by=province.user("commune"),
            findings=all_met(),
            recognised=True,
            decision_number="12/QĐ-CAT",
            decision_date=date(2026, 12, 20),
        )
    decide_recognition(
        recognition=recognition,
        by=province.user("police"),
        findings=all_met(),
        recognised=True,
        decision_number="12/QĐ-CAT",
        decision_date=date(2026, 12, 20),
    )
    recognition.refresh_from_db()
    assert recognition.recognised is True
    assert recognition.state == RecognitionState.DECIDED
    assert recognition.assessments.filter(police_met=True).count() == len(all_met())


def test_it_refuses_recognising_with_an_unmet_criterion(province: Province) -> None:
    recognition = register(province)
    self_assess(
        recognition=recognition,
        by=province.user("enterprise"),
        answers=all_met(),
        today=MARCH,
    )
    findings = all_met()
    findings[2] = {"met": False, "note": "Có vụ tụ tập đông người"}
    with pytest.raises(ValidationError) as exc:
        decide_recognition(
            recognition=recognition,
            by=province.user("police"),
            findings=findings,
            recognised=True,
            decision_number="13/QĐ-CAT",
            decision_date=date(2026, 12, 20),
        )
    assert "recognised" in exc.value.error_dict
    recognition.refresh_from_db()
    assert recognition.state == RecognitionState.SELF_ASSESSED
    decide_recognition(
        recognition=recognition,
        by=province.user("police"),
        findings=findings,
        recognised=False,
        decision_number="13/QĐ-CAT",
        decision_date=date(2026, 12, 20),
    )
    recognition.refresh_from_db()
    assert recognition.recognised is False


def test_it_keeps_a_history_per_year(province: Province) -> None:
    register(province)
    register(province, today=date(2027, 2, 1))
    years = list(
        Recognition.objects.filter(enterprise=province.enterprise_a).values_list(
            "year", flat=True
        )
    )
    assert years == [2027, 2026]

"""Registry services for tree nodes: scope checks, idempotency, mode history."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import Province
from tests.factories import valid_tax_code
from tuquan.organisations.choices import OperatingMode
from tuquan.organisations.models import Enterprise, OperatingModeChange
from tuquan.organisations.services import change_operating_mode, save_node


def test_it_creates_an_enterprise_under_its_zone(province: Province) -> None:
    enterprise = save_node(
        node=Enterprise(
            name="Công ty TNHH Bao bì Ea Tam",
            tax_code=valid_tax_code(),
            zone=province.zone_a,
        ),
        by=province.user("zone"),
    )
    assert enterprise.path.startswith(province.zone_a.path)
    assert enterprise.code == enterprise.tax_code


def test_it_rejects_a_tax_code_with_a_wrong_check_digit(province: Province) -> None:
    good = valid_tax_code()
    bad = good[:9] + str((int(good[9]) + 1) % 10)
    with pytest.raises(ValidationError) as exc:
        save_node(
            node=Enterprise(name="X", tax_code=bad, zone=province.zone_a),
            by=province.user("zone"),
        )
    assert "tax_code" in exc.value.message_dict


def test_it_refuses_to_create_outside_the_scope(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        save_node(
            node=Enterprise(name="X", tax_code=valid_tax_code(), zone=province.zone_b),
            by=province.user("zone"),
        )


def test_it_refuses_a_team_leader_creating_an_enterprise(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        save_node(
            node=Enterprise(name="X", tax_code=valid_tax_code(), zone=province.zone_a),
            by=province.user("team_leader"),
        )


def test_it_returns_the_first_node_for_a_repeated_client_id(province: Province) -> None:
    client_id = uuid.uuid4()
    code = valid_tax_code()
    first = save_node(
        node=Enterprise(name="A", tax_code=code, zone=province.zone_a),
        by=province.user("zone"),
        client_id=client_id,
    )
    again = save_node(
        node=Enterprise(name="A", tax_code=code, zone=province.zone_a),
        by=province.user("zone"),
        client_id=client_id,
    )
    assert again.pk == first.pk
    assert Enterprise.objects.filter(tax_code=code).count() == 1


def test_it_keeps_the_history_of_operating_modes(province: Province) -> None:
    change_operating_mode(
        enterprise=province.enterprise_a,
        mode=OperatingMode.ON_SITE,
        effective_on=date(2021, 7, 26),
        reason="F0 trong khu",
        by=province.user("enterprise"),
    )
    change_operating_mode(
        enterprise=province.enterprise_a,
        mode=OperatingMode.NORMAL,
        effective_on=date(2021, 10, 1),
        reason="Hết dịch",
        by=province.user("enterprise"),
    )
    history = list(OperatingModeChange.objects.filter(enterprise=province.enterprise_a))
    assert [(h.previous_mode, h.mode) for h in history] == [
        (OperatingMode.ON_SITE, OperatingMode.NORMAL),
        (OperatingMode.NORMAL, OperatingMode.ON_SITE),
    ]
    assert history[0].changed_by == province.user("enterprise")


def test_it_requires_a_reason_to_change_mode(province: Province) -> None:
    with pytest.raises(ValidationError):
        change_operating_mode(
            enterprise=province.enterprise_a,
            mode=OperatingMode.SUSPENDED,
            effective_on=date(2021, 7, 26),
            reason=" ",
            by=province.user("enterprise"),
        )

"""Visitors: check-in with an encrypted citizen ID and a host enterprise of the
gate's zone, check-out, and the pages guards use."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests import factories as f
from tests.conftest import OUTSIDE, GateSite
from tuquan.core.models import AuditEntry
from tuquan.gates.models import Visitor
from tuquan.gates.vehicles import check_in_visitor, check_out_visitor

NATIONAL_ID = "066095123456"


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def visitor_values(gates: GateSite, **extra: Any) -> dict[str, Any]:
    return {
        "full_name": "Đặng Thị Thu",
        "national_id": "066 095 123 456",
        "organisation_name": "Công ty Vận tải Sài Gòn",
        "host": gates.province.enterprise_a,
        "purpose": "Giao hàng",
        **extra,
    }


def check_in(gates: GateSite, **extra: Any) -> Visitor:
    return check_in_visitor(
        gate=gates.gate_a, values=visitor_values(gates, **extra), by=gates.guard
    )


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_checks_in_with_the_id_encrypted(gates: GateSite) -> None:
    visitor = check_in(gates)
    visitor.refresh_from_db()
    assert visitor.national_id == NATIONAL_ID
    assert NATIONAL_ID not in visitor.national_id_enc
    assert visitor.national_id_masked == "•••••••••456"
    assert visitor.time_in <= timezone.now() and visitor.time_out is None
    assert visitor.host == gates.province.enterprise_a
    log = AuditEntry.objects.get(object_id=str(visitor.pk), action="create")
    assert NATIONAL_ID not in str(log.changes)


def test_it_validates_the_national_id(gates: GateSite) -> None:
    with pytest.raises(ValidationError) as exc:
        check_in(gates, national_id="123456789")
    assert exc.value.message_dict["national_id"] == [
        vi(
            "This looks like an old 9-digit identity card (CMND) number. Please "
            "enter the 12-digit citizen ID (CCCD) number."
        )
    ]
    with pytest.raises(ValidationError) as exc:
        check_in(gates, national_id="999095123456")
    assert "national_id" in exc.value.message_dict


def test_it_requires_a_name_and_a_purpose(gates: GateSite) -> None:
    with pytest.raises(ValidationError) as exc:
        check_in(gates, full_name="  ", purpose="")
    assert exc.value.message_dict["full_name"] == [vi("Enter the full name.")]
    assert exc.value.message_dict["purpose"] == [vi("Enter the purpose of the visit.")]


def test_it_requires_a_host_of_the_gates_zone(gates: GateSite) -> None:
    # Another enterprise of the same zone is fine; one of zone B is not.
    check_in(gates, host=gates.province.enterprise_a2)
    with pytest.raises(ValidationError) as exc:
        check_in(gates, host=gates.province.enterprise_b)
    assert "host" in exc.value.message_dict
    # An enterprise gate takes visitors for that enterprise only.
    zone = gates.province.user("zone")
    with pytest.raises(ValidationError):
        check_in_visitor(
            gate=gates.gate_enterprise_a,
            values=visitor_values(gates, host=gates.province.enterprise_a2),
            by=zone,
        )


def test_it_accepts_a_given_time_in_but_not_a_future_one(gates: GateSite) -> None:
    earlier = timezone.now() - timedelta(hours=2)
    assert check_in(gates, time_in=earlier).time_in == earlier
    with pytest.raises(ValidationError) as exc:
        check_in(gates, time_in=timezone.now() + timedelta(hours=1))
    assert "time_in" in exc.value.message_dict


def test_it_replays_a_client_id(gates: GateSite) -> None:
    client_id = uuid.uuid4()
    values = visitor_values(gates)
    first = check_in_visitor(
        gate=gates.gate_a, values=values, by=gates.guard, client_id=client_id
    )
    again = check_in_visitor(
        gate=gates.gate_a, values=values, by=gates.guard, client_id=client_id
    )
    assert again.pk == first.pk and again._replayed
    assert Visitor.objects.count() == 1


def test_it_lets_only_the_own_gate_guard_check_in(gates: GateSite) -> None:
    with pytest.raises(PermissionDenied):
        check_in_visitor(
            gate=gates.gate_b, values=visitor_values(gates), by=gates.guard
        )
    with pytest.raises(PermissionDenied):
        check_in_visitor(
            gate=gates.gate_a,
            values=visitor_values(gates),
            by=gates.province.user("auditor"),
        )


def test_it_checks_out_once_and_not_before_the_time_in(gates: GateSite) -> None:
    visitor = check_in(gates, time_in=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as exc:
        check_out_visitor(
            visitor=visitor, by=gates.guard, at=timezone.now() - timedelta(hours=2)
        )
    assert exc.value.message_dict["time_out"] == [
        vi("The time out cannot be before the time in.")
    ]
    check_out_visitor(visitor=visitor, by=gates.guard)
    visitor.refresh_from_db()
    assert visitor.time_out is not None and visitor.time_out >= visitor.time_in
    with pytest.raises(ValidationError) as exc:
        check_out_visitor(visitor=visitor, by=gates.guard)
    assert exc.value.message_dict["time_out"] == [
        vi("This visitor has already been checked out.")
    ]


def test_it_refuses_a_check_out_by_another_gates_guard(gates: GateSite) -> None:
    visitor = check_in(gates)
    with pytest.raises(PermissionDenied):
        check_out_visitor(visitor=visitor, by=gates.guard_b)


# --- pages ----------------------------------------------------------------------


def form_data(gates: GateSite, **extra: Any) -> dict[str, Any]:
    data = visitor_values(gates, host=gates.province.enterprise_a.pk, **extra)
    data.setdefault("client_id", str(uuid.uuid4()))
    return data


def test_it_checks_in_from_the_phone_form_once(gates: GateSite) -> None:
    client = as_user(gates.guard)
    url = f"/gates/{gates.gate_a.pk}/visitors/new/"
    page = client.get(url).content.decode()
    assert gates.province.enterprise_a.name in page
    assert gates.province.enterprise_b.name not in page  # host choices: own zone
    data = form_data(gates)
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Visitor.objects.count() == 1


def test_it_shows_check_in_errors_in_vietnamese(gates: GateSite) -> None:
    client = as_user(gates.guard)
    response = client.post(
        f"/gates/{gates.gate_a.pk}/visitors/new/",
        form_data(gates, national_id="066095"),
    )
    assert response.status_code == 200
    assert (
        vi("A citizen ID number has 12 digits (you entered %(count)s).") % {"count": 6}
        in response.content.decode()
    )


def test_it_lists_visitors_inside_with_the_id_masked(gates: GateSite) -> None:
    inside = check_in(gates, full_name="Khách Còn Trong")
    gone = check_in(gates, full_name="Khách Đã Về")
    check_out_visitor(visitor=gone, by=gates.guard)
    client = as_user(gates.guard)
    html = client.get("/gates/visitors/").content.decode()
    assert "Khách Còn Trong" in html and "Khách Đã Về" not in html
    assert "•••••••••456" in html and NATIONAL_ID not in html
    assert f"/gates/visitors/{inside.pk}/check-out/" in html
    everyone = client.get("/gates/visitors/", {"inside": ""}).content.decode()
    assert "Khách Đã Về" in everyone


def test_it_checks_out_through_htmx(gates: GateSite) -> None:
    visitor = check_in(gates)
    client = as_user(gates.guard)
    url = f"/gates/visitors/{visitor.pk}/check-out/"
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and "checkout-button" not in html
    again = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert vi("This visitor has already been checked out.") in again


def test_it_hides_other_scopes(gates: GateSite) -> None:
    check_in(gates, full_name="Khách Trong Phạm Vi")
    hidden = check_in_visitor(
        gate=gates.gate_b,
        values=visitor_values(
            gates, full_name=f"{OUTSIDE} Khách", host=gates.province.enterprise_b
        ),
        by=gates.guard_b,
    )
    side = f.make_gate(gates.province.enterprise_a, "Cổng kho")
    for user in (gates.province.user("zone"), gates.guard):
        client = as_user(user)
        html = client.get("/gates/visitors/", {"inside": ""}).content.decode()
        assert "Khách Trong Phạm Vi" in html and OUTSIDE not in html
        assert client.get(f"/gates/{gates.gate_b.pk}/visitors/new/").status_code == 404
        response = client.post(f"/gates/visitors/{hidden.pk}/check-out/")
        assert response.status_code == 404
    hidden.refresh_from_db()
    assert hidden.time_out is None
    # The guard of the main gate does not see the enterprise's own gates.
    guard = as_user(gates.guard)
    assert guard.get(f"/gates/{side.pk}/visitors/new/").status_code == 404
    html = as_user(gates.guard_b).get("/gates/visitors/").content.decode()
    assert "Khách Trong Phạm Vi" not in html

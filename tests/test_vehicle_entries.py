"""Vehicle entries: the guard's single record, the idempotent batch, the zone
board's review of vehicles that were not disinfected, and their pages."""

from __future__ import annotations

import shutil
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
from tuquan.gates.choices import GateKind
from tuquan.gates.models import VehicleEntry
from tuquan.gates.vehicles import (
    MAX_BATCH,
    record_vehicle_entries,
    record_vehicle_entry,
    review_vehicle_entry,
    unreviewed_vehicle_flags,
)


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def vehicle(**extra: Any) -> dict[str, Any]:
    """Values of one vehicle entry as the form or a device sends them."""
    return {
        "plate": "51a 12345",
        "vehicle_kind": "truck",
        "direction": "in",
        "disinfected": True,
        "disinfected_by": "Tổ khử khuẩn cổng 1",
        "disinfection_method": "spray",
        "driver_declared": True,
        "driver_name": "Võ Văn Tài",
        "driver_phone": "0912 345 678",
        "origin": "TP. Hồ Chí Minh",
        "cargo": "Cà phê nhân",
        **extra,
    }


def event(gate: Any, **extra: Any) -> dict[str, Any]:
    """One batch entry: a vehicle with its gate, client UUID and time."""
    return {
        "client_id": str(uuid.uuid4()),
        "gate_id": gate.pk,
        "occurred_at": (timezone.now() - timedelta(minutes=3)).isoformat(),
        **vehicle(),
        **extra,
    }


def record(gates: GateSite, **extra: Any) -> VehicleEntry:
    return record_vehicle_entry(
        gate=gates.gate_a, values=vehicle(**extra), by=gates.guard
    )


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- single entry ---------------------------------------------------------------


def test_it_records_a_vehicle_with_the_plate_normalised(gates: GateSite) -> None:
    entry = record(gates)
    entry.refresh_from_db()
    assert entry.plate == "51A-123.45"
    assert entry.gate == gates.gate_a
    assert entry.recorded_by == gates.guard
    assert entry.driver_phone == "+84912345678"
    assert entry.driver_phone_enc and "912345678" not in entry.driver_phone_enc
    assert entry.driver_phone_masked.endswith("678")
    assert not entry.needs_review


def test_it_audits_the_entry_without_the_phone(gates: GateSite) -> None:
    entry = record(gates)
    log = AuditEntry.objects.get(object_id=str(entry.pk), action="create")
    assert log.changes["plate"] == "51A-123.45"
    assert "912345678" not in str(log.changes)
    assert log.scope_path == gates.gate_a.path


def test_it_replays_a_double_submit(gates: GateSite) -> None:
    client_id = uuid.uuid4()
    first = record_vehicle_entry(
        gate=gates.gate_a, values=vehicle(), by=gates.guard, client_id=client_id
    )
    again = record_vehicle_entry(
        gate=gates.gate_a, values=vehicle(), by=gates.guard, client_id=client_id
    )
    assert again.pk == first.pk and again._replayed
    assert VehicleEntry.objects.count() == 1


def test_it_requires_who_and_how_when_disinfected(gates: GateSite) -> None:
    with pytest.raises(ValidationError) as exc:
        record(gates, disinfected_by="", disinfection_method="")
    assert set(exc.value.message_dict) == {"disinfected_by", "disinfection_method"}
    assert exc.value.message_dict["disinfected_by"] == [
        vi("Say who disinfected the vehicle.")
    ]


def test_it_flags_a_vehicle_not_disinfected(gates: GateSite) -> None:
    entry = record(gates, disinfected=False, disinfected_by="x", disinfection_method="")
    assert entry.needs_review
    assert entry.disinfected_by == ""  # meaningless without disinfection


def test_it_does_not_flag_a_vehicle_going_out(gates: GateSite) -> None:
    assert not record(gates, disinfected=False, direction="out").needs_review


def test_it_refuses_bad_values_with_vietnamese_reasons(gates: GateSite) -> None:
    with pytest.raises(ValidationError) as exc:
        record(gates, plate="ABC", vehicle_kind="tank", direction="up")
    errors = exc.value.message_dict
    assert set(errors) == {"plate", "vehicle_kind", "direction"}
    assert "51A-123.45" in errors["plate"][0]
    assert errors["vehicle_kind"] == [vi("Choose the kind of vehicle.")]


def test_it_lets_only_the_own_gate_guard_record(gates: GateSite) -> None:
    with pytest.raises(PermissionDenied):
        record_vehicle_entry(gate=gates.gate_b, values=vehicle(), by=gates.guard)
    with pytest.raises(PermissionDenied):
        record_vehicle_entry(gate=gates.gate_a, values=vehicle(), by=gates.guard_b)
    # Seeing the gate is not enough: an auditor may read, not record.
    auditor = gates.province.user("auditor")
    with pytest.raises(PermissionDenied):
        record_vehicle_entry(gate=gates.gate_a, values=vehicle(), by=auditor)


def test_it_refuses_a_closed_gate_and_a_worker_gate(gates: GateSite) -> None:
    zone = gates.province.user("zone")
    with pytest.raises(ValidationError) as exc:
        record_vehicle_entry(gate=gates.gate_enterprise_a, values=vehicle(), by=zone)
    assert exc.value.message_dict["gate"] == [vi("This gate does not take vehicles.")]
    gates.gate_a.active = False
    gates.gate_a.save()
    with pytest.raises(ValidationError) as exc:
        record(gates)
    assert exc.value.message_dict["gate"] == [vi("This gate is not in use.")]


# --- batch ----------------------------------------------------------------------


def test_it_stores_a_batch_and_reports_each_entry(gates: GateSite) -> None:
    events = [event(gates.gate_a, plate=f"51C-{n:03d}.45") for n in range(20)]
    result = record_vehicle_entries(events=events, by=gates.guard)
    assert [a["index"] for a in result.accepted] == list(range(20))
    assert result.duplicate == [] and result.rejected == []
    assert VehicleEntry.objects.count() == 20
    assert set(VehicleEntry.objects.values_list("recorded_by", flat=True)) == {
        gates.guard.pk
    }


def test_it_never_duplicates_a_replayed_batch(gates: GateSite) -> None:
    events = [event(gates.gate_a) for _ in range(50)]
    record_vehicle_entries(events=events, by=gates.guard)
    again = record_vehicle_entries(events=list(reversed(events)), by=gates.guard)
    assert again.accepted == [] and again.rejected == []
    assert len(again.duplicate) == 50
    assert VehicleEntry.objects.count() == 50


def test_it_stores_valid_entries_beside_malformed_ones(gates: GateSite) -> None:
    good = [event(gates.gate_a) for _ in range(3)]
    events = [
        good[0],
        "not an object",
        event(gates.gate_a, plate="???"),
        good[1],
        {**event(gates.gate_a), "client_id": "nope"},
        event(gates.gate_a, vehicle_kind="tank"),
        {k: v for k, v in event(gates.gate_a).items() if k != "client_id"},
        event(gates.gate_a, occurred_at="yesterday"),
        event(gates.gate_a, disinfection_method=""),
        good[2],
    ]
    result = record_vehicle_entries(events=events, by=gates.guard)
    assert [a["index"] for a in result.accepted] == [0, 3, 9]
    rejected = {r["index"]: r for r in result.rejected}
    assert sorted(rejected) == [1, 2, 4, 5, 6, 7, 8]
    assert rejected[1]["field"] == "__all__"
    assert rejected[2]["field"] == "plate"
    assert rejected[4]["field"] == "client_id"
    assert rejected[5]["field"] == "vehicle_kind"
    assert rejected[6]["reason"] == vi("Each entry needs a client_id.")
    assert rejected[7]["field"] == "occurred_at"
    assert rejected[8]["field"] == "disinfection_method"
    assert all(r["reason"] for r in result.rejected)
    assert VehicleEntry.objects.count() == 3


def test_it_rejects_a_uuid_repeated_inside_a_batch(gates: GateSite) -> None:
    first = event(gates.gate_a)
    repeat = event(gates.gate_a, client_id=first["client_id"], plate="29B1 12345")
    result = record_vehicle_entries(events=[first, repeat], by=gates.guard)
    assert [a["index"] for a in result.accepted] == [0]
    assert result.rejected == [
        {
            "index": 1,
            "client_id": first["client_id"],
            "field": "client_id",
            "reason": vi("This client_id appears earlier in the same batch."),
        }
    ]
    assert VehicleEntry.objects.get().plate == "51A-123.45"


def test_it_rejects_times_in_the_future_or_too_old(gates: GateSite) -> None:
    now = timezone.now()
    events = [
        event(gates.gate_a, occurred_at=(now + timedelta(minutes=4)).isoformat()),
        event(gates.gate_a, occurred_at=(now + timedelta(minutes=6)).isoformat()),
        event(gates.gate_a, occurred_at=(now - timedelta(days=29)).isoformat()),
        event(gates.gate_a, occurred_at=(now - timedelta(days=31)).isoformat()),
        event(gates.gate_a, occurred_at=None),
    ]
    result = record_vehicle_entries(events=events, by=gates.guard)
    assert [a["index"] for a in result.accepted] == [0, 2]
    reasons = {r["index"]: r for r in result.rejected}
    assert reasons[1]["reason"] == vi(
        "The time is in the future. Check the clock of the device."
    )
    assert reasons[3]["field"] == "occurred_at"
    assert reasons[4]["reason"] == vi("Enter the time.")


def test_it_keeps_the_original_time_of_an_offline_entry(gates: GateSite) -> None:
    when = (timezone.now() - timedelta(hours=5)).replace(microsecond=0)
    record_vehicle_entries(
        events=[event(gates.gate_a, occurred_at=when.isoformat())], by=gates.guard
    )
    assert VehicleEntry.objects.get().occurred_at == when


def test_it_rejects_gates_out_of_reach(gates: GateSite) -> None:
    zone = gates.province.user("zone")
    gates.gate_a.active = False
    gates.gate_a.save()
    open_gate = f.make_gate(
        gates.province.zone_a, "Cổng phụ", gate_kind=GateKind.VEHICLE
    )
    events = [
        event(gates.gate_b),
        event(gates.gate_enterprise_a),
        event(gates.gate_a),
        event(open_gate),
        {**event(open_gate), "gate_id": None},
    ]
    result = record_vehicle_entries(events=events, by=zone)
    assert [a["index"] for a in result.accepted] == [3]
    reasons = {r["index"]: r["reason"] for r in result.rejected}
    assert OUTSIDE not in str(result.as_dict())
    assert str(gates.gate_b.pk) in reasons[0]
    assert reasons[1] == vi("This gate does not take vehicles.")
    assert reasons[2] == vi("This gate is not in use.")
    assert reasons[4] == vi("Each entry needs a gate_id.")


def test_it_lets_a_guard_send_to_the_own_gate_only(gates: GateSite) -> None:
    result = record_vehicle_entries(
        events=[event(gates.gate_a), event(gates.gate_b)], by=gates.guard_b
    )
    assert [a["index"] for a in result.accepted] == [1]
    assert result.rejected[0]["field"] == "gate_id"


def test_it_refuses_a_batch_over_the_limit(gates: GateSite) -> None:
    events = [{"client_id": str(uuid.uuid4())}] * (MAX_BATCH + 1)
    with pytest.raises(ValidationError):
        record_vehicle_entries(events=events, by=gates.guard)
    assert VehicleEntry.objects.count() == 0


def test_it_stores_a_full_batch_of_5000(gates: GateSite) -> None:
    events = [event(gates.gate_a, driver_phone="") for _ in range(MAX_BATCH)]
    result = record_vehicle_entries(events=events, by=gates.guard)
    assert len(result.accepted) == MAX_BATCH
    assert VehicleEntry.objects.count() == MAX_BATCH
    log = AuditEntry.objects.get(action="import")
    assert log.changes == {"vehicle_entries": MAX_BATCH}


# --- review ---------------------------------------------------------------------


def test_it_lets_the_zone_board_review_a_flag(gates: GateSite) -> None:
    entry = record(gates, disinfected=False)
    zone = gates.province.user("zone")
    review_vehicle_entry(entry=entry, by=zone, note="Đã gọi tài xế")
    entry.refresh_from_db()
    assert entry.reviewed_by == zone and not entry.needs_review
    log = AuditEntry.objects.filter(object_id=str(entry.pk), action="update").get()
    assert log.changes["note"] == "Đã gọi tài xế"
    with pytest.raises(ValidationError):
        review_vehicle_entry(entry=entry, by=zone)


def test_it_refuses_a_review_by_a_guard_or_of_a_clean_entry(gates: GateSite) -> None:
    flagged = record(gates, disinfected=False)
    with pytest.raises(PermissionDenied):
        review_vehicle_entry(entry=flagged, by=gates.guard)
    with pytest.raises(ValidationError):
        review_vehicle_entry(entry=record(gates), by=gates.province.user("zone"))


def test_it_counts_unreviewed_flags_for_the_board(gates: GateSite) -> None:
    for n in range(7):
        record(gates, disinfected=False, plate=f"51D-{n:03d}.11")
    record(gates)  # disinfected: no flag
    outside = record_vehicle_entry(
        gate=gates.gate_b, values=vehicle(disinfected=False), by=gates.guard_b
    )
    flags = unreviewed_vehicle_flags(gates.province.user("zone"))
    assert flags["count"] == 7
    assert len(flags["latest"]) == 5
    assert outside not in flags["latest"]
    assert unreviewed_vehicle_flags(gates.province.user("outsider"))["count"] == 0


# --- pages ----------------------------------------------------------------------


def form_data(**extra: Any) -> dict[str, Any]:
    data = {**vehicle(), "disinfected": "yes", "driver_declared": "no", **extra}
    data.setdefault("client_id", str(uuid.uuid4()))
    return data


def test_it_shows_the_phone_form_at_the_own_gate(gates: GateSite) -> None:
    response = as_user(gates.guard).get(f"/gates/{gates.gate_a.pk}/vehicles/new/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="client_id"' in html and "vehicles.css" in html
    assert 'name="plate"' in html and 'name="disinfected"' in html


def test_it_records_from_the_form_once_on_a_double_submit(gates: GateSite) -> None:
    client = as_user(gates.guard)
    url = f"/gates/{gates.gate_a.pk}/vehicles/new/"
    data = form_data()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert VehicleEntry.objects.count() == 1
    page = client.get(url).content.decode()
    assert "51A-123.45" in page


def test_it_shows_form_errors_in_vietnamese(gates: GateSite) -> None:
    client = as_user(gates.guard)
    response = client.post(
        f"/gates/{gates.gate_a.pk}/vehicles/new/",
        form_data(disinfected_by="", disinfection_method="", plate="xx"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert vi("Say who disinfected the vehicle.") in html
    assert vi("Choose the disinfection method.") in html
    assert VehicleEntry.objects.count() == 0


def test_it_lists_with_a_red_flag_and_a_review_button(gates: GateSite) -> None:
    flagged = record(gates, disinfected=False, plate="29B1 55555")
    record(gates, plate="51A 11111")
    zone = as_user(gates.province.user("zone"))
    html = zone.get("/gates/vehicles/").content.decode()
    assert "29B1-555.55" in html and "51A-111.11" in html
    assert 'class="not-disinfected"' in html
    assert f"/gates/vehicles/{flagged.pk}/review/" in html
    assert "•" in html and "0912345678" not in html  # phone masked
    only = zone.get("/gates/vehicles/", {"not_disinfected": "true"}).content.decode()
    assert "29B1-555.55" in only and "51A-111.11" not in only
    by_plate = zone.get("/gates/vehicles/", {"q": "29b155"}).content.decode()
    assert "29B1-555.55" in by_plate and "51A-111.11" not in by_plate


def test_it_hides_the_review_button_from_the_guard(gates: GateSite) -> None:
    flagged = record(gates, disinfected=False)
    guard = as_user(gates.guard)
    html = guard.get("/gates/vehicles/").content.decode()
    assert "51A-123.45" in html
    assert f"/gates/vehicles/{flagged.pk}/review/" not in html
    response = guard.post(f"/gates/vehicles/{flagged.pk}/review/")
    assert response.status_code == 403
    flagged.refresh_from_db()
    assert flagged.needs_review


def test_it_reviews_through_htmx(gates: GateSite) -> None:
    flagged = record(gates, disinfected=False)
    zone = as_user(gates.province.user("zone"))
    response = zone.post(
        f"/gates/vehicles/{flagged.pk}/review/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and f"vehicle-{flagged.pk}" in html
    assert "review-button" not in html
    flagged.refresh_from_db()
    assert flagged.reviewed_at is not None


def test_it_filters_the_list_by_gate_and_day(gates: GateSite) -> None:
    zone_user = gates.province.user("zone")
    side = f.make_gate(gates.province.zone_a, "Cổng phụ")
    record(gates, plate="51A 11111")
    record_vehicle_entry(gate=side, values=vehicle(plate="51A 22222"), by=zone_user)
    old = record(gates, plate="51A 33333")
    VehicleEntry.objects.filter(pk=old.pk).update(
        occurred_at=timezone.now() - timedelta(days=3)
    )
    zone = as_user(zone_user)
    html = zone.get("/gates/vehicles/", {"gate": side.pk}).content.decode()
    assert "51A-222.22" in html and "51A-111.11" not in html
    today = timezone.localdate().isoformat()
    html = zone.get("/gates/vehicles/", {"day": today}).content.decode()
    assert "51A-111.11" in html and "51A-333.33" not in html


def test_it_hides_other_scopes(gates: GateSite) -> None:
    record(gates, plate="51A 11111")
    hidden = record_vehicle_entry(
        gate=gates.gate_b,
        values=vehicle(plate="99Z 99999", driver_name=OUTSIDE, disinfected=False),
        by=gates.guard_b,
    )
    for user in (gates.province.user("zone"), gates.guard):
        client = as_user(user)
        html = client.get("/gates/vehicles/").content.decode()
        assert "51A-111.11" in html
        assert "99Z-999.99" not in html and OUTSIDE not in html
        assert client.get(f"/gates/{gates.gate_b.pk}/vehicles/new/").status_code == 404
        assert client.post(f"/gates/vehicles/{hidden.pk}/review/").status_code == 404
    other_guard = as_user(gates.guard_b)
    html = other_guard.get("/gates/vehicles/").content.decode()
    assert "51A-111.11" not in html
    # A guard sees only the own gate, not the enterprise gate of the same zone.
    html = as_user(gates.guard).get("/gates/vehicles/").content.decode()
    assert gates.gate_enterprise_a.name not in html
    assert (
        as_user(gates.guard)
        .get(f"/gates/{gates.gate_enterprise_a.pk}/vehicles/new/")
        .status_code
        == 404
    )


def test_it_shows_the_flags_include(gates: GateSite) -> None:
    from django.template.loader import render_to_string

    record(gates, disinfected=False, plate="29B1 55555")
    flags = unreviewed_vehicle_flags(gates.province.user("zone"))
    html = render_to_string("gates/vehicle_flags.html", {"vehicle_flags": flags})
    assert "29B1-555.55" in html and "/gates/vehicles/?unreviewed=true" in html
    empty = unreviewed_vehicle_flags(gates.province.user("outsider"))
    assert (
        render_to_string("gates/vehicle_flags.html", {"vehicle_flags": empty}).strip()
        == ""
    )


# --- phone ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(shutil.which("chromium") is None, reason="no chromium")
def test_it_works_on_a_guards_phone(browser, live_server, gates: GateSite) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", gates.guard.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/gates/{gates.gate_a.pk}/vehicles/new/")
    page.fill("#id_plate", "51c 67890")
    page.check("input[name=vehicle_kind][value=truck]")
    page.check("input[name=disinfected][value=no]")
    page.check("input[name=driver_declared][value=yes]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 361
    page.click("button.big-button")
    page.wait_for_selector(".flash")
    assert "51C-678.90" in page.inner_text(".flash")
    assert page.locator(".vehicle-recent li.not-disinfected").count() == 1
    page.screenshot(path="test-results/guard-vehicle-form.png", full_page=True)
    context.close()
    assert VehicleEntry.objects.get().needs_review

"""Police handlers: who sees which tips, replies and status changes, and
turning a tip into an incident report (content over, identity never)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests import factories as f
from tests.conftest import Province
from tests.test_tip_submit import send_tip
from tuquan.accounts.choices import Role
from tuquan.core.models import AuditEntry
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.tips import services
from tuquan.tips.models import Tip


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Any) -> None:
    cache.clear()
    settings.TUQUAN_TIP_POW_BITS = 8


def commune_police(province: Province, commune: Any, name: str) -> Any:
    station = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name=f"Công an {commune.name}",
        parent=commune,
        jurisdiction=commune,
        function=AgencyFunction.POLICE,
    )
    return f.make_user(
        name, Role.AGENCY_OFFICER, station, function=AgencyFunction.POLICE
    )


@pytest.fixture
def tips(province: Province) -> dict[str, Tip]:
    client = Client()
    send_tip(client, place=str(province.zone_a.pk), description="Đánh bạc ở KCN A")
    send_tip(client, place=str(province.commune_b.pk), description="Trộm ở xã B nè")
    send_tip(client, description="Không rõ nơi, ma túy")
    return {
        "a": Tip.objects.get(description__contains="KCN A"),
        "b": Tip.objects.get(description__contains="xã B"),
        "province": Tip.objects.get(description__contains="Không rõ"),
    }


def test_it_shows_tips_only_to_police_in_scope(
    province: Province, tips: dict[str, Tip]
) -> None:
    police_a = commune_police(province, province.commune_a, "congan-a")
    assert set(Tip.objects.visible_to(province.user("police"))) == set(tips.values())
    assert list(Tip.objects.visible_to(police_a)) == [tips["a"]]
    for persona in ("province", "commune", "zone", "enterprise", "auditor", "worker"):
        assert not Tip.objects.visible_to(province.user(persona)).exists(), persona


def test_it_hides_other_scopes(province: Province, tips: dict[str, Tip]) -> None:
    police_a = commune_police(province, province.commune_a, "congan-a")
    client = Client()
    client.force_login(police_a)
    listing = client.get("/tips/").content.decode()
    assert f'href="/tips/{tips["a"].pk}/"' in listing
    assert f'href="/tips/{tips["b"].pk}/"' not in listing
    assert client.get(f"/tips/{tips['b'].pk}/").status_code == 404
    assert client.post(f"/tips/{tips['b'].pk}/reply/", {"body": "x"}).status_code == 404
    assert not tips["b"].messages.exists()
    client.force_login(province.user("commune"))
    assert client.get("/tips/").status_code == 403
    assert client.get(f"/tips/{tips['a'].pk}/").status_code == 404


def test_it_allows_only_workflow_transitions(
    province: Province, tips: dict[str, Tip]
) -> None:
    police = province.user("police")
    tip = tips["a"]
    with pytest.raises(ValidationError):
        services.reply(tip=tip, by=police, body="", status="forwarded")
    services.reply(tip=tip, by=police, body="Đang xác minh", status="verifying")
    services.reply(tip=tip, by=police, body="", status="in_handling")
    services.reply(tip=tip, by=police, body="Xong", status="closed")
    with pytest.raises(ValidationError):
        services.reply(tip=tip, by=police, body="", status="verifying")
    with pytest.raises(PermissionDenied):
        services.reply(tip=tip, by=province.user("commune"), body="x")
    assert (
        AuditEntry.objects.filter(object_type="tips.tip", action="update").count() == 3
    )


def test_it_replies_through_the_page(province: Province, tips: dict[str, Tip]) -> None:
    client = Client()
    client.force_login(province.user("police"))
    tip = tips["a"]
    response = client.post(
        f"/tips/{tip.pk}/reply/", {"body": "Cảm ơn bạn", "status": "verifying"}
    )
    assert response.status_code == 302
    tip.refresh_from_db()
    assert tip.status == "verifying"
    assert tip.messages.get().body == "Cảm ơn bạn"


def test_it_turns_a_tip_into_an_incident_report(
    province: Province, tips: dict[str, Tip], settings: Any
) -> None:
    from tuquan.security.models import IncidentReport

    settings.TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY = ""
    client = Client()
    client.force_login(province.user("police"))
    tip = tips["a"]
    response = client.post(f"/tips/{tip.pk}/report/")
    assert response.status_code == 302, response.content.decode()[:500]
    tip.refresh_from_db()
    report = IncidentReport.objects.get(pk=tip.report_id)
    assert report.description == tip.description
    assert report.source == "tip"
    assert report.zone_id == province.zone_a.pk
    assert report.reporter == province.user("police")
    assert report.contact == ""
    assert tip.status == "forwarded"
    again = client.post(f"/tips/{tip.pk}/report/")
    assert again.status_code == 422
    assert IncidentReport.objects.count() == 1


def test_it_asks_for_a_place_when_the_tip_has_none(
    province: Province, tips: dict[str, Tip]
) -> None:
    from tuquan.security.models import IncidentReport

    police = province.user("police")
    with pytest.raises(ValidationError):
        services.turn_into_report(tip=tips["province"], by=police)
    report = services.turn_into_report(
        tip=tips["province"], by=police, place=province.commune_a
    )
    assert IncidentReport.objects.get(pk=report.pk).commune_id == province.commune_a.pk


def test_it_builds_the_demo_tips(province: Province) -> None:
    from tuquan.tips.demo import write_tips

    tips = write_tips(handler=province.user("police"), place=province.zone_a)
    assert len(tips) == 2
    assert tips[0].messages.count() == 2 and tips[0].status == "verifying"
    assert all(t.scope_path == province.zone_a.path for t in tips)

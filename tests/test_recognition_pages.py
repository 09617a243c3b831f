"""Pages of recognition, grading and team rating: the forms work, bad input is
answered in place, and nothing from another scope shows."""

from __future__ import annotations

from datetime import date

import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import OUTSIDE, Province
from tuquan.recognition.models import Grading, Recognition, TeamGrade, TeamRating
from tuquan.recognition.services import (
    current_criteria,
    rate_team,
    register_recognition,
    score_items,
    submit_grading,
    team_grades,
)


def login(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def big(province: Province) -> None:
    for e in (province.enterprise_a, province.enterprise_b):
        e.registered_workforce = 400
        e.save()


def test_it_registers_and_self_assesses_from_the_page(province: Province) -> None:
    big(province)
    with time_machine.travel(date(2026, 3, 1)):
        client = login(province, "enterprise")
        page = client.get(reverse("recognition_list"))
        assert province.enterprise_a.name in page.content.decode()
        response = client.post(
            reverse("recognition_list"), {"enterprise": province.enterprise_a.pk}
        )
        recognition = Recognition.objects.get()
        assert response.url == reverse("recognition_detail", args=[recognition.pk])
        data = {"action": "assess"}
        for c in current_criteria():
            data[f"met_{c.number}"] = "yes"
            data[f"evidence_{c.number}"] = "Kế hoạch số 1"
        data["evidence_2"] = ""
        refused = client.post(response.url, data)
        assert refused.status_code == 200
        assert (
            "2" in refused.content.decode() and "errorlist" in refused.content.decode()
        )
        data["evidence_2"] = "Báo cáo quý"
        client.post(response.url, data)
        recognition.refresh_from_db()
        assert recognition.state == "self_assessed"
        assert "cần xác minh" in client.get(response.url).content.decode() or (
            "to verify" in client.get(response.url).content.decode()
        )


def test_it_shows_the_reason_for_a_registration_out_of_cycle(
    province: Province,
) -> None:
    big(province)
    with time_machine.travel(date(2026, 6, 1)):
        client = login(province, "enterprise")
        page = client.post(
            reverse("recognition_list"), {"enterprise": province.enterprise_a.pk}
        )
    assert page.status_code == 200
    assert "31" in page.content.decode()
    assert not Recognition.objects.exists()


def test_it_submits_and_reviews_a_grading_from_the_page(province: Province) -> None:
    with time_machine.travel(date(2026, 11, 20)):
        client = login(province, "enterprise")
        listing = client.get(reverse("grading_list")).content.decode()
        assert "rc-pending" in listing  # not submitted, 9 days left
        zone_listing = login(province, "zone").get(reverse("grading_list"))
        assert province.enterprise_a2.name in zone_listing.content.decode()
        url = reverse("grading_form", args=[province.enterprise_a.pk])
        data = {f"points_{i.number}": i.max_points for i in score_items()}
        data["points_1"] = 99
        refused = client.post(url, data)
        assert refused.status_code == 200 and not Grading.objects.exists()
        data["points_1"] = 15
        response = client.post(url, data)
        grading = Grading.objects.get()
        assert grading.total == 100
        zone = login(province, "zone")
        zone.post(
            response.url,
            {"action": "review", "final_class": grading.proposed_class_id},
        )
    grading.refresh_from_db()
    assert grading.state == "reviewed"


def test_it_shows_a_late_grading_refusal(province: Province) -> None:
    with time_machine.travel(date(2026, 12, 2)):
        client = login(province, "enterprise")
        url = reverse("grading_form", args=[province.enterprise_a.pk])
        data = {f"points_{i.number}": 1 for i in score_items()}
        page = client.post(url, data)
    assert page.status_code == 200 and "30/11/2026" in page.content.decode()
    assert not Grading.objects.exists()


def test_it_rates_a_team_with_its_evidence_beside_the_form(province: Province) -> None:
    team_grades()
    with time_machine.travel(date(2026, 11, 20)):
        client = login(province, "enterprise")
        url = reverse("team_rating_form", args=[province.team_a.pk])
        page = client.get(url).content.decode()
        assert "rc-evidence" in page and 'name="grade"' in page
        excellent = TeamGrade.objects.get(code="xuat_sac")
        refused = client.post(url, {"grade": excellent.pk})
        assert refused.status_code == 200 and "20" in refused.content.decode()
        assert not TeamRating.objects.exists()
        good = TeamGrade.objects.get(code="tot")
        client.post(url, {"grade": good.pk})
        assert TeamRating.objects.get().grade == good
        listing = client.get(reverse("team_rating_list")).content.decode()
        assert good.label in listing


def test_it_does_not_offer_the_form_to_a_team_leader(province: Province) -> None:
    client = login(province, "team_leader")
    page = client.get(reverse("team_rating_form", args=[province.team_a.pk]))
    assert page.status_code == 200 and 'name="grade"' not in page.content.decode()


def test_it_hides_other_scopes(province: Province) -> None:
    big(province)
    officer_b = province.user("enterprise_b")
    with time_machine.travel(date(2026, 2, 1)):
        recognition = register_recognition(
            enterprise=province.enterprise_b, by=officer_b
        )
    with time_machine.travel(date(2026, 11, 20)):
        grading = submit_grading(
            enterprise=province.enterprise_b,
            by=officer_b,
            scores={i.number: {"points": 1} for i in score_items()},
        )
        rate_team(
            team=province.team_b,
            grade=TeamGrade.objects.get(code="dat"),
            by=officer_b,
        )
        for persona in ("enterprise", "commune", "zone", "team_leader"):
            client = login(province, persona)
            for name in ("recognition_list", "grading_list", "team_rating_list"):
                page = client.get(reverse(name))
                assert page.status_code == 200
                assert OUTSIDE not in page.content.decode(), (persona, name)
            for name, pk in (
                ("recognition_detail", recognition.pk),
                ("grading_detail", grading.pk),
                ("grading_form", province.enterprise_b.pk),
                ("team_rating_form", province.team_b.pk),
            ):
                assert client.get(reverse(name, args=[pk])).status_code == 404
        police = login(province, "police").get(reverse("grading_list"))
        assert OUTSIDE in police.content.decode()


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_lists_in_a_constant_number_of_queries(province: Province) -> None:
    from tests import factories as f

    officer = province.user("enterprise")
    grades = {g.code: g for g in team_grades()}
    with time_machine.travel(date(2026, 11, 20)):
        client = login(province, "province")
        rate_team(team=province.team_a, grade=grades["tot"], by=officer)
        submit_grading(
            enterprise=province.enterprise_a,
            by=officer,
            scores={i.number: {"points": 1} for i in score_items()},
        )
        urls = [
            reverse(n) for n in ("recognition_list", "grading_list", "team_rating_list")
        ]
        before = [_queries(client, url) for url in urls]
        for i in range(6):
            team = f.make_team(f"Tổ thêm {i}", enterprise=province.enterprise_a)
            rate_team(team=team, grade=grades["dat"], by=officer)
            extra = f.make_enterprise(province.zone_a, f"Công ty thêm {i}")
            submit_grading(
                enterprise=extra,
                by=f.make_user(f"dn{i}", "enterprise_officer", extra),
                scores={item.number: {"points": 2} for item in score_items()},
            )
        after = [_queries(client, url) for url in urls]
    assert after == before

"""The screening pages: the enterprise's and the team's page (due list,
checklist, schedules), test, pool and vaccination entry, and the health
officer's list of positive tests with the button that confirms a case."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from tests import factories as f
from tests.conftest import Province
from tuquan.accounts.choices import Role
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.health.models import Case
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.screening import services
from tuquan.screening.models import (
    SamplePool,
    ScreeningSchedule,
    ScreeningTest,
    Vaccination,
)

pytestmark = pytest.mark.django_db


def vi(text: str, **params: Any) -> str:
    with translation.override("vi"):
        return gettext(text) % params if params else gettext(text)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def _positive(province: Province, worker: Any, **extra: Any) -> ScreeningTest:
    values = {
        "worker": worker,
        "method": "rapid_antigen",
        "sampled_on": timezone.localdate() - timedelta(days=1),
        "facility": "Trạm Y tế",
        "result": "positive",
        "by": province.user("province"),
        "client_id": uuid.uuid4(),
        **extra,
    }
    return services.record_test(**values)


def test_it_shows_the_enterprise_page_with_the_due_list(province: Province) -> None:
    services.save_schedule(
        enterprise=province.enterprise_a,
        every_days=7,
        share_percent=100,
        method="rapid_antigen",
        starts_on=timezone.localdate(),
        active=True,
        by=province.user("enterprise"),
    )
    client = login(province.user("enterprise"))
    url = reverse("screening_enterprise", args=[province.enterprise_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert province.colleague.full_name in page
    assert response.context["due_ids"] == {
        province.leader.pk,
        province.member.pk,
        province.colleague.pk,
    }
    assert reverse("screening_schedule_toggle", args=[1]).rsplit("/", 3)[0] in page


def test_it_records_the_checklist_once(province: Province) -> None:
    client = login(province.user("enterprise"))
    url = reverse("screening_enterprise", args=[province.enterprise_a.pk])
    form = {
        "client_id": str(uuid.uuid4()),
        "workers": [province.member.pk, province.colleague.pk],
        "method": "rt_pcr",
        "sampled_on": today(),
        "facility": "CDC Đắk Lắk",
        "result": "negative",
    }
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert ScreeningTest.objects.count() == 2


def test_it_keeps_the_checklist_on_bad_input(province: Province) -> None:
    client = login(province.user("enterprise"))
    url = reverse("screening_enterprise", args=[province.enterprise_a.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    form = {
        "client_id": str(uuid.uuid4()),
        "workers": [province.member.pk, province.outsider.pk],
        "method": "rt_pcr",
        "sampled_on": tomorrow,
        "facility": "CDC",
        "result": "negative",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert response.context["form"].errors["workers"]
    form["workers"] = [province.member.pk]
    response = client.post(url, form)
    assert (
        capfirst(vi("The %(label)s cannot be in the future.", label=vi("sample date")))
        in response.content.decode()
    )
    assert not ScreeningTest.objects.exists()


def test_it_refreshes_the_checklist_for_a_team_with_htmx(province: Province) -> None:
    client = login(province.user("enterprise"))
    url = reverse("screening_enterprise", args=[province.enterprise_a.pk])
    response = client.get(
        url, {"part": "checklist", "team": province.team_a.pk}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert page.startswith('<form method="post" id="checklist"')
    assert province.member.full_name in page
    assert province.colleague.full_name not in page


def test_it_lets_a_team_leader_record_for_the_team(province: Province) -> None:
    client = login(province.user("team_leader"))
    url = reverse("screening_team", args=[province.team_a.pk])
    assert client.get(url).status_code == 200
    form = {
        "client_id": str(uuid.uuid4()),
        "workers": [province.member.pk],
        "method": "rapid_antigen",
        "sampled_on": today(),
        "facility": "Trạm Y tế",
        "result": "negative",
    }
    assert client.post(url, form).status_code == 302
    test_url = reverse("screening_team_test", args=[province.team_a.pk])
    single = {**form, "client_id": str(uuid.uuid4()), "worker": province.leader.pk}
    assert client.post(test_url, single).status_code == 302
    assert ScreeningTest.objects.count() == 2
    # Team leaders do not plan schedules.
    response = client.post(
        reverse("screening_schedule_create", args=[province.enterprise_a.pk]),
        {"every_days": 7, "share_percent": 20, "method": "rapid_antigen"},
    )
    assert response.status_code == 404
    assert not ScreeningSchedule.objects.exists()


def test_it_records_a_pool_and_refuses_a_member_twice(province: Province) -> None:
    client = login(province.user("enterprise"))
    url = reverse("screening_enterprise_pool", args=[province.enterprise_a.pk])
    assert client.get(url).status_code == 200
    form = {
        "client_id": str(uuid.uuid4()),
        "workers": [province.member.pk, province.colleague.pk, province.member.pk],
        "sampled_on": today(),
        "facility": "CDC",
        "result": "positive",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert (
        vi(
            "A worker may appear only once in a pool: %(names)s is listed twice.",
            names=province.member.full_name,
        )
        in response.content.decode()
    )
    assert not SamplePool.objects.exists()
    form["workers"] = [province.member.pk, province.colleague.pk]
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert SamplePool.objects.count() == 1
    page = client.get(
        reverse("screening_enterprise", args=[province.enterprise_a.pk])
    ).content.decode()
    assert vi("individual follow-up test after a pooled sample") in page


def test_it_records_doses_and_shows_the_status(province: Province) -> None:
    client = login(province.user("enterprise"))
    url = reverse("screening_enterprise_vaccinations", args=[province.enterprise_a.pk])
    form = {
        "client_id": str(uuid.uuid4()),
        "workers": [province.member.pk, province.leader.pk],
        "dose": 1,
        "given_on": today(),
        "vaccine": "Vero Cell",
        "place": "Trạm Y tế",
    }
    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "client_id": str(uuid.uuid4())})
    assert response.status_code == 200  # dose 1 taken: named, nothing saved
    assert province.member.full_name in str(response.context["form"].errors)
    assert Vaccination.objects.count() == 2
    response = client.get(url)
    assert response.context["vaccinated"] == 2


def test_it_plans_and_stops_a_schedule(province: Province) -> None:
    client = login(province.user("enterprise"))
    url = reverse("screening_schedule_create", args=[province.enterprise_a.pk])
    form = {
        "client_id": str(uuid.uuid4()),
        "every_days": 7,
        "share_percent": 20,
        "method": "rapid_antigen",
        "starts_on": today(),
    }
    assert client.post(url, form).status_code == 302
    schedule = ScreeningSchedule.objects.get()
    client.post(reverse("screening_schedule_toggle", args=[schedule.pk]))
    schedule.refresh_from_db()
    assert not schedule.active


def test_it_hides_results_from_the_enterprise_officer(province: Province) -> None:
    _positive(province, province.member)
    client = login(province.user("enterprise"))
    assert client.get(reverse("screening_positives")).status_code == 403
    page = client.get(
        reverse("screening_enterprise", args=[province.enterprise_a.pk])
    ).content.decode()
    assert vi("Positive tests to confirm") not in page
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).exists()


def test_it_lists_positives_and_confirms_a_case_once(
    province: Province, health_officer: Any
) -> None:
    test = _positive(province, province.member)
    pooled = services.record_pool(
        workers=[province.colleague, province.leader],
        sampled_on=timezone.localdate(),
        facility="CDC",
        result="positive",
        by=health_officer,
        client_id=uuid.uuid4(),
    )
    client = login(health_officer)
    response = client.get(reverse("screening_positives"))
    assert [t.pk for t in response.context["tests"]] == [test.pk]
    assert pooled.members.count() == 2  # a pool is not a diagnosis of anyone
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_PERSONAL, object_id=str(test.pk)
    ).exists()
    url = reverse("screening_positive_confirm", args=[test.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    case = Case.objects.get()
    assert case.worker == province.member and case.confirmed_on == test.sampled_on
    assert case.basis == "positive_test"
    assert client.get(reverse("screening_positives")).context["tests"] == []


def test_it_hides_other_scopes(province: Province) -> None:
    outside = _positive(province, province.outsider)
    _positive(province, province.member)
    client = login(province.user("enterprise"))
    for name, pk in (
        ("screening_enterprise", province.enterprise_b.pk),
        ("screening_enterprise_test", province.enterprise_b.pk),
        ("screening_enterprise_pool", province.enterprise_b.pk),
        ("screening_enterprise_vaccinations", province.enterprise_b.pk),
        ("screening_team", province.team_b.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    home = client.get(reverse("screening_home")).content.decode()
    assert "Ngoài phạm vi" not in home and province.enterprise_a.name in home
    # A local health officer sees the positives of their commune only.
    agency = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name="Trạm Y tế xã Hòa Phú",
        parent=province.commune_a,
        jurisdiction=province.commune_a,
        function=AgencyFunction.HEALTH,
    )
    local = f.make_user("ytexa", Role.AGENCY_OFFICER, agency, function="health")
    response = login(local).get(reverse("screening_positives"))
    assert province.member.full_name in response.content.decode()
    assert "Ngoài phạm vi" not in response.content.decode()
    url = reverse("screening_positive_confirm", args=[outside.pk])
    assert login(local).post(url).status_code == 404
    assert not Case.objects.exists()

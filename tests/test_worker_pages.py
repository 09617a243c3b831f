"""Worker pages: list, detail, reveal of personal data, create and edit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.organisations.models import Workshop
from tuquan.people.models import Employment, Sex, Worker

NARROW = ["commune", "zone", "enterprise", "team_leader", "worker", "outsider"]
REQUIRED = "Trường này là bắt buộc."  # Django's own vi catalogue


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    # The test client speaks plain HTTP; production settings redirect to HTTPS.
    settings.SECURE_SSL_REDIRECT = False


def login(client: Client, province: Province, persona: str) -> Client:
    client.force_login(province.user(persona))
    return client


def page(client: Client, name: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def worker_post(province: Province, **overrides: Any) -> dict[str, Any]:
    data = {
        "full_name": "Võ Thị Mai",
        "date_of_birth": "03/02/1998",
        "sex": Sex.FEMALE,
        "national_id": f.valid_national_id(
            born=date(1998, 2, 3), sex=Sex.FEMALE, serial=4242
        ),
        "phone": "0987 654 321",
        "enterprise": province.enterprise_a.pk,
        "employment_status": "active",
        "employment_start": "01/03/2024",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", NARROW)
def test_it_hides_other_scopes(
    client: Client, province: Province, persona: str
) -> None:
    login(client, province, persona)
    assert OUTSIDE not in page(client, "worker_list")


@pytest.mark.parametrize(
    ("persona", "seen", "unseen"),
    [
        ("enterprise", "Lê Văn Hùng", "Phạm Thị Hoa"),
        ("commune", "Phạm Thị Hoa", OUTSIDE),
        ("team_leader", "Trần Thị Lan", "Lê Văn Hùng"),
        ("worker", "Trần Thị Lan", "Nguyễn Văn Đông"),
        ("province", f"{OUTSIDE} Văn Xa", "—nobody—"),
    ],
)
def test_it_lists_workers_in_scope(
    client: Client, province: Province, persona: str, seen: str, unseen: str
) -> None:
    login(client, province, persona)
    html = page(client, "worker_list")
    assert seen in html
    assert unseen not in html


@pytest.mark.parametrize("persona", ["commune", "zone", "enterprise", "team_leader"])
@pytest.mark.parametrize("name", ["worker_detail", "worker_edit"])
def test_it_hides_other_scopes_on_detail_pages(
    client: Client, province: Province, persona: str, name: str
) -> None:
    login(client, province, persona)
    response = client.get(reverse(name, args=[province.outsider.pk]))
    assert response.status_code == 404
    response = client.post(reverse("worker_reveal", args=[province.outsider.pk]))
    assert response.status_code == 404


def test_it_shows_masked_ids_and_the_columns(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise")
    html = page(client, "worker_list")
    leader = province.leader
    assert leader.national_id not in html
    assert leader.national_id_masked in html
    assert "17/05/1995" in html
    assert "Công ty TNHH Cà phê Hòa Phú" in html
    assert "Nhà trọ Hoa Mai" in html
    assert 'data-label="' in html
    assert f"{reverse('worker_export')}?q=" not in html
    assert reverse("worker_import") in html


def test_it_finds_names_without_accents(client: Client, province: Province) -> None:
    login(client, province, "enterprise")
    html = page(client, "worker_list", q="nguyen van dong")
    assert "Nguyễn Văn Đông" in html
    assert "Trần Thị Lan" not in html
    # The export link carries the same filter.
    assert f"{reverse('worker_export')}?q=nguyen+van+dong" in html


def test_it_finds_a_worker_by_full_id(client: Client, province: Province) -> None:
    login(client, province, "enterprise")
    html = page(client, "worker_list", q=province.member.national_id)
    assert "Trần Thị Lan" in html
    assert "Nguyễn Văn Đông" not in html


def test_it_answers_htmx_with_the_table_only(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise")
    response = client.get(
        reverse("worker_list"),
        {"q": "tran"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Trần Thị Lan" in html
    assert "Lê Văn Hùng" not in html


def test_it_filters_by_workshop_of_the_chosen_enterprise(
    client: Client, province: Province
) -> None:
    workshop = Workshop.objects.create(
        enterprise=province.enterprise_a, name="Xưởng Rang"
    )
    colleague = province.colleague
    colleague.workshop = workshop
    colleague.save()
    login(client, province, "enterprise")
    assert 'name="workshop"' not in page(client, "worker_list")
    html = page(
        client, "worker_list", enterprise=province.enterprise_a.pk, workshop=workshop.pk
    )
    assert "Lê Văn Hùng" in html
    assert "Trần Thị Lan" not in html


def test_it_formats_counts_with_vietnamese_separators(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise")
    with translation.override("vi"):
        expected = gettext("%(shown)s worker") % {"shown": "3"}
    assert expected in page(client, "worker_list")


@pytest.mark.parametrize("extra", [0, 60])
def test_it_lists_a_page_in_a_fixed_number_of_queries(
    client: Client, province: Province, django_assert_max_num_queries: Any, extra: int
) -> None:
    shift = province.enterprise_a.shifts.create(
        name="Ca 1", starts_at="06:00", ends_at="14:00"
    )
    workshop = Workshop.objects.create(enterprise=province.enterprise_a, name="Xưởng 1")
    for n in range(extra):
        worker = f.make_worker(
            f"Công nhân {n:03d}",
            enterprise=province.enterprise_a,
            residence=province.residence_a,
        )
        worker.shift, worker.workshop = shift, workshop
        worker.save()
    login(client, province, "enterprise")
    with django_assert_max_num_queries(12):
        html = page(client, "worker_list")
    assert ("Công nhân 000" in html) == bool(extra)


def test_it_shows_the_worker_detail_masked(client: Client, province: Province) -> None:
    leader = province.leader
    login(client, province, "commune")
    html = page(client, "worker_detail", leader.pk)
    assert leader.national_id not in html
    assert leader.national_id_masked in html
    assert leader.phone[-9:] not in html
    assert "Tổ tự quản Xưởng Rang" in html
    assert "Nhà trọ Hoa Mai" in html
    # Commune officers may not see personal data: no button.
    assert reverse("worker_reveal", args=[leader.pk]) not in html


def test_it_reveals_personal_data_and_audits_it(
    client: Client, province: Province
) -> None:
    leader = province.leader
    login(client, province, "enterprise")
    url = reverse("worker_reveal", args=[leader.pk])
    assert url in page(client, "worker_detail", leader.pk)
    response = client.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="personal")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert leader.national_id in html
    # Without JavaScript the same button posts a form and gets a whole page.
    full = client.post(url).content.decode()
    assert "<html" in full and leader.national_id in full
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.VIEW_PERSONAL,
            object_id=str(leader.pk),
            username="doanhnghiep",
        ).count()
        == 2
    )


def test_it_refuses_reveal_to_a_team_leader(client: Client, province: Province) -> None:
    member = province.member
    login(client, province, "team_leader")
    html = page(client, "worker_detail", member.pk)
    assert reverse("worker_reveal", args=[member.pk]) not in html
    response = client.post(reverse("worker_reveal", args=[member.pk]))
    assert response.status_code == 403
    with translation.override("vi"):
        message = gettext("Your role does not allow seeing personal data.")
    assert message in response.content.decode()
    assert member.national_id not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_PERSONAL).exists()
    assert client.get(reverse("worker_reveal", args=[member.pk])).status_code == 405


def test_it_creates_a_worker_through_the_form(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise")
    form = page(client, "worker_create", enterprise=province.enterprise_a.pk)
    assert 'placeholder="dd/mm/yyyy"' in form
    assert f"Công ty {OUTSIDE}" not in form
    response = client.post(
        reverse("worker_create"),
        worker_post(province, teams=[province.team_a.pk]),
    )
    worker = Worker.objects.get(full_name="Võ Thị Mai")
    assert response.status_code == 302
    assert response["Location"] == reverse("worker_detail", args=[worker.pk])
    assert worker.date_of_birth == date(1998, 2, 3)
    assert worker.phone == "+84987654321"
    assert worker.memberships.filter(team=province.team_a).exists()
    assert Employment.objects.filter(
        worker=worker, enterprise=province.enterprise_a
    ).exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="people.worker", object_id=str(worker.pk)
    ).exists()


def test_it_shows_validation_errors_in_vietnamese(
    client: Client, province: Province
) -> None:
    login(client, province, "enterprise")
    response = client.post(
        reverse("worker_create"),
        worker_post(
            province, full_name="", date_of_birth="31/02/1998", national_id="123"
        ),
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    assert set(form.errors) >= {"full_name", "date_of_birth"}
    response = client.post(
        reverse("worker_create"), worker_post(province, national_id="066098000001")
    )
    # The service's check (ID digits against the date of birth) lands on the field.
    assert response.context["form"].errors["national_id"]
    assert not Worker.objects.filter(full_name="Võ Thị Mai").exists()


def test_it_refuses_worker_creation_to_a_team_leader(
    client: Client, province: Province
) -> None:
    login(client, province, "team_leader")
    assert client.get(reverse("worker_create")).status_code == 403
    assert (
        client.post(reverse("worker_create"), worker_post(province)).status_code == 403
    )
    assert reverse("worker_create") not in page(client, "worker_list")


def test_it_keeps_the_id_when_a_role_without_access_edits(
    client: Client, province: Province
) -> None:
    colleague = province.colleague
    national_id, phone = colleague.national_id, colleague.phone
    login(client, province, "zone")
    form = page(client, "worker_edit", colleague.pk)
    assert national_id not in form
    assert colleague.national_id_masked in form
    response = client.post(
        reverse("worker_edit", args=[colleague.pk]),
        worker_post(
            province,
            full_name="Lê Văn Hùng Anh",
            date_of_birth="17/05/1995",
            sex=Sex.MALE,
            national_id="",
            phone="",
        ),
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.full_name == "Lê Văn Hùng Anh"
    assert colleague.national_id == national_id
    assert colleague.phone == phone
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(colleague.pk), username="kcn"
    ).exists()


def test_it_prefills_the_id_for_roles_with_access_and_audits_it(
    client: Client, province: Province
) -> None:
    colleague = province.colleague
    login(client, province, "enterprise")
    form = page(client, "worker_edit", colleague.pk)
    assert colleague.national_id in form
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_PERSONAL, object_id=str(colleague.pk)
    ).exists()


def test_it_keeps_teams_the_editor_cannot_see(
    client: Client, province: Province
) -> None:
    resident = province.resident
    login(client, province, "zone")  # sees enterprise A2, not the residence team
    response = client.post(
        reverse("worker_edit", args=[resident.pk]),
        worker_post(
            province,
            full_name=resident.full_name,
            date_of_birth="17/05/1995",
            sex=Sex.FEMALE,
            national_id="",
            phone="",
            enterprise=province.enterprise_a2.pk,
        ),
    )
    assert response.status_code == 302
    assert resident.memberships.filter(
        team=province.team_a_residence, left_on__isnull=True
    ).exists()


def test_it_reloads_dependent_choices_for_htmx(
    client: Client, province: Province
) -> None:
    Workshop.objects.create(enterprise=province.enterprise_a, name="Xưởng Sấy")
    login(client, province, "enterprise")
    response = client.get(
        reverse("worker_create"),
        {"enterprise": province.enterprise_a.pk},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="worker-work-parts",
    )
    assert "Xưởng Sấy" in response.content.decode()
    assert "Xưởng Sấy" not in page(client, "worker_create")


def test_it_keeps_a_residence_the_editor_cannot_see(
    client: Client, province: Province
) -> None:
    leader = province.leader
    login(client, province, "enterprise")  # cannot see Nhà trọ Hoa Mai itself
    form = page(client, "worker_edit", leader.pk)
    assert f'<option value="{province.residence_a.pk}" selected>' in form
    response = client.post(
        reverse("worker_edit", args=[leader.pk]),
        worker_post(
            province,
            full_name=leader.full_name,
            date_of_birth="17/05/1995",
            sex=Sex.MALE,
            national_id=leader.national_id,
            phone="",
            residence=province.residence_a.pk,
            teams=[province.team_a.pk],
        ),
    )
    assert response.status_code == 302
    leader.refresh_from_db()
    assert leader.residence == province.residence_a
    assert leader.phone == ""

"""The audit log: append-only, scoped, readable by the committee and auditors."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import Province
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.people.services import reveal_personal_data


def test_it_refuses_to_edit_or_delete_entries(province: Province) -> None:
    entry = AuditEntry.objects.create(action=AuditAction.LOGIN, username="x")
    entry.username = "y"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_it_records_reads_of_personal_data(province: Province) -> None:
    data = reveal_personal_data(worker=province.member, by=province.user("enterprise"))
    assert data["national_id"] == province.member.national_id
    entry = AuditEntry.objects.get(action=AuditAction.VIEW_PERSONAL)
    assert entry.username == "doanhnghiep"
    assert entry.object_id == str(province.member.pk)


def test_it_lets_the_committee_and_auditors_read_the_log(
    province: Province, client: Client
) -> None:
    reveal_personal_data(worker=province.member, by=province.user("enterprise"))
    for persona in ("province", "auditor"):
        client.force_login(province.user(persona))
        response = client.get("/audit/")
        assert response.status_code == 200
        assert "Trần Thị Lan" in response.content.decode()


def test_it_hides_the_log_from_other_roles(province: Province, client: Client) -> None:
    for persona in ("enterprise", "team_leader", "commune", "worker"):
        client.force_login(province.user(persona))
        assert client.get("/audit/").status_code == 404


def test_it_hides_other_scopes(province: Province, client: Client) -> None:
    reveal_personal_data(worker=province.outsider, by=province.user("province"))
    # An auditor of commune A only (not of the province) does not see commune B's reads.
    from tests.factories import make_user
    from tuquan.accounts.choices import Role

    auditor = make_user("kiemtoan_xa", Role.AUDITOR, province.commune_a)
    client.force_login(auditor)
    assert "Ngoài phạm vi" not in client.get("/audit/").content.decode()


@pytest.mark.django_db
def test_it_shows_changes_as_people_read_them(
    province: Province, client: Client
) -> None:
    from tuquan.core import audit

    audit.record(
        AuditAction.UPDATE,
        province.member,
        changes={"phone_tail": [None, "1234"], "active": [True, False]},
        user=province.user("province"),
    )
    client.force_login(province.user("province"))
    page = client.get("/audit/").content.decode()
    assert "— → 1234" in page and "có → không" in page
    assert "None" not in page and "True" not in page

"""Idempotent creates: a retry with the same client_id returns the first result
(200 instead of 201) and never makes a duplicate."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from tests import factories as f
from tests.conftest import OUTSIDE, Province
from tuquan.core.models import AuditEntry
from tuquan.organisations.models import Enterprise, Residence, Zone
from tuquan.people.models import Sex, Worker

API = "/api/v1"


def as_user(province: Province, persona: str) -> Client:
    client = Client()
    client.force_login(province.user(persona))
    return client


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def zone(province: Province, name: str = "KCN Hòa Phú 2") -> dict[str, Any]:
    return {"name": name, "commune_id": province.commune_a.pk}


def enterprise(province: Province, name: str = "Công ty Mới") -> dict[str, Any]:
    return {"name": name, "tax_code": f.valid_tax_code(), "zone_id": province.zone_a.pk}


def residence(province: Province, name: str = "Nhà trọ Mới") -> dict[str, Any]:
    return {
        "name": name,
        "address": "1 Hùng Vương",
        "commune_id": province.commune_a.pk,
    }


def worker(province: Province, name: str = "Đinh Văn Tú") -> dict[str, Any]:
    return {
        "full_name": name,
        "date_of_birth": "12/12/1999",
        "sex": "male",
        "national_id": f.valid_national_id(born=date(1999, 12, 12), sex=Sex.MALE),
        "enterprise_id": province.enterprise_a.pk,
    }


CASES: dict[str, tuple[str, Callable[..., dict[str, Any]], type[Any]]] = {
    "zones": ("commune", zone, Zone),
    "enterprises": ("zone", enterprise, Enterprise),
    "residences": ("commune", residence, Residence),
    "workers": ("enterprise", worker, Worker),
}


@pytest.mark.parametrize("collection", CASES)
def test_it_replays_a_create_with_the_same_client_id(
    province: Province, collection: str
) -> None:
    persona, build, model = CASES[collection]
    client = as_user(province, persona)
    data = {**build(province), "client_id": str(uuid.uuid4())}
    before = model.objects.count()
    first = post(client, f"{API}/{collection}", data)
    assert first.status_code == 201, first.content
    again = post(client, f"{API}/{collection}", data)
    assert again.status_code == 200, again.content
    assert again.json() == first.json()
    assert model.objects.count() == before + 1
    creations = AuditEntry.objects.filter(
        action="create", object_id=str(first.json()["id"])
    )
    assert creations.count() == 1


@pytest.mark.parametrize("collection", CASES)
def test_it_returns_the_first_result_for_a_different_payload(
    province: Province, collection: str
) -> None:
    persona, build, model = CASES[collection]
    client = as_user(province, persona)
    client_id = str(uuid.uuid4())
    first = post(
        client, f"{API}/{collection}", {**build(province), "client_id": client_id}
    )
    assert first.status_code == 201, first.content
    before = model.objects.count()
    other = build(province, "Tên Khác Hẳn")
    again = post(client, f"{API}/{collection}", {**other, "client_id": client_id})
    assert again.status_code == 200, again.content
    assert again.json()["id"] == first.json()["id"]
    assert "Tên Khác Hẳn" not in again.content.decode()
    assert model.objects.count() == before


def test_it_creates_again_without_a_client_id(province: Province) -> None:
    client = as_user(province, "commune")
    first = post(client, f"{API}/zones", zone(province))
    second = post(client, f"{API}/zones", zone(province))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_it_keeps_client_ids_of_two_users_apart(province: Province) -> None:
    client_id = str(uuid.uuid4())
    mine = post(
        as_user(province, "enterprise"),
        f"{API}/workers",
        {**worker(province), "client_id": client_id},
    )
    assert mine.status_code == 201, mine.content
    # Someone outside the scope reusing the id learns nothing and creates nothing.
    data_b = {
        **worker(province, "Người Khác"),
        "enterprise_id": province.enterprise_b.pk,
    }
    theirs = post(
        as_user(province, "enterprise_b"),
        f"{API}/workers",
        {**data_b, "client_id": client_id},
    )
    assert theirs.status_code == 403
    assert "Đinh Văn Tú" not in theirs.content.decode()
    assert Worker.objects.count() == 6
    assert not Worker.objects.filter(full_name="Người Khác").exists()


def test_it_keeps_client_ids_of_two_users_apart_for_the_tree(
    province: Province,
) -> None:
    client_id = str(uuid.uuid4())
    mine = post(
        as_user(province, "commune"),
        f"{API}/zones",
        {**zone(province), "client_id": client_id},
    )
    assert mine.status_code == 201
    other = {"name": f"KCN {OUTSIDE} 2", "commune_id": province.commune_b.pk}
    theirs = post(
        as_user(province, "province"), f"{API}/zones", {**other, "client_id": client_id}
    )
    # The province officer can see the first zone: the retry returns it.
    assert theirs.status_code == 200
    assert theirs.json()["id"] == mine.json()["id"]
    outsider = post(
        as_user(province, "enterprise_b"),
        f"{API}/zones",
        {**other, "client_id": client_id},
    )
    assert outsider.status_code in (403, 422)
    assert "Hòa Phú" not in outsider.content.decode()
    assert Zone.objects.filter(client_id=client_id).count() == 1
    assert not Zone.objects.filter(name=other["name"]).exists()

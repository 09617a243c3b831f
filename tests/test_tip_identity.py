"""The tipster's identity: nothing about the sender in any table, the contact
details sealed to the custodians' key, and the custodian approval path with
its audit entries."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from tests import factories as f
from tests.conftest import Province
from tests.test_tip_submit import tip_fields
from tuquan.core.models import AuditEntry
from tuquan.tips import sealing, services
from tuquan.tips.logging import DropTipClientAddress
from tuquan.tips.models import ContactRequest, Custodian, Tip

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
AGENT = "Mozilla/5.0 (Linux; Android 9; Redmi 7A) TipsterPhone/1.0"
PHONE = "0912 345 678"
EMAIL = "nguoi.bao.tin@example.vn"
PASSPHRASE = "khóa-giữ-bí-mật-2026"


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> None:
    cache.clear()
    settings.TUQUAN_TIP_POW_BITS = 8


@pytest.fixture
def key(settings: Any) -> bytes:
    public, pem = sealing.generate(PASSPHRASE)
    settings.TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY = public
    return pem


def sent_tip(province: Province) -> Tip:
    client = Client(
        REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=FORWARDED
    )
    data = tip_fields(client, place=str(province.zone_a.pk))
    data["contact"] = f"Chị Hoa, {PHONE}, {EMAIL}"
    response = client.post("/to-giac/", data)
    assert response.status_code == 200
    tip = Tip.objects.get()
    client.post("/to-giac/tra-cuu/", {"code": "WRONG-CODE-0000", "body": "x"})
    return tip


def every_text_value() -> str:
    """Every text, JSON and binary value of every row of every table."""
    chunks: list[str] = []
    for model in apps.get_models():
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(
                field,
                models.CharField
                | models.TextField
                | models.JSONField
                | models.BinaryField
                | models.GenericIPAddressField,
            )
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                if isinstance(value, bytes | memoryview):
                    chunks.append(bytes(value).decode("latin-1"))
                else:
                    chunks.append(str(value))
    return "\n".join(chunks)


def test_it_stores_nothing_about_the_sender_anywhere(
    province: Province, key: bytes
) -> None:
    tip = sent_tip(province)
    services.reply(tip=tip, by=province.user("police"), body="Đã nhận")
    request = services.request_contact(
        tip=tip, by=province.user("police"), reason="Cần hỏi thêm về biển số xe."
    )
    custodian = f.make_user("giamho")
    Custodian.objects.create(user=custodian, scope=province.province)
    request = services.decide_contact_request(
        request=request, by=custodian, approve=True, key_pem=key, passphrase=PASSPHRASE
    )
    services.reveal_contact(request=request, by=province.user("police"))
    everything = every_text_value()
    assert tip.has_contact
    for secret in (IP, FORWARDED, AGENT, "Redmi", PHONE, PHONE.replace(" ", ""), EMAIL):
        assert secret not in everything, secret
    entries = AuditEntry.objects.filter(object_type__startswith="tips.")
    assert entries.exists()
    assert set(entries.values_list("address", flat=True)) == {""}


def test_it_opens_contact_details_only_after_a_custodian_approves(
    province: Province, key: bytes
) -> None:
    tip = sent_tip(province)
    police = province.user("police")
    custodian_user = f.make_user("giamho")
    Custodian.objects.create(user=custodian_user, scope=province.province)
    with pytest.raises(ValidationError):
        services.request_contact(tip=tip, by=police, reason="ngắn")
    with pytest.raises(PermissionDenied):
        services.request_contact(
            tip=tip, by=province.user("commune"), reason="Lý do đủ dài để yêu cầu."
        )
    request = services.request_contact(
        tip=tip, by=police, reason="Cần liên hệ để xác minh nhân chứng."
    )
    with pytest.raises(PermissionDenied):
        services.reveal_contact(request=request, by=police)
    with pytest.raises(PermissionDenied):  # not a custodian
        services.decide_contact_request(
            request=request,
            by=province.user("province"),
            approve=True,
            key_pem=key,
            passphrase=PASSPHRASE,
        )
    with pytest.raises(ValidationError):  # wrong passphrase: nothing decided
        services.decide_contact_request(
            request=request,
            by=custodian_user,
            approve=True,
            key_pem=key,
            passphrase="sai",
        )
    request.refresh_from_db()
    assert request.status == "pending"

    client = Client()
    client.force_login(custodian_user)
    assert (
        f"/tips/contact-requests/{request.pk}/"
        in client.get("/tips/contact-requests/").content.decode()
    )
    response = client.post(
        f"/tips/contact-requests/{request.pk}/",
        {
            "decision": "approve",
            "note": "Đồng ý",
            "passphrase": PASSPHRASE,
            "key_file": SimpleUploadedFile("custodian.pem", key),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and PHONE not in request.released_enc

    client.force_login(police)
    page = client.post(f"/tips/contact-requests/{request.pk}/reveal/")
    assert PHONE in page.content.decode()
    client.force_login(province.user("province"))
    assert client.post(f"/tips/contact-requests/{request.pk}/reveal/").status_code in (
        403,
        404,
    )

    actions = list(
        AuditEntry.objects.filter(scope_path=tip.scope_path)
        .order_by("at", "id")
        .values_list("action", "object_type", "user__username")
    )
    assert actions == [
        ("create", "tips.contactrequest", "congan"),
        ("update", "tips.contactrequest", "giamho"),
        ("view_personal", "tips.tip", "giamho"),
        ("view_personal", "tips.tip", "congan"),
    ]


def test_it_lets_a_custodian_deny_with_a_reason(province: Province, key: bytes) -> None:
    tip = sent_tip(province)
    custodian_user = f.make_user("giamho")
    Custodian.objects.create(user=custodian_user, scope=province.commune_a)
    request = services.request_contact(
        tip=tip,
        by=province.user("police"),
        reason="Cần liên hệ để xác minh nhân chứng.",
    )
    with pytest.raises(ValidationError):
        services.decide_contact_request(
            request=request, by=custodian_user, approve=False
        )
    services.decide_contact_request(
        request=request, by=custodian_user, approve=False, note="Chưa đủ căn cứ"
    )
    request.refresh_from_db()
    assert request.status == "denied" and request.released_enc == ""


def test_it_keeps_custodians_to_their_scope(province: Province, key: bytes) -> None:
    tip = sent_tip(province)
    outside = f.make_user("giamho-b")
    Custodian.objects.create(user=outside, scope=province.commune_b)
    request = services.request_contact(
        tip=tip,
        by=province.user("police"),
        reason="Cần liên hệ để xác minh nhân chứng.",
    )
    assert not ContactRequest.objects.visible_to(outside).exists()
    client = Client()
    client.force_login(outside)
    assert client.get(f"/tips/contact-requests/{request.pk}/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.decide_contact_request(
            request=request,
            by=outside,
            approve=True,
            key_pem=key,
            passphrase=PASSPHRASE,
        )


def test_it_drops_the_client_address_from_logs() -> None:
    from django.test import RequestFactory

    request = RequestFactory().post("/to-giac/", REMOTE_ADDR=IP, HTTP_USER_AGENT=AGENT)
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Bad Request: %s",
        ("/to-giac/",),
        None,
    )
    record.request = request
    assert DropTipClientAddress().filter(record)
    assert record.request is None
    access = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        "%(h)s %(r)s %(a)s",
        ({"h": IP, "r": "POST /to-giac/ HTTP/1.1", "a": AGENT, "U": "/to-giac/"},),
        None,
    )
    DropTipClientAddress().filter(access)
    assert IP not in access.getMessage() and AGENT not in access.getMessage()
    other = logging.LogRecord(
        "gunicorn.access",
        logging.INFO,
        __file__,
        1,
        "%(h)s %(r)s",
        ({"h": IP, "r": "GET /workers/", "U": "/workers/"},),
        None,
    )
    DropTipClientAddress().filter(other)
    assert IP in other.getMessage()


def test_it_makes_a_custodian_key_pair_with_the_command(
    tmp_path: Any, settings: Any
) -> None:
    from django.core.management import call_command

    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE)
    out = io.StringIO()
    call_command(
        "tip_custodian_key",
        str(tmp_path / "custodian.pem"),
        passphrase_file=str(secret),
        stdout=out,
    )
    public = out.getvalue().strip().split("=", 1)[1]
    settings.TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY = public
    sealed = sealing.seal(PHONE, sealing.custodian_public_key())
    pem = (tmp_path / "custodian.pem").read_bytes()
    assert b"ENCRYPTED" in pem
    assert sealing.open_seal(sealed, sealing.load_private_key(pem, PASSPHRASE)) == PHONE
    with pytest.raises(sealing.SealError):
        sealing.load_private_key(pem, "sai mật khẩu")
    settings.TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY = "not-a-key"
    with pytest.raises(ImproperlyConfigured):
        sealing.custodian_public_key()

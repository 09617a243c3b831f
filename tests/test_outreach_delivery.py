"""The outbox against real HTTP servers on 127.0.0.1: a gateway that fails,
times out and recovers; retries with back-off; the rate limit; Zalo, e-mail
and the console file; nothing sent twice."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tests import factories as f
from tests.conftest import Province
from tuquan.outreach import services as s
from tuquan.outreach.models import Delivery, Message

BODY = "Thấy cháy, hãy hô to và gọi 114. Đừng đi thang máy."


class Gateway:
    """A fake SMS/Zalo gateway whose next answers the test decides."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.answer: dict[str, Any] = {"status": "accepted"}
        self.requests: list[dict[str, Any]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                gateway.requests.append(
                    {
                        "payload": payload,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                if gateway.mode == "slow":
                    time.sleep(1.5)
                status = 503 if gateway.mode == "fail" else 200
                body = (
                    b"Service Unavailable"
                    if status == 503
                    else json.dumps(gateway.answer).encode()
                )
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout case)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    server = Gateway()
    settings.OUTREACH_SMS_URL = server.url
    settings.OUTREACH_SMS_TOKEN = "bi-mat"
    settings.OUTREACH_SMS_SENDER = "TUQUAN"
    settings.OUTREACH_ZALO_URL = server.url
    settings.OUTREACH_ZALO_TOKEN = "zalo-token"
    settings.OUTREACH_ZALO_TEMPLATE_ID = "12345"
    settings.OUTREACH_HTTP_TIMEOUT = "0.5"
    settings.OUTREACH_RETRY_BASE_SECONDS = "60"
    yield server
    server.close()


def send(
    province: Province, channels: list[str], capture: Any, unit: Any = None
) -> Message:
    message = s.save_message(
        message=Message(
            title="Báo cháy",
            body=BODY,
            topic="fire",
            audience_unit=unit or province.team_a,
            channels=channels,
        ),
        by=province.user("province"),
    )
    s.approve_message(message=message, by=province.user("province"))
    with capture(execute=True):
        s.send_message(message=message, by=province.user("province"))
    return message


def test_it_retries_a_failing_gateway_until_it_recovers(
    province: Province, gateway: Gateway, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.mode = "fail"
    message = send(province, ["sms"], django_capture_on_commit_callbacks)
    start = timezone.now()
    rows = Delivery.objects.filter(message=message, channel="sms")
    assert rows.count() == 2
    for row in rows:
        assert row.state == "failed" and row.attempts == 1
        assert "503" in row.reason
        assert row.next_attempt_at >= start + timedelta(seconds=55)
    # Not due yet: the back-off holds.
    assert s.deliver_due(now=start + timedelta(seconds=30)) == {"sent": 0, "failed": 0}

    gateway.mode = "slow"
    counts = s.deliver_due(now=start + timedelta(seconds=61))
    assert counts == {"sent": 0, "failed": 2}
    row = Delivery.objects.filter(message=message, channel="sms").first()
    assert row.attempts == 2 and "0.5" in row.reason
    # Second wait is twice the first.
    assert row.next_attempt_at == start + timedelta(seconds=61 + 120)

    gateway.mode = "ok"
    gateway.requests.clear()
    assert s.deliver_due(now=start + timedelta(seconds=190)) == {"sent": 2, "failed": 0}
    assert set(rows.values_list("state", flat=True)) == {"sent"}
    assert set(rows.values_list("reason", flat=True)) == {""}
    sent_to = sorted(r["payload"]["to"] for r in gateway.requests)
    assert all(to.startswith("84") for to in sent_to)
    first = gateway.requests[0]
    assert (
        first["payload"]["text"]
        == "Thay chay, hay ho to va goi 114. Dung di thang may."
    )
    assert first["payload"]["from"] == "TUQUAN"
    assert first["headers"]["authorization"] == "Bearer bi-mat"
    # Nothing is sent twice.
    assert s.deliver_due(now=start + timedelta(hours=2)) == {"sent": 0, "failed": 0}
    assert len(gateway.requests) == 2


def test_it_reports_deliveries_that_fail_every_attempt(
    province: Province,
    gateway: Gateway,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.OUTREACH_MAX_ATTEMPTS = "2"
    gateway.mode = "fail"
    message = send(province, ["sms"], django_capture_on_commit_callbacks)
    later = timezone.now() + timedelta(minutes=5)
    assert s.deliver_due(now=later) == {"sent": 0, "failed": 2}
    failed = s.failed_deliveries(message, province.user("province"))
    assert failed.count() == 2
    assert all(d.attempts == 2 and "503" in d.reason for d in failed)
    assert s.deliver_due(now=later + timedelta(days=1)) == {"sent": 0, "failed": 0}
    assert len(gateway.requests) == 4
    # The enterprise B officer sees none of these workers' rows.
    assert not s.failed_deliveries(message, province.user("enterprise_b")).exists()


def test_it_reports_an_unreachable_gateway(
    province: Province, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OUTREACH_SMS_URL = "http://127.0.0.1:9/nobody"
    message = send(province, ["sms"], django_capture_on_commit_callbacks)
    row = Delivery.objects.filter(message=message, channel="sms").first()
    assert row.state == "failed" and "refused" in row.reason.lower()


def test_it_keeps_the_per_channel_rate_limit(
    province: Province,
    gateway: Gateway,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.OUTREACH_RATE_SMS = "1"
    message = send(province, ["sms"], django_capture_on_commit_callbacks)
    states = list(
        Delivery.objects.filter(message=message, channel="sms").values_list(
            "state", flat=True
        )
    )
    assert sorted(states) == ["queued", "sent"]
    # Within the same minute the budget is spent.
    assert s.deliver_due(now=timezone.now() + timedelta(seconds=5)) == {
        "sent": 0,
        "failed": 0,
    }
    assert s.deliver_due(now=timezone.now() + timedelta(seconds=65)) == {
        "sent": 1,
        "failed": 0,
    }


def test_it_sends_through_zalo_and_reads_its_error_codes(
    province: Province, gateway: Gateway, django_capture_on_commit_callbacks: Any
) -> None:
    gateway.answer = {"error": -124, "message": "Access token is invalid"}
    message = send(province, ["zalo"], django_capture_on_commit_callbacks)
    row = Delivery.objects.filter(message=message, channel="zalo").first()
    assert row.state == "failed" and "-124" in row.reason
    request = gateway.requests[0]
    assert request["headers"]["access_token"] == "zalo-token"
    assert request["payload"]["template_id"] == "12345"
    # Zalo takes the text with its diacritics.
    assert request["payload"]["template_data"]["content"] == BODY
    gateway.answer = {"error": 0, "message": "Success"}
    s.deliver_due(now=timezone.now() + timedelta(minutes=2))
    row.refresh_from_db()
    assert row.state == "sent"


def test_it_sends_e_mail_to_workers_with_an_address(
    province: Province, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    user = province.user("worker")
    user.email = "lan@example.com"
    user.save()
    message = send(province, ["email"], django_capture_on_commit_callbacks)
    rows = Delivery.objects.filter(message=message, channel="email")
    assert rows.count() == 1 and rows.get().state == "sent"
    assert mail.outbox[0].to == ["lan@example.com"]
    assert mail.outbox[0].subject == "Báo cháy"


def test_it_writes_the_console_file(
    province: Province,
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    target = tmp_path / "outbox.txt"
    settings.OUTREACH_CONSOLE_FILE = str(target)
    settings.OUTREACH_PUBLIC_URL = "https://tuquan.example/"
    settings.SECURE_SSL_REDIRECT = False
    send(province, ["console"], django_capture_on_commit_callbacks)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(BODY in line for line in lines)
    # Each line carries the worker's own inbox link, which opens their inbox.
    links = [line.rsplit(" ", 1)[-1] for line in lines]
    assert all(link.startswith("https://tuquan.example/tin/") for link in links)
    client = Client()
    page = client.get(links[0].removeprefix("https://tuquan.example"))
    assert page.status_code == 200 and "Báo cháy" in page.content.decode()


def test_it_fails_with_a_reason_without_a_gateway(
    province: Province, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.OUTREACH_SMS_URL = ""
    f.make_worker("Không Số", enterprise=province.enterprise_a, phone="")
    message = send(
        province,
        ["sms"],
        django_capture_on_commit_callbacks,
        unit=province.enterprise_a,
    )
    rows = Delivery.objects.filter(message=message, channel="sms")
    assert rows.count() == 3  # the worker without a phone gets no SMS row
    assert all("OUTREACH_SMS_URL" in r.reason for r in rows)

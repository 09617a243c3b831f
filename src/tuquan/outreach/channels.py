"""Channel adapters: each sends one outgoing message or raises
:class:`DeliveryFailed` with a reason an officer can read.

Configuration comes from Django settings, falling back to environment
variables of the same name (see docs/outreach.md):

- ``OUTREACH_SMS_URL``, ``OUTREACH_SMS_TOKEN``, ``OUTREACH_SMS_SENDER``: an HTTP
  SMS gateway taking ``POST {"to", "from", "text", "ref"}`` as JSON with a
  bearer token; any 2xx answer means accepted.
- ``OUTREACH_ZALO_URL`` (default Zalo's ZNS template endpoint),
  ``OUTREACH_ZALO_TOKEN`` (OA access token), ``OUTREACH_ZALO_TEMPLATE_ID``: a
  Zalo Official Account template message to the worker's phone number; the
  answer's ``error`` must be 0.
- ``OUTREACH_HTTP_TIMEOUT``: seconds before a gateway is given up (default 10).
- ``OUTREACH_CONSOLE_FILE``: where the console adapter appends (else the log).
- e-mail uses Django's mail settings (``EMAIL_*``, ``DEFAULT_FROM_EMAIL``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from tuquan.outreach.choices import Channel

log = logging.getLogger("tuquan.outreach")

ZALO_DEFAULT_URL = "https://business.openapi.zalo.me/message/template"


class DeliveryFailed(Exception):
    """The channel did not take the message; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason[:255]


@dataclass
class Outgoing:
    delivery_id: int
    title: str
    text: str
    phone: str = ""
    email: str = ""


def setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def _timeout() -> float:
    try:
        return float(setting("OUTREACH_HTTP_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def international(phone: str) -> str:
    """0912345678 → 84912345678 (gateways and Zalo want the country code)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


def post_json(url: str, payload: dict[str, Any], headers: dict[str, str]) -> Any:
    """POST ``payload``; the decoded JSON answer (or ``None`` for an empty one).
    Timeouts, refused connections and non-2xx answers raise DeliveryFailed."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    timeout = _timeout()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(65536)
    except urllib.error.HTTPError as exc:
        detail = exc.read(200).decode("utf-8", "replace").strip()
        raise DeliveryFailed(
            _("The gateway answered HTTP %(status)s: %(detail)s")
            % {"status": exc.code, "detail": detail or exc.reason}
        ) from None
    except TimeoutError:
        raise DeliveryFailed(
            _("The gateway did not answer within %(seconds)s seconds.")
            % {"seconds": f"{timeout:g}"}
        ) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise DeliveryFailed(
                _("The gateway did not answer within %(seconds)s seconds.")
                % {"seconds": f"{timeout:g}"}
            ) from None
        raise DeliveryFailed(
            _("The gateway cannot be reached: %(error)s") % {"error": exc.reason}
        ) from None
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def send_sms(out: Outgoing) -> None:
    url = setting("OUTREACH_SMS_URL")
    if not url:
        raise DeliveryFailed(_("No SMS gateway is configured (OUTREACH_SMS_URL)."))
    if not out.phone:
        raise DeliveryFailed(_("The worker has no phone number."))
    token = setting("OUTREACH_SMS_TOKEN")
    post_json(
        url,
        {
            "to": international(out.phone),
            "from": setting("OUTREACH_SMS_SENDER"),
            "text": out.text,
            "ref": str(out.delivery_id),
        },
        {"Authorization": f"Bearer {token}"} if token else {},
    )


def send_zalo(out: Outgoing) -> None:
    token = setting("OUTREACH_ZALO_TOKEN")
    if not token:
        raise DeliveryFailed(_("No Zalo OA access token is configured."))
    if not out.phone:
        raise DeliveryFailed(_("The worker has no phone number."))
    answer = post_json(
        setting("OUTREACH_ZALO_URL", ZALO_DEFAULT_URL),
        {
            "phone": international(out.phone),
            "template_id": setting("OUTREACH_ZALO_TEMPLATE_ID"),
            "template_data": {"title": out.title, "content": out.text},
            "tracking_id": str(out.delivery_id),
        },
        {"access_token": token},
    )
    error = answer.get("error", 0) if isinstance(answer, dict) else 0
    if error not in (0, "0"):
        raise DeliveryFailed(
            _("Zalo refused the message (error %(code)s: %(detail)s).")
            % {"code": error, "detail": str(answer.get("message", ""))[:120]}
        )


def send_email(out: Outgoing) -> None:
    if not out.email:
        raise DeliveryFailed(_("The worker has no e-mail address."))
    try:
        send_mail(out.title, out.text, None, [out.email], fail_silently=False)
    except (OSError, Exception) as exc:  # smtplib errors derive from OSError
        raise DeliveryFailed(
            _("The mail server refused the message: %(error)s") % {"error": exc}
        ) from None


def send_console(out: Outgoing) -> None:
    line = f"[{out.delivery_id}] {out.phone or out.email or '-'} | {out.title} | "
    line += out.text.replace("\n", " ")
    path = setting("OUTREACH_CONSOLE_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    else:
        log.info("outreach console: %s", line)


ADAPTERS = {
    Channel.SMS: send_sms,
    Channel.ZALO: send_zalo,
    Channel.EMAIL: send_email,
    Channel.CONSOLE: send_console,
}


def send(channel: str, out: Outgoing) -> None:
    ADAPTERS[Channel(channel)](out)

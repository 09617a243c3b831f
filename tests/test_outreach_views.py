"""Pages of outreach: writing with the live check and the audience count,
approving and sending, poster and loudspeaker script, the worker's inbox by
personal link and logged in, and scoping."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import OUTSIDE, Province
from tuquan.health.services import health_link_token
from tuquan.outreach import services as s
from tuquan.outreach.models import Delivery, Message

GOOD = "Thấy cháy, hãy hô to và gọi 114. Đừng đi thang máy."
BAD = "Đề nghị người lao động nghiêm túc chấp hành quy định về phòng cháy."


@pytest.fixture(autouse=True)
def _plain_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = False


def login(client: Client, province: Province, persona: str) -> Client:
    client.force_login(province.user(persona))
    return client


def form_data(province: Province, **extra: Any) -> dict[str, Any]:
    data = {
        "title": "Báo cháy",
        "topic": "fire",
        "body": GOOD,
        "quiz_question": "Số báo cháy là số nào?",
        "answer_1": "113",
        "answer_2": "114",
        "quiz_right": "2",
        "audience_unit": province.team_a.pk,
        "channels": ["console"],
        "sms_unaccented": "on",
        "valid_from": "01/11/2026",
    }
    data.update(extra)
    return data


def make_sent(province: Province, unit: Any = None) -> Message:
    message = s.save_message(
        message=Message(
            title="Báo cháy",
            body=GOOD,
            topic="fire",
            quiz_question="Số báo cháy là số nào?",
            quiz_answers=["113", "114"],
            quiz_right=2,
            audience_unit=unit or province.team_a,
        ),
        by=province.user("province"),
    )
    s.approve_message(message=message, by=province.user("province"))
    s.send_message(message=message, by=province.user("province"))
    return message


def test_it_writes_approves_and_sends_a_message(
    client: Client, province: Province
) -> None:
    login(client, province, "province")
    page = client.get(reverse("outreach_new"))
    assert page.status_code == 200
    assert "Xưởng Rang" in page.content.decode()
    assert OUTSIDE in page.content.decode()  # the province covers commune B
    response = client.post(reverse("outreach_new"), form_data(province))
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("outreach_detail", args=[message.pk])
    assert message.check_passed and message.quiz_answers == ["113", "114"]
    assert message.channels == ["console"]
    detail = client.get(reverse("outreach_detail", args=[message.pk])).content.decode()
    assert 'data-verdict="pass"' in detail and 'id="or-approve"' in detail
    client.post(reverse("outreach_approve", args=[message.pk]))
    client.post(reverse("outreach_send", args=[message.pk]))
    message.refresh_from_db()
    assert message.state == "sent" and message.recipients == 2
    detail = client.get(reverse("outreach_detail", args=[message.pk])).content.decode()
    assert 'id="or-reach"' in detail and "Công ty TNHH Cà phê Hòa Phú" in detail


def test_it_shows_form_errors_naming_the_field(
    client: Client, province: Province
) -> None:
    login(client, province, "province")
    response = client.post(
        reverse("outreach_new"), form_data(province, quiz_right="", answer_2="")
    )
    assert response.status_code == 200
    assert not Message.objects.exists()
    text = response.content.decode()
    assert "2" in text and 'class="errorlist' in text


def test_it_starts_from_a_template(client: Client, province: Province) -> None:
    login(client, province, "commune")
    template = s.templates().get(title="Cháy ở nhà trọ")
    page = client.get(reverse("outreach_new"), {"template": template.pk})
    assert "gọi 114" in page.content.decode()
    assert 'data-verdict="pass"' in page.content.decode()


def test_it_checks_the_text_live(client: Client, province: Province) -> None:
    login(client, province, "enterprise")
    bad = client.post(reverse("outreach_check"), {"body": BAD}, HTTP_HX_REQUEST="true")
    text = bad.content.decode()
    assert 'data-verdict="fail"' in text
    assert 'data-code="jargon"' in text and 'data-code="no_action"' in text
    good = client.post(reverse("outreach_check"), {"body": GOOD})
    assert 'data-verdict="pass"' in good.content.decode()
    assert "Thay chay, hay ho to" in good.content.decode()


def test_it_counts_the_audience_live(client: Client, province: Province) -> None:
    login(client, province, "enterprise")
    data = {"audience_unit": province.enterprise_a.pk}
    response = client.post(reverse("outreach_audience"), data)
    assert 'data-count="3"' in response.content.decode()
    # A unit outside the officer's subtree is not even a valid choice.
    data = {"audience_unit": province.enterprise_b.pk}
    response = client.post(reverse("outreach_audience"), data)
    assert "data-count" not in response.content.decode()


def test_it_lets_only_approvers_approve(client: Client, province: Province) -> None:
    login(client, province, "enterprise")
    client.post(
        reverse("outreach_new"),
        form_data(province, audience_unit=province.enterprise_a.pk),
    )
    message = Message.objects.get()
    detail = client.get(reverse("outreach_detail", args=[message.pk])).content.decode()
    assert 'id="or-approve"' not in detail
    response = client.post(reverse("outreach_approve", args=[message.pk]))
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.state == "draft"
    login(Client(), province, "police").post(
        reverse("outreach_approve", args=[message.pk])
    )
    message.refresh_from_db()
    assert message.state == "approved"


def test_it_prints_a_poster_and_a_loudspeaker_script(
    client: Client, province: Province
) -> None:
    message = make_sent(province)
    login(client, province, "zone")
    poster = client.get(reverse("outreach_poster", args=[message.pk])).content.decode()
    assert "@page{size:A4" in poster and GOOD in poster
    script = client.get(reverse("outreach_script", args=[message.pk]))
    text = script.content.decode()
    assert text.count("Đừng đi thang máy") == 2
    assert script.context["pace"] == 160
    assert script.context["minutes"] * 60 + script.context["seconds"] > 0


def test_it_serves_the_inbox_by_personal_link(
    client: Client, province: Province
) -> None:
    message = make_sent(province)
    token = health_link_token(province.member)
    inbox = client.get(reverse("outreach_inbox_link", args=[token]))
    assert inbox.status_code == 200
    assert inbox["Cache-Control"] == "private, no-store"
    assert "Báo cháy" in inbox.content.decode()
    assert len(inbox.content) < 60_000
    row = Delivery.objects.get(worker=province.member, channel="inbox")
    assert row.state == "delivered"
    url = reverse("outreach_read_link", args=[token, message.pk])
    page = client.get(url)
    assert GOOD in page.content.decode() and len(page.content) < 60_000
    row.refresh_from_db()
    assert row.read_at is not None
    client.post(url, {"answer": "2"})
    row.refresh_from_db()
    assert row.quiz_answer == 2 and row.quiz_right is True
    again = client.post(url, {"answer": "1"})
    assert 'id="quiz-result"' in again.content.decode()  # the first answer stays
    row.refresh_from_db()
    assert row.quiz_answer == 2
    assert 'id="quiz-result"' in client.get(url).content.decode()


def test_it_refuses_a_bad_link_and_other_workers_messages(
    client: Client, province: Province
) -> None:
    message = make_sent(province)
    assert client.get("/tin/khong-hop-le/").status_code == 404
    token = health_link_token(province.colleague)  # not in team A
    assert "Báo cháy" not in client.get(f"/tin/{token}/").content.decode()
    url = reverse("outreach_read_link", args=[token, message.pk])
    assert client.get(url).status_code == 404


def test_it_serves_the_inbox_to_a_logged_in_worker(
    client: Client, province: Province
) -> None:
    message = make_sent(province)
    login(client, province, "worker")
    inbox = client.get(reverse("outreach_my_inbox"))
    assert "Báo cháy" in inbox.content.decode()
    url = reverse("outreach_my_message", args=[message.pk])
    client.post(url, {"answer": "1"})
    row = Delivery.objects.get(worker=province.member, channel="inbox")
    assert row.quiz_answer == 1 and row.quiz_right is False
    login(client, province, "enterprise")
    assert client.get(reverse("outreach_my_inbox")).status_code == 404


def test_it_hides_other_scopes(client: Client, province: Province) -> None:
    outside = make_sent(province, unit=province.team_b)
    inside = make_sent(province, unit=province.team_a)
    for persona in ("enterprise", "commune", "zone"):
        login(client, province, persona)
        listing = client.get(reverse("outreach_list")).content.decode()
        assert reverse("outreach_detail", args=[inside.pk]) in listing
        assert reverse("outreach_detail", args=[outside.pk]) not in listing
        for name in ("outreach_detail", "outreach_poster", "outreach_script"):
            url = reverse(name, args=[outside.pk])
            assert client.get(url).status_code == 404, (persona, name)
        assert (
            client.post(reverse("outreach_send", args=[outside.pk])).status_code == 404
        )
    login(client, province, "enterprise_b")
    detail = client.get(reverse("outreach_detail", args=[outside.pk])).content.decode()
    assert "Ngoài phạm vi" in detail or 'id="or-reach"' in detail
    login(client, province, "outsider")
    assert "Báo cháy" not in client.get(reverse("outreach_list")).content.decode()


def build_outreach_records(province: Province) -> list[Any]:
    """Zone B's outreach side, for the scoping proof: a message to team B
    named with OUTSIDE, approved and sent, and its outbox rows."""
    by = province.user("province")
    message = s.save_message(
        message=Message(
            title=f"Tin {OUTSIDE}",
            body=GOOD,
            topic="fire",
            quiz_question=f"Câu hỏi {OUTSIDE}?",
            quiz_answers=["113", "114"],
            quiz_right=2,
            audience_unit=province.team_b,
            channels=["console"],
        ),
        by=by,
    )
    s.approve_message(message=message, by=by)
    s.send_message(message=message, by=by)
    return [message, *Delivery.objects.filter(message=message)]


@pytest.mark.parametrize(
    "persona", ["commune", "zone", "enterprise", "team_leader", "worker", "outsider"]
)
def test_it_hides_zone_b_messages_on_every_outreach_route(
    client: Client, province: Province, persona: str
) -> None:
    ids = [obj.pk for obj in build_outreach_records(province)]
    login(client, province, persona)
    pages = ["outreach_list", "outreach_new", "outreach_my_inbox"]
    for name in pages:
        response = client.get(reverse(name))
        assert OUTSIDE not in response.content.decode(), (persona, name)
    for pk in ids:
        for name in (
            "outreach_detail",
            "outreach_edit",
            "outreach_poster",
            "outreach_script",
            "outreach_my_message",
        ):
            response = client.get(reverse(name, args=[pk]))
            assert response.status_code in (403, 404), (persona, name, pk)
        for name in ("outreach_approve", "outreach_send"):
            response = client.post(reverse(name, args=[pk]))
            assert response.status_code in (403, 404), (persona, name, pk)
        for tail in ("", "/reach", "/deliveries"):
            url = f"/api/v1/outreach/messages/{pk}{tail}"
            assert client.get(url).status_code == 404, (persona, url)


def test_it_edits_a_draft_and_rechecks_it(client: Client, province: Province) -> None:
    login(client, province, "commune")
    client.post(reverse("outreach_new"), form_data(province, body=BAD))
    message = Message.objects.get()
    assert not message.check_passed
    url = reverse("outreach_edit", args=[message.pk])
    page = client.get(url).content.decode()
    assert "chấp hành" in page and 'data-verdict="fail"' in page
    response = client.post(url, form_data(province))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.check_passed and message.body == GOOD
    client.post(reverse("outreach_approve", args=[message.pk]))
    # Approved: no more changes.
    assert client.get(url)["Location"] == reverse("outreach_detail", args=[message.pk])
    client.post(url, form_data(province, body=BAD))
    message.refresh_from_db()
    assert message.body == GOOD

"""Pages of violations and decisions: list with filters, detail with the
repeat-offence box, the record form (also from a gate flag), the decision
form, downloads; each hides other scopes."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document

from tests.conftest import Province
from tests.test_sanction_decision import decide
from tests.test_violation_record import flagged_event, make_violation, provision
from tuquan.violations.choices import Detection
from tuquan.violations.models import Authority, SanctionDecision, Violation

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_scopes(province: Province) -> dict[str, Any]:
    """A violation in zone A and one in zone B, each with a decision."""
    mine = make_violation(province, number="A-1")
    theirs = make_violation(
        province, worker=province.outsider, number="B-1", by=province.users["province"]
    )
    return {
        "mine": mine,
        "theirs": theirs,
        "my_decision": decide(province, [mine]),
        "their_decision": decide(
            province, [theirs], number="99/QĐ", by=province.users["province"]
        ),
    }


def test_it_lists_violations_with_filters(province: Province) -> None:
    make_violation(province, number="K-1")
    make_violation(
        province, number="T-1", code="nd117-xet-nghiem", detection=Detection.TIP
    )
    client = login(province.users["zone"])
    page = client.get(reverse("violation_list")).content.decode()
    assert "K-1" in page and "T-1" in page
    tested = provision("nd117-xet-nghiem")
    page = client.get(reverse("violation_list"), {"provision": tested.pk}).content
    assert b"T-1" in page and b"K-1" not in page
    page = client.get(reverse("violation_list"), {"detection": "patrol"}).content
    assert b"K-1" in page and b"T-1" not in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = client.get(reverse("violation_list"), {"from": tomorrow}).content
    assert b"K-1" not in page


def test_it_answers_htmx_with_the_table_only(province: Province) -> None:
    make_violation(province, number="K-1")
    response = login(province.users["zone"]).get(
        reverse("violation_list"), HTTP_HX_REQUEST="true"
    )
    assert b"K-1" in response.content and b"<html" not in response.content


def test_it_pages_fifty_at_a_time(province: Province) -> None:
    for n in range(51):
        make_violation(
            province, number=f"N-{n}", when=timezone.now() - timedelta(minutes=n + 1)
        )
    client = login(province.users["zone"])
    first = client.get(reverse("violation_list")).content.decode()
    second = client.get(reverse("violation_list"), {"page": 2}).content.decode()
    assert "N-0<" in first and "N-50<" not in first and "N-50<" in second


def test_it_shows_the_repeat_offence_box(province: Province) -> None:
    make_violation(province, number="R-1", when=timezone.now() - timedelta(days=30))
    latest = make_violation(province, number="R-2")
    page = login(province.users["zone"]).get(
        reverse("violation_detail", args=[latest.pk])
    )
    html = page.content.decode()
    assert 'class="card vi-repeat"' in html and "R-1" in html


def test_it_records_through_the_form(province: Province) -> None:
    rule = provision()
    client = login(province.users["zone"])
    assert client.get(reverse("violation_record")).status_code == 200
    response = client.post(
        reverse("violation_record"),
        {
            "client_id": str(uuid.uuid4()),
            "subject_kind": "worker",
            "worker": province.member.pk,
            "provision": rule.pk,
            "occurred_at": (timezone.localtime() - timedelta(hours=1)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "place": "Xưởng Rang",
            "detection": "inspection",
            "record_number": "05/BB",
        },
    )
    violation = Violation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("violation_detail", args=[violation.pk])


def test_it_shows_form_errors_and_saves_nothing(province: Province) -> None:
    response = login(province.users["zone"]).post(
        reverse("violation_record"),
        {"subject_kind": "person", "person_id": "12", "unit": province.zone_a.pk},
    )
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert Violation.objects.count() == 0


def test_it_prefills_the_form_from_a_gate_flag(gates: Any) -> None:
    province = gates.province
    event = flagged_event(province.member, gates.gate_a)
    client = login(province.users["zone"])
    listing = client.get(reverse("violation_gate_flags")).content.decode()
    assert f"?gate_event={event.pk}" in listing
    form = client.get(reverse("violation_record"), {"gate_event": event.pk})
    html = form.content.decode()
    assert f'name="worker" value="{province.member.pk}" checked' in html
    assert 'value="gate_flag" selected' in html


def test_it_issues_a_decision_through_the_form(province: Province) -> None:
    violation = make_violation(province)
    client = login(province.users["zone"])
    url = reverse("decision_create")
    assert client.get(url, {"violation": violation.pk}).status_code == 200
    bad = client.post(
        url,
        {
            "violation": violation.pk,
            "violations": [violation.pk],
            "authority": Authority.objects.get(code="ct-ubnd-xa").pk,
            "number": "1/QĐ",
            "issuing_body": "UBND xã Hòa Phú",
            "signer_name": "A",
            "place_name": "Hòa Phú",
            "fine_amount": "500.000",
        },
    )
    assert bad.status_code == 200 and b'role="alert"' in bad.content
    assert SanctionDecision.objects.count() == 0
    good = client.post(
        url,
        {
            "violation": violation.pk,
            "violations": [violation.pk],
            "authority": Authority.objects.get(code="ct-ubnd-xa").pk,
            "number": "1/QĐ",
            "issuing_body": "UBND xã Hòa Phú",
            "signer_name": "A",
            "place_name": "Hòa Phú",
            "fine_amount": "1.500.000",
            "client_id": str(uuid.uuid4()),
        },
    )
    decision = SanctionDecision.objects.get()
    assert good["Location"] == reverse("decision_detail", args=[decision.pk])
    assert decision.fine_amount == 1_500_000


def test_it_records_payment_on_the_decision_page(province: Province) -> None:
    decision = decide(
        province,
        [make_violation(province)],
        issued_on=timezone.localdate() - timedelta(days=3),
    )
    client = login(province.users["zone"])
    url = reverse("decision_detail", args=[decision.pk])
    early = (decision.issued_on - timedelta(days=1)).isoformat()
    bad = client.post(url, {"state": "paid", "paid_on": early, "appeal_state": ""})
    assert bad.status_code == 200 and b'role="alert"' in bad.content
    ok = client.post(
        url,
        {
            "state": "paid",
            "paid_on": timezone.localdate().isoformat(),
            "appeal_state": "",
        },
    )
    assert ok.status_code == 302
    decision.refresh_from_db()
    assert decision.paid_on == timezone.localdate()


def test_it_downloads_both_documents(province: Province) -> None:
    violation = make_violation(province)
    decision = decide(province, [violation])
    client = login(province.users["commune"])
    for url in (
        reverse("violation_docx", args=[violation.pk]),
        reverse("decision_docx", args=[decision.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('.docx"')
        assert Document(io.BytesIO(response.content)).paragraphs


def test_it_refuses_the_record_form_to_enterprise_officers(province: Province) -> None:
    response = login(province.users["enterprise"]).get(reverse("violation_record"))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "persona", ["zone", "commune", "enterprise", "police", "province", "auditor"]
)
def test_it_hides_other_scopes(
    province: Province, two_scopes: dict[str, Any], persona: str
) -> None:
    client = login(province.users[persona])
    wide = persona in ("police", "province", "auditor")
    mine, theirs = two_scopes["mine"], two_scopes["theirs"]
    listing = client.get(reverse("violation_list")).content.decode()
    assert "A-1" in listing
    assert ("B-1" in listing) is wide
    decisions = client.get(reverse("decision_list")).content.decode()
    assert ("99/QĐ" in decisions) is wide
    expected = 200 if wide else 404
    for name, pk in (
        ("violation_detail", theirs.pk),
        ("violation_docx", theirs.pk),
        ("decision_detail", two_scopes["their_decision"].pk),
        ("decision_docx", two_scopes["their_decision"].pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == expected, name
    assert client.get(reverse("violation_detail", args=[mine.pk])).status_code == 200


@pytest.mark.parametrize(
    "persona", ["team_leader", "worker", "outsider", "enterprise_b"]
)
def test_it_hides_violations_from_those_outside_enforcement(
    province: Province, two_scopes: dict[str, Any], persona: str
) -> None:
    client = login(province.users[persona])
    listing = client.get(reverse("violation_list")).content.decode()
    assert "A-1" not in listing
    mine = two_scopes["mine"]
    assert client.get(reverse("violation_detail", args=[mine.pk])).status_code == 404
    assert (
        client.get(reverse("decision_create"), {"violation": mine.pk}).status_code
        == 404
    )


def test_it_hides_flagged_passages_of_other_scopes(gates: Any) -> None:
    province = gates.province
    mine = flagged_event(province.member, gates.gate_a)
    theirs = flagged_event(province.outsider, gates.gate_b)
    client = login(province.users["zone"])
    listing = client.get(reverse("violation_gate_flags")).content.decode()
    assert f"gate_event={mine.pk}" in listing
    assert f"gate_event={theirs.pk}" not in listing
    form = client.get(reverse("violation_record"), {"gate_event": theirs.pk})
    assert province.outsider.full_name not in form.content.decode()
    search = client.get(reverse("violation_worker_search"), {"q": "Ngoai"})
    assert province.outsider.full_name not in search.content.decode()


def test_it_attaches_and_serves_evidence(
    province: Province, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    violation = make_violation(province)
    client = login(province.users["zone"])
    url = reverse("violation_evidence_upload", args=[violation.pk])
    bad = SimpleUploadedFile("x.exe", b"MZ")
    client.post(url, {"file": bad})
    assert violation.evidence.count() == 0
    png = SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n1234")
    assert client.post(url, {"file": png}).status_code == 302
    item = violation.evidence.get()
    download = client.get(reverse("violation_evidence", args=[violation.pk, item.pk]))
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    outsider = login(province.users["enterprise_b"])
    assert (
        outsider.get(
            reverse("violation_evidence", args=[violation.pk, item.pk])
        ).status_code
        == 404
    )

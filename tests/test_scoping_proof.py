"""The scoping proof: every URL pattern and every API operation, for every
persona, never returns a row outside the persona's subtree.

Patterns and operations are discovered from the URL configuration and the
OpenAPI document, so a new page or endpoint that forgets ``visible_to`` fails
here without anyone adding it to a list. Every object outside a persona's scope
carries a marker in its name; the marker must never appear in a response.
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests import factories as f
from tests.conftest import OUTSIDE, GateSite, Province
from tests.test_outreach_views import build_outreach_records
from tuquan.core.scoping import ScopedQuerySet
from tuquan.organisations.choices import AgencyFunction, OrgKind
from tuquan.organisations.models import AdminUnit, Organisation

OTHER_PROVINCE = "Ngoài tỉnh"
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
API_PARAM = re.compile(r"\{(?P<name>\w+)\}")
# The public tip form lists every commune and zone by design (a tipster anywhere
# must be able to say where); it shows no row of anyone.
SKIP_PREFIXES = ("admin/", "api/v1/", "static/", "media/", "to-giac/")

# Personas whose subtree excludes commune B (and so every OUTSIDE object).
NARROW = (
    "commune",
    "zone",
    "enterprise",
    "team_leader",
    "worker",
    "outsider",
    "guard",
)
# Personas that cover the whole province: they must not see another province.
WIDE = ("province", "police", "auditor")


def iter_routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from iter_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route.lstrip("^").rstrip("$")


def build_gate_records(site: Any, worker: Any, marker: str) -> dict[str, Any]:
    """A gate with a card, a passage, a visitor and a vehicle, all named with
    ``marker``, recorded by a guard of that gate."""
    from tuquan.accounts.choices import Role
    from tuquan.gates.models import Gate, GateEvent, VehicleEntry, Visitor
    from tuquan.gates.services import record_gate_events

    gate = Gate.objects.filter(site=site).first() or f.make_gate(site, f"Cổng {marker}")
    card = worker.cards.filter(revoked_at__isnull=True).first() or f.make_card(worker)
    guard = f.make_user(f"guard-{gate.pk}", Role.GATE_GUARD, gate)
    result = record_gate_events(
        events=[
            {
                "client_id": str(uuid.uuid4()),
                "gate": gate.pk,
                "card": card.code,
                "direction": "in",
                "occurred_at": timezone.now().isoformat(),
            }
        ],
        by=guard,
    )
    assert result.accepted, result.rejected
    visitor = Visitor(
        gate=gate,
        full_name=f"Khách {marker}",
        purpose=f"Thăm {marker}",
        time_in=timezone.now(),
    )
    visitor.national_id = f.valid_national_id()
    visitor.save()
    vehicle = VehicleEntry.objects.create(
        client_id=uuid.uuid4(),
        gate=gate,
        plate="47C-999.99",
        vehicle_kind="truck",
        driver_name=f"Tài xế {marker}",
        direction="in",
        occurred_at=timezone.now(),
        received_at=timezone.now(),
    )
    return {
        "gate": gate,
        "card": card,
        "event": GateEvent.objects.get(client_id=result.accepted[0]),
        "visitor": visitor,
        "vehicle": vehicle,
    }


def build_health_records(province: Province) -> list[Any]:
    """Zone B's health side, all naming OUTSIDE somewhere: a declaration, a
    case with a traced contact and follow-ups, a test and a dose, a risk
    self-assessment, an outbreak alert and the commune's weekly level."""
    from datetime import timedelta

    from tuquan.accounts.models import User
    from tuquan.health.cases import confirm_case
    from tuquan.health.services import submit_declaration
    from tuquan.health.tracing import trace_case
    from tuquan.levels.services import compute_levels
    from tuquan.levels.thresholds import install_shipped
    from tuquan.riskassess.services import answers_with_points, submit_assessment
    from tuquan.riskassess.shipped import install_national_set
    from tuquan.screening.services import record_test, record_vaccination
    from tuquan.surveillance.models import Method, OutbreakAlert

    root = User.objects.create_superuser("proof-root", password=None)
    mate = f.make_worker(
        f"{OUTSIDE} Thị Hai", enterprise=province.enterprise_b, teams=(province.team_b,)
    )
    declaration = submit_declaration(
        worker=province.outsider,
        symptoms=["fever"],
        client_id=uuid.uuid4(),
        by=root,
    ).declaration
    case = confirm_case(worker=province.outsider, basis="positive_test", by=root)
    contact = trace_case(case, by=root).get(worker=mate)
    today = timezone.localdate()
    test = record_test(
        worker=province.outsider,
        method="rapid_antigen",
        sampled_on=today,
        facility=f"Trạm y tế {OUTSIDE}",
        result="positive",
        by=root,
        client_id=uuid.uuid4(),
    )
    dose = record_vaccination(
        worker=mate,
        dose=1,
        given_on=today,
        vaccine="Vero Cell",
        place=f"Trạm y tế {OUTSIDE}",
        by=root,
        client_id=uuid.uuid4(),
    )
    national = install_national_set()
    assessment = submit_assessment(
        enterprise=province.enterprise_b,
        answers=answers_with_points(national, {"CS1": 6, "CS2": 10, "CS3": 30}),
        by=province.user("enterprise_b"),
    )
    alert = OutbreakAlert.objects.create(
        unit_kind="team",
        organisation=province.team_b,
        unit_key=f"team:{province.team_b.pk}",
        unit_name=province.team_b.name,
        scope_path=province.team_b.path,
        day=today,
        series="symptomatic",
        method=Method.C1,
        observed=3,
        expected=0,
        sigma=1,
        statistic=3,
        threshold=3,
        window=[0] * 28,
        window_start=today - timedelta(days=27),
        message=f"{province.team_b.name}: 3 người khai có triệu chứng",
    )
    install_shipped()
    monday = today - timedelta(days=today.weekday())
    levels = compute_levels(
        week_start=monday, units=[province.commune_b, province.zone_b]
    )
    return [
        mate,
        declaration,
        case,
        contact,
        *case.follow_ups.all(),
        test,
        dose,
        assessment,
        alert,
        *levels,
        *build_order_records(province, root),
    ]


def build_order_records(province: Province, root: Any) -> list[Any]:
    """Zone B's security side: a theft report (handed to the police) and a
    violation of the outsider."""
    from tuquan.security.kinds import install_kinds
    from tuquan.security.services import create_report
    from tuquan.violations.models import Authority, LegalProvision
    from tuquan.violations.provisions import load_shipped
    from tuquan.violations.services import record_violation

    install_kinds()
    report = create_report(
        kind="theft",
        description=f"Mất xe máy ở {OUTSIDE}",
        occurred_at=timezone.now(),
        by=root,
        zone=province.zone_b,
        enterprise=province.enterprise_b,
        place_text=f"Bãi xe {OUTSIDE}",
    )
    load_shipped(LegalProvision, Authority)
    violation = record_violation(
        by=root,
        subject_kind="worker",
        worker=province.outsider,
        provision=LegalProvision.objects.get(code="nd117-12-1a-khau-trang"),
        occurred_at=timezone.now(),
        place=f"Cổng {OUTSIDE}",
        detection="inspection",
        record_number=f"01/BB-{OUTSIDE}",
    )
    handover = getattr(report, "handover", None)
    return [report, violation, *([handover] if handover else [])]


def build_plan_records(province: Province) -> list[Any]:
    """Zone B's directive side: a letter whose only task is commune B's, with
    commune B's progress report, and an official report on zone B."""
    from datetime import date

    from tests.test_directive_services import at, make_directive
    from tuquan.directives.services import TaskInput, submit_progress
    from tuquan.reports.official import request_report

    root = f.make_user("goc-ke-hoach", is_superuser=True)
    directive = make_directive(
        province,
        number=f"24/BCĐ-{OUTSIDE}",
        tasks=[
            TaskInput(
                content=f"Nhiệm vụ {OUTSIDE}",
                lead_unit=province.commune_b,
                supporting_units=[province.zone_b],
                deadline=date(2021, 8, 31),
            )
        ],
    )
    task = directive.tasks.get()
    with at(date(2021, 8, 2)):
        progress = submit_progress(
            task=task,
            unit=province.commune_b,
            by=root,
            percentage=10,
            narrative=f"Báo cáo {OUTSIDE}",
        )
    report, _created = request_report(
        user=None,
        scope=province.zone_b,
        kind="monthly",
        day=timezone.localdate(),
        queue=False,
    )
    return [directive, task, *task.assignments.all(), progress, report]


def build_other_province() -> dict[str, Any]:
    """A second province whose every name carries both markers."""
    marker = f"{OTHER_PROVINCE} {OUTSIDE}"
    other = AdminUnit.objects.create(
        name=f"Tỉnh {marker}", kind=OrgKind.PROVINCE, code="77"
    )
    commune = f.make_commune(other, f"Xã {marker}", "77001")
    agency = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name=f"Công an {marker}",
        parent=other,
        jurisdiction=other,
        function=AgencyFunction.POLICE,
    )
    zone = f.make_zone(commune, f"KCN {marker}")
    enterprise = f.make_enterprise(zone, f"Công ty {marker}")
    residence = f.make_residence(commune, f"Nhà trọ {marker}")
    team = f.make_team(f"Tổ {marker}", enterprise=enterprise)
    worker = f.make_worker(
        f"{marker} Thị Xa", enterprise=enterprise, residence=residence, teams=(team,)
    )
    gate_records = build_gate_records(zone, worker, marker)
    return {
        **{f"gate_{key}": value for key, value in gate_records.items()},
        "province": other,
        "commune": commune,
        "agency": agency,
        "zone": zone,
        "enterprise": enterprise,
        "residence": residence,
        "team": team,
        "worker": worker,
    }


def readable(response: Any) -> str:
    """Response body as text, whatever its format (HTML, JSON, .xlsx)."""
    content_type = response.get("Content-Type", "")
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    if "json" in content_type:
        try:
            return json.dumps(json.loads(body), ensure_ascii=False)
        except ValueError:
            return body.decode("utf-8", "replace")
    if "spreadsheet" in content_type or body[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return body.decode("utf-8", "replace")


def fill(route: str, value: int) -> str:
    def sub(match: re.Match[str]) -> str:
        conv = match.group("conv") or "str"
        return (
            str(value)
            if conv in {"int", "str", "slug", "path"}
            else "00000000-0000-0000-0000-000000000000"
        )

    return "/" + PARAM.sub(sub, route)


def visible_ids(user: Any) -> set[int]:
    """Primary keys of every scoped row ``user`` may see, in any table."""
    ids: set[int] = set()
    for model in apps.get_models():
        manager = model._default_manager
        if isinstance(manager.get_queryset(), ScopedQuerySet):
            ids.update(manager.visible_to(user).values_list("pk", flat=True))
    return ids


def out_of_scope_ids(
    province: Province, other: dict[str, Any], wide: bool, user: Any
) -> list[int]:
    """Ids of rows the persona must not reach, minus any id that some row the
    persona legitimately sees also has (tables share id ranges).

    Province-wide personas are probed with the other province's rows; narrow
    ones with zone B's, which are the same kinds of rows one step closer (the
    other province would only double the probes, and the run time)."""
    objects = list(other.values()) if wide else []
    if not wide:
        objects += [
            province.commune_b,
            province.zone_b,
            province.enterprise_b,
            province.residence_b,
            province.team_b,
            province.outsider,
            *build_gate_records(province.zone_b, province.outsider, OUTSIDE).values(),
            *build_health_records(province),
            *build_outreach_records(province),
            *build_plan_records(province),
        ]
    ids = {obj.pk for obj in objects}
    for obj in objects:
        # Parts hang under enterprises and residences: their ids too.
        for related in (
            "workshops",
            "shifts",
            "bus_routes",
            "rooms",
            "memberships",
            "employments",
        ):
            manager = getattr(obj, related, None)
            if manager is not None:
                ids.update(manager.values_list("pk", flat=True))
    candidates = sorted(ids - visible_ids(user))
    assert candidates, "no out-of-scope id left to probe"
    return candidates


def check(response: Any, marker: str, where: str) -> None:
    if response.status_code in (301, 302, 303, 401, 403, 404, 405, 422):
        text = readable(response) if response.status_code in (403, 404, 422) else ""
    else:
        assert response.status_code < 500, f"{where} → {response.status_code}"
        text = readable(response)
    assert marker not in text, f"{where} showed an object outside the scope"


@pytest.mark.parametrize("persona", NARROW + WIDE)
def test_it_hides_other_scopes_on_every_page(gates: GateSite, persona: str) -> None:
    province = gates.province
    other = build_other_province()
    wide = persona in WIDE
    marker = OTHER_PROVINCE if wide else OUTSIDE
    client = Client()
    client.force_login(province.user(persona))
    routes = [r for r in iter_routes() if not r.startswith(SKIP_PREFIXES)]
    assert len(routes) >= 10, routes
    ids = out_of_scope_ids(province, other, wide, province.user(persona))
    for route in routes:
        if not PARAM.search(route):
            url = "/" + route
            check(client.get(url), marker, f"GET {url}")
            check(client.get(url, {"q": "ngoai pham"}), marker, f"GET {url}?q=ngoai")
            continue
        for pk in ids:
            url = fill(route, pk)
            check(client.get(url), marker, f"GET {url}")
            if persona in ("enterprise", "team_leader", "province"):
                check(client.post(url, {}), marker, f"POST {url}")
        client.force_login(province.user(persona))  # a POST to logout ends the session


@pytest.mark.parametrize("persona", NARROW + WIDE)
def test_it_hides_other_scopes_on_every_api_operation(
    gates: GateSite, persona: str
) -> None:
    province = gates.province
    other = build_other_province()
    wide = persona in WIDE
    marker = OTHER_PROVINCE if wide else OUTSIDE
    client = Client()
    client.force_login(province.user(persona))
    spec = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, method)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) >= 5, operations
    ids = out_of_scope_ids(province, other, wide, province.user(persona))
    for path, method in operations:
        if not API_PARAM.search(path):
            if method == "get":
                check(client.get(path), marker, f"GET {path}")
                check(client.get(path, {"q": "ngoai pham"}), marker, f"GET {path}?q=")
            continue
        for pk in ids:
            url = API_PARAM.sub(str(pk), path)
            call = getattr(client, method)
            response = (
                call(url)
                if method == "get"
                else call(url, data="{}", content_type="application/json")
            )
            check(response, marker, f"{method.upper()} {url}")
            if method != "get":
                assert response.status_code in (401, 403, 404, 405, 422), (
                    f"{method.upper()} {url} → {response.status_code} on an object "
                    "outside the scope"
                )

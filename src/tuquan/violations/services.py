"""Recording violations, finding repeat offences and issuing sanction decisions.

Every function validates, runs in ``transaction.atomic()`` and raises
``ValidationError`` (Vietnamese messages naming the field) or
``PermissionDenied``; nothing is saved when it raises.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tuquan.core.text import nfc
from tuquan.violations.choices import (
    AppealState,
    Detection,
    EnforcementState,
    SubjectKind,
    ViolationState,
)
from tuquan.violations.models import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    Authority,
    Evidence,
    LegalProvision,
    SanctionDecision,
    Violation,
)
from tuquan.violations.rules import may_record

# A violation within this many days before another by the same subject makes
# the later one a repeat offence (tái phạm: within one year of the earlier).
REPEAT_WINDOW_DAYS = 365


def vnd(amount: int) -> str:
    return f"{number_format(amount, force_grouping=True)} ₫"


def repeat_offences(
    subject_key: str, before: datetime, *, exclude_id: int | None = None
) -> QuerySet[Violation]:
    """Earlier violations of the same subject within the window: one range
    scan of the (subject_key, occurred_at) index."""
    qs = Violation.objects.filter(
        subject_key=subject_key,
        occurred_at__gte=before - timedelta(days=REPEAT_WINDOW_DAYS),
        occurred_at__lt=before,
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return qs.select_related("provision").order_by("-occurred_at")


@dataclass
class RepeatInfo:
    earlier: list[Violation]
    same_provision: list[Violation]


def repeat_info(violation: Violation) -> RepeatInfo:
    earlier = list(
        repeat_offences(
            violation.subject_key, violation.occurred_at, exclude_id=violation.pk
        )
    )
    same = [v for v in earlier if v.provision_id == violation.provision_id]
    return RepeatInfo(earlier=earlier, same_provision=same)


def _site_for(
    kind: str, worker: Any, organisation: Any, site: Any
) -> Any:  # an Organisation or None
    if site is not None:
        return site
    if kind == SubjectKind.WORKER and worker is not None:
        return worker.enterprise or worker.residence
    if kind == SubjectKind.ORGANISATION:
        return organisation
    return None


def record_violation(
    *,
    by: Any,
    subject_kind: str,
    provision: LegalProvision | None,
    occurred_at: datetime | None,
    place: str,
    detection: str,
    record_number: str,
    worker: Any = None,
    organisation: Any = None,
    person_name: str = "",
    person_id: str = "",
    site: Any = None,
    gate_event: Any = None,
    health_case: Any = None,
    incident_report: Any = None,
    description: str = "",
    client_id: uuid.UUID | None = None,
) -> Violation:
    """Write a violation down; flags it as a repeat offence when the subject
    has an earlier one within the window. A retry with the same ``client_id``
    returns the first violation (``_replayed``)."""
    if client_id is not None:
        earlier = Violation.objects.filter(client_id=client_id).first()
        if earlier is not None:
            earlier._replayed = True  # type: ignore[attr-defined]
            return earlier
    errors: dict[str, str] = {}
    person_id = "".join((person_id or "").split())
    if subject_kind == SubjectKind.WORKER and worker is None:
        errors["worker"] = _("Choose the worker who committed the violation.")
    if subject_kind == SubjectKind.ORGANISATION and organisation is None:
        errors["organisation"] = _("Choose the organisation that committed it.")
    if subject_kind == SubjectKind.PERSON:
        if not nfc(person_name).strip():
            errors["person_name"] = _("Enter the offender's full name.")
        if not (person_id.isdigit() and len(person_id) in (9, 12)):
            errors["person_id"] = _(
                "The ID number must have 12 digits (citizen ID) or 9 (old ID card)."
            )
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("Choose who committed the violation.")
    if provision is None:
        errors["provision"] = _("Choose the legal provision violated.")
    now = timezone.now()
    if occurred_at is None:
        errors["occurred_at"] = _("Enter the time of the violation.")
    elif occurred_at > now + timedelta(minutes=5):
        errors["occurred_at"] = _("The time of the violation cannot be in the future.")
    elif provision is not None and not provision.in_force_on(
        timezone.localtime(occurred_at).date()
    ):
        errors["provision"] = _(
            "This provision was not in force on the day of the violation."
        )
    if detection not in Detection.values:
        errors["detection"] = _("Choose how the violation was detected.")
    if not nfc(place).strip():
        errors["place"] = _("Enter the place of the violation.")
    if not nfc(record_number).strip():
        errors["record_number"] = _("Enter the number of the written record.")
    if gate_event is not None:
        if not gate_event.flag:
            errors["gate_event"] = _("This gate passage was not flagged.")
        elif worker is None or gate_event.worker_id != worker.pk:
            errors["gate_event"] = _(
                "The flagged gate passage belongs to another worker."
            )
    site = _site_for(subject_kind, worker, organisation, site)
    if site is None and "worker" not in errors and "organisation" not in errors:
        errors["site"] = _("Choose the unit where the violation was found.")
    if errors:
        raise ValidationError(errors)
    if not may_record(by, site.path):
        raise PermissionDenied(
            _("You may not record violations at %(unit)s.") % {"unit": site}
        )
    violation = Violation(
        subject_kind=subject_kind,
        worker=worker if subject_kind == SubjectKind.WORKER else None,
        organisation=organisation if subject_kind == SubjectKind.ORGANISATION else None,
        person_name=person_name if subject_kind == SubjectKind.PERSON else "",
        provision=provision,
        occurred_at=occurred_at,
        place=nfc(place).strip(),
        site=site,
        detection=detection,
        gate_event=gate_event,
        health_case=health_case,
        incident_report=incident_report,
        record_number=nfc(record_number).strip(),
        description=nfc(description).strip(),
        officer=by,
        client_id=client_id,
    )
    if subject_kind == SubjectKind.PERSON:
        violation.person_id = person_id
    violation.fill_subject()
    with transaction.atomic():
        violation.is_repeat = repeat_offences(
            violation.subject_key, violation.occurred_at
        ).exists()
        violation.save()
    return violation


def add_evidence(*, violation: Violation, upload: UploadedFile, by: Any) -> Evidence:
    """Attach a photo (JPEG, PNG) or PDF of at most 10 MB, checked by its
    first bytes as well as its name."""
    if not may_record(by, violation.scope_path):
        raise PermissionDenied(_("You may not add evidence to this violation."))
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    magic = EVIDENCE_TYPES.get(suffix)
    if magic is None:
        raise ValidationError(
            {"file": _("%(name)s: only JPEG, PNG or PDF files.") % {"name": name}}
        )
    if upload.size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            {"file": _("%(name)s: larger than 10 MB.") % {"name": name}}
        )
    head = upload.read(len(magic))
    upload.seek(0)
    if head != magic:
        raise ValidationError(
            {
                "file": _("%(name)s: the content is not what its name says.")
                % {"name": name}
            }
        )
    with transaction.atomic():
        return Evidence.objects.create(
            violation=violation,
            file=upload,
            name=name,
            size=upload.size,
            uploaded_by=by,
        )


def fine_bounds(violations: list[Violation]) -> tuple[int, int]:
    """The lowest and highest total fine for these violations of one subject
    (organisations: each range times the provision's multiplier)."""
    low = high = 0
    for violation in violations:
        a, b = violation.provision.fine_range(violation.is_organisation)
        low, high = low + a, high + b
    return low, high


def issue_decision(
    *,
    by: Any,
    violations: list[Violation],
    authority: Authority | None,
    number: str,
    issuing_body: str,
    signer_name: str,
    place_name: str,
    fine_amount: int | None,
    remedial_measures: str = "",
    issued_on: date | None = None,
    due_on: date | None = None,
    client_id: uuid.UUID | None = None,
) -> SanctionDecision:
    """Fine one subject for one or more of their violations not yet decided."""
    if client_id is not None:
        earlier = SanctionDecision.objects.filter(client_id=client_id).first()
        if earlier is not None:
            earlier._replayed = True  # type: ignore[attr-defined]
            return earlier
    issued_on = issued_on or timezone.localdate()
    errors: dict[str, str] = {}
    if not violations:
        errors["violations"] = _("Choose at least one violation.")
    elif len({v.subject_key for v in violations}) > 1:
        errors["violations"] = _(
            "A decision covers the violations of one subject only: %(names)s "
            "are different subjects."
        ) % {"names": ", ".join(sorted({v.subject_label for v in violations}))}
    else:
        decided = [v.record_number for v in violations if v.decision_id]
        if decided:
            errors["violations"] = _(
                "Already covered by another decision: %(records)s."
            ) % {"records": ", ".join(decided)}
    if authority is None:
        errors["authority"] = _("Choose the authority that issues the decision.")
    for field, value, message in (
        ("number", number, _("Enter the decision's number and symbol.")),
        ("issuing_body", issuing_body, _("Enter the issuing body.")),
        ("signer_name", signer_name, _("Enter the name of the signer.")),
        ("place_name", place_name, _("Enter the place of issue.")),
    ):
        if not nfc(value).strip():
            errors[field] = message
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("The issue date cannot be in the future.")
    if due_on is not None and due_on < issued_on:
        errors["due_on"] = _("The deadline cannot be before the decision is issued.")
    if fine_amount is None:
        errors["fine_amount"] = _("Enter the fine.")
    elif "violations" not in errors:
        low, high = fine_bounds(violations)
        if not low <= fine_amount <= high:
            errors["fine_amount"] = _(
                "The fine %(fine)s is outside the range %(low)s – %(high)s set by "
                "the provisions for this subject."
            ) % {"fine": vnd(fine_amount), "low": vnd(low), "high": vnd(high)}
        elif authority is not None and authority.fine_ceiling is not None:
            factor = 2 if violations[0].is_organisation else 1
            if fine_amount > authority.fine_ceiling * factor:
                errors["fine_amount"] = _(
                    "The fine %(fine)s is above what %(authority)s may impose "
                    "(%(ceiling)s)."
                ) % {
                    "fine": vnd(fine_amount),
                    "authority": authority.title,
                    "ceiling": vnd(authority.fine_ceiling * factor),
                }
    if errors:
        raise ValidationError(errors)
    for violation in violations:
        if not may_record(by, violation.scope_path):
            raise PermissionDenied(
                _("You may not decide on violations at %(place)s.")
                % {"place": violation.site}
            )
    first = violations[0]
    with transaction.atomic():
        # Lock the violations: two officers deciding at once must not both win.
        locked = list(
            Violation.objects.select_for_update()
            .filter(pk__in=[v.pk for v in violations], decision__isnull=True)
            .values_list("pk", flat=True)
        )
        if len(locked) != len(violations):
            raise ValidationError(
                {"violations": _("Some of these violations were decided meanwhile.")}
            )
        decision = SanctionDecision(
            number=nfc(number).strip(),
            authority=authority,
            issuing_body=nfc(issuing_body).strip(),
            signer_name=nfc(signer_name).strip(),
            place_name=nfc(place_name).strip(),
            subject_kind=first.subject_kind,
            subject_key=first.subject_key,
            subject_label=first.subject_label,
            scope_path=min((v.scope_path for v in violations), key=len),
            fine_amount=fine_amount,
            remedial_measures=nfc(remedial_measures).strip(),
            issued_on=issued_on,
            due_on=due_on,
            issued_by=by,
            client_id=client_id,
        )
        try:
            decision.validate_constraints()
        except ValidationError as exc:
            raise ValidationError(
                {"number": _("This body already issued a decision with this number.")}
            ) from exc
        decision.save()
        Violation.objects.filter(pk__in=locked).update(
            decision=decision, state=ViolationState.DECIDED
        )
    return decision


def update_enforcement(
    *,
    decision: SanctionDecision,
    by: Any,
    state: str,
    paid_on: date | None = None,
    complied_on: date | None = None,
    appeal_state: str = "",
    appeal_note: str = "",
) -> SanctionDecision:
    """Record payment, compliance, coercion or an appeal."""
    if not may_record(by, decision.scope_path):
        raise PermissionDenied(_("You may not change this decision."))
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if state not in EnforcementState.values:
        errors["state"] = _("Choose the enforcement state.")
    for field, value in (("paid_on", paid_on), ("complied_on", complied_on)):
        if value is None:
            continue
        if value < decision.issued_on:
            errors[field] = _(
                "The date %(day)s is before the decision was issued (%(issued)s)."
            ) % {
                "day": value.strftime("%d/%m/%Y"),
                "issued": decision.issued_on.strftime("%d/%m/%Y"),
            }
        elif value > today:
            errors[field] = _("The date cannot be in the future.")
    if state == EnforcementState.PAID and paid_on is None:
        errors["paid_on"] = _("Enter the day the fine was paid.")
    if state == EnforcementState.COMPLIED and complied_on is None:
        errors["complied_on"] = _("Enter the day the decision was complied with.")
    if appeal_state not in AppealState.values:
        errors["appeal_state"] = _("Choose the appeal state.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision.state = state
        decision.paid_on = paid_on
        decision.complied_on = complied_on
        decision.appeal_state = appeal_state
        decision.appeal_note = nfc(appeal_note).strip()
        decision.save()
    return decision

"""Use cases of patrols: checkpoints, plans, starting and ending a session, and
appending entries to its log (one at a time from the phone page, or in
batches from the offline queue and devices).

Who may:
- checkpoints: editors over the zone or residence (``can_edit``);
- plans: the team's leader, or editors over the team;
- sessions and entries: the team's leader (a team-leader role covering the
  team). Officers above the team read patrols through ``visible_to``.

Entries are append-only: there is no service to change or remove one.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core import audit
from tuquan.core.batch import BatchResult
from tuquan.core.models import AuditAction
from tuquan.core.text import nfc
from tuquan.organisations.choices import OrgKind
from tuquan.organisations.models import Organisation, Residence, Team, Zone
from tuquan.patrols.choices import EntryKind
from tuquan.patrols.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    PAYLOAD_PREFIX,
    SITE_KINDS,
    Checkpoint,
    PatrolEntry,
    PatrolPlan,
    PatrolSession,
    PlanStop,
)
from tuquan.patrols.photos import clean_photo
from tuquan.people.models import TeamMembership, Worker

MAX_BATCH = 1000
MAX_TEXT = 2000
MAX_DURATION_MINUTES = 24 * 60
_CODE_CHARS = frozenset(CODE_ALPHABET)
# A worker card's QR: "TQ" and 8 characters.
_CARD_PAYLOAD_LENGTH = 2 + CODE_LENGTH


# --- rights ---------------------------------------------------------------------


def leads_team(user: Any, team: Organisation) -> bool:
    """Does ``user`` hold a team-leader role over ``team`` (or is superuser)?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    paths = scope_paths(user, frozenset({Role.TEAM_LEADER})) or []
    return any(team.path.startswith(p) for p in paths)


def may_plan(user: Any, team: Organisation) -> bool:
    return leads_team(user, team) or can_edit(user, team.path)


def may_manage_checkpoints(user: Any, site: Organisation) -> bool:
    return can_edit(user, site.path)


def team_area(team: Team) -> Organisation | None:
    """The zone or residence a team patrols: the nearest one above it."""
    return (
        Organisation.objects.filter(pk__in=team.ancestors(), kind__in=SITE_KINDS)
        .order_by("-depth")
        .first()
    )


def checkpoints_for(team: Team) -> Any:
    """Active checkpoints the team may scan (those of its zone or residence)."""
    area = team_area(team)
    if area is None:
        return Checkpoint.objects.none()
    return Checkpoint.objects.active().filter(site=area)


def _audit_create(obj: Any, by: Any, path: str) -> None:
    audit.record(
        AuditAction.CREATE,
        obj,
        changes=audit.diff({}, audit.snapshot(obj)),
        scope_path=path,
        user=by,
    )


# --- checkpoints ----------------------------------------------------------------


def create_checkpoint(
    *,
    site: Organisation,
    name: str,
    description: str = "",
    by: Any,
    client_id: uuid.UUID | None = None,
) -> Checkpoint:
    """Add a checkpoint to a zone or residence; it gets a fresh random code."""
    if client_id is not None:
        replay = Checkpoint.objects.filter(client_id=client_id).first()
        if replay is not None:
            replay._replayed = True  # type: ignore[attr-defined]
            return replay
    if site.kind not in SITE_KINDS:
        raise ValidationError(
            {"site": _("A checkpoint belongs to a zone or a residence.")}
        )
    if not may_manage_checkpoints(by, site):
        raise PermissionDenied(_("You may not manage the checkpoints of this place."))
    checkpoint = Checkpoint(
        site=site,
        name=nfc(name),
        description=(description or "").strip(),
        created_by=by if getattr(by, "pk", None) else None,
        client_id=client_id,
    )
    if not checkpoint.name:
        raise ValidationError({"name": _("Give the checkpoint a name.")})
    # Uniqueness is left to the database (a race would pass a check anyway):
    # its IntegrityError gets the message below.
    checkpoint.full_clean(
        exclude=["code", "client_id"], validate_unique=False, validate_constraints=False
    )
    try:
        with transaction.atomic():
            checkpoint.save()
            _audit_create(checkpoint, by, site.path)
    except IntegrityError:
        if client_id is not None:
            replay = Checkpoint.objects.filter(client_id=client_id).first()
            if replay is not None:
                replay._replayed = True  # type: ignore[attr-defined]
                return replay
        raise ValidationError(
            {"name": _("This place already has a checkpoint with this name.")}
        ) from None
    return checkpoint


def set_checkpoint_active(*, checkpoint: Checkpoint, active: bool, by: Any) -> None:
    """Take a checkpoint out of use (or back): scans of it are then refused."""
    if not may_manage_checkpoints(by, checkpoint.site):
        raise PermissionDenied(_("You may not manage the checkpoints of this place."))
    if checkpoint.active == active:
        return
    with transaction.atomic():
        Checkpoint.objects.filter(pk=checkpoint.pk).update(active=active)
        audit.record(
            AuditAction.UPDATE,
            checkpoint,
            changes={"active": [checkpoint.active, active]},
            scope_path=checkpoint.site.path,
            user=by,
        )
    checkpoint.active = active


def normalise_payload(text: str) -> tuple[str, str]:
    """(kind, code) from what a camera read or a leader typed: ``checkpoint``,
    ``card`` (a worker card shown by mistake) or ``bad``."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if raw.startswith(PAYLOAD_PREFIX) and len(raw) == len(PAYLOAD_PREFIX) + CODE_LENGTH:
        raw = raw[len(PAYLOAD_PREFIX) :]
    elif raw.startswith("TQ") and len(raw) == _CARD_PAYLOAD_LENGTH:
        return "card", raw
    if len(raw) == CODE_LENGTH and _CODE_CHARS.issuperset(raw):
        return "checkpoint", raw
    return "bad", raw


def resolve_checkpoint(
    payload: str,
    team: Team,
    area: Organisation | None,
    cache: dict[str, Checkpoint | None] | None = None,
) -> Checkpoint:
    """The checkpoint a scan names, if the team may scan it; otherwise a
    ValidationError saying why, in Vietnamese."""
    if not (payload or "").strip():
        raise ValidationError(
            {"code": _("No checkpoint code: scan the QR or type the code under it.")}
        )
    kind, code = normalise_payload(payload)
    if kind == "card":
        raise ValidationError(
            {"code": _("This is a worker card, not a patrol checkpoint.")}
        )
    if kind == "bad":
        raise ValidationError(
            {
                "code": _(
                    "This is not a checkpoint code: it has 8 letters and digits, "
                    "like ABCD-EFGH."
                )
            }
        )
    if cache is not None and code in cache:
        checkpoint = cache[code]
    else:
        checkpoint = Checkpoint.objects.filter(code=code).first()
        if cache is not None:
            cache[code] = checkpoint
    if checkpoint is None:
        raise ValidationError({"code": _("No checkpoint has this code.")})
    if area is None or checkpoint.site_id != area.pk:
        raise ValidationError(
            {"code": _("This checkpoint is not in your team's zone or residence.")}
        )
    if not checkpoint.active:
        raise ValidationError({"code": _("This checkpoint is no longer in use.")})
    return checkpoint


# --- plans ----------------------------------------------------------------------


def create_plan(
    *,
    team: Team,
    name: str,
    weekdays: Sequence[int],
    start_time: time,
    duration_minutes: int,
    route: Sequence[int],
    by: Any,
    client_id: uuid.UUID | None = None,
) -> PatrolPlan:
    """A patrol plan: the route is the list of checkpoint ids in walking
    order, all of the team's zone or residence."""
    if client_id is not None:
        replay = PatrolPlan.objects.filter(client_id=client_id).first()
        if replay is not None:
            replay._replayed = True  # type: ignore[attr-defined]
            return replay
    if not may_plan(by, team):
        raise PermissionDenied(_("You may not plan this team's patrols."))
    errors: dict[str, list[str]] = {}
    name = nfc(name)
    if not name:
        errors.setdefault("name", []).append(_("Give the plan a name."))
    days = sorted(set(weekdays or []))
    if not days:
        errors.setdefault("weekdays", []).append(_("Choose at least one day."))
    elif any(not isinstance(d, int) or not 0 <= d <= 6 for d in days):
        errors.setdefault("weekdays", []).append(
            _("Days are numbers from 0 (Monday) to 6 (Sunday).")
        )
    if not isinstance(duration_minutes, int) or not (
        1 <= duration_minutes <= MAX_DURATION_MINUTES
    ):
        errors.setdefault("duration_minutes", []).append(
            _("The duration is between 1 and 1440 minutes.")
        )
    ids = list(route or [])
    if not ids:
        errors.setdefault("route", []).append(_("Choose the checkpoints of the route."))
    elif len(set(ids)) != len(ids):
        errors.setdefault("route", []).append(
            _("A checkpoint appears twice in the route.")
        )
    found = {c.pk: c for c in checkpoints_for(team).filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        errors.setdefault("route", []).append(
            _("Not a checkpoint of the team's zone or residence: %(ids)s.")
            % {"ids": ", ".join(missing)}
        )
    if errors:
        raise ValidationError(errors)
    plan = PatrolPlan(
        team=team,
        name=name,
        weekdays=days,
        start_time=start_time,
        duration_minutes=duration_minutes,
        created_by=by if getattr(by, "pk", None) else None,
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            plan.save()
            PlanStop.objects.bulk_create(
                [
                    PlanStop(plan=plan, checkpoint=found[pk], position=i)
                    for i, pk in enumerate(ids, start=1)
                ]
            )
            _audit_create(plan, by, team.path)
    except IntegrityError:
        replay = PatrolPlan.objects.filter(client_id=client_id).first()
        if client_id is None or replay is None:
            raise
        replay._replayed = True  # type: ignore[attr-defined]
        return replay
    return plan


# --- sessions -------------------------------------------------------------------


def current_members(team: Team) -> Any:
    return Worker.objects.filter(
        pk__in=TeamMembership.objects.filter(team=team, left_on__isnull=True).values(
            "worker_id"
        )
    )


def start_session(
    *,
    team: Team,
    by: Any,
    members: Iterable[int],
    plan: PatrolPlan | None = None,
    client_id: uuid.UUID | None = None,
) -> PatrolSession:
    """Start a patrol of ``team`` now, with the members walking it, by a plan
    or ad hoc. A team walks one patrol at a time."""
    if client_id is not None:
        replay = PatrolSession.objects.filter(client_id=client_id).first()
        if replay is not None:
            replay._replayed = True  # type: ignore[attr-defined]
            return replay
    if not leads_team(by, team):
        raise PermissionDenied(_("Only the team's leader runs its patrols."))
    if plan is not None and plan.team_id != team.pk:
        raise ValidationError({"plan": _("This plan belongs to another team.")})
    if plan is not None and not plan.active:
        raise ValidationError({"plan": _("This plan is no longer in use.")})
    wanted = set(members or [])
    if not wanted:
        raise ValidationError(
            {"members": _("Choose the members who walk this patrol.")}
        )
    workers = list(current_members(team).filter(pk__in=wanted))
    if len(workers) != len(wanted):
        raise ValidationError(
            {"members": _("Only current members of the team can walk its patrol.")}
        )
    session = PatrolSession(
        team=team,
        plan=plan,
        started_by=by if getattr(by, "pk", None) else None,
        started_at=timezone.now(),
        client_id=client_id,
    )
    try:
        with transaction.atomic():
            session.save()
            session.members.set(workers)
            _audit_create(session, by, team.path)
    except IntegrityError:
        if client_id is not None:
            replay = PatrolSession.objects.filter(client_id=client_id).first()
            if replay is not None:
                replay._replayed = True  # type: ignore[attr-defined]
                return replay
        raise ValidationError(
            _("The team already has a patrol under way; end it first.")
        ) from None
    return session


def end_session(*, session: PatrolSession, by: Any, note: str = "") -> PatrolSession:
    """End a patrol now, with the hand-over note for the next shift."""
    if not leads_team(by, session.team):
        raise PermissionDenied(_("Only the team's leader runs its patrols."))
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise ValidationError(
            {"handover_note": _("The note must have at most 2000 characters.")}
        )
    with transaction.atomic():
        locked = PatrolSession.objects.select_for_update().get(pk=session.pk)
        if locked.ended_at is not None:
            raise ValidationError(_("This patrol has already ended."))
        locked.ended_at = timezone.now()
        locked.handover_note = note
        locked.save(update_fields=["ended_at", "handover_note"])
        audit.record(
            AuditAction.UPDATE,
            locked,
            changes={
                "ended_at": [None, locked.ended_at.isoformat()],
                "handover_note": ["", note],
            },
            scope_path=session.team.path,
            user=by,
        )
    session.ended_at = locked.ended_at
    session.handover_note = note
    return session


# --- entries --------------------------------------------------------------------


@dataclass
class Recorded:
    entry: PatrolEntry
    created: bool  # False when the client_id was stored before (a replay)


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time; without an offset it is Vietnam time."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and 10 <= len(value) <= 40:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _check_time(session: PatrolSession, occurred_at: datetime) -> None:
    # How far a phone clock may run ahead: the same allowance as gate devices.
    skew = timedelta(seconds=settings.TUQUAN_GATE_CLOCK_SKEW_SECONDS)
    if occurred_at > timezone.now() + skew:
        raise ValidationError(
            {"occurred_at": _("The time is in the future; check the phone's clock.")}
        )
    if occurred_at < session.started_at - skew:
        raise ValidationError(
            {"occurred_at": _("The time is before the patrol started.")}
        )
    if session.ended_at is not None and occurred_at > session.ended_at + skew:
        raise ValidationError({"occurred_at": _("The time is after the patrol ended.")})


def record_entry(
    *,
    session: PatrolSession,
    by: Any,
    client_id: uuid.UUID,
    kind: str,
    code: str = "",
    text: str = "",
    photo: bytes | None = None,
    occurred_at: datetime | None = None,
    report_id: int | None = None,
    report_kind: str = "",
    area: Organisation | None = None,
    checkpoints: dict[str, Checkpoint | None] | None = None,
    _rights_checked: bool = False,  # by record_entries, with the replay lookup
) -> Recorded:
    """Append one entry to a patrol's log: a checkpoint scan (``code``: the QR
    content or the typed code) or an observation (``text`` and/or ``photo``).

    ``occurred_at`` is the phone's time (an entry sent later from the offline
    queue keeps it); it must fall within the patrol. An observation may link
    an incident report the leader can see (``report_id``) or make a new one of
    ``report_kind`` from its text and photo (in the same transaction, with a
    client id derived from the entry's, so a replay makes no second report).
    A ``client_id`` stored before returns that entry unchanged.
    """
    # A batch looked up its stored entries in one query before calling.
    replay = (
        None
        if _rights_checked
        else PatrolEntry.objects.filter(client_id=client_id).first()
    )
    if replay is not None:
        if replay.session_id != session.pk:
            raise ValidationError(
                {"client_id": _("This client_id was used in another patrol.")}
            )
        return Recorded(replay, created=False)
    if not _rights_checked and not leads_team(by, session.team):
        raise PermissionDenied(_("Only the team's leader runs its patrols."))
    occurred_at = occurred_at or timezone.now()
    _check_time(session, occurred_at)
    entry = PatrolEntry(
        session=session,
        kind=kind,
        occurred_at=occurred_at,
        recorded_by=by if getattr(by, "pk", None) else None,
        client_id=client_id,
    )
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": _("The observation must have at most 2000 characters.")}
        )
    if (report_id or report_kind) and kind != EntryKind.OBSERVATION:
        raise ValidationError(
            {"report": _("Only an observation can be linked to a report.")}
        )
    if kind == EntryKind.SCAN:
        if area is None:
            area = team_area(session.team)
        entry.checkpoint = resolve_checkpoint(code, session.team, area, checkpoints)
        entry.payload = (code or "").strip()[:64]
        entry.text = text
    elif kind == EntryKind.OBSERVATION:
        if not text and not photo:
            raise ValidationError({"text": _("Write what you saw, or add a photo.")})
        entry.text = text
    else:
        raise ValidationError({"kind": _('kind must be "scan" or "observation".')})
    if report_id:
        entry.report = _visible_report(by, report_id)
    cleaned = None
    if photo:
        cleaned, extension = clean_photo(photo)
    try:
        with transaction.atomic():
            if report_kind and entry.report is None:
                entry.report = _report_from(
                    session, by, client_id, report_kind, text, photo, occurred_at, area
                )
            if cleaned is not None:
                entry.photo.save(
                    f"{client_id}.{extension}", ContentFile(cleaned), save=False
                )
            entry.save()
    except IntegrityError:
        if entry.photo:
            entry.photo.delete(save=False)
        replay = PatrolEntry.objects.filter(client_id=client_id).first()
        if replay is None:
            raise
        return Recorded(replay, created=False)
    return Recorded(entry, created=True)


def _visible_report(by: Any, report_id: Any) -> Any:
    from tuquan.security.models import IncidentReport

    found = (
        IncidentReport.objects.visible_to(by).filter(pk=report_id).first()
        if isinstance(report_id, int) or str(report_id).isdigit()
        else None
    )
    if found is None:
        raise ValidationError(
            {"report": _("There is no incident report with this number in your scope.")}
        )
    return found


# Reports made from patrol observations take a client id derived from the
# entry's, so the same entry sent twice never makes two reports.
_REPORT_NAMESPACE = uuid.UUID("0f3c1f9e-6a43-4d2b-9a57-3b1d2c7e5a10")


def _report_from(
    session: PatrolSession,
    by: Any,
    client_id: uuid.UUID,
    kind: str,
    text: str,
    photo: bytes | None,
    occurred_at: datetime,
    area: Organisation | None,
) -> Any:
    from tuquan.security.services import create_report

    if area is None:
        area = team_area(session.team)
    place: dict[str, Any] = {}
    if area is not None and area.kind == OrgKind.RESIDENCE:
        place["residence"] = Residence.objects.get(pk=area.pk)
    elif area is not None:
        place["zone"] = Zone.objects.get(pk=area.pk)
    else:
        place["enterprise"] = session.team.enterprise
    return create_report(
        kind=kind,
        description=text,
        occurred_at=occurred_at,
        by=by,
        team=session.team,
        photos=[photo] if photo else [],
        client_id=uuid.uuid5(_REPORT_NAMESPACE, str(client_id)),
        **place,
    )


def _decode_photo(value: Any) -> bytes | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValidationError({"photo": _("photo must be the file in base64.")})
    if value.startswith("data:") and "," in value:
        value = value.split(",", 1)[1]
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(
            {"photo": _("photo must be the file in base64.")}
        ) from exc


def record_entries(*, entries: Any, by: Any) -> BatchResult:
    """Store a batch of entries (the phone's offline queue, a device): each is
    accepted, a duplicate of one stored before, or rejected with a Vietnamese
    reason; a rejected entry never blocks the others."""
    if not isinstance(entries, list):
        raise ValidationError(
            {"entries": _('Send the entries as a list under "entries".')}
        )
    if len(entries) > MAX_BATCH:
        raise ValidationError(
            {
                "entries": _(
                    "At most %(max)d entries per request; this one has %(count)d."
                )
                % {"max": MAX_BATCH, "count": len(entries)}
            }
        )
    result = BatchResult()
    session_ids = {
        item.get("session")
        for item in entries
        if isinstance(item, dict) and isinstance(item.get("session"), int)
    }
    sessions = {
        s.pk: s
        for s in PatrolSession.objects.visible_to(by)
        .filter(pk__in=session_ids)
        .select_related("team")
    }
    # Entries stored by an earlier request, in one query rather than one each.
    stored = dict(
        PatrolEntry.objects.filter(
            client_id__in=[
                _uuid_or_none(i.get("client_id"))
                for i in entries
                if isinstance(i, dict)
            ]
        ).values_list("client_id", "session_id")
    )
    # One transaction for the batch, a savepoint per entry: on SQLite a commit
    # per entry would cost a disk sync each.
    with transaction.atomic():
        _record_batch(entries, by, sessions, stored, result)
    return result


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _record_batch(
    entries: list[Any],
    by: Any,
    sessions: dict[int, PatrolSession],
    stored: dict[uuid.UUID, int],
    result: BatchResult,
) -> None:
    seen: set[uuid.UUID] = set()
    leads: dict[int, bool] = {}
    areas: dict[int, Organisation | None] = {}
    checkpoints: dict[str, Checkpoint | None] = {}
    for index, item in enumerate(entries):
        if not isinstance(item, dict):
            result.reject(index, None, "", _("Each entry must be an object."))
            continue
        client_id = result.claim(index, item, seen)
        if client_id is None:
            continue
        session = sessions.get(item.get("session"))  # type: ignore[arg-type]
        if session is None:
            result.reject(
                index,
                client_id,
                "session",
                _("session must be the number of a patrol you can see."),
            )
            continue
        if client_id in stored:
            if stored[client_id] == session.pk:
                result.duplicates.append(str(client_id))
            else:
                result.reject(
                    index,
                    client_id,
                    "client_id",
                    _("This client_id was used in another patrol."),
                )
            continue
        if session.pk not in leads:
            leads[session.pk] = leads_team(by, session.team)
            areas[session.pk] = team_area(session.team)
        if not leads[session.pk]:
            result.reject(
                index,
                client_id,
                "session",
                _("Only the team's leader runs its patrols."),
            )
            continue
        occurred_at = parse_time(item.get("occurred_at"))
        if occurred_at is None:
            result.reject(
                index,
                client_id,
                "occurred_at",
                _("occurred_at must be a date and time (ISO 8601)."),
            )
            continue
        try:
            recorded = record_entry(
                session=session,
                by=by,
                client_id=client_id,
                kind=str(item.get("kind") or ""),
                code=str(item.get("code") or ""),
                text=str(item.get("text") or ""),
                photo=_decode_photo(item.get("photo")),
                occurred_at=occurred_at,
                report_id=item.get("report") or None,
                report_kind=str(item.get("report_kind") or ""),
                area=areas[session.pk],
                checkpoints=checkpoints,
                _rights_checked=True,
            )
        except ValidationError as exc:
            field, messages = _first_error(exc)
            result.reject(index, client_id, field, " ".join(messages))
            continue
        (result.accepted if recorded.created else result.duplicates).append(
            str(client_id)
        )


def _first_error(exc: ValidationError) -> tuple[str, list[str]]:
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        return field, list(errors)
    return "", list(exc.messages)

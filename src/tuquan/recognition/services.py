"""Use cases of recognition, grading and team rating. Each validates, runs in
one transaction and raises ``ValidationError`` (Vietnamese, naming the field)
or ``PermissionDenied``; nothing is saved when it raises.

Who may do what (see docs/recognition.md):
- an enterprise officer of the enterprise registers, self-assesses and submits
  the grading;
- a police officer (agency officer with the police function) over the
  enterprise reviews and decides the recognition;
- a commune officer, zone board or police officer over the enterprise reviews
  the grading and may reopen it after the deadline;
- the enterprise officer, the commune officer, the zone board or the province
  committee above a team rates it.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.core.scoping import paths_q
from tuquan.organisations.choices import AgencyFunction
from tuquan.organisations.models import Enterprise, Organisation, Team
from tuquan.recognition.choices import GradingState, RecognitionState
from tuquan.recognition.models import (
    CriterionAssessment,
    GradeClass,
    Grading,
    GradingExtension,
    GradingReminder,
    GradingScore,
    Recognition,
    RecognitionCriterion,
    ScoreItem,
    TeamGrade,
    TeamRating,
)
from tuquan.recognition.shipped import CRITERIA_VERSION, SCORE_SHEET, ensure_shipped

# --- settings (documented in docs/recognition.md) --------------------------------


def small_workforce() -> int:
    """Registered workforce at or under which an enterprise counts as small or
    micro and cannot register (default 100, cần xác minh: Decree 80/2021 also
    weighs revenue and capital)."""
    return int(getattr(settings, "TUQUAN_RECOGNITION_SMALL_WORKFORCE", 100))


def excellent_cap_percent() -> int:
    """Share of "excellent" allowed among a unit's teams rated good or better
    (guidance 01/HD-BCA-V05: 20 %)."""
    return int(getattr(settings, "TUQUAN_TEAM_EXCELLENT_CAP_PERCENT", 20))


def grading_due(year: int) -> date:
    """The grading is due before 30 November: the last day accepted is 29."""
    return date(year, 11, 30)


# --- who may act ----------------------------------------------------------------


def _is_police(assignment: Any) -> bool:
    return assignment.role == Role.AGENCY_OFFICER and AgencyFunction.POLICE in (
        assignment.function,
        assignment.organisation.function,
    )


def role_paths(user: Any, roles: set[str], police: bool = False) -> list[str] | None:
    """Subtree paths where ``user`` holds one of ``roles`` (or, with
    ``police``, a police officer's assignment); None for a superuser."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    paths: list[str] = []
    for a in user.assignments.select_related("organisation__jurisdiction"):
        if a.role in roles or (police and _is_police(a)):
            paths += [a.organisation.path, a.scope_root().path]
    return paths


def _covers(user: Any, path: str, roles: set[str], police: bool = False) -> bool:
    paths = role_paths(user, roles, police)
    return paths is None or any(path.startswith(p) for p in paths)


def enterprises_run_by(user: Any) -> QuerySet[Enterprise]:
    """Enterprises for which ``user`` acts as the enterprise officer."""
    paths = role_paths(user, {Role.ENTERPRISE_OFFICER})
    if paths is None:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(paths_q("path", paths))


def can_act_for_enterprise(user: Any, enterprise: Organisation) -> bool:
    return _covers(user, enterprise.path, {Role.ENTERPRISE_OFFICER})


def can_review_recognition(user: Any, enterprise: Organisation) -> bool:
    return _covers(user, enterprise.path, set(), police=True)


def can_review_grading(user: Any, enterprise: Organisation) -> bool:
    return _covers(
        user, enterprise.path, {Role.COMMUNE_COMMITTEE, Role.ZONE_BOARD}, police=True
    )


RATER_ROLES = {
    Role.ENTERPRISE_OFFICER,
    Role.COMMUNE_COMMITTEE,
    Role.ZONE_BOARD,
    Role.PROVINCE_COMMITTEE,
}


def can_rate(user: Any, team: Team) -> bool:
    """Raters sit above the team: its enterprise or residence and up. A team
    leader does not rate their own team."""
    unit_path = team.path.rsplit("/", 2)[0] + "/"
    return _covers(user, unit_path, RATER_ROLES)


def _replay(model: Any, client_id: uuid.UUID | None, user: Any) -> Any:
    """The row an earlier request with ``client_id`` made (a retry), if any.
    A client id already used outside the caller's scope is refused rather than
    revealing that row."""
    if client_id is None:
        return None
    if not model.objects.filter(client_id=client_id).exists():
        return None
    found = model.objects.visible_to(user).filter(client_id=client_id).first()
    if found is None:
        raise ValidationError({"client_id": _("This client_id is already used.")})
    found._replayed = True
    return found


# --- recognition "An toàn về ANTT" ---------------------------------------------


def current_criteria() -> list[RecognitionCriterion]:
    ensure_shipped()
    return list(
        RecognitionCriterion.objects.filter(version=CRITERIA_VERSION, active=True)
    )


def register_recognition(
    *,
    enterprise: Enterprise,
    by: Any,
    client_id: uuid.UUID | None = None,
    today: date | None = None,
) -> Recognition:
    """Register the enterprise for this year's recognition (first quarter only)."""
    replayed = _replay(Recognition, client_id, by)
    if replayed is not None:
        return replayed
    if not can_act_for_enterprise(by, enterprise):
        raise PermissionDenied(_("Only the enterprise's officer may register it."))
    today = today or timezone.localdate()
    if today.month > 3:
        raise ValidationError(
            {
                "year": _(
                    "Registration for the recognition is open only in the first "
                    "quarter (1 January to 31 March %(year)d); today is %(today)s."
                )
                % {"year": today.year, "today": today.strftime("%d/%m/%Y")}
            }
        )
    limit = small_workforce()
    if enterprise.registered_workforce <= limit:
        raise ValidationError(
            {
                "enterprise": _(
                    "%(name)s has %(n)d registered workers: small and micro "
                    "enterprises (%(limit)d or fewer) are not recognised."
                )
                % {
                    "name": enterprise.name,
                    "n": enterprise.registered_workforce,
                    "limit": limit,
                }
            }
        )
    if Recognition.objects.filter(enterprise=enterprise, year=today.year).exists():
        raise ValidationError(
            {
                "enterprise": _("%(name)s is already registered for %(year)d.")
                % {"name": enterprise.name, "year": today.year}
            }
        )
    criteria = current_criteria()
    with transaction.atomic():
        recognition = Recognition.objects.create(
            enterprise=enterprise,
            year=today.year,
            criteria_version=CRITERIA_VERSION,
            registered_on=today,
            registered_by=by,
            client_id=client_id,
        )
        CriterionAssessment.objects.bulk_create(
            CriterionAssessment(recognition=recognition, criterion=c) for c in criteria
        )
    return recognition


def _answers_for(
    recognition: Recognition, answers: dict[int, dict[str, Any]], field: str
) -> list[tuple[CriterionAssessment, dict[str, Any]]]:
    rows = list(recognition.assessments.select_related("criterion"))
    errors: dict[str, list[str]] = {}
    known = {row.criterion.number for row in rows}
    for number in answers:
        if number not in known:
            errors.setdefault(f"criterion_{number}", []).append(
                _("There is no criterion %(n)d.") % {"n": number}
            )
    pairs = []
    for row in rows:
        answer = answers.get(row.criterion.number)
        if answer is None or answer.get(field) is None:
            errors.setdefault(f"criterion_{row.criterion.number}", []).append(
                _("Criterion %(n)d: say whether it is met.")
                % {"n": row.criterion.number}
            )
            continue
        pairs.append((row, answer))
    if errors:
        raise ValidationError(errors)
    return pairs


def self_assess(
    *,
    recognition: Recognition,
    by: Any,
    answers: dict[int, dict[str, Any]],
    today: date | None = None,
) -> Recognition:
    """Record the enterprise's self-assessment: for every criterion number,
    ``{"met": bool, "evidence": str}``; a criterion claimed as met needs its
    evidence."""
    if not can_act_for_enterprise(by, recognition.enterprise):
        raise PermissionDenied(_("Only the enterprise's officer may assess it."))
    if recognition.state == RecognitionState.DECIDED:
        raise ValidationError(
            {"state": _("The recognition is already decided; it cannot change.")}
        )
    today = today or timezone.localdate()
    if today.year != recognition.year:
        raise ValidationError(
            {
                "year": _("The self-assessment for %(year)d is made during %(year)d.")
                % {"year": recognition.year}
            }
        )
    pairs = _answers_for(recognition, answers, "met")
    errors: dict[str, list[str]] = {}
    for row, answer in pairs:
        evidence = str(answer.get("evidence") or "").strip()
        if answer["met"] and not evidence:
            errors.setdefault(f"criterion_{row.criterion.number}", []).append(
                _("Criterion %(n)d is claimed as met: give its evidence.")
                % {"n": row.criterion.number}
            )
        row.self_met, row.evidence = bool(answer["met"]), evidence
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        CriterionAssessment.objects.bulk_update(
            [row for row, _a in pairs], ["self_met", "evidence"]
        )
        recognition.state = RecognitionState.SELF_ASSESSED
        recognition.self_assessed_at = timezone.now()
        recognition.save(update_fields=["state", "self_assessed_at"])
    return recognition


def decide_recognition(
    *,
    recognition: Recognition,
    by: Any,
    findings: dict[int, dict[str, Any]],
    recognised: bool,
    decision_number: str,
    decision_date: date,
    note: str = "",
) -> Recognition:
    """The police's review, criterion by criterion, and the decision. An
    enterprise is recognised only if every criterion is found met."""
    if not can_review_recognition(by, recognition.enterprise):
        raise PermissionDenied(_("Only the police over the enterprise may decide."))
    if recognition.state != RecognitionState.SELF_ASSESSED:
        raise ValidationError(
            {
                "state": _(
                    "The recognition can be reviewed once the enterprise has "
                    "assessed itself, and only once."
                )
            }
        )
    pairs = _answers_for(recognition, findings, "met")
    errors: dict[str, list[str]] = {}
    unmet = [row.criterion.number for row, a in pairs if not a["met"]]
    if recognised and unmet:
        errors["recognised"] = [
            _(
                "Not every criterion is met (criteria %(list)s): it cannot be recognised."
            )
            % {"list": ", ".join(str(n) for n in unmet)}
        ]
    decision_number = decision_number.strip()
    if not decision_number:
        errors["decision_number"] = [_("Give the decision number.")]
    if decision_date < recognition.registered_on:
        errors["decision_date"] = [
            _("The decision date is before the registration (%(day)s).")
            % {"day": recognition.registered_on.strftime("%d/%m/%Y")}
        ]
    if errors:
        raise ValidationError(errors)
    for row, answer in pairs:
        row.police_met = bool(answer["met"])
        row.police_note = str(answer.get("note") or "").strip()
    with transaction.atomic():
        CriterionAssessment.objects.bulk_update(
            [row for row, _a in pairs], ["police_met", "police_note"]
        )
        recognition.state = RecognitionState.DECIDED
        recognition.recognised = recognised
        recognition.decision_number = decision_number
        recognition.decision_date = decision_date
        recognition.review_note = note.strip()
        recognition.reviewed_by = by
        recognition.save()
    return recognition


# --- movement grading -----------------------------------------------------------


def score_items() -> list[ScoreItem]:
    ensure_shipped()
    return list(ScoreItem.objects.filter(sheet=SCORE_SHEET, active=True))


def grade_classes() -> list[GradeClass]:
    ensure_shipped()
    return list(GradeClass.objects.order_by("-min_score"))


def class_for(total: int) -> GradeClass | None:
    for grade in grade_classes():
        if total >= grade.min_score:
            return grade
    return None


def open_until(enterprise: Organisation, year: int) -> date:
    """Last day the enterprise may submit: 29 November, or a reopening."""
    last = grading_due(year) - timedelta(days=1)
    extension = (
        GradingExtension.objects.filter(enterprise=enterprise, year=year)
        .order_by("-until")
        .first()
    )
    return max(last, extension.until) if extension else last


def submit_grading(
    *,
    enterprise: Enterprise,
    by: Any,
    scores: dict[int, dict[str, Any]],
    note: str = "",
    client_id: uuid.UUID | None = None,
    today: date | None = None,
) -> Grading:
    """The enterprise's self-evaluation for this year: for every score item
    number ``{"points": int, "evidence": str}``. It may be resubmitted until
    reviewed or the deadline."""
    replayed = _replay(Grading, client_id, by)
    if replayed is not None:
        return replayed
    if not can_act_for_enterprise(by, enterprise):
        raise PermissionDenied(_("Only the enterprise's officer may submit it."))
    today = today or timezone.localdate()
    year = today.year
    last = open_until(enterprise, year)
    if today > last:
        raise ValidationError(
            {
                "year": _(
                    "The grading for %(year)d was due before 30/11/%(year)d "
                    "(last day %(last)s); ask the commune, zone board or police "
                    "to reopen it."
                )
                % {"year": year, "last": last.strftime("%d/%m/%Y")}
            }
        )
    existing = Grading.objects.filter(enterprise=enterprise, year=year).first()
    if existing is not None and existing.state == GradingState.REVIEWED:
        raise ValidationError(
            {
                "state": _("The grading for %(year)d is already reviewed.")
                % {"year": year}
            }
        )
    items = score_items()
    errors: dict[str, list[str]] = {}
    parsed: list[tuple[ScoreItem, int, str]] = []
    for item in items:
        key = f"item_{item.number}"
        raw = (scores.get(item.number) or {}).get("points")
        try:
            points = int(raw)
        except (TypeError, ValueError):
            errors[key] = [
                _("Item %(n)d: give the points, from 0 to %(max)d.")
                % {"n": item.number, "max": item.max_points}
            ]
            continue
        if not 0 <= points <= item.max_points:
            errors[key] = [
                _("Item %(n)d: %(points)d points is outside 0 to %(max)d.")
                % {"n": item.number, "points": points, "max": item.max_points}
            ]
            continue
        evidence = str((scores.get(item.number) or {}).get("evidence") or "").strip()
        parsed.append((item, points, evidence))
    known = {item.number for item in items}
    for number in scores:
        if number not in known:
            errors[f"item_{number}"] = [
                _("There is no item %(n)d on the score sheet.") % {"n": number}
            ]
    if errors:
        raise ValidationError(errors)
    total = sum(points for _i, points, _e in parsed)
    with transaction.atomic():
        grading = existing or Grading(enterprise=enterprise, year=year)
        grading.total = total
        grading.proposed_class = class_for(total)
        grading.self_note = note.strip()
        grading.submitted_at = timezone.now()
        grading.submitted_by = by
        if existing is None:
            grading.client_id = client_id
        grading.save()
        grading.scores.all().delete()
        GradingScore.objects.bulk_create(
            GradingScore(grading=grading, item=item, points=points, evidence=evidence)
            for item, points, evidence in parsed
        )
    return grading


def review_grading(
    *, grading: Grading, by: Any, final_class: GradeClass, note: str = ""
) -> Grading:
    """The commune, zone board or police confirm or change the proposed class."""
    if not can_review_grading(by, grading.enterprise):
        raise PermissionDenied(
            _("Only the commune, zone board or police over the enterprise may review.")
        )
    if grading.state == GradingState.REVIEWED:
        raise ValidationError({"state": _("The grading is already reviewed.")})
    if final_class != grading.proposed_class and not note.strip():
        raise ValidationError(
            {"note": _("Say why the class differs from the proposed one.")}
        )
    with transaction.atomic():
        grading.final_class = final_class
        grading.review_note = note.strip()
        grading.reviewed_by = by
        grading.reviewed_at = timezone.now()
        grading.state = GradingState.REVIEWED
        grading.save()
    return grading


def reopen_grading(
    *,
    enterprise: Enterprise,
    year: int,
    until: date,
    reason: str,
    by: Any,
    today: date | None = None,
) -> GradingExtension:
    """Let a late enterprise submit until ``until``."""
    if not can_review_grading(by, enterprise):
        raise PermissionDenied(
            _("Only the commune, zone board or police over the enterprise may reopen.")
        )
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if until < today:
        errors["until"] = [_("The new last day is already past.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for reopening.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return GradingExtension.objects.create(
            enterprise=enterprise,
            year=year,
            until=until,
            reason=reason.strip(),
            granted_by=by,
        )


@dataclass
class Pending:
    enterprise: Enterprise
    days_left: int
    last_day: date


def pending_gradings(
    enterprises: Any, *, within_days: int = 14, today: date | None = None
) -> list[Pending]:
    """Enterprises (of ``enterprises``, already scoped) that have not submitted
    this year's grading while the deadline is ``within_days`` days away or
    less (and not past)."""
    today = today or timezone.localdate()
    last = grading_due(today.year) - timedelta(days=1)
    days_left = (last - today).days
    if not 0 <= days_left <= within_days:
        return []
    submitted = Grading.objects.filter(year=today.year).values("enterprise_id")
    rows = enterprises.exclude(pk__in=submitted).order_by("name")
    return [Pending(e, days_left, last) for e in rows]


def record_reminders(*, within_days: int = 14, today: date | None = None) -> int:
    """Record today's reminder for each enterprise still missing its grading
    (once a day); answers how many were recorded."""
    today = today or timezone.localdate()
    pending = pending_gradings(
        Enterprise.objects.all(), within_days=within_days, today=today
    )
    with transaction.atomic():
        made = GradingReminder.objects.bulk_create(
            [
                GradingReminder(
                    enterprise=p.enterprise,
                    year=today.year,
                    sent_on=today,
                    days_left=p.days_left,
                )
                for p in pending
            ],
            ignore_conflicts=True,
        )
    return len(made)


# --- team rating ----------------------------------------------------------------


@dataclass(frozen=True)
class RatingPeriod:
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def rating_period(day: date) -> RatingPeriod:
    """The rating year containing ``day``: 15 November to 14 November."""
    year = day.year if (day.month, day.day) >= (11, 15) else day.year - 1
    return RatingPeriod(date(year, 11, 15), date(year + 1, 11, 14))


def team_grades() -> list[TeamGrade]:
    ensure_shipped()
    return list(TeamGrade.objects.order_by("rank"))


def team_evidence(team: Team, period: RatingPeriod) -> dict[str, Any]:
    """The team's activity over the period, from the patrols and violations
    apps when they are installed; a part that is absent is reported as
    ``None`` ("not available")."""
    evidence: dict[str, Any] = {
        "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(),
        "members": None,
        "patrols": None,
        "reports": None,
        "declaration_percent": None,
        "violations": None,
    }
    member_ids: list[int] = []
    try:
        from tuquan.patrols.activity import team_activity
    except ImportError:
        team_activity = None  # type: ignore[assignment]
    if team_activity is not None:
        activity = team_activity(team, period.start, period.end)
        percent = activity.percent
        evidence.update(
            members=activity.members,
            patrols=activity.sessions,
            reports=activity.reports,
            declaration_percent=None if percent is None else round(percent, 1),
        )
    from tuquan.people.models import TeamMembership

    member_ids = list(
        TeamMembership.objects.filter(team=team)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=period.start))
        .values_list("worker_id", flat=True)
    )
    if evidence["members"] is None:
        evidence["members"] = len(member_ids)
    evidence["violations"] = _member_violations(member_ids, period)
    return evidence


def _member_violations(member_ids: list[int], period: RatingPeriod) -> int | None:
    """Violations recorded against the members in the period, if the
    violations app records them against workers (``worker`` and
    ``occurred_at``); otherwise None."""
    from django.core.exceptions import FieldError
    from django.db import DatabaseError

    try:
        from tuquan.violations.models import Violation  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        # A savepoint: a missing table must not spoil the caller's transaction.
        with transaction.atomic():
            return Violation.objects.filter(
                worker_id__in=member_ids,
                occurred_at__date__gte=period.start,
                occurred_at__date__lte=period.end,
            ).count()
    except (FieldError, DatabaseError):
        return None


@dataclass
class CapCheck:
    excellent: int
    good_or_better: int
    allowed: int


def cap_check(
    unit: Organisation, period: RatingPeriod, team: Team, grade: TeamGrade
) -> CapCheck:
    """Counts of the unit's ratings in the period as they would be with
    ``team`` rated ``grade``."""
    others = (
        TeamRating.objects.filter(unit=unit, period_start=period.start)
        .exclude(team=team)
        .aggregate(
            excellent=Count("pk", filter=Q(grade__is_excellent=True)),
            good=Count("pk", filter=Q(grade__good_or_better=True)),
        )
    )
    excellent = others["excellent"] + (1 if grade.is_excellent else 0)
    good = others["good"] + (1 if grade.good_or_better else 0)
    allowed = math.floor(good * excellent_cap_percent() / 100)
    return CapCheck(excellent, good, allowed)


def rate_team(
    *,
    team: Team,
    grade: TeamGrade,
    by: Any,
    note: str = "",
    client_id: uuid.UUID | None = None,
    today: date | None = None,
) -> TeamRating:
    """Rate the team for the current period (a new rating replaces the
    period's earlier one). The share of "excellent" in the team's unit may not
    pass the cap."""
    replayed = _replay(TeamRating, client_id, by)
    if replayed is not None:
        return replayed
    if not can_rate(by, team):
        raise PermissionDenied(
            _(
                "Only the enterprise officer, the commune, the zone board or the "
                "province above the team may rate it."
            )
        )
    today = today or timezone.localdate()
    period = rating_period(today)
    with transaction.atomic():
        # Lock the unit so that two raters cannot both take the last
        # "excellent" place.
        unit = Organisation.objects.select_for_update().get(pk=team.parent_id)
        if grade.is_excellent:
            check = cap_check(unit, period, team, grade)
            if check.excellent > check.allowed:
                raise ValidationError(
                    {
                        "grade": _(
                            "%(unit)s would have %(excellent)d teams rated "
                            "“%(grade)s” out of %(good)d rated good or better; at "
                            "most %(cap)d %% (%(allowed)d) may be. Rate the other "
                            "teams first or choose another grade."
                        )
                        % {
                            "unit": unit.name,
                            "excellent": check.excellent,
                            "grade": grade.label,
                            "good": check.good_or_better,
                            "cap": excellent_cap_percent(),
                            "allowed": check.allowed,
                        }
                    }
                )
        else:
            # Lowering a good team must not leave the unit over its cap.
            check = cap_check(unit, period, team, grade)
            if check.excellent > check.allowed:
                raise ValidationError(
                    {
                        "grade": _(
                            "With this grade %(unit)s would keep %(excellent)d "
                            "excellent teams out of %(good)d rated good or "
                            "better, over the %(cap)d %% cap (%(allowed)d)."
                        )
                        % {
                            "unit": unit.name,
                            "excellent": check.excellent,
                            "good": check.good_or_better,
                            "cap": excellent_cap_percent(),
                            "allowed": check.allowed,
                        }
                    }
                )
        values = {
            "unit": unit,
            "grade": grade,
            "note": note.strip(),
            "evidence": team_evidence(team, period),
            "rated_by": by,
            "rated_at": timezone.now(),
        }
        rating, _created = TeamRating.objects.update_or_create(
            team=team,
            period_start=period.start,
            defaults=values,
            create_defaults={**values, "client_id": client_id},
        )
    return rating

"""Use cases of the risk self-assessment: picking the criteria set in force,
scoring answers, submitting (idempotent by client UUID, with evidence
photos), and an inspector's re-score that keeps every earlier scoring."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.accounts.choices import Role
from tuquan.accounts.scoping import scope_paths
from tuquan.core import audit
from tuquan.organisations.models import Enterprise
from tuquan.riskassess.choices import AssessmentStatus, Band, ScoringKind
from tuquan.riskassess.models import (
    Answer,
    AnswerOption,
    Assessment,
    CriteriaSet,
    EvidencePhoto,
    Indicator,
    Scoring,
)

# Upper bounds of the bands in percent, Decision 2194/QĐ-BCĐQG: ≤ 15 very low,
# ≤ 30 low, ≤ 50 medium, ≤ 80 high, above that very high.
BAND_LIMITS: tuple[tuple[int, str], ...] = (
    (15, Band.VERY_LOW),
    (30, Band.LOW),
    (50, Band.MEDIUM),
    (80, Band.HIGH),
)
SUBMITTER_ROLES = frozenset({Role.ENTERPRISE_OFFICER})
INSPECTOR_ROLES = frozenset(
    {
        Role.PROVINCE_COMMITTEE,
        Role.ZONE_BOARD,
        Role.COMMUNE_COMMITTEE,
        Role.AGENCY_OFFICER,
    }
)
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 10
# Formats recognised by their first bytes, not by the name or the header the
# browser sends (both are the client's word).
PHOTO_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@dataclass(frozen=True)
class Result:
    """Points, score in percent (two decimals) and band of a set of answers."""

    total_points: int
    score: Decimal
    band: str


def band_of(total_points: int, max_total: int = 300) -> str:
    """The band of ``total_points`` out of ``max_total``, compared exactly
    (46/300 = 15.33 % is low, 45/300 = 15 % very low) rather than after
    rounding the percentage."""
    for limit, band in BAND_LIMITS:
        if total_points * 100 <= limit * max_total:
            return band
    return Band.VERY_HIGH


def score_answers(points: Iterable[int], max_total: int = 300) -> Result:
    """Pure: score = sum of the indicators' points / max_total × 100."""
    total = sum(points)
    score = (Decimal(total * 100) / Decimal(max_total)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return Result(total_points=total, score=score, band=band_of(total, max_total))


def current_criteria_set(enterprise: Enterprise, day: date) -> CriteriaSet:
    """The set in force on ``day`` for ``enterprise``: an override for an
    organisation above the enterprise (the nearest one) before the national set,
    and the latest version before earlier ones."""
    ancestors = [int(part) for part in enterprise.path.split("/") if part]
    candidates = (
        CriteriaSet.objects.filter(effective_from__lte=day)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
        .filter(Q(organisation__isnull=True) | Q(organisation_id__in=ancestors))
        .select_related("organisation")
    )

    def rank(item: CriteriaSet) -> tuple[int, date, int]:
        depth = item.organisation.depth + 1 if item.organisation_id else 0
        return (depth, item.effective_from, item.pk)

    found = sorted(candidates, key=rank, reverse=True)
    if not found:
        raise ValidationError(
            _("No criteria set is in force on %(day)s.") % {"day": f"{day:%d/%m/%Y}"}
        )
    return found[0]


def _covers(user: Any, path: str, roles: frozenset[str]) -> bool:
    paths = scope_paths(user, roles)
    if paths is None:
        return True
    return any(path.startswith(p) for p in paths)


def may_submit(user: Any, enterprise: Enterprise) -> bool:
    """The enterprise's own officers assess it (a self-assessment)."""
    return bool(user and user.is_active) and _covers(
        user, enterprise.path, SUBMITTER_ROLES
    )


def may_rescore(user: Any, enterprise: Enterprise) -> bool:
    """Inspectors: the province committee, the zone board, the commune committee
    or an agency officer whose scope holds the enterprise."""
    return bool(user and user.is_active) and _covers(
        user, enterprise.path, INSPECTOR_ROLES
    )


def _indicators(criteria_set: CriteriaSet) -> list[Indicator]:
    return list(criteria_set.indicators.prefetch_related("options").order_by("order"))


def resolve_answers(
    criteria_set: CriteriaSet, answers: Mapping[str, Any]
) -> list[tuple[Indicator, AnswerOption]]:
    """One option per indicator of the set, from ``{indicator code: option id}``.
    Every missing answer and every foreign option is named in the error."""
    indicators = _indicators(criteria_set)
    known = {indicator.code for indicator in indicators}
    errors: dict[str, list[str]] = {}
    chosen: list[tuple[Indicator, AnswerOption]] = []
    for code in answers:
        if code not in known:
            errors.setdefault(str(code), []).append(
                _("%(code)s is not an indicator of this criteria set.") % {"code": code}
            )
    for indicator in indicators:
        raw = answers.get(indicator.code)
        if raw in (None, ""):
            errors.setdefault(indicator.code, []).append(
                _("Choose an answer for %(code)s (%(label)s).")
                % {"code": indicator.code, "label": indicator.label}
            )
            continue
        options = {option.pk: option for option in indicator.options.all()}
        try:
            option = options.get(int(raw))
        except (TypeError, ValueError):
            option = None
        if option is None:
            errors.setdefault(indicator.code, []).append(
                _("The answer given for %(code)s is not one of its options.")
                % {"code": indicator.code}
            )
            continue
        chosen.append((indicator, option))
    if errors:
        raise ValidationError(errors)
    return chosen


def sniff_photo(head: bytes) -> str | None:
    """The image type from the first bytes of a file, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return PHOTO_TYPES["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PHOTO_TYPES["png"]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return PHOTO_TYPES["webp"]
    return None


def check_photos(photos: Sequence[Any]) -> list[str]:
    """The content type of each photo; a ValidationError on ``photos`` naming
    every file that is too large or not a JPEG, PNG or WebP image."""
    errors: list[str] = []
    types: list[str] = []
    if len(photos) > MAX_PHOTOS:
        errors.append(_("Send at most %(count)d photos.") % {"count": MAX_PHOTOS})
    for photo in photos:
        name = getattr(photo, "name", "") or _("(no name)")
        if photo.size > MAX_PHOTO_BYTES:
            errors.append(_("%(name)s is larger than 5 MB.") % {"name": name})
            continue
        photo.seek(0)
        kind = sniff_photo(photo.read(12))
        photo.seek(0)
        if kind is None:
            errors.append(
                _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name}
            )
            continue
        types.append(kind)
    if errors:
        raise ValidationError({"photos": errors})
    return types


def _store_photos(
    assessment: Assessment, photos: Sequence[Any], types: list[str], by: Any
) -> None:
    for photo, kind in zip(photos, types, strict=True):
        extension = kind.split("/")[1].replace("jpeg", "jpg")
        record = EvidencePhoto(
            assessment=assessment,
            content_type=kind,
            size=photo.size,
            original_name=(getattr(photo, "name", "") or "")[:255],
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        # A generated name: the client's file name is kept only as a label.
        record.file.save(f"{uuid.uuid4().hex}.{extension}", photo, save=False)
        record.save()


def write_scoring(
    assessment: Assessment,
    chosen: list[tuple[Indicator, AnswerOption]],
    *,
    kind: str,
    by: Any,
    at: datetime,
    reason: str = "",
) -> Scoring:
    result = score_answers(
        (option.points for _i, option in chosen), assessment.criteria_set.max_total
    )
    scoring = Scoring.objects.create(
        assessment=assessment,
        kind=kind,
        scored_by=by if getattr(by, "pk", None) else None,
        scored_at=at,
        reason=reason,
        total_points=result.total_points,
        score=result.score,
        band=result.band,
    )
    Answer.objects.bulk_create(
        Answer(
            scoring=scoring, indicator=indicator, option=option, points=option.points
        )
        for indicator, option in chosen
    )
    assessment.total_points = result.total_points
    assessment.score = result.score
    assessment.band = result.band
    return scoring


def record_assessment(
    *,
    enterprise: Enterprise,
    criteria_set: CriteriaSet,
    chosen: list[tuple[Indicator, AnswerOption]],
    by: Any,
    at: datetime,
    client_id: uuid.UUID | None = None,
) -> Assessment:
    """Write an assessment whose answers were already checked (the demo uses
    this directly); callers hold the transaction."""
    assessment = Assessment(
        enterprise=enterprise,
        criteria_set=criteria_set,
        submitted_by=by if getattr(by, "pk", None) else None,
        submitted_at=at,
        status=AssessmentStatus.SUBMITTED,
        client_id=client_id,
        total_points=0,
        score=Decimal(0),
        band=Band.VERY_LOW,
    )
    assessment.save()
    write_scoring(assessment, chosen, kind=ScoringKind.ORIGINAL, by=by, at=at)
    assessment.save(update_fields=["total_points", "score", "band"])
    return assessment


def _replay(client_id: uuid.UUID | None, enterprise: Enterprise) -> Assessment | None:
    if client_id is None:
        return None
    earlier = Assessment.objects.filter(client_id=client_id).first()
    if earlier is None:
        return None
    if earlier.enterprise_id != enterprise.pk:
        raise ValidationError(
            {"client_id": _("This client_id was used for another assessment.")}
        )
    earlier._replayed = True  # type: ignore[attr-defined]
    return earlier


def submit_assessment(
    *,
    enterprise: Enterprise,
    answers: Mapping[str, Any],
    by: Any,
    client_id: uuid.UUID | None = None,
    photos: Sequence[Any] = (),
) -> Assessment:
    """An enterprise's self-assessment with the set in force today. A retry
    with the same ``client_id`` returns the first assessment (``_replayed``)."""
    if not may_submit(by, enterprise):
        raise PermissionDenied(
            _("Only the enterprise's officers submit its self-assessment.")
        )
    earlier = _replay(client_id, enterprise)
    if earlier is not None:
        return earlier
    now = timezone.now()
    criteria_set = current_criteria_set(enterprise, timezone.localdate(now))
    chosen = resolve_answers(criteria_set, answers)
    types = check_photos(photos)
    try:
        with transaction.atomic():
            assessment = record_assessment(
                enterprise=enterprise,
                criteria_set=criteria_set,
                chosen=chosen,
                by=by,
                at=now,
                client_id=client_id,
            )
            _store_photos(assessment, photos, types, by)
            audit.record(
                audit.AuditAction.CREATE,
                assessment,
                changes={
                    "criteria_set": criteria_set.pk,
                    "score": str(assessment.score),
                    "band": assessment.band,
                },
                user=by,
                scope_path=enterprise.path,
            )
    except IntegrityError:
        # Two requests with the same client_id raced: the other one won.
        earlier = _replay(client_id, enterprise)
        if earlier is None:
            raise
        return earlier
    return assessment


def add_photos(*, assessment: Assessment, photos: Sequence[Any], by: Any) -> int:
    """More evidence photos for an assessment, by the enterprise's officers."""
    if not may_submit(by, assessment.enterprise):
        raise PermissionDenied(_("Only the enterprise's officers add evidence photos."))
    if not photos:
        raise ValidationError({"photos": _("Choose at least one photo.")})
    if assessment.photos.count() + len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("Send at most %(count)d photos.") % {"count": MAX_PHOTOS}}
        )
    types = check_photos(photos)
    with transaction.atomic():
        _store_photos(assessment, photos, types, by)
    return len(photos)


def latest_scoring(assessment: Assessment) -> Scoring:
    return assessment.scorings.order_by("-scored_at", "-pk").first()  # type: ignore[return-value]


def rescore_assessment(
    *,
    assessment: Assessment,
    answers: Mapping[str, Any],
    reason: str,
    by: Any,
) -> Scoring:
    """An inspector's re-score. ``answers`` replaces the answers it names; the
    others are carried over from the latest scoring. Earlier scorings stay."""
    if not may_rescore(by, assessment.enterprise):
        raise PermissionDenied(
            _("Only an inspector above the enterprise may re-score its assessment.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the assessment is re-scored.")})
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        previous = latest_scoring(locked)
        merged: dict[str, Any] = {
            answer.indicator.code: answer.option_id
            for answer in previous.answers.select_related("indicator")
        }
        merged.update(answers)
        chosen = resolve_answers(locked.criteria_set, merged)
        scoring = write_scoring(
            locked,
            chosen,
            kind=ScoringKind.RESCORE,
            by=by,
            at=timezone.now(),
            reason=reason,
        )
        locked.status = AssessmentStatus.RESCORED
        locked.save(update_fields=["total_points", "score", "band", "status"])
        audit.record(
            audit.AuditAction.UPDATE,
            locked,
            changes={
                "score": [str(previous.score), str(scoring.score)],
                "band": [previous.band, scoring.band],
                "reason": reason,
            },
            user=by,
            scope_path=locked.enterprise.path,
        )
    assessment.refresh_from_db()
    return scoring


def answers_with_points(
    criteria_set: CriteriaSet, points: Mapping[str, int], default: str = "lowest"
) -> dict[str, int]:
    """``{indicator code: option id}`` choosing, per indicator, the option with
    the given points, else its lowest-scoring (or highest, ``default="highest"``)
    option. Used by the demo and by tests to build answers by points."""
    result: dict[str, int] = {}
    for indicator in _indicators(criteria_set):
        options = sorted(indicator.options.all(), key=lambda o: (o.points, o.pk))
        wanted = points.get(indicator.code)
        if wanted is not None:
            match = [o for o in options if o.points == wanted]
            if not match:
                raise ValueError(f"{indicator.code} has no option worth {wanted}")
            result[indicator.code] = match[0].pk
        else:
            result[indicator.code] = (
                options[-1] if default == "highest" else options[0]
            ).pk
    return result

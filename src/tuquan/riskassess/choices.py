from django.db import models
from django.utils.translation import gettext_lazy as _


class Band(models.TextChoices):
    """Infection-risk groups of Decision 2194/QĐ-BCĐQG, lowest first."""

    VERY_LOW = "very_low", _("very low risk")
    LOW = "low", _("low risk")
    MEDIUM = "medium", _("medium risk")
    HIGH = "high", _("high risk")
    VERY_HIGH = "very_high", _("very high risk")


class AssessmentStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    RESCORED = "rescored", _("re-scored")


class ScoringKind(models.TextChoices):
    ORIGINAL = "original", _("self-assessment")
    RESCORE = "rescore", _("inspector re-score")

from django.db import models
from django.utils.translation import gettext_lazy as _


class EpidemicLevel(models.IntegerChoices):
    """The four levels of Resolution 128/NQ-CP and their colours."""

    LOW = 1, _("Level 1 – low risk (green)")
    MEDIUM = 2, _("Level 2 – medium risk (yellow)")
    HIGH = 3, _("Level 3 – high risk (orange)")
    VERY_HIGH = 4, _("Level 4 – very high risk (red)")


# CSS class of each level's badge (templates/levels, static/tuquan/levels.css).
LEVEL_COLOURS = {1: "green", 2: "yellow", 3: "orange", 4: "red"}


class Coverage(models.TextChoices):
    HIGH = "high", _("high vaccination coverage")
    LOW = "low", _("low vaccination coverage")


class CapacityStatus(models.TextChoices):
    MEETS = "meets", _("meets the needs")
    FALLS_SHORT = "falls_short", _("does not meet the needs")


class PopulationSource(models.TextChoices):
    WORKERS = "workers", _("active workers in the system")
    ENTERED = "entered", _("population entered by an officer")


class CoverageSource(models.TextChoices):
    VACCINATIONS = "vaccinations", _("vaccination records of the workers")
    ENTERED = "entered", _("coverage entered by an officer")
    UNKNOWN = "unknown", _("not known")

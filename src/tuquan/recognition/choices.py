from django.db import models
from django.utils.translation import gettext_lazy as _


class RecognitionState(models.TextChoices):
    REGISTERED = "registered", _("registered")
    SELF_ASSESSED = "self_assessed", _("self-assessed")
    DECIDED = "decided", _("decided")


class GradingState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    REVIEWED = "reviewed", _("reviewed")

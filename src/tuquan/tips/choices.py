from django.db import models
from django.utils.translation import gettext_lazy as _


class TipKind(models.TextChoices):
    """What the tip is about, in the words of the public form. The codes match
    the incident kinds of ``tuquan.security`` where one exists."""

    THEFT = "theft", _("Theft")
    ASSAULT = "assault", _("Fight or assault")
    GAMBLING = "gambling", _("Gambling")
    DRUGS = "drugs", _("Drugs")
    GATHERING = "gathering", _("Gathering or work stoppage")
    FIRE = "fire", _("Fire or explosion risk")
    SUSPICIOUS = "suspicious", _("Suspicious person")
    DAMAGE = "damage", _("Damage to property")
    EPIDEMIC = "epidemic", _("Breach of epidemic rules")
    OTHER = "other", _("Other")


class TipStatus(models.TextChoices):
    RECEIVED = "received", _("newly received")
    VERIFYING = "verifying", _("being verified")
    IN_HANDLING = "in_handling", _("being handled")
    FORWARDED = "forwarded", _("passed on as an incident report")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("not pursued")


# Statuses after which the tipster can no longer write (the handler still can).
FINISHED = frozenset({TipStatus.CLOSED, TipStatus.REJECTED})


class Author(models.TextChoices):
    TIPSTER = "tipster", _("tipster")
    HANDLER = "handler", _("handler")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a custodian")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")

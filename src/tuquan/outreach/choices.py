from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    EPIDEMIC = "epidemic", _("epidemic prevention")
    SECURITY = "security", _("security and order")
    FIRE = "fire", _("fire safety")
    LABOUR = "labour", _("labour law")
    OTHER = "other", _("other")


class MessageState(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    SENT = "sent", _("sent")


class Channel(models.TextChoices):
    INBOX = "inbox", _("inbox page")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo OA")
    EMAIL = "email", _("e-mail")
    CONSOLE = "console", _("console (development)")


# Channels an officer may choose; the inbox is always used.
OPTIONAL_CHANNELS = (Channel.SMS, Channel.ZALO, Channel.EMAIL, Channel.CONSOLE)


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    DELIVERED = "delivered", _("delivered")
    READ = "read", _("read")


# States in which the recipient has the message in hand (or on screen).
RECEIVED_STATES = (DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.READ)

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    SECURITY = "security", _("security and order")
    EPIDEMIC = "epidemic", _("epidemic prevention")
    MOVEMENT = "movement", _("the movement")
    PRODUCTION = "production", _("production")
    OTHER = "other", _("other")


class Cycle(models.TextChoices):
    """How often a task is due: once by its deadline, or a periodic report."""

    ONCE = "once", _("once, by the deadline")
    WEEKLY = "weekly", _("weekly report")
    MONTHLY = "monthly", _("monthly report")
    QUARTERLY = "quarterly", _("quarterly report")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    SUPPORT = "support", _("supporting unit")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")


class Bucket(models.TextChoices):
    """The government's four status buckets of a task."""

    DONE_ON_TIME = "done_on_time", _("done on time")
    DONE_LATE = "done_late", _("done late")
    IN_PROGRESS = "in_progress", _("in progress within the deadline")
    OVERDUE = "overdue", _("overdue")


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("due in three days")
    MISSED = "missed", _("deadline missed")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")

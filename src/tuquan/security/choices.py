from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")
    CRITICAL = "critical", _("critical")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("incident report", "received")
    VERIFYING = "verifying", pgettext_lazy("incident report", "verifying")
    ASSIGNED = "assigned", pgettext_lazy("incident report", "assigned")
    IN_HANDLING = "in_handling", pgettext_lazy("incident report", "in handling")
    RESOLVED = "resolved", pgettext_lazy("incident report", "resolved")
    CLOSED = "closed", pgettext_lazy("incident report", "closed")
    REJECTED = "rejected", pgettext_lazy("incident report", "rejected")
    DUPLICATE = "duplicate", pgettext_lazy("incident report", "duplicate")
    REOPENED = "reopened", pgettext_lazy("incident report", "reopened")


# Statuses in which nobody is working on the report any more.
FINISHED_STATUSES = frozenset(
    {
        ReportStatus.RESOLVED,
        ReportStatus.CLOSED,
        ReportStatus.REJECTED,
        ReportStatus.DUPLICATE,
    }
)


class Source(models.TextChoices):
    """Who sent the report in, and through which door."""

    WORKER = "worker", _("worker (logged in)")
    WORKER_LINK = "worker_link", _("worker (personal link)")
    TEAM_LEADER = "team_leader", _("team leader")
    GUARD = "guard", _("guard")
    ENTERPRISE = "enterprise", _("enterprise officer")
    OFFICER = "officer", _("officer")
    PUBLIC = "public", _("public")
    PATROL = "patrol", _("patrol")
    TIP = "tip", _("anonymous tip")


class Assignee(models.TextChoices):
    ENTERPRISE_SECURITY = "enterprise_security", _("enterprise security")
    ZONE_BOARD = "zone_board", _("zone board")
    COMMUNE_POLICE = "commune_police", _("commune police")


class HandOverStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the police")
    RECEIVED = "received", _("received by the police")
    ESCALATED = "escalated", _("escalated to the provincial police")
    CONCLUDED = "concluded", _("outcome notified")


# What a reporter sees: the public face of the workflow, fewer and plainer words.
PUBLIC_STATUS = {
    ReportStatus.RECEIVED: pgettext_lazy(
        "incident report, to the reporter", "received"
    ),
    ReportStatus.VERIFYING: pgettext_lazy(
        "incident report, to the reporter", "being checked"
    ),
    ReportStatus.ASSIGNED: pgettext_lazy(
        "incident report, to the reporter", "being handled"
    ),
    ReportStatus.IN_HANDLING: pgettext_lazy(
        "incident report, to the reporter", "being handled"
    ),
    ReportStatus.RESOLVED: pgettext_lazy("incident report, to the reporter", "handled"),
    ReportStatus.CLOSED: pgettext_lazy("incident report, to the reporter", "handled"),
    ReportStatus.REJECTED: pgettext_lazy(
        "incident report, to the reporter", "not taken up"
    ),
    ReportStatus.DUPLICATE: pgettext_lazy(
        "incident report, to the reporter", "already reported by someone else"
    ),
    ReportStatus.REOPENED: pgettext_lazy(
        "incident report, to the reporter", "being looked at again"
    ),
}

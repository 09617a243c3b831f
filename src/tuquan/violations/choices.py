from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    WORKER = "worker", _("worker")
    PERSON = "person", _("other person")
    ORGANISATION = "organisation", _("organisation")


class Detection(models.TextChoices):
    PATROL = "patrol", _("patrol")
    INSPECTION = "inspection", _("inspection")
    TIP = "tip", _("tip")
    REPORT = "report", _("incident report")
    GATE_FLAG = "gate_flag", _("gate flag")
    HEALTH_RECORD = "health_record", _("health record")


class ViolationState(models.TextChoices):
    RECORDED = "recorded", _("recorded, no decision yet")
    DECIDED = "decided", _("sanction decided")


class EnforcementState(models.TextChoices):
    ISSUED = "issued", _("issued, awaiting payment")
    PAID = "paid", _("fine paid")
    COMPLIED = "complied", _("complied in full")
    ENFORCED = "enforced", _("enforced (coercion)")
    CANCELLED = "cancelled", _("cancelled")


class AppealState(models.TextChoices):
    NONE = "", _("no appeal")
    LODGED = "lodged", _("appeal lodged")
    UPHELD = "upheld", _("appeal rejected, decision stands")
    GRANTED = "granted", _("appeal granted")

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("province committee")
    AGENCY_OFFICER = "agency_officer", _("agency officer")
    COMMUNE_COMMITTEE = "commune_committee", _("commune committee")
    ZONE_BOARD = "zone_board", _("zone board")
    ENTERPRISE_OFFICER = "enterprise_officer", _("enterprise officer")
    TEAM_LEADER = "team_leader", _("team leader")
    WORKER = "worker", _("worker")
    GATE_GUARD = "gate_guard", _("gate guard")
    AUDITOR = "auditor", _("auditor")


# Roles that may create and edit registry rows inside their subtree.
EDITOR_ROLES = frozenset(
    {
        Role.PROVINCE_COMMITTEE,
        Role.COMMUNE_COMMITTEE,
        Role.ZONE_BOARD,
        Role.ENTERPRISE_OFFICER,
        Role.AGENCY_OFFICER,
    }
)
# Roles that see national ID and phone in clear (each view is audited).
PERSONAL_DATA_ROLES = frozenset(
    {Role.PROVINCE_COMMITTEE, Role.AGENCY_OFFICER, Role.ENTERPRISE_OFFICER}
)
AUDIT_READER_ROLES = frozenset({Role.PROVINCE_COMMITTEE, Role.AUDITOR})

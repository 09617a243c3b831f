from django.contrib import admin

from tuquan.core.admin import ScopedAdmin
from tuquan.organisations import models


@admin.register(models.Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ("name", "kind", "code", "path")
    list_filter = ("kind",)
    search_fields = ("name", "name_folded", "code")
    readonly_fields = ("path", "depth")
    autocomplete_fields = ("parent", "jurisdiction")


@admin.register(models.Zone)
class ZoneAdmin(ScopedAdmin):
    list_display = ("name", "kind", "commune", "area_ha")
    search_fields = ("name", "name_folded")
    exclude = ("parent", "jurisdiction", "function")


@admin.register(models.Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    list_display = (
        "name",
        "tax_code",
        "zone",
        "operating_mode",
        "registered_workforce",
    )
    list_filter = ("operating_mode",)
    search_fields = ("name", "name_folded", "tax_code")
    exclude = ("parent", "jurisdiction", "function")


@admin.register(models.Residence)
class ResidenceAdmin(ScopedAdmin):
    list_display = ("name", "residence_kind", "commune", "address")
    search_fields = ("name", "name_folded", "address")
    exclude = ("parent", "jurisdiction", "function")


@admin.register(models.Team)
class TeamAdmin(ScopedAdmin):
    list_display = ("name", "team_kind", "enterprise", "residence", "leader")
    search_fields = ("name", "name_folded")
    exclude = ("parent", "jurisdiction", "function")
    raw_id_fields = ("leader", "deputy")

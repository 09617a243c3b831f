from django.contrib import admin

from tuquan.security import models


@admin.register(models.IncidentKind)
class IncidentKindAdmin(admin.ModelAdmin):
    """The catalogue of kinds is reference data: an administrator may rename a
    kind, change its default severity or whether it may be a crime, or retire
    it. Reports themselves are not in the admin: they are read only through the
    scoped pages and API."""

    list_display = ("name", "code", "default_severity", "may_be_crime", "active")
    list_filter = ("may_be_crime", "active")
    ordering = ("position",)

from django.contrib import admin

from tuquan.health import models


@admin.register(models.DiseaseProfile)
class DiseaseProfileAdmin(admin.ModelAdmin):
    """Profiles are reference data, not personal data: health officers with
    admin access correct the figures marked "to verify" here."""

    list_display = (
        "name",
        "code",
        "incubation_days",
        "lookback_days",
        "isolation_days",
        "quarantine_days",
        "to_verify",
        "active",
    )
    list_filter = ("active", "to_verify")

from django.contrib import admin

from tuquan.levels import models


class LevelRuleInline(admin.TabularInline):
    model = models.LevelRule
    extra = 0
    fields = ("rate_from", "rate_below", "coverage", "level", "to_verify", "note")


@admin.register(models.ThresholdSet)
class ThresholdSetAdmin(admin.ModelAdmin):
    """Thresholds are reference data: an officer with admin access corrects the
    defaults marked "to verify" here, or adds a new version."""

    list_display = (
        "name",
        "version",
        "effective_from",
        "high_one_dose_pct",
        "high_elderly_full_dose_pct",
        "to_verify",
        "active",
    )
    list_filter = ("active", "to_verify")
    inlines = [LevelRuleInline]

"""The criteria sets are edited here: a placeholder marked "to verify" is
corrected without a new release."""

from django.contrib import admin

from tuquan.riskassess.models import AnswerOption, CriteriaSet, Indicator


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "code", "label", "max_points", "to_verify")


class AnswerOptionInline(admin.TabularInline):
    model = AnswerOption
    extra = 0
    fields = ("order", "label", "points", "to_verify")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "effective_from",
        "effective_to",
        "organisation",
        "to_verify",
    )
    inlines = [IndicatorInline]
    raw_id_fields = ("organisation",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "criteria_set", "max_points", "to_verify")
    list_filter = ("criteria_set", "to_verify")
    inlines = [AnswerOptionInline]

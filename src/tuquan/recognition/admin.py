from django.contrib import admin

from tuquan.recognition import models


@admin.register(models.RecognitionCriterion)
class RecognitionCriterionAdmin(admin.ModelAdmin):
    """Criteria are reference data: rows marked "to verify" are checked against
    Circular 124/2021/TT-BCA and corrected here."""

    list_display = ("version", "number", "title", "to_verify", "active")
    list_filter = ("version", "to_verify", "active")


@admin.register(models.ScoreItem)
class ScoreItemAdmin(admin.ModelAdmin):
    list_display = ("sheet", "number", "title", "max_points", "to_verify", "active")
    list_filter = ("sheet", "to_verify", "active")


@admin.register(models.GradeClass)
class GradeClassAdmin(admin.ModelAdmin):
    list_display = ("label", "code", "min_score", "to_verify")


@admin.register(models.TeamGrade)
class TeamGradeAdmin(admin.ModelAdmin):
    list_display = (
        "rank",
        "label",
        "code",
        "is_excellent",
        "good_or_better",
        "to_verify",
    )

from django.contrib import admin

from tuquan.violations.models import Authority, LegalProvision


@admin.register(LegalProvision)
class LegalProvisionAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "instrument",
        "article",
        "clause",
        "point",
        "fine_min",
        "fine_max",
        "to_verify",
    )
    list_filter = ("instrument", "to_verify")
    search_fields = ("code", "act")


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ("title", "fine_ceiling", "to_verify", "position")
    list_filter = ("to_verify",)

from django.contrib import admin

from tuquan.tips.models import Custodian


@admin.register(Custodian)
class CustodianAdmin(admin.ModelAdmin):
    """Custodians are appointed by administrators; tips themselves are not in
    the admin (handlers read them through their scoped pages)."""

    list_display = ("user", "scope", "active", "created_at")
    list_filter = ("active",)
    raw_id_fields = ("user", "scope")

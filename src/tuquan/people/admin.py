from django.contrib import admin

from tuquan.core.admin import ScopedAdmin
from tuquan.people.models import Worker


@admin.register(Worker)
class WorkerAdmin(ScopedAdmin):
    list_display = (
        "full_name",
        "national_id_masked",
        "enterprise",
        "employment_status",
    )
    list_filter = ("employment_status", "sex")
    search_fields = ("name_folded",)
    raw_id_fields = (
        "enterprise",
        "workshop",
        "line",
        "shift",
        "residence",
        "room",
        "bus_route",
        "user",
    )

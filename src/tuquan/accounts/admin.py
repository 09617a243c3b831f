from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tuquan.accounts.models import ApiToken, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(User)
class TuquanUserAdmin(UserAdmin):
    inlines = (RoleAssignmentInline,)
    list_display = (
        "username",
        "full_name",
        "is_active",
        "is_superuser",
        "locked_until",
    )
    fieldsets = (*UserAdmin.fieldsets, (None, {"fields": ("full_name",)}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    readonly_fields = ("prefix", "created_at", "last_used_at")
    exclude = ("digest",)

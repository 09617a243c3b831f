from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tuquan.core.models import AuditEntry


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists go through the same scoping as every other read."""

    def get_queryset(self, request: HttpRequest) -> Any:
        return self.model.objects.visible_to(request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    list_display = ("at", "username", "action", "object_type", "object_repr", "address")
    list_filter = ("action", "object_type")
    search_fields = ("username", "object_repr", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

from django.contrib import admin

from tuquan.outreach.models import JargonTerm, MessageTemplate


@admin.register(JargonTerm)
class JargonTermAdmin(admin.ModelAdmin):
    list_display = ["term", "plain", "active"]
    list_filter = ["active"]
    search_fields = ["term", "plain"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "topic", "active"]
    list_filter = ["topic", "active"]
    search_fields = ["title", "body"]

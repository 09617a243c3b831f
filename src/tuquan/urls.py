from django.contrib import admin
from django.urls import include, path

from tuquan.api import api

urlpatterns = [
    path("", include("tuquan.core.urls")),
    path("", include("tuquan.accounts.urls")),
    path("", include("tuquan.organisations.urls")),
    path("", include("tuquan.people.urls")),
    path("", include("tuquan.people.urls_roster")),
    path("", include("tuquan.gates.urls")),
    path("", include("tuquan.health.urls")),
    path("", include("tuquan.screening.urls")),
    path("", include("tuquan.surveillance.urls")),
    path("", include("tuquan.riskassess.urls")),
    path("", include("tuquan.levels.urls")),
    path("", include("tuquan.security.urls")),
    path("", include("tuquan.patrols.urls")),
    path("", include("tuquan.tips.urls")),
    path("", include("tuquan.violations.urls")),
    path("", include("tuquan.recognition.urls")),
    path("", include("tuquan.outreach.urls")),
    path("", include("tuquan.directives.urls")),
    path("", include("tuquan.reports.urls")),
    path("", include("tuquan.reports.urls_official")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

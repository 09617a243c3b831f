from django.urls import include, path

urlpatterns = [
    path("", include("tuquan.health.urls_declare")),
    path("", include("tuquan.health.urls_rollcall")),
    path("", include("tuquan.health.urls_cases")),
]

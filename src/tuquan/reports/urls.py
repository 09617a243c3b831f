from django.urls import URLPattern, path

from tuquan.reports import views

urlpatterns: list[URLPattern] = [
    path("dashboard/", views.dashboard_home, name="dashboard_home"),
    path("dashboard/<int:pk>/", views.dashboard_view, name="dashboard"),
    path(
        "dashboard/<int:pk>/refresh/",
        views.dashboard_refresh,
        name="dashboard_refresh",
    ),
    path("dashboard/<int:pk>/map/", views.dashboard_map, name="dashboard_map"),
]

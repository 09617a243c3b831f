from django.urls import include, path

from tuquan.gates import views

urlpatterns = [
    path("gates/<int:pk>/scan/", views.gate_scan, name="gate_scan"),
    path("presence/", views.presence_overview, name="presence_overview"),
    path("presence/<int:pk>/", views.presence_site, name="presence_site"),
    path("", include("tuquan.gates.urls_cards")),
    path("", include("tuquan.gates.urls_vehicles")),
]

"""Pages for vehicle entries and visitors (see views_vehicles)."""

from django.urls import path

from tuquan.gates import views_vehicles as views

urlpatterns = [
    path("gates/vehicles/", views.vehicle_entry_list, name="vehicle_entry_list"),
    path(
        "gates/<int:gate_pk>/vehicles/new/",
        views.vehicle_entry_create,
        name="vehicle_entry_create",
    ),
    path(
        "gates/vehicles/<int:pk>/review/",
        views.vehicle_entry_review,
        name="vehicle_entry_review",
    ),
    path("gates/visitors/", views.visitor_list, name="visitor_list"),
    path(
        "gates/<int:gate_pk>/visitors/new/",
        views.visitor_check_in,
        name="visitor_check_in",
    ),
    path(
        "gates/visitors/<int:pk>/check-out/",
        views.visitor_check_out,
        name="visitor_check_out",
    ),
]

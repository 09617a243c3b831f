from django.urls import path

from tuquan.levels import views

urlpatterns = [
    path("epidemic-levels/", views.epidemic_level_list, name="epidemic_level_list"),
    path(
        "epidemic-levels/compute/",
        views.epidemic_level_compute,
        name="epidemic_level_compute",
    ),
    path(
        "epidemic-levels/<int:pk>/",
        views.epidemic_level_detail,
        name="epidemic_level_detail",
    ),
    path(
        "epidemic-levels/units/<int:unit_pk>/capacity/",
        views.epidemic_capacity_edit,
        name="epidemic_capacity_edit",
    ),
]

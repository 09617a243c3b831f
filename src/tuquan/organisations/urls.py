"""Registry pages: zones, enterprises, residences, teams, any tree node."""

from django.urls import path

from tuquan.organisations import views

urlpatterns = [
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/new/", views.zone_create, name="zone_create"),
    path("zones/<int:pk>/", views.zone_detail, name="zone_detail"),
    path("zones/<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path(
        "enterprises/<int:pk>/add/<slug:kind>/",
        views.enterprise_add_part,
        name="enterprise_add_part",
    ),
    path("enterprises/<int:pk>/mode/", views.enterprise_mode, name="enterprise_mode"),
    path("residences/", views.residence_list, name="residence_list"),
    path("residences/new/", views.residence_create, name="residence_create"),
    path("residences/<int:pk>/", views.residence_detail, name="residence_detail"),
    path("residences/<int:pk>/edit/", views.residence_edit, name="residence_edit"),
    path(
        "residences/<int:pk>/rooms/new/",
        views.residence_add_room,
        name="residence_add_room",
    ),
    path("teams/", views.team_list, name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/", views.team_members, name="team_members"),
    path("teams/<int:pk>/pledge/", views.team_pledge_file, name="team_pledge_file"),
    path(
        "organisations/<int:pk>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
]

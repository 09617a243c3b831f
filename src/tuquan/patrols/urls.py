"""Patrol pages and the teams-at-work pages."""

from django.urls import path

from tuquan.patrols import views, views_activity

urlpatterns = [
    path("patrols/", views.patrol_home, name="patrol_home"),
    path("patrols/checkpoints/", views.checkpoint_list, name="checkpoint_list"),
    path(
        "patrols/checkpoints/sheet/<int:pk>/",
        views.checkpoint_sheet,
        name="checkpoint_sheet",
    ),
    path("patrols/plans/", views.plan_list, name="patrol_plan_list"),
    path(
        "patrols/teams/<int:pk>/plans/new/",
        views.plan_create,
        name="patrol_plan_create",
    ),
    path("patrols/teams/<int:pk>/start/", views.patrol_start, name="patrol_start"),
    path("patrols/<int:pk>/", views.patrol_session, name="patrol_session"),
    path("patrols/<int:pk>/entries/", views.patrol_entry, name="patrol_entry"),
    path("patrols/<int:pk>/end/", views.patrol_end, name="patrol_end"),
    path("patrols/photos/<int:pk>/", views.patrol_photo, name="patrol_photo"),
    path(
        "teams/activity/",
        views_activity.team_activity_summary,
        name="team_activity_summary",
    ),
    path(
        "teams/activity/export/",
        views_activity.team_activity_export,
        name="team_activity_export",
    ),
    path(
        "teams/<int:pk>/activity/",
        views_activity.team_activity_page,
        name="team_activity",
    ),
    path(
        "teams/<int:pk>/activity/panel/",
        views_activity.team_activity_panel,
        name="team_activity_panel",
    ),
]

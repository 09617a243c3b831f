from django.urls import path

from tuquan.health import views_rollcall as views

urlpatterns = [
    path("teams/<int:pk>/roll-call/", views.team_roll_call, name="team_roll_call"),
    path(
        "teams/<int:pk>/roll-call/declare/<int:worker_pk>/",
        views.team_roll_call_declare,
        name="team_roll_call_declare",
    ),
    path(
        "teams/<int:pk>/roll-call/phones/",
        views.team_roll_call_phones,
        name="team_roll_call_phones",
    ),
]

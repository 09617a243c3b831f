from django.urls import path

from tuquan.recognition import views

urlpatterns = [
    path("recognition/", views.recognition_list, name="recognition_list"),
    path("recognition/<int:pk>/", views.recognition_detail, name="recognition_detail"),
    path("grading/", views.grading_list, name="grading_list"),
    path(
        "grading/enterprise/<int:enterprise_pk>/",
        views.grading_form,
        name="grading_form",
    ),
    path("grading/<int:pk>/", views.grading_detail, name="grading_detail"),
    path("team-ratings/", views.team_rating_list, name="team_rating_list"),
    path(
        "team-ratings/<int:team_pk>/", views.team_rating_form, name="team_rating_form"
    ),
]

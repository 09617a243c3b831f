from django.urls import path

from tuquan.riskassess import views

urlpatterns = [
    path("risk/", views.risk_assessment_list, name="risk_assessment_list"),
    path(
        "risk/enterprises/<int:enterprise_id>/",
        views.risk_assessment_history,
        name="risk_assessment_history",
    ),
    path(
        "risk/enterprises/<int:enterprise_id>/new/",
        views.risk_assessment_create,
        name="risk_assessment_create",
    ),
    path(
        "risk/<int:assessment_id>/",
        views.risk_assessment_detail,
        name="risk_assessment_detail",
    ),
    path(
        "risk/<int:assessment_id>/rescore/",
        views.risk_assessment_rescore,
        name="risk_assessment_rescore",
    ),
    path("risk/photos/<int:photo_id>/", views.risk_photo, name="risk_photo"),
]

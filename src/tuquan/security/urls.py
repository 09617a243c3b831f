from django.urls import path

from tuquan.security import views, views_report

urlpatterns = [
    # Reporting and following a report.
    path("security/report/", views_report.report_new, name="report_new"),
    path("security/mine/", views_report.my_reports, name="my_reports"),
    path(
        "security/mine/<int:pk>/",
        views_report.my_report_detail,
        name="my_report_detail",
    ),
    # Short on purpose: the worker's personal link, like /d/<token>/.
    path("r/<str:token>/", views_report.link_report, name="link_report"),
    path("r/<str:token>/reports/", views_report.link_reports, name="link_reports"),
    path(
        "r/<str:token>/reports/<int:pk>/",
        views_report.link_report_status,
        name="link_report_status",
    ),
    path("report/", views_report.public_report, name="public_report"),
    path(
        "report/status/<str:key>/",
        views_report.public_report_status,
        name="public_report_status",
    ),
    # Handling.
    path("security/reports/", views.report_list, name="report_list"),
    path("security/reports.csv", views.report_export, name="report_export"),
    path("security/reports/group/", views.report_group, name="report_group"),
    path("security/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path(
        "security/reports/<int:pk>/transition/",
        views.report_transition,
        name="report_transition",
    ),
    path(
        "security/reports/<int:pk>/crime/",
        views.report_mark_crime,
        name="report_mark_crime",
    ),
    path("security/photos/<int:pk>/", views.report_photo, name="report_photo"),
    path("security/incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("security/handovers/", views.handover_list, name="handover_list"),
    path(
        "security/handovers/<int:pk>/",
        views.handover_update,
        name="handover_update",
    ),
]

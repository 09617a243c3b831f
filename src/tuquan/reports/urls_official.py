from django.urls import path

from tuquan.reports import views_official

urlpatterns = [
    path(
        "reports/official/",
        views_official.official_report_list,
        name="official_report_list",
    ),
    path(
        "reports/official/<int:pk>/",
        views_official.official_report_detail,
        name="official_report_detail",
    ),
    path(
        "reports/official/<int:pk>/<str:fmt>/",
        views_official.official_report_download,
        name="official_report_download",
    ),
]

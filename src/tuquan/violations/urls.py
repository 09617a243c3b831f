from django.urls import path

from tuquan.violations import views

urlpatterns = [
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/new/", views.violation_record, name="violation_record"),
    path(
        "violations/workers/",
        views.violation_worker_search,
        name="violation_worker_search",
    ),
    path("violations/gate-flags/", views.gate_flag_list, name="violation_gate_flags"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/record.docx", views.record_docx, name="violation_docx"),
    path(
        "violations/<int:pk>/evidence/",
        views.evidence_upload,
        name="violation_evidence_upload",
    ),
    path(
        "violations/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="violation_evidence",
    ),
    path("sanctions/", views.decision_list, name="decision_list"),
    path("sanctions/new/", views.decision_create, name="decision_create"),
    path("sanctions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("sanctions/<int:pk>/decision.docx", views.decision_docx, name="decision_docx"),
]

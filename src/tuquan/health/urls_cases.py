from django.urls import path

from tuquan.health import views_cases as views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_confirm, name="case_confirm"),
    path("cases/new/workers/", views.case_worker_search, name="case_worker_search"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/trace/", views.case_trace, name="case_trace"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/chains/<int:pk>/", views.case_chains, name="case_chains"),
    path("contacts/<int:pk>/decide/", views.contact_decide, name="contact_decide"),
    path("contacts/<int:pk>/f2/", views.contact_trace_f2, name="contact_trace_f2"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path(
        "work-restrictions/",
        views.work_restriction_list,
        name="work_restriction_list",
    ),
]

from django.urls import path

from tuquan.screening import views

urlpatterns = [
    path("screening/", views.home, name="screening_home"),
    path("screening/import/", views.import_file, name="screening_import"),
    path("screening/positives/", views.positives, name="screening_positives"),
    path("screening/pending/", views.pending, name="screening_pending"),
    path(
        "screening/pending/<str:kind>/<int:pk>/",
        views.result_enter,
        name="screening_result_enter",
    ),
    path(
        "screening/positives/<int:pk>/confirm/",
        views.positive_confirm,
        name="screening_positive_confirm",
    ),
    path(
        "screening/enterprises/<int:pk>/schedules/",
        views.schedule_create,
        name="screening_schedule_create",
    ),
    path(
        "screening/schedules/<int:pk>/toggle/",
        views.schedule_toggle,
        name="screening_schedule_toggle",
    ),
]

# The same pages for an enterprise and for a team.
for _kind, _prefix in (("enterprise", "enterprises"), ("team", "teams")):
    urlpatterns += [
        path(
            f"screening/{_prefix}/<int:pk>/",
            views.group_page,
            {"kind": _kind},
            name=f"screening_{_kind}",
        ),
        path(
            f"screening/{_prefix}/<int:pk>/tests/new/",
            views.test_new,
            {"kind": _kind},
            name=f"screening_{_kind}_test",
        ),
        path(
            f"screening/{_prefix}/<int:pk>/pools/new/",
            views.pool_new,
            {"kind": _kind},
            name=f"screening_{_kind}_pool",
        ),
        path(
            f"screening/{_prefix}/<int:pk>/vaccinations/",
            views.vaccinations,
            {"kind": _kind},
            name=f"screening_{_kind}_vaccinations",
        ),
    ]

from django.urls import path

from tuquan.directives import views, views_public

urlpatterns = [
    # Public bulletin: short Vietnamese addresses, no login.
    path("ban-tin/", views_public.bulletin_list, name="bulletin_list"),
    path("ban-tin/rss/", views_public.BulletinFeed(), name="bulletin_feed"),
    path("ban-tin/<int:pk>/", views_public.bulletin_detail, name="bulletin_detail"),
    # Officers.
    path("directives/", views.directive_list, name="directive_list"),
    path("directives/new/", views.directive_form, name="directive_create"),
    path("directives/inbox/", views.inbox, name="directive_inbox"),
    path("directives/<int:pk>/", views.directive_detail, name="directive_detail"),
    path("directives/<int:pk>/edit/", views.directive_form, name="directive_edit"),
    path(
        "directives/assignments/<int:pk>/accept/",
        views.assignment_accept,
        name="assignment_accept",
    ),
    path("directives/tasks/<int:pk>/report/", views.report_form, name="report_form"),
    path(
        "directives/reports/<int:pk>/review/",
        views.report_review,
        name="report_review",
    ),
    path("directives/notices/", views.notice_list, name="notice_list"),
    path("directives/notices/new/", views.notice_form, name="notice_create"),
    path("directives/notices/<int:pk>/", views.notice_form, name="notice_edit"),
]

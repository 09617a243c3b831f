"""Worker pages (the roster import/export lives in ``urls_roster``)."""

from django.urls import path

from tuquan.people import views

urlpatterns = [
    path("workers/", views.worker_list, name="worker_list"),
    path("workers/new/", views.worker_create, name="worker_create"),
    path("workers/<int:pk>/", views.worker_detail, name="worker_detail"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/reveal/", views.worker_reveal, name="worker_reveal"),
]

from django.urls import path

from tuquan.health import views_declare

# Short on purpose: the address is printed as a QR on the gate card.
urlpatterns = [
    path("d/<str:token>/", views_declare.declare, name="declare"),
    path("d/<str:token>/ok/", views_declare.declare_done, name="declare_done"),
]
urlpatterns += [
    path(
        "workers/<int:pk>/declaration-link/renew/",
        views_declare.declare_link_renew,
        name="declare_link_renew",
    ),
]

"""Gate registry pages and worker cards (views in ``views_cards``)."""

from django.urls import path

from tuquan.gates import views_cards as views

urlpatterns = [
    path("gates/", views.gate_list, name="gate_list"),
    path("gates/new/", views.gate_create, name="gate_create"),
    path("gates/<int:pk>/", views.gate_detail, name="gate_detail"),
    path("gates/<int:pk>/edit/", views.gate_edit, name="gate_edit"),
    path("gates/cards/worker/<int:pk>/issue/", views.card_issue, name="card_issue"),
    path("gates/cards/<int:pk>/revoke/", views.card_revoke, name="card_revoke"),
    path(
        "gates/cards/enterprise/<int:pk>/sheet/",
        views.card_sheet_enterprise,
        name="card_sheet_enterprise",
    ),
    path(
        "gates/cards/team/<int:pk>/sheet/",
        views.card_sheet_team,
        name="card_sheet_team",
    ),
]

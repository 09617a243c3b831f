from django.urls import path

from tuquan.tips import views, views_public

urlpatterns = [
    # Public, short Vietnamese addresses (posters, QR codes).
    path("to-giac/", views_public.tip_form, name="tip_form"),
    path("to-giac/tra-cuu/", views_public.tip_receipt, name="tip_receipt"),
    path("to-giac/ap-phich/", views_public.tip_poster, name="tip_poster"),
    # Handlers and custodians.
    path("tips/", views.tip_list, name="tip_list"),
    path("tips/<int:pk>/", views.tip_detail, name="tip_detail"),
    path("tips/<int:pk>/reply/", views.tip_reply, name="tip_reply"),
    path(
        "tips/<int:pk>/contact-request/",
        views.tip_contact_request,
        name="tip_contact_request",
    ),
    path("tips/<int:pk>/report/", views.tip_to_report, name="tip_to_report"),
    path(
        "tips/contact-requests/",
        views.contact_request_list,
        name="contact_request_list",
    ),
    path(
        "tips/contact-requests/<int:pk>/",
        views.contact_request_decide,
        name="contact_request_decide",
    ),
    path(
        "tips/contact-requests/<int:pk>/reveal/",
        views.contact_request_reveal,
        name="contact_request_reveal",
    ),
]

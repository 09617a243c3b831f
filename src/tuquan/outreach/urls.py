from django.urls import path

from tuquan.outreach import views

urlpatterns = [
    path("outreach/", views.message_list, name="outreach_list"),
    path("outreach/new/", views.message_form, name="outreach_new"),
    path("outreach/check/", views.message_check, name="outreach_check"),
    path("outreach/audience/", views.audience_preview, name="outreach_audience"),
    path("outreach/<int:pk>/", views.message_detail, name="outreach_detail"),
    path("outreach/<int:pk>/edit/", views.message_form, name="outreach_edit"),
    path("outreach/<int:pk>/approve/", views.message_approve, name="outreach_approve"),
    path("outreach/<int:pk>/send/", views.message_send, name="outreach_send"),
    path("outreach/<int:pk>/poster/", views.message_poster, name="outreach_poster"),
    path("outreach/<int:pk>/loa/", views.message_script, name="outreach_script"),
    path("outreach/inbox/", views.my_inbox, name="outreach_my_inbox"),
    path(
        "outreach/inbox/<int:message_pk>/", views.my_message, name="outreach_my_message"
    ),
    # Short on purpose: the link goes out by SMS and on the printed card.
    path("tin/<str:token>/", views.inbox_by_link, name="outreach_inbox_link"),
    path(
        "tin/<str:token>/<int:message_pk>/",
        views.read_by_link,
        name="outreach_read_link",
    ),
]

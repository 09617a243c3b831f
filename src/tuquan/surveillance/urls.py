from django.urls import path

from tuquan.surveillance import views

urlpatterns = [
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/detect/", views.alert_detect, name="alert_detect"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
]

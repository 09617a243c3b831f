from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveillanceConfig(AppConfig):
    name = "tuquan.surveillance"
    verbose_name = _("Epidemic surveillance")

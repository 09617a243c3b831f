from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskassessConfig(AppConfig):
    name = "tuquan.riskassess"
    verbose_name = _("Infection-risk self-assessment")

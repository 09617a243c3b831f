from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "tuquan.health"
    verbose_name = _("Epidemic self-monitoring")

    def ready(self) -> None:
        from tuquan.gates import restrictions
        from tuquan.health.cases import work_restrictions

        # Gates refuse entry to workers in isolation.
        restrictions.register(work_restrictions)

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class GatesConfig(AppConfig):
    name = "tuquan.gates"
    verbose_name = _("Gates")

    def ready(self) -> None:
        from tuquan.gates.models import Gate
        from tuquan.gates.services import forget_gates

        post_save.connect(forget_gates, sender=Gate, dispatch_uid="gates-cache-save")
        post_delete.connect(
            forget_gates, sender=Gate, dispatch_uid="gates-cache-delete"
        )

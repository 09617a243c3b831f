from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tuquan.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tuquan.accounts.api_auth import forget_tokens
        from tuquan.accounts.models import ApiToken, RoleAssignment, User

        # A changed user, token or role must not linger in the token cache.
        for model in (User, ApiToken, RoleAssignment):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_tokens,
                    sender=model,
                    dispatch_uid=f"token-cache-{model.__name__}-{signal is post_save}",
                )

"""Password login with a lock-out after repeated failures (web and admin alike)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tuquan.core import audit


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from tuquan.accounts.models import User

        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        account = User._default_manager.filter(username=username).first()
        if account is not None and account.is_locked():
            # Stops every backend: a locked account cannot log in at all.
            raise PermissionDenied
        user = super().authenticate(
            request, username=username, password=password, **kwargs
        )
        if user is not None:
            user.register_successful_login()
            audit.record(
                audit.AuditAction.LOGIN, user, user=user, object_repr=user.username
            )
        elif account is not None:
            locked = account.register_failed_login()
            audit.record(
                audit.AuditAction.LOCKED if locked else audit.AuditAction.LOGIN_FAILED,
                account,
                user=account,
                object_repr=account.username,
            )
        return user

"""Account use cases shared by the web pages and the commands."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tuquan.accounts.models import ApiToken, User
from tuquan.core import audit


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for ``user``; the raw token is returned only here."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name.")]})
    with transaction.atomic():
        token, raw = ApiToken.issue(user=user, name=name)
        audit.record(
            audit.AuditAction.TOKEN,
            token,
            changes={"created": name},
            object_repr=str(token),
            user=user,
        )
    return token, raw


def revoke_token(*, token: ApiToken, by: Any) -> None:
    if token.user_id != by.pk and not by.is_superuser:
        raise PermissionDenied(_("You may revoke only your own tokens."))
    with transaction.atomic():
        token.revoke()
        audit.record(
            audit.AuditAction.TOKEN,
            token,
            changes={"revoked": token.name},
            object_repr=str(token),
            user=by,
        )

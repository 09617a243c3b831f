"""API authentication: bearer tokens for machines, the session for browsers."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from tuquan.core.context import Actor, _current, current_actor

# A gate device sends a request every second or so: each process remembers a
# token's user (with the user's role assignments) for a short while. Saving or
# deleting a user, token or role assignment empties the cache of the process
# that did it; others follow within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 30.0
_token_users: dict[str, tuple[float, Any]] = {}


def forget_tokens(**_kwargs: Any) -> None:
    _token_users.clear()


def _act_as(user: Any) -> None:
    actor = current_actor()
    _current.set(Actor(user=user, address=actor.address, via="api"))


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from tuquan.accounts.models import ApiToken

        digest = ApiToken.digest_of(token)
        hit = _token_users.get(digest)
        if hit is not None and hit[0] > time.monotonic():
            request.user = hit[1]
            _act_as(hit[1])
            return hit[1]
        found = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(digest=digest)
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # Write last use at most once a minute: tokens are used in bursts.
        if (
            found.last_used_at is None
            or (now - found.last_used_at).total_seconds() > 60
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        _token_users[digest] = (time.monotonic() + TOKEN_CACHE_SECONDS, found.user)
        _act_as(found.user)
        return found.user


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # No CSRF check here: ninja's would run before we know whether there is
        # a session at all, turning "not logged in" (401) into 403.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # A logged-in browser must prove the request comes from our pages.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(
                403,
                _("The security check (CSRF) failed: reload the page and try again."),
            )
        _act_as(user)
        return user

"""Request middleware: records the acting user and address for the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tuquan.core.context import Actor, _current
from tuquan.tips.logging import is_anonymous_path


def client_address(request: HttpRequest) -> str:
    # Behind nginx the client is the first X-Forwarded-For entry; directly, REMOTE_ADDR.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = Actor(
            user=user if user is not None and user.is_authenticated else None,
            # The anonymous tip channel never records who sent anything.
            address="" if is_anonymous_path(request.path) else client_address(request),
            via="api" if request.path.startswith("/api/") else "web",
        )
        token = _current.set(actor)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)

"""Who is acting, from where: set per request by middleware, read by the audit log.

A ContextVar rather than a thread-local so that it also behaves under ASGI and in
Celery tasks, which set it explicitly with :func:`acting_as`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    address: str = ""
    via: str = "web"


# Actor is a frozen dataclass, so a shared default is safe.
_current: ContextVar[Actor] = ContextVar(
    "tuquan_actor",
    default=Actor(via="system"),  # noqa: B039
)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(
    user: Any = None, *, address: str = "", via: str = "cli"
) -> Iterator[Actor]:
    actor = Actor(user=user, address=address, via=via)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)

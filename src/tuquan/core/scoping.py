"""The one scoping rule: a user sees only their organisations' subtrees.

Every domain queryset derives from :class:`ScopedQuerySet` and says, in
``scope_q(paths)``, how its rows relate to organisation paths. ``visible_to(user)``
turns the user's role assignments into those paths (see
``tuquan.accounts.scoping.scope_paths``). Views, the API, exports, the admin and
commands acting for a user all read through ``visible_to``.
"""

from __future__ import annotations

from typing import Any, Self

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class ScopedQuerySet(models.QuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        # Every domain queryset must say how its rows relate to the tree; a
        # queryset that forgets must fail loudly rather than show everything.
        raise ImproperlyConfigured(f"{type(self).__name__} must define scope_q()")

    def own_q(self, user: Any) -> models.Q | None:
        """Rows a user sees regardless of scope (a worker's own record)."""
        return None

    def visible_to(self, user: Any) -> Self:
        from tuquan.accounts.scoping import scope_paths

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        paths = scope_paths(user)
        if paths is None:  # superuser: everything
            return self.all()
        q = self.scope_q(paths) if paths else None
        own = self.own_q(user)
        if own is not None:
            q = own if q is None else q | own
        return self.none() if q is None else self.filter(q)


def paths_q(field: str, paths: list[str]) -> models.Q:
    """``field`` starts with any of ``paths`` (materialised-path subtree test)."""
    q = models.Q(pk__in=[])
    for path in paths:
        q |= models.Q(**{f"{field}__startswith": path})
    return q

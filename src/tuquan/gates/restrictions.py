"""Who must not come to work: the hook the health app fills in.

A provider is a function ``(worker_ids, at) -> {worker_id: reason}`` naming the
workers among ``worker_ids`` who must not enter a workplace at ``at`` (in
quarantine, in isolation...), with a reason the guard can read aloud. The gate
refuses their entries; exits are always allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime

WorkRestriction = Callable[[Collection[int], datetime], dict[int, str]]

_providers: list[WorkRestriction] = []


def register(provider: WorkRestriction) -> WorkRestriction:
    """Add a provider (usable as a decorator); registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: WorkRestriction) -> None:
    if provider in _providers:
        _providers.remove(provider)


def restricted_workers(worker_ids: Collection[int], at: datetime) -> dict[int, str]:
    """Workers among ``worker_ids`` who must not work at ``at``, with a reason."""
    found: dict[int, str] = {}
    if not worker_ids:
        return found
    for provider in _providers:
        for worker_id, reason in provider(worker_ids, at).items():
            found.setdefault(worker_id, reason)
    return found

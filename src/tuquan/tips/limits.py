"""Rate limits that know nothing about who is asking.

Counters live in Django's cache, in fixed windows, keyed only by a purpose and
either nothing (a global budget) or the receipt lookup of the typed code (the
first characters, HMAC'd) — never an address or a browser. With the default
local-memory cache each server process counts on its own; a shared cache
(Redis, database cache) makes the limits hold across processes.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

PREFIX = "tuquan-tips"


def setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def hit(name: str, limit: int, window: int) -> bool:
    """Count one use of ``name``; False once ``limit`` is passed in the window."""
    slot = int(time.time() // window)
    key = f"{PREFIX}:{name}:{slot}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def peek(name: str, limit: int, window: int) -> bool:
    """Is ``name`` still under ``limit`` (without counting)?"""
    slot = int(time.time() // window)
    return int(cache.get(f"{PREFIX}:{name}:{slot}", 0)) < limit


def submissions_allowed() -> bool:
    return hit("submit", setting("TUQUAN_TIP_SUBMIT_PER_MINUTE", 600), 60)


def checks_allowed() -> bool:
    """The global budget of receipt checks (each costs a slow hash)."""
    return hit("check", setting("TUQUAN_TIP_CHECKS_PER_MINUTE", 300), 60)


FAILURE_WINDOW = 15 * 60


def code_locked(lookup: str) -> bool:
    limit = setting("TUQUAN_TIP_CODE_FAILURES", 5)
    return not peek(f"fail:{lookup}", limit, FAILURE_WINDOW)


def code_failed(lookup: str) -> None:
    hit(f"fail:{lookup}", setting("TUQUAN_TIP_CODE_FAILURES", 5), FAILURE_WINDOW)

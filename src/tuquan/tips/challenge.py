"""A proof of work (hashcash) or, without JavaScript, a sum to work out.

The server signs ``v1.<issued>.<nonce>.<bits>.<a>.<b>`` with an HMAC and puts it
in the form; nothing is stored when a challenge is handed out. The page's
script looks for a counter such that ``sha256("<challenge>:<counter>")`` starts
with ``bits`` zero bits (2**14 hashes on average: well under a second on a
cheap phone); a browser without script shows "what is a + b?" instead. The
answer is checked against the signature, the age and the spent list (each
challenge is accepted once), so a flood must pay for every tip.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings

PREFIX = "v1"


def bits() -> int:
    return int(getattr(settings, "TUQUAN_TIP_POW_BITS", 14))


def max_age() -> int:
    """Seconds a challenge stays valid (the time to fill the form in)."""
    return int(getattr(settings, "TUQUAN_TIP_CHALLENGE_SECONDS", 2 * 3600))


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(b"tuquan-tip-challenge:" + secret.encode()).digest()


def _sign(body: str) -> str:
    return hmac.new(_key(settings.SECRET_KEY), body.encode(), "sha256").hexdigest()[:32]


@dataclass(frozen=True)
class Challenge:
    token: str
    bits: int
    a: int
    b: int


def issue(now: float | None = None) -> Challenge:
    issued = int(now if now is not None else time.time())
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    level = bits()
    body = f"{PREFIX}.{issued}.{secrets.token_hex(8)}.{level}.{a}.{b}"
    return Challenge(f"{body}.{_sign(body)}", level, a, b)


def parse(token: str, now: float | None = None) -> Challenge | None:
    """The challenge if the signature holds and it is neither stale nor from
    the future; otherwise None."""
    parts = (token or "").split(".")
    if len(parts) != 7 or parts[0] != PREFIX:
        return None
    body, signature = ".".join(parts[:6]), parts[6]
    if not hmac.compare_digest(_sign(body), signature):
        return None
    try:
        issued, level, a, b = int(parts[1]), int(parts[3]), int(parts[4]), int(parts[5])
    except ValueError:
        return None
    now = now if now is not None else time.time()
    if issued > now + 60 or now - issued > max_age():
        return None
    return Challenge(token, level, a, b)


def leading_zero_bits(digest: bytes) -> int:
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def proof_ok(challenge: Challenge, proof: str) -> bool:
    if not proof or len(proof) > 20 or not proof.isdigit():
        return False
    digest = hashlib.sha256(f"{challenge.token}:{proof}".encode()).digest()
    return leading_zero_bits(digest) >= challenge.bits


def answer_ok(challenge: Challenge, answer: str) -> bool:
    return (answer or "").strip() == str(challenge.a + challenge.b)


def solve(token: str, level: int) -> str:
    """Find a proof (what the page's script does; used by the benchmark and tests)."""
    base = hashlib.sha256(f"{token}:".encode())
    counter = 0
    while True:
        h = base.copy()
        h.update(str(counter).encode())
        if leading_zero_bits(h.digest()) >= level:
            return str(counter)
        counter += 1


def spent_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]

"""Receipt codes: made once, shown once, stored only as a slow hash.

A code is 20 characters of Crockford's base32 (no I, L, O, U; typed I/L read
as 1 and O as 0), 100 random bits. The first 6 characters (30 bits) select the
tip: we store ``lookup = HMAC(key, first 6)`` so a check reads one row instead
of hashing against every tip. The whole code is hashed with scrypt and a
per-tip salt. Without the server key the lookup says nothing; with it, it
narrows 30 of the 100 bits, and the other 70 still sit behind scrypt.

A device that retries a submission (same client UUID, v4) gets the same code
back: the code is also stored sealed with AES-GCM under a key derived from the
client UUID, which the server keeps only as a SHA-256. The UUID is as random as
the code, so this is the same secret in another shape. See docs/tips.md.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20
LOOKUP_CHARS = 6
GROUP = 4
# Typed look-alikes, read as Crockford does.
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_DUMMY_SALT = b"tuquan-tips-dummy-salt"


def scrypt_n() -> int:
    """scrypt cost (N, r=8): 2**11 by default, ~4 ms and 2 MiB per hash here
    (why not more: docs/tips.md, "Cost and the choice of N")."""
    return int(getattr(settings, "TUQUAN_TIP_SCRYPT_N", 2**11))


@dataclass(frozen=True)
class Receipt:
    code: str
    lookup: str
    salt: str
    digest: str


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise(typed: str) -> str:
    """Upper case, separators and spaces dropped, look-alikes mapped."""
    text = "".join(ch for ch in (typed or "").upper() if ch.isalnum())
    return text.translate(_TYPO)


def display(code: str) -> str:
    """``ABCD-EFGH-…`` for reading aloud and writing down."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


@lru_cache(maxsize=4)
def _lookup_key(secret: str) -> bytes:
    return hashlib.sha256(b"tuquan-tip-receipt-lookup:" + secret.encode()).digest()


def lookup_of(code: str) -> str:
    """The non-secret row selector for ``code`` (from its first characters)."""
    secret = getattr(settings, "TUQUAN_TIP_LOOKUP_KEY", "") or settings.SECRET_KEY
    prefix = code[:LOOKUP_CHARS].encode()
    return hmac.new(_lookup_key(secret), prefix, hashlib.sha256).hexdigest()[:16]


def slow_hash(code: str, salt: bytes) -> str:
    return hashlib.scrypt(
        code.encode(), salt=salt, n=scrypt_n(), r=8, p=1, maxmem=64 * 2**20, dklen=32
    ).hex()


def make() -> Receipt:
    code = new_code()
    salt = secrets.token_bytes(16)
    return Receipt(code, lookup_of(code), salt.hex(), slow_hash(code, salt))


def matches(code: str, salt_hex: str, digest: str) -> bool:
    return hmac.compare_digest(slow_hash(code, bytes.fromhex(salt_hex)), digest)


def burn() -> None:
    """Spend one hash's time, so a code matching no tip costs what a real
    check costs and answers no faster."""
    slow_hash("0" * CODE_LENGTH, _DUMMY_SALT)


# --- retries: the code sealed under the client's UUID -------------------------


def client_digest(client_id: uuid.UUID) -> str:
    return hashlib.sha256(b"tuquan-tip-client:" + client_id.bytes).hexdigest()


def _client_key(client_id: uuid.UUID) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"tuquan-tip-replay-v1"
    ).derive(client_id.bytes)


def seal_for_client(code: str, client_id: uuid.UUID) -> bytes:
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(_client_key(client_id)).encrypt(nonce, code.encode(), None)


def open_for_client(sealed: bytes, client_id: uuid.UUID) -> str:
    nonce, body = bytes(sealed[:12]), bytes(sealed[12:])
    return AESGCM(_client_key(client_id)).decrypt(nonce, body, None).decode()

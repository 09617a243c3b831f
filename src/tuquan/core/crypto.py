"""Encryption of personal data at rest, and keyed hashes for exact lookup.

National ID and phone numbers are stored as Fernet tokens (AES-128-CBC + HMAC) with
the key from ``TUQUAN_FIELD_KEY``. A Fernet token is random, so it cannot be searched;
beside each encrypted column we keep an HMAC-SHA256 of the normalised value under a
key derived from the same secret, which supports ``WHERE national_id_hash = ...``
without revealing the number.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _keys() -> list[str]:
    return [k.strip() for k in settings.TUQUAN_FIELD_KEY.split(",") if k.strip()]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "TUQUAN_FIELD_KEY must be a urlsafe base64 Fernet key "
            "(generate one with `tuquan generate_field_key`)"
        ) from exc


@lru_cache(maxsize=4)
def _hasher(primary: str) -> hmac.HMAC:
    # A separate key for hashing, so a leaked hash key reveals nothing about
    # the encryption key and vice versa. Keyed once; each hash copies it.
    key = hashlib.sha256(b"tuquan-lookup-hash:" + primary.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def encrypt(value: str) -> str:
    """Encrypt ``value``; the empty string stays empty."""
    if not value:
        return ""
    return _fernet(tuple(_keys())).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a token made by :func:`encrypt` with the current or an older key."""
    if not token:
        return ""
    try:
        return _fernet(tuple(_keys())).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "personal data cannot be decrypted with TUQUAN_FIELD_KEY"
        ) from exc


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value for exact-match lookup ('' for empty).

    Called for every row of a roster import, hence the cached keyed object.
    """
    if not value:
        return ""
    # Keyed with the oldest key: adding a new key in front (rotation) must not
    # change the hashes that lookups and the unique national ID rely on.
    mac = _hasher(_keys()[-1]).copy()
    mac.update(value.encode())
    return mac.hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()

"""Encryption of personal data at rest, and keyed hashes for exact lookup.

National ID and phone numbers are stored encrypted with AES-256-GCM under a key
derived from ``TUQUAN_FIELD_KEY`` (a Fernet key, or several for rotation), as
``a1:`` + urlsafe base64 of nonce and ciphertext. Earlier releases stored Fernet
tokens (AES-128-CBC + HMAC); those still decrypt. GCM costs a fifth of Fernet's
time per value, which matters when a roster import encrypts 200,000 of them.

An encrypted value is random, so it cannot be searched; beside each encrypted
column we keep an HMAC-SHA256 of the normalised value under a key derived from
the same secret, which supports ``WHERE national_id_hash = ...`` without
revealing the number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "a1:"
NONCE_BYTES = 12


def _keys() -> tuple[str, ...]:
    return _split(settings.TUQUAN_FIELD_KEY)


@lru_cache(maxsize=4)
def _split(setting: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in setting.split(",") if k.strip())


@lru_cache(maxsize=4)
def _aeads(keys: tuple[str, ...]) -> tuple[AESGCM, ...]:
    """One AES-256-GCM per key (the first encrypts), each keyed by a hash of
    the Fernet key, so the same setting serves both formats."""
    _fernet(keys)  # the same validation and message for a malformed key
    return tuple(
        AESGCM(hashlib.sha256(b"tuquan-field-aead:" + key.encode()).digest())
        for key in keys
    )


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
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aeads(_keys())[0].encrypt(nonce, value.encode(), None)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    """Decrypt a value made by :func:`encrypt` (or a Fernet token of an earlier
    release) with the current or an older key."""
    if not token:
        return ""
    keys = _keys()
    if token.startswith(PREFIX):
        try:
            raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
        except ValueError:
            raw = b""
        nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        for aead in _aeads(keys):
            try:
                return aead.decrypt(nonce, sealed, None).decode()
            except (InvalidTag, ValueError):
                continue
    else:
        try:
            return _fernet(keys).decrypt(token.encode()).decode()
        except InvalidToken:
            pass
    raise ImproperlyConfigured(
        "personal data cannot be decrypted with TUQUAN_FIELD_KEY"
    )


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

"""Contact details sealed to the custodians' key.

The server holds only the custodians' X25519 PUBLIC key
(``TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY``, raw 32 bytes in base64). Each sealing makes
an ephemeral key pair, derives an AES-256-GCM key with HKDF-SHA256 from the
shared secret, and stores ``version | key id | ephemeral public | nonce |
ciphertext``. Opening needs the private key, which custodians keep in a
passphrase-protected PKCS#8 PEM file (``tuquan tip_custodian_key``) and supply
only when they approve a request. Nothing on the server can open a seal alone.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"
INFO = b"tuquan-tip-contact-v1"


class SealError(Exception):
    """The key does not open this seal (wrong key, passphrase or data)."""


def public_key_setting() -> str:
    value = getattr(settings, "TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY", None)
    if value is None:
        value = os.environ.get("TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY", "")
    return value.strip()


def custodian_public_key() -> X25519PublicKey | None:
    """The configured key, or None (then the form offers no contact field)."""
    value = public_key_setting()
    if not value:
        return None
    try:
        return X25519PublicKey.from_public_bytes(base64.b64decode(value))
    except ValueError as exc:
        raise ImproperlyConfigured(
            "TUQUAN_TIP_CUSTODIAN_PUBLIC_KEY must be the base64 line printed by "
            "`tuquan tip_custodian_key`"
        ) from exc


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def key_id(public: X25519PublicKey) -> bytes:
    return hashlib.sha256(_raw(public)).digest()[:8]


def _aead_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient, info=INFO
    ).derive(shared)


def seal(plaintext: str, public: X25519PublicKey) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    eph_raw = _raw(ephemeral.public_key())
    key = _aead_key(ephemeral.exchange(public), eph_raw, _raw(public))
    nonce = secrets.token_bytes(12)
    head = VERSION + key_id(public) + eph_raw + nonce
    return head + AESGCM(key).encrypt(nonce, plaintext.encode(), head)


def load_private_key(pem: bytes, passphrase: str) -> X25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(
            pem, password=passphrase.encode() or None
        )
    except (ValueError, TypeError) as exc:
        raise SealError("cannot read the key file") from exc
    if not isinstance(key, X25519PrivateKey):
        raise SealError("not an X25519 key")
    return key


def open_seal(sealed: bytes, private: X25519PrivateKey) -> str:
    sealed = bytes(sealed)
    if sealed[:1] != VERSION or len(sealed) < 1 + 8 + 32 + 12 + 16:
        raise SealError("unknown seal format")
    kid, eph_raw, nonce = sealed[1:9], sealed[9:41], sealed[41:53]
    public = private.public_key()
    if kid != key_id(public):
        raise SealError("sealed to another key")
    key = _aead_key(
        private.exchange(X25519PublicKey.from_public_bytes(eph_raw)),
        eph_raw,
        _raw(public),
    )
    try:
        return AESGCM(key).decrypt(nonce, sealed[53:], sealed[:53]).decode()
    except InvalidTag as exc:
        raise SealError("the seal does not open with this key") from exc


def generate(passphrase: str) -> tuple[str, bytes]:
    """A new key pair: the public key for the setting, the encrypted PEM."""
    private = X25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    return base64.b64encode(_raw(private.public_key())).decode(), pem

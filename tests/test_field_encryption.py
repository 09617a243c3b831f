"""Personal data at rest: AES-GCM values, Fernet values of earlier releases,
key rotation, and keyed lookup hashes that survive rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tuquan.core import crypto

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_it_encrypts_to_random_values_that_decrypt() -> None:
    with override_settings(TUQUAN_FIELD_KEY=OLD):
        first, second = crypto.encrypt("066095012345"), crypto.encrypt("066095012345")
        assert first != second
        assert first.startswith("a1:") and "066095012345" not in first
        assert crypto.decrypt(first) == crypto.decrypt(second) == "066095012345"
        assert crypto.encrypt("") == "" and crypto.decrypt("") == ""
        assert crypto.decrypt(crypto.encrypt("Nguyễn Văn Đông")) == "Nguyễn Văn Đông"


def test_it_still_reads_fernet_values_of_earlier_releases() -> None:
    legacy = Fernet(OLD.encode()).encrypt(b"0905123456").decode()
    with override_settings(TUQUAN_FIELD_KEY=OLD):
        assert crypto.decrypt(legacy) == "0905123456"


def test_it_rotates_keys_without_losing_values_or_hashes() -> None:
    legacy = Fernet(OLD.encode()).encrypt(b"0905123456").decode()
    with override_settings(TUQUAN_FIELD_KEY=OLD):
        before = crypto.encrypt("066095012345")
        digest = crypto.lookup_hash("066095012345")
    with override_settings(TUQUAN_FIELD_KEY=f"{NEW},{OLD}"):
        after = crypto.encrypt("066095012345")
        assert crypto.decrypt(before) == crypto.decrypt(after) == "066095012345"
        assert crypto.decrypt(legacy) == "0905123456"
        assert crypto.lookup_hash("066095012345") == digest
    with override_settings(TUQUAN_FIELD_KEY=NEW), pytest.raises(ImproperlyConfigured):
        crypto.decrypt(before)


@pytest.mark.parametrize("token", ["a1:not-base64!", "a1:", "gAAAAAbroken", "x"])
def test_it_refuses_damaged_values(token: str) -> None:
    with override_settings(TUQUAN_FIELD_KEY=OLD), pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


def test_it_names_a_malformed_key() -> None:
    with override_settings(TUQUAN_FIELD_KEY="not a key"):
        with pytest.raises(ImproperlyConfigured, match="TUQUAN_FIELD_KEY"):
            crypto.encrypt("066095012345")

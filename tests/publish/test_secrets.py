"""The keyring side of SFTP passwords: kept, read, forgotten, and a sentence when there is no keyring."""

from __future__ import annotations

import keyring
import keyring.errors
import pytest
from keyring.backends import fail
from memory_keyring import MemoryKeyring

from fieldnotes_desktop.export.targets.secrets import (
    SERVICE,
    KeyringUnavailable,
    forget_password,
    save_password,
    saved_password,
)

KEY = "sftp://me@example.org:22"


def test_kept_read_and_forgotten(memory_keyring: MemoryKeyring) -> None:
    assert saved_password(KEY) is None
    save_password(KEY, "s3cret")
    assert memory_keyring.passwords == {(SERVICE, KEY): "s3cret"}
    assert saved_password(KEY) == "s3cret"
    forget_password(KEY)
    assert saved_password(KEY) is None
    forget_password(KEY)  # nothing kept: fine


def test_no_keyring_reads_as_nothing_kept_and_saving_says_why() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert saved_password(KEY) is None
        forget_password(KEY)
        with pytest.raises(KeyringUnavailable) as unavailable:
            save_password(KEY, "s3cret")
    finally:
        keyring.set_keyring(before)
    assert str(unavailable.value) == (
        "The password for me@example.org:22 could not be kept because no system keyring is available; "
        "the publish still works with the password typed this time, and the next one will ask again."
    )


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"could not store {password}")


def test_a_keyring_that_refuses_never_repeats_the_password() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(LockedKeyring())
    try:
        assert saved_password(KEY) is None
        with pytest.raises(KeyringUnavailable) as refused:
            save_password(KEY, "s3cret")
    finally:
        keyring.set_keyring(before)
    assert "s3cret" not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert str(refused.value).startswith(
        "The password for me@example.org:22 could not be kept because the system keyring refused it (PasswordSetError); "
    )

"""SFTP passwords kept in the system keyring (Secret Service, macOS Keychain, Windows Credential Locker)."""

from __future__ import annotations

import logging

import keyring
import keyring.errors
from keyring.backends import fail

from fieldnotes_desktop.errors import FieldnotesError, PasswordNeeded

__all__ = ["SERVICE", "KeyringUnavailable", "PasswordNeeded", "forget_password", "save_password", "saved_password"]

SERVICE = "fieldnotes-desktop"  # what the keyring's own manager lists the passwords under

log = logging.getLogger(__name__)


class KeyringUnavailable(FieldnotesError):
    """A password could not be kept: no keyring is installed, or it refused. The publish goes on."""


def saved_password(key: str) -> str | None:
    """The password kept under `key` (a `TargetAddress.secret_key`), or None when there is none
    or no keyring to ask: the server then asks the writer instead."""
    if _unusable():
        return None
    try:
        return keyring.get_password(SERVICE, key)
    except keyring.errors.KeyringError as exc:  # locked and not unlocked, or its service is gone
        log.info("The keyring could not be read for %s: %s", key, type(exc).__name__)
        return None


def save_password(key: str, password: str) -> None:
    """Keeps a password that just worked, replacing any kept before; KeyringUnavailable when it cannot."""
    if _unusable():
        raise KeyringUnavailable(_not_kept(key, "no system keyring is available"))
    try:
        keyring.set_password(SERVICE, key, password)
    except keyring.errors.NoKeyringError:
        raise KeyringUnavailable(_not_kept(key, "no system keyring is available")) from None
    except keyring.errors.KeyringError as exc:
        # `from None`: a backend's own error could quote what it was handed.
        raise KeyringUnavailable(_not_kept(key, f"the system keyring refused it ({type(exc).__name__})")) from None


def forget_password(key: str) -> None:
    """Removes the password kept under `key`; nothing kept, or no keyring, is fine."""
    if _unusable():
        return
    try:
        keyring.delete_password(SERVICE, key)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            f"The password kept for {_who(key)} could not be removed ({type(exc).__name__}); "
            f"remove “{SERVICE}” from the system's password manager yourself."
        ) from None


def _unusable() -> bool:
    # The fail backend is what keyring picks on a system with none (a server, a bare container).
    return isinstance(keyring.get_keyring(), fail.Keyring)


def _not_kept(key: str, why: str) -> str:
    return (
        f"The password for {_who(key)} could not be kept because {why}; "
        "the publish still works with the password typed this time, and the next one will ask again."
    )


def _who(key: str) -> str:
    return key.removeprefix("sftp://")

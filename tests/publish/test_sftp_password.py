"""Password logins to a real OpenSSH server as a throw-away account: typed, kept, wrong, never shown."""

from __future__ import annotations

import logging
import stat
import traceback
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from memory_keyring import MemoryKeyring
from sshd_server import LocalAccount, SshServer

from fieldnotes_desktop.errors import PasswordNeeded, PublishFailed
from fieldnotes_desktop.export.targets import parse_target
from fieldnotes_desktop.export.targets.secrets import SERVICE
from fieldnotes_desktop.export.targets.sftp import SftpConnection


@pytest.fixture(autouse=True)
def everything_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # paramiko's and ours: the password must be in none of it


def address(sshd: SshServer, account: LocalAccount, path: str = "/~/site"):  # type: ignore[no-untyped-def]
    return parse_target(sshd.url(path, user=account.name))


def leaked(secret: str, caplog: pytest.LogCaptureFixture, *texts: str) -> bool:
    return any(secret in text for text in (caplog.text, *texts))


def test_a_typed_password_logs_in_and_is_kept(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = address(sshd, account)
    connection = SftpConnection(target, password=account.password)
    try:
        connection.write("hello.txt", b"hi")
        assert connection.root == f"{account.home}/site"  # a path relative to the account's home
        assert connection.notes == []
    finally:
        connection.close()
    assert (account.home / "site" / "hello.txt").read_bytes() == b"hi"
    assert memory_keyring.passwords == {(SERVICE, target.secret_key): account.password}
    assert not leaked(account.password, caplog, repr(connection.__dict__))


def test_the_kept_password_logs_in_without_asking(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = address(sshd, account)
    keyring.set_password(SERVICE, target.secret_key, account.password)
    SftpConnection(target).close()
    assert not leaked(account.password, caplog)


def test_a_wrong_password_is_one_sentence_and_not_kept(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wrong = account.password + "-not"
    with pytest.raises(PublishFailed) as refused:
        SftpConnection(address(sshd, account), password=wrong)
    assert not isinstance(refused.value, PasswordNeeded)
    assert str(refused.value) == f"{account.name}@127.0.0.1 refused that password; check it and publish again."
    assert memory_keyring.passwords == {}
    shown = "".join(traceback.format_exception(refused.value))
    assert not leaked(wrong, caplog, shown, repr(refused.value.args))


def test_a_kept_password_that_stopped_working_asks_for_the_new_one(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring,
    caplog: pytest.LogCaptureFixture,
) -> None:
    target = address(sshd, account)
    keyring.set_password(SERVICE, target.secret_key, "an-old-one-x7")
    with pytest.raises(PasswordNeeded, match="refused the password kept in the system keyring"):
        SftpConnection(target)
    assert not leaked("an-old-one-x7", caplog)

    SftpConnection(target, password=account.password).close()  # the new one replaces it
    assert memory_keyring.passwords[(SERVICE, target.secret_key)] == account.password


def test_no_password_anywhere_asks_for_one(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring
) -> None:
    with pytest.raises(PasswordNeeded) as needed:
        SftpConnection(address(sshd, account))
    assert str(needed.value) == (
        f"{account.name}@127.0.0.1 asked for a password; "
        "give it when Field Notes asks (it is then kept in the system keyring)."
    )


def test_without_a_keyring_the_publish_works_and_says_so(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        connection = SftpConnection(address(sshd, account), password=account.password)
        connection.close()
    finally:
        keyring.set_keyring(before)
    assert connection.notes == [
        f"The password for {account.name}@127.0.0.1:{sshd.port} could not be kept because no system keyring "
        "is available; the publish still works with the password typed this time, and the next one will ask again."
    ]
    assert not leaked(account.password, caplog)


def test_permission_denied_names_the_remote_path(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    site = account.home / "locked-site"
    (site / "shut").mkdir(parents=True)  # made by root: the account may not write into it
    (site / "shut").chmod(0o755)
    source = tmp_path / "x.html"
    source.write_bytes(b"x")
    import shutil

    shutil.chown(site, account.name, account.name)
    connection = SftpConnection(address(sshd, account, "/~/locked-site"), password=account.password)
    try:
        with pytest.raises(PublishFailed) as refused:
            connection.upload("shut/x.html", source)
        assert str(refused.value) == (
            f"The server does not let {account.name}@127.0.0.1 change "
            f"{account.name}@127.0.0.1:{site}/shut/x.html (permission denied); check who owns that folder there."
        )
        connection.upload("open.html", source)  # the connection is still good after a refusal
        assert stat.S_IMODE((site / "open.html").stat().st_mode) == 0o644
    finally:
        connection.close()


def test_a_folder_that_may_not_be_made_names_the_file(
    sshd: SshServer, account: LocalAccount, keyless_home: Path, memory_keyring: MemoryKeyring, tmp_path: Path
) -> None:
    import shutil

    site = account.home / "shut-site"
    (site / "shut").mkdir(parents=True)  # made by root: nothing can be made inside it
    shutil.chown(site, account.name, account.name)
    source = tmp_path / "x.html"
    source.write_bytes(b"x")
    connection = SftpConnection(address(sshd, account, "/~/shut-site"), password=account.password)
    try:
        with pytest.raises(PublishFailed, match=r"^The server does not let \S+ change \S+/shut/new/x\.html \(permission denied\)"):
            connection.upload("shut/new/x.html", source)
    finally:
        connection.close()

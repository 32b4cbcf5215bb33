"""Connecting to a real OpenSSH server: keys, known_hosts (new, trusted, hashed, changed), unreachable ports."""

from __future__ import annotations

import stat
import subprocess
import time
from pathlib import Path

import paramiko
import pytest
from sshd_server import SshServer, free_port

from fieldnotes_desktop.errors import PasswordNeeded, PublishFailed
from fieldnotes_desktop.export.targets import open_connection, parse_target
from fieldnotes_desktop.export.targets.known_hosts import host_key_name
from fieldnotes_desktop.export.targets.sftp import SftpConnection


def connect(sshd: SshServer, root: Path, **options: object) -> SftpConnection:
    return SftpConnection(parse_target(sshd.url(str(root))), **options)  # type: ignore[arg-type]


def test_connects_with_the_writers_key_and_known_hosts(sshd: SshServer, ssh_home: Path, tmp_path: Path) -> None:
    connection = connect(sshd, tmp_path / "site" / "deep")
    try:
        assert (tmp_path / "site" / "deep").is_dir()  # the root and its parents are made
        assert connection.where == f"sftp://{sshd.user}@127.0.0.1:{sshd.port}{tmp_path}/site/deep"
        assert connection.notes == []
    finally:
        connection.close()


def test_open_connection_picks_the_sftp_target(sshd: SshServer, ssh_home: Path, tmp_path: Path) -> None:
    connection = open_connection(parse_target(sshd.url(str(tmp_path / "site"))))
    try:
        assert isinstance(connection, SftpConnection)
    finally:
        connection.close()


def test_an_unknown_server_is_refused_with_its_fingerprint_then_trusted(
    sshd: SshServer, ssh_home: Path, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "fresh" / "ssh" / "known_hosts"  # neither the file nor its folder exists
    fingerprint, key_type = sshd.fingerprint()
    with pytest.raises(PublishFailed) as refused:
        connect(sshd, tmp_path / "site", known_hosts=known_hosts)
    assert str(refused.value) == (
        f"The server 127.0.0.1:{sshd.port} is not known yet: it offered an {key_type} key {fingerprint}; "
        "if that is your server's key, publish once with --trust-host to record it "
        "(or tick Trust this server in the Publish dialog)."
    )
    assert not known_hosts.exists()

    connect(sshd, tmp_path / "site", known_hosts=known_hosts, trust_host=True).close()
    assert known_hosts.read_text() == sshd.known_hosts_line()
    assert stat.S_IMODE(known_hosts.stat().st_mode) == 0o600
    assert stat.S_IMODE(known_hosts.parent.stat().st_mode) == 0o700
    # OpenSSH reads the line back: it is in the standard [host]:port form.
    found = subprocess.run(
        ["ssh-keygen", "-F", f"[127.0.0.1]:{sshd.port}", "-f", str(known_hosts)], capture_output=True, text=True
    )
    assert found.returncode == 0, found.stderr

    connect(sshd, tmp_path / "site", known_hosts=known_hosts).close()  # known now, without --trust-host
    assert known_hosts.read_text().count("\n") == 1


def test_trusting_appends_after_a_last_line_without_newline(sshd: SshServer, ssh_home: Path, tmp_path: Path) -> None:
    known_hosts = tmp_path / "known_hosts"
    other = "example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHn7bSlT1bqNQ1ikw6gnrGYd3gJ8cJ8Wg6ZqvHjgJc5h"
    known_hosts.write_text(other)
    connect(sshd, tmp_path / "site", known_hosts=known_hosts, trust_host=True).close()
    assert known_hosts.read_text() == other + "\n" + sshd.known_hosts_line()


def test_a_hashed_entry_is_honoured(sshd: SshServer, ssh_home: Path, tmp_path: Path) -> None:
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(sshd.known_hosts_line())
    subprocess.run(["ssh-keygen", "-q", "-H", "-f", str(known_hosts)], check=True, capture_output=True)
    assert known_hosts.read_text().startswith("|1|")
    connect(sshd, tmp_path / "site", known_hosts=known_hosts).close()


def test_a_changed_key_is_refused_even_when_trusting(sshd: SshServer, ssh_home: Path, tmp_path: Path) -> None:
    known_hosts = tmp_path / "known_hosts"
    impostor = paramiko.Ed25519Key.from_private_key_file(str(sshd.client_key))  # any other ed25519 key
    line = f"[127.0.0.1]:{sshd.port} ssh-ed25519 {impostor.get_base64()}\n"
    known_hosts.write_text(line)
    for trust in (False, True):
        with pytest.raises(PublishFailed) as refused:
            connect(sshd, tmp_path / "site", known_hosts=known_hosts, trust_host=trust)
        message = str(refused.value)
        assert "this may be an attack" in message
        assert f"`ssh-keygen -R '[127.0.0.1]:{sshd.port}' -f {known_hosts}`" in message
        assert sshd.fingerprint()[0] in message
    assert known_hosts.read_text() == line
    assert not (tmp_path / "site").exists()


def test_a_key_of_another_type_than_the_recorded_one_is_refused(
    sshd: SshServer, ssh_home: Path, tmp_path: Path
) -> None:
    known_hosts = tmp_path / "known_hosts"
    rsa = paramiko.RSAKey.generate(2048)
    known_hosts.write_text(f"[127.0.0.1]:{sshd.port} ssh-rsa {rsa.get_base64()}\n")  # the server has no RSA key
    with pytest.raises(PublishFailed, match="this may be an attack"):
        connect(sshd, tmp_path / "site", known_hosts=known_hosts, trust_host=True)


def test_an_unreachable_port_is_one_sentence_at_once(ssh_home: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    started = time.monotonic()
    with pytest.raises(PublishFailed) as refused:
        SftpConnection(parse_target(f"sftp://me@127.0.0.1:{port}/srv"))
    assert time.monotonic() - started < 3
    assert str(refused.value) == (
        f"Could not reach 127.0.0.1:{port} (connection refused); check the address and that the server is running."
    )


def test_an_unknown_host_name_is_one_sentence(ssh_home: Path) -> None:
    with pytest.raises(PublishFailed, match=r"^Could not reach no-such-host\.invalid:22 \(no server has that name\)"):
        SftpConnection(parse_target("sftp://me@no-such-host.invalid/srv"), timeout=5)


def test_a_port_that_does_not_speak_ssh(tmp_path: Path, ssh_home: Path) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer() -> None:
        client, _ = listener.accept()
        client.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        client.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    try:
        with pytest.raises(PublishFailed, match=rf"^127\.0\.0\.1:{port} answered, but no SSH connection came of it"):
            SftpConnection(parse_target(f"sftp://me@127.0.0.1:{port}/srv"), timeout=5)
    finally:
        thread.join(5)
        listener.close()


def test_a_refused_key_and_no_password_asks_for_one(
    sshd: SshServer, keyless_home: Path, tmp_path: Path, memory_keyring: object
) -> None:
    with pytest.raises(PasswordNeeded) as needed:
        connect(sshd, tmp_path / "site")
    assert str(needed.value).startswith(f"{sshd.user}@127.0.0.1 asked for a password; ")


def test_known_hosts_names() -> None:
    assert host_key_name("example.org", 22) == "example.org"
    assert host_key_name("example.org", 2222) == "[example.org]:2222"

"""A throw-away OpenSSH server on 127.0.0.1 for the SFTP tests: its own host key, user key and config."""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass(frozen=True)
class SshServer:
    port: int
    user: str  # the account the key logs in as: root in CI, else whoever runs the tests
    host_key: Path  # the server's public host key (.pub)
    client_key: Path  # the private key authorized for `user`
    log: Path

    host = "127.0.0.1"

    def url(self, path: str, user: str | None = None) -> str:
        return f"sftp://{user or self.user}@{self.host}:{self.port}{path}"

    def known_hosts_line(self) -> str:
        key_type, blob = self.host_key.read_text().split()[:2]
        return f"[{self.host}]:{self.port} {key_type} {blob}\n"

    def fingerprint(self) -> tuple[str, str]:
        """The SHA256 fingerprint and type (`ED25519`) as `ssh-keygen -l` prints them."""
        out = subprocess.run(["ssh-keygen", "-l", "-f", str(self.host_key)], capture_output=True, text=True, check=True)
        fields = out.stdout.split()
        return fields[1], fields[-1].strip("()")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fieldnotes-test", "-f", str(path)], check=True
    )
    return path


def _config(folder: Path, port: int, penalties: bool) -> str:
    lines = [
        f"Port {port}",
        "ListenAddress 127.0.0.1",
        f"HostKey {folder / 'host_key'}",
        f"PidFile {folder / 'sshd.pid'}",
        f"AuthorizedKeysFile {folder / 'authorized_keys'}",
        "UsePAM no",  # passwords are checked against /etc/shadow, keys without PAM's account stack
        "StrictModes no",  # the test's files live in a temporary folder anyone may own
        "PermitRootLogin yes",
        "PubkeyAuthentication yes",
        "PasswordAuthentication yes",
        "KbdInteractiveAuthentication no",
        "Subsystem sftp internal-sftp",
        "MaxStartups 100",
        "LogLevel VERBOSE",
    ]
    if not penalties:
        # OpenSSH 9.8+ refuses an address for a while after failed logins; the tests fail some on purpose.
        lines.append("PerSourcePenalties no")
    return "\n".join(lines) + "\n"


@contextmanager
def running_sshd(folder: Path) -> Iterator[SshServer]:
    """Starts `sshd -D -e` on a free port and stops it after; raises with its log if it does not come up."""
    folder.mkdir(parents=True, exist_ok=True)
    keygen(folder / "host_key")
    client_key = keygen(folder / "client_key")
    shutil.copyfile(folder / "client_key.pub", folder / "authorized_keys")
    if IS_ROOT:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # the privilege separation folder
    port = free_port()
    config = folder / "sshd_config"
    config.write_text(_config(folder, port, penalties=False))
    check = subprocess.run([str(SSHD), "-t", "-f", str(config)], capture_output=True, text=True)
    if check.returncode != 0 and "PerSourcePenalties" in check.stderr:
        config.write_text(_config(folder, port, penalties=True))  # an OpenSSH before 9.8
        check = subprocess.run([str(SSHD), "-t", "-f", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"sshd refused the test configuration: {check.stderr.strip()}")
    log = folder / "sshd.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for_banner(port, process, log)
        yield SshServer(port, getpass.getuser(), folder / "host_key.pub", client_key, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_banner(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sshd stopped at once: {log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                if sock.recv(64).startswith(b"SSH-"):
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"sshd did not answer on port {port}: {log.read_text(errors='replace')}")


@dataclass(frozen=True)
class LocalAccount:
    name: str
    password: str
    home: Path


@contextmanager
def throwaway_account() -> Iterator[LocalAccount]:
    """A local account with a known password (root only), removed after: sshd without PAM checks
    passwords against /etc/shadow, so a password login needs a real account."""
    name = f"fntest{secrets.token_hex(4)}"
    password = f"Pw-{secrets.token_urlsafe(12)}"
    home = Path(tempfile.mkdtemp(prefix=f"{name}-"))  # under /tmp: the account can reach it
    subprocess.run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name], check=True, capture_output=True)
    try:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True, capture_output=True)
        shutil.chown(home, name, name)
        yield LocalAccount(name, password, home)
    finally:
        subprocess.run(["userdel", name], capture_output=True)
        shutil.rmtree(home, ignore_errors=True)

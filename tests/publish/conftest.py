"""Fixtures of the publish tests: a real OpenSSH server and a writer's home with its key."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.services import Services
from tests.publish.publish_helpers import sample_desk
from sshd_server import IS_ROOT, SSHD, LocalAccount, SshServer, running_sshd, throwaway_account


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    if not SSHD.is_file():
        reason = f"{SSHD} is missing: install openssh-server (./dev.sh test does) to run the SFTP tests"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI installs it: a skip there would hide the SFTP target untested
        pytest.skip(reason)
    with running_sshd(tmp_path_factory.mktemp("sshd")) as server:
        yield server


@pytest.fixture
def ssh_home(sshd: SshServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writer's home: the authorized key in ~/.ssh, the server in known_hosts, no SSH agent."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    shutil.copyfile(sshd.client_key, home / ".ssh" / "id_ed25519")
    (home / ".ssh" / "id_ed25519").chmod(0o600)
    (home / ".ssh" / "known_hosts").write_text(sshd.known_hosts_line())
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return home


@pytest.fixture
def keyless_home(sshd: SshServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writer's home with the server known but no key, so only a password can log in."""
    home = tmp_path / "keyless"
    (home / ".ssh").mkdir(parents=True, mode=0o700)
    (home / ".ssh" / "known_hosts").write_text(sshd.known_hosts_line())
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return home


@pytest.fixture(scope="session")
def account() -> Iterator[LocalAccount]:
    if not IS_ROOT or shutil.which("useradd") is None or shutil.which("chpasswd") is None:
        pytest.skip(
            "a password login needs a throw-away local account with a known password, which only root "
            "(with useradd and chpasswd) can make; CI runs as root"
        )
    with throwaway_account() as made:
        yield made


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The sample desk, imported at a fixed moment so that its site is byte-stable."""
    services = sample_desk(tmp_path, monkeypatch)
    yield services
    services.close()

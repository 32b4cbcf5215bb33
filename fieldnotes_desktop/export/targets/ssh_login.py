"""An SSH transport for an SFTP target: the socket, the host key check, the writer's keys, then a password."""

from __future__ import annotations

import getpass
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path

import paramiko

from fieldnotes_desktop.errors import PasswordNeeded, PublishFailed
from fieldnotes_desktop.export.targets import secrets
from fieldnotes_desktop.export.targets.address import TargetAddress
from fieldnotes_desktop.export.targets.known_hosts import HostKeyCheck, default_known_hosts

# The keys OpenSSH itself tries when no IdentityFile is configured (those paramiko can load).
KEY_FILES = ("id_ed25519", "id_ecdsa", "id_rsa")
PASSWORD_METHODS = frozenset({"password", "keyboard-interactive"})
KEEPALIVE_SECONDS = 30  # so a NAT or firewall does not drop the connection during a long build

log = logging.getLogger(__name__)


@dataclass
class Login:
    """An authenticated transport, and sentences for the writer that did not stop the login."""

    transport: paramiko.Transport
    user: str
    notes: list[str] = field(default_factory=list)


def log_in(
    address: TargetAddress, *, trust_host: bool, password: str | None, known_hosts: Path | None, timeout: float
) -> Login:
    """Connects and authenticates, or PublishFailed (PasswordNeeded when a password would do)."""
    user = address.user or _local_user()
    hosts = HostKeyCheck(known_hosts or default_known_hosts(), address.host, address.port)
    transport = _connect(address, hosts, trust_host, timeout)
    try:
        allowed = _methods(transport, user)
        if transport.is_authenticated():  # a server that takes "none"
            return Login(transport, user)
        if (allowed is None or "publickey" in allowed) and _try_keys(transport, user):
            return Login(transport, user)
        if not transport.is_active():  # OpenSSH hangs up after MaxAuthTries keys
            transport.close()
            transport = _connect(address, hosts, False, timeout)
        notes = _try_password(transport, address, user, allowed, password)
        return Login(transport, user, notes)
    except (paramiko.SSHException, EOFError, OSError) as exc:
        transport.close()  # an agent that cannot list its keys, a server that hangs up mid-login
        raise PublishFailed(
            f"Logging in to {user}@{address.host}:{address.port} failed ({type(exc).__name__}); "
            "check the SSH agent and the server, and publish again."
        ) from None
    except BaseException:
        transport.close()
        raise


def _connect(address: TargetAddress, hosts: HostKeyCheck, trust_host: bool, timeout: float) -> paramiko.Transport:
    where = f"{address.host}:{address.port}"
    try:
        sock = socket.create_connection((address.host, address.port), timeout=timeout)
    except socket.gaierror:
        raise PublishFailed(
            f"Could not reach {where} (no server has that name); check the address and your network connection."
        ) from None
    except ConnectionRefusedError:
        raise PublishFailed(
            f"Could not reach {where} (connection refused); check the address and that the server is running."
        ) from None
    except TimeoutError:
        raise PublishFailed(
            f"Could not reach {where} (no answer in {timeout:g} seconds); check the address and your network connection."
        ) from None
    except OSError as exc:
        why = (exc.strerror or type(exc).__name__).lower()
        raise PublishFailed(f"Could not reach {where} ({why}); check the address and your network connection.") from None
    transport = paramiko.Transport(sock)
    try:
        transport.banner_timeout = timeout
        transport.auth_timeout = timeout
        hosts.prefer_known_types(transport.get_security_options())
        transport.start_client(timeout=timeout)
        hosts.verify(transport.get_remote_server_key(), trust=trust_host)
    except (paramiko.SSHException, EOFError, OSError) as exc:
        transport.close()
        raise PublishFailed(
            f"{where} answered, but no SSH connection came of it ({_reason(exc)}); check that the port is the server's SSH port."
        ) from None
    except BaseException:
        transport.close()
        raise
    transport.set_keepalive(KEEPALIVE_SECONDS)
    return transport


def _methods(transport: paramiko.Transport, user: str) -> frozenset[str] | None:
    """What the server accepts for `user` (asked with the "none" method, as OpenSSH asks), or None."""
    try:
        transport.auth_none(user)
    except paramiko.BadAuthenticationType as exc:
        return frozenset(exc.allowed_types)
    except paramiko.SSHException:
        return None
    return frozenset()


def _try_keys(transport: paramiko.Transport, user: str) -> bool:
    agent = paramiko.Agent()
    try:
        keys: list[paramiko.PKey] = [*agent.get_keys(), *_key_files()]
        for key in keys:
            try:
                transport.auth_publickey(user, key)
            except paramiko.BadAuthenticationType:
                return False
            except paramiko.AuthenticationException:
                continue
            except paramiko.SSHException:
                return False  # the server hung up
            if transport.is_authenticated():
                return True
            return False  # accepted, but the server wants a password as well
        return False
    finally:
        agent.close()


def _key_files() -> list[paramiko.PKey]:
    found: list[paramiko.PKey] = []
    for name in KEY_FILES:
        path = Path.home() / ".ssh" / name
        if not path.is_file():
            continue
        try:
            found.append(paramiko.PKey.from_path(path))
        except Exception as exc:  # noqa: BLE001 — a key with a passphrase (the agent has it) or of another kind
            log.debug("Skipped the SSH key %s: %s", path, type(exc).__name__)
    return found


def _try_password(
    transport: paramiko.Transport, address: TargetAddress, user: str, allowed: frozenset[str] | None, typed: str | None
) -> list[str]:
    who = f"{user}@{address.host}"
    no_password = PublishFailed(
        f"{who} did not accept your SSH keys and takes no password; add your public key to ~/.ssh/authorized_keys "
        "on the server (`ssh-copy-id` does it) and publish again."
    )
    if allowed is not None and not allowed & PASSWORD_METHODS:
        raise no_password
    secret = typed if typed is not None else secrets.saved_password(address.secret_key)
    if secret is None:
        raise PasswordNeeded(
            f"{who} asked for a password; give it when Field Notes asks (it is then kept in the system keyring)."
        )
    try:
        transport.auth_password(user, secret)  # falls back to keyboard-interactive where that is all it takes
    except paramiko.BadAuthenticationType:
        raise no_password from None
    except paramiko.AuthenticationException:
        if typed is not None:
            raise PublishFailed(f"{who} refused that password; check it and publish again.") from None
        raise PasswordNeeded(
            f"{who} refused the password kept in the system keyring; give the current one when Field Notes asks."
        ) from None
    except (paramiko.SSHException, EOFError, OSError) as exc:
        raise PublishFailed(f"The connection to {who} was lost while logging in ({_reason(exc)}); publish again.") from None
    if not transport.is_authenticated():
        raise PublishFailed(
            f"{who} asks for a second step after the password (a one-time code); Field Notes cannot answer it, "
            "so set up an SSH key for publishing."
        )
    notes: list[str] = []
    if typed is not None:
        try:
            secrets.save_password(address.secret_key, secret)
        except secrets.KeyringUnavailable as exc:
            log.warning("%s", exc.message)
            notes.append(exc.message)
    return notes


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    return text[:120] if text else type(exc).__name__


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment nor in the password database
        raise PublishFailed("Name the account on the server in the address, as sftp://user@host/path.") from None

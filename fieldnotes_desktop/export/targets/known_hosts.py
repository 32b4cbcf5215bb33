"""A server's host key checked against known_hosts as OpenSSH checks it, and recorded when the writer trusts it."""

from __future__ import annotations

import logging
import os
import shlex
from pathlib import Path

import paramiko

from fieldnotes_desktop.errors import PublishFailed, UnknownHost

SSH_PORT = 22
# known_hosts names an RSA key "ssh-rsa"; the server signs with one of these for it.
_RSA_SIGNATURES = ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")

log = logging.getLogger(__name__)


def default_known_hosts() -> Path:
    return Path.home() / ".ssh" / "known_hosts"


def host_key_name(host: str, port: int) -> str:
    """How known_hosts names a server: `example.org`, or `[example.org]:2222` off port 22."""
    return host if port == SSH_PORT else f"[{host}]:{port}"


def describe_key(key: paramiko.PKey) -> str:
    """`ED25519 key SHA256:…`: the type and fingerprint `ssh-keygen -l` prints for the same key."""
    return f"{key.algorithm_name} key {key.fingerprint}"


class HostKeyCheck:
    """The keys known_hosts holds for one server, asked before the handshake and checked after it."""

    def __init__(self, path: Path, host: str, port: int) -> None:
        self.path = path
        self.name = host_key_name(host, port)
        keys = paramiko.HostKeys()
        try:
            if path.is_file():
                keys.load(str(path))  # hashed names and [host]:port entries are matched by lookup()
        except (OSError, ValueError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not a text file"
            raise PublishFailed(f"Could not read the known servers in {path} ({why}); repair or move that file.") from exc
        self.known: dict[str, paramiko.PKey] = dict(keys.lookup(self.name) or {})

    def prefer_known_types(self, options: paramiko.SecurityOptions) -> None:
        """Asks the server for the type of key already recorded, as OpenSSH does, so a server
        that has several keys shows the one that can be checked."""
        wanted: list[str] = []
        for key_type in self.known:
            wanted += _RSA_SIGNATURES if key_type == "ssh-rsa" else [key_type]
        offered = list(options.key_types)
        options.key_types = tuple([t for t in wanted if t in offered] + [t for t in offered if t not in wanted])

    def verify(self, key: paramiko.PKey, *, trust: bool) -> None:
        """Returns when the key is the recorded one (or is new and trusted, and now recorded);
        PublishFailed for a new key not trusted, and always for a changed one."""
        if not self.known:
            if not trust:
                raise UnknownHost(
                    f"The server {self._shown()} is not known yet: it offered an {describe_key(key)}; if that is "
                    "your server's key, publish once with --trust-host to record it (or tick Trust this server "
                    "in the Publish dialog)."
                )
            self._record(key)
            return
        stored = self.known.get(key.get_name())
        if stored is not None and stored.asbytes() == key.asbytes():
            return
        # Another key, or a key of another type where one is recorded: OpenSSH refuses both.
        remove = f"ssh-keygen -R {shlex.quote(self.name)}"
        if self.path != default_known_hosts():
            remove += f" -f {shlex.quote(str(self.path))}"
        raise PublishFailed(
            f"WARNING: the server {self._shown()} offered an {describe_key(key)}, not the key recorded for it in "
            f"{self.path}; this may be an attack, so nothing was sent — if the server's key was replaced on purpose, "
            f"remove the old line with `{remove}` and publish once with --trust-host to record the new one."
        )

    def _shown(self) -> str:
        return self.name.removeprefix("[").replace("]:", ":")

    def _record(self, key: paramiko.PKey) -> None:
        line = f"{self.name} {key.get_name()} {key.get_base64()}\n"
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if self.path.is_file() and self.path.stat().st_size:
                with self.path.open("rb") as handle:
                    handle.seek(-1, os.SEEK_END)
                    if handle.read(1) != b"\n":
                        line = "\n" + line  # a last line without its newline must not swallow ours
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="ascii") as handle:
                handle.write(line)
        except OSError as exc:
            raise PublishFailed(
                f"Could not record the server's key in {self.path} ({exc.strerror or exc}); "
                "check that you may write that file, or add the key with ssh-keyscan."
            ) from exc
        log.info("Recorded the %s of %s in %s", describe_key(key), self.name, self.path)
        self.known[key.get_name()] = key

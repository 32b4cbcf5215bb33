"""Publishing to a branch of a git repository (GitHub, GitLab or Codeberg Pages), with the writer's own git.

The desk keeps a clone of the branch in its publish folder. Each publish first makes the clone
exactly the remote branch (so a publish killed before its push is simply done again), changes
the files the way a folder target would, and commits once and pushes. Files on the branch that
Field Notes did not publish are never changed: the commit holds only its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from fieldnotes_desktop.errors import PublishFailed
from fieldnotes_desktop.export.targets.address import TargetAddress
from fieldnotes_desktop.export.targets.folder import FolderConnection

NETWORK_SECONDS = 600  # a first push of a large site over a slow line
LOCAL_SECONDS = 120
_FALLBACK_NAME, _FALLBACK_EMAIL = "Field Notes Desktop", "fieldnotes-desktop@localhost"


class GitConnection:
    def __init__(self, address: TargetAddress, work_dir: Path) -> None:
        if shutil.which("git") is None:
            raise PublishFailed("Publishing to a git repository needs the git command; install git and publish again.")
        self._url, self._branch, self._work = address.path, address.branch, work_dir
        self.where = f"{address.path} ({address.branch})"
        self.notes: list[str] = []
        self._own_ssh = False
        work_dir.mkdir(parents=True, exist_ok=True)
        self._own_ssh = bool(self._git("config", "--get", "core.sshCommand", check=False).stdout.strip())
        try:
            self._prepare()
        except PublishFailed:
            if not (work_dir / ".git").is_dir():
                raise
            # a clone git cannot use any more (killed mid-write, damaged): it is only a cache
            shutil.rmtree(work_dir)
            self._prepare()
        self._files = FolderConnection(work_dir)

    # -- the Connection ----------------------------------------------------------------------

    def read(self, path: str, limit: int) -> bytes | None:
        return self._files.read(path, limit)

    def write(self, path: str, data: bytes) -> None:
        self._files.write(path, data)

    def upload(self, path: str, source: Path) -> None:
        self._files.upload(path, source)

    def listdir(self, folder: str) -> set[str] | None:
        names = self._files.listdir(folder)
        return None if names is None else names - {".git"}

    def remove(self, path: str) -> None:
        self._files.remove(path)

    def finish(self, message: str) -> None:
        # --force: the branch's .gitignore (or the writer's global one) must not keep out a page the record claims
        self._git("add", "--all", "--force", "--", ".")
        staged = self._git("diff", "--cached", "--quiet", check=False)
        if staged.returncode == 0:
            return  # nothing differs from the branch: no empty commit
        identity: list[str] = []
        if not self._git("config", "user.email", check=False).stdout.strip():
            identity = ["-c", f"user.name={_FALLBACK_NAME}", "-c", f"user.email={_FALLBACK_EMAIL}"]
        self._git(*identity, "commit", "--quiet", "--no-verify", "-m", message)
        pushed = self._git("push", "--quiet", "origin", f"HEAD:refs/heads/{self._branch}", check=False, network=True)
        if pushed.returncode != 0:
            raise PublishFailed(_push_refused(self._url, self._branch, pushed.stderr))

    def close(self) -> None:
        pass

    # -- the clone -------------------------------------------------------------------------

    def _prepare(self) -> None:
        work = self._work
        if not (work / ".git").is_dir():
            if work.exists():
                shutil.rmtree(work)
            work.mkdir(parents=True)
            self._git("init", "--quiet")
            self._git("remote", "add", "origin", self._url)
        else:
            for stale in ("index.lock", "shallow.lock", "HEAD.lock", "config.lock"):
                (work / ".git" / stale).unlink(missing_ok=True)  # a publish killed inside git; ours run one at a time
            self._git("remote", "set-url", "origin", self._url)
        # A symlink on the branch stays a plain file here: nothing the branch holds can point the
        # publish at a file outside the clone.
        self._git("config", "core.symlinks", "false")
        listed = self._git("ls-remote", "--heads", "origin", self._branch, check=False, network=True)
        if listed.returncode != 0:
            raise PublishFailed(_unreachable(self._url, listed.stderr))
        if listed.stdout.strip():
            self._git("fetch", "--quiet", "--depth=1", "origin", self._branch, network=True)
            self._git("checkout", "--quiet", "--force", "-B", self._branch, "FETCH_HEAD")
            self._git("reset", "--quiet", "--hard", "FETCH_HEAD")
        else:  # a new branch: it starts empty, not from whatever the repository's default holds
            # (and a local one left by a publish killed before its push is dropped too)
            self._git("symbolic-ref", "HEAD", f"refs/heads/{self._branch}")
            self._git("update-ref", "-d", f"refs/heads/{self._branch}")
            self._git("read-tree", "--empty")
        self._git("clean", "-d", "--force", "-x", "--quiet")  # leftovers of a publish that was killed

    def _git(self, *args: str, check: bool = True, network: bool = False) -> subprocess.CompletedProcess[str]:
        env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")
        # Never wait for a passphrase nobody can type: the agent's keys work, prompts fail fast.
        # Unless the writer chose their own ssh (GIT_SSH, or core.sshCommand read by git itself).
        if "GIT_SSH" not in env and "GIT_SSH_COMMAND" not in env and not self._own_ssh:
            env["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"
        try:
            done = subprocess.run(
                ["git", *args], cwd=self._work, env=env, capture_output=True, text=True,
                timeout=NETWORK_SECONDS if network else LOCAL_SECONDS, stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise PublishFailed(f"git did not answer within {NETWORK_SECONDS if network else LOCAL_SECONDS} s "
                                f"while talking to {self._url}; check the connection and publish again.") from None
        if check and done.returncode != 0:
            raise PublishFailed(f"git {args[0]} failed for {self._url}: {_last_line(done.stderr)}.")
        return done


def _last_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return (lines[-1] if lines else "no reason given").rstrip(".")


def _unreachable(url: str, stderr: str) -> str:
    return f"git could not reach {url} ({_last_line(stderr)}); check the address and that you may push there."


def _push_refused(url: str, branch: str, stderr: str) -> str:
    if "non-fast-forward" in stderr or "fetch first" in stderr:
        return (f"Someone else pushed to {branch} at {url} while this publish ran; "
                "publish again to send the site on top of their change.")
    return f"git could not push to {branch} at {url} ({_last_line(stderr)}); check that you may push there."

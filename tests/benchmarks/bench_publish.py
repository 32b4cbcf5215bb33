"""Benchmark: publish the sample site and 1,000 generated entries to a folder, a git repository and SFTP.

Run: python tests/benchmarks/bench_publish.py [--entries N] [--words N] [--no-sftp]

For each target: the first publish (the whole site), a publish with nothing changed, and a
publish after a one-word edit of one entry, each with the files and bytes sent and the wall
time (which includes building the site: the publish runs the incremental export first). SFTP
goes to OpenSSH's sshd started on 127.0.0.1 for the run (tests/publish/sshd_server.py), so it
measures the protocol and the round trips, not a network. The load of the machine is printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import populate, posts  # noqa: E402
from figures import Figure, report  # noqa: E402

import fieldnotes_desktop  # noqa: E402
from fieldnotes_desktop.records import EntryFields  # noqa: E402
from fieldnotes_desktop.services import Services, open_services  # noqa: E402
from fieldnotes_desktop.services.site_publish import PublishOptions, PublishReport  # noqa: E402

SAMPLES = Path(fieldnotes_desktop.__file__).parent / "data" / "samples"


def publish(services: Services, target: str) -> tuple[PublishReport, float]:
    subprocess.run(["sync"], check=False)
    started = time.perf_counter()
    report_ = services.publishing.publish(PublishOptions(target=target, force=True, trust_host=True))
    return report_, time.perf_counter() - started


def edit_one_word(services: Services) -> None:
    summary = services.entries.list_summaries()[len(services.entries.list_summaries()) // 2]
    entry = services.entries.get(summary.id)
    services.entries.update(entry.id, EntryFields(body=entry.body.replace(" the ", " a ", 1) + " "))


def three_publishes(label: str, services: Services, target: str) -> list[Figure]:
    first, first_s = publish(services, target)
    same, same_s = publish(services, target)
    edit_one_word(services)
    edited, edited_s = publish(services, target)
    print(
        f"{label}: first {len(first.plan.uploads):,} files {first.plan.bytes / 1e6:.1f} MB in {first_s:.2f} s; "
        f"unchanged {len(same.plan.uploads)} files in {same_s:.2f} s; "
        f"one-word edit {len(edited.plan.uploads)} files {edited.plan.bytes / 1e3:.0f} kB in {edited_s:.2f} s "
        f"({', '.join(u.path for u in edited.plan.uploads)})",
        flush=True,
    )
    return [
        Figure(f"{label}: first publish, files", len(first.plan.uploads), "files"),
        Figure(f"{label}: first publish, bytes", first.plan.bytes / 1e6, "MB"),
        Figure(f"{label}: first publish", first_s, "s"),
        Figure(f"{label}: nothing changed", same_s, "s"),
        Figure(f"{label}: one-word edit, files", len(edited.plan.uploads), "files", target=10),
        Figure(f"{label}: one-word edit, bytes", edited.plan.bytes / 1e3, "kB"),
        Figure(f"{label}: one-word edit", edited_s, "s"),
    ]


@contextmanager
def sftp_server(work: Path) -> Iterator[Callable[[str], str] | None]:
    """An sftp:// address maker for a throw-away sshd (and a home that trusts it), or None without sshd."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "publish"))
    from sshd_server import SSHD, running_sshd

    if not SSHD.is_file():
        print(f"{SSHD} is missing: no SFTP figures (install openssh-server)", flush=True)
        yield None
        return
    with running_sshd(work / "sshd") as server:
        home = work / "home"
        (home / ".ssh").mkdir(parents=True, mode=0o700)
        shutil.copyfile(server.client_key, home / ".ssh" / "id_ed25519")
        (home / ".ssh" / "id_ed25519").chmod(0o600)
        (home / ".ssh" / "known_hosts").write_text(server.known_hosts_line())
        os.environ["HOME"] = str(home)
        os.environ.pop("SSH_AUTH_SOCK", None)
        yield lambda folder: server.url(str(work / "sftp" / folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--no-sftp", action="store_true")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as name:
        work = Path(name)
        with sftp_server(work) if not args.no_sftp else _none() as sftp:
            for desk, fill in (("sample site", _samples), (f"{args.entries:,} entries", _generated(args))):
                folder = work / desk.replace(" ", "-").replace(",", "")
                folder.mkdir()
                db = folder / "fieldnotes.db"
                fill(db)
                services = open_services(db)
                try:
                    repo = folder / "site.git"
                    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
                    targets = [("folder", str(folder / "www")), ("git", f"git+file://{repo}#pages")]
                    if sftp is not None:
                        targets.append(("sftp", sftp(folder.name)))
                    for kind, target in targets:
                        figures += three_publishes(f"{desk}, {kind}", services, target)
                        # each target starts from the same desk state but its own edit
                finally:
                    services.close()
    print(f"load after: {os.getloadavg()[0]:.2f}", flush=True)
    report(*figures)


@contextmanager
def _none() -> Iterator[None]:
    yield None


def _samples(db: Path) -> None:
    services = open_services(db)
    services.imports.import_paths([SAMPLES])
    services.site.update(base_url="https://notes.example.org/", author="Bench Mark")
    services.close()


def _generated(args: argparse.Namespace) -> Callable[[Path], None]:
    return lambda db: populate(db, posts(args.entries, args.words))


if __name__ == "__main__":
    if shutil.which("git") is None:
        sys.exit("git is needed for the git target; install it (dev.sh does).")
    main()

"""The publish use case: check the site, build it, and send the target only what changed.

The site is built by the ordinary export into this desk's publish folder (so a second publish
rebuilds only the pages whose inputs changed), and the export's own record of every file's
hash is compared with the record the target keeps of what was published there.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.config import publish_dir
from fieldnotes_desktop.errors import ExportCancelled, ExportFailed, PublishCancelled, PublishFailed
from fieldnotes_desktop.export.disk import describe_os_error, folder_lock
from fieldnotes_desktop.export.journal import read_manifest
from fieldnotes_desktop.export.targets import Connection, Kind, TargetAddress, open_connection, parse_target
from fieldnotes_desktop.export.targets.manifest import read_remote_manifest
from fieldnotes_desktop.export.targets.sync import PublishPlan, SyncResult, foreign_files, make_plan, send
from fieldnotes_desktop.services.publish import ExportOptions, ExportReport, ExportService

if TYPE_CHECKING:
    from fieldnotes_desktop.records import Finding
    from fieldnotes_desktop.services.checks import CheckService
    from fieldnotes_desktop.services.site import SiteService

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class ChecksFailed(PublishFailed):
    """Pre-publish checks found errors; `findings` holds every finding, warnings too."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        errors = [f for f in findings if f.level == "error"]
        noun = "error stops" if len(errors) == 1 else "errors stop"
        super().__init__(
            f"{len(errors)} {noun} the publish (the first: {errors[0].message}); "
            "fix them, or publish with --force to send the site anyway."
        )
        self.findings = tuple(findings)


class ForeignFiles(PublishFailed):
    """Files the publish would replace are at the target but were not published there from this desk."""

    def __init__(self, where: str, paths: Sequence[str]) -> None:
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3:,} more" if len(paths) > 3 else "")
        super().__init__(
            f"{where} already holds {_files(len(paths))} this site would replace that Field Notes did not "
            f"publish there ({shown}); move them away, or publish with --force to replace them."
        )
        self.paths = tuple(paths)


@dataclass(frozen=True)
class PublishOptions:
    target: str = ""  # empty: the target saved in the site settings
    dry_run: bool = False
    force: bool = False  # publish even when the checks find errors, or others' files are in the way
    trust_host: bool = False  # record an SFTP server's key not yet in known_hosts
    password: str | None = field(default=None, repr=False)  # an SFTP password the writer just typed


@dataclass(frozen=True)
class PublishReport:
    target: str
    plan: PublishPlan
    result: SyncResult | None  # None for a dry run
    findings: tuple[Finding, ...]
    export: ExportReport
    seconds: float
    notes: tuple[str, ...] = ()  # the target's sentences that did not stop the publish

    @property
    def warnings(self) -> tuple[str, ...]:
        """The export's warnings and the target's notes (the findings are apart, with their entry)."""
        return (*self.export.warnings, *self.notes)

    @property
    def dry_run(self) -> bool:
        return self.result is None

    def summary(self) -> str:
        """`Published to me@host:/var/www in 1.2 s: 3 files sent (41 kB), 1 removed, 212 unchanged.`"""
        plan = self.plan
        if plan.empty:
            return f"Nothing to publish: {self.target} already holds this site ({plan.unchanged:,} files)."
        sent = f"{_files(len(plan.uploads))} ({size_text(plan.bytes)})"
        removed = f", {len(plan.deletions):,} removed" if plan.deletions else ""
        if self.dry_run:
            return f"Would send {sent}{removed} to {self.target}; {plan.unchanged:,} unchanged."
        return (
            f"Published to {self.target} in {self.seconds:.1f} s: {sent} sent{removed}, "
            f"{plan.unchanged:,} unchanged."
        )

    def as_json(self) -> dict[str, object]:
        plan = self.plan
        return {
            "target": self.target,
            "dry_run": self.dry_run,
            "uploaded": len(plan.uploads),
            "deleted": len(plan.deletions),
            "unchanged": plan.unchanged,
            "bytes": plan.bytes,
            "seconds": round(self.seconds, 3),
            "files": [u.path for u in plan.uploads],
            "removed": list(plan.deletions),
            "replaced_foreign": list(plan.foreign),
            "warnings": [f.message for f in self.findings if f.level != "error"] + list(self.warnings),
        }


class PublishService:
    def __init__(
        self, exports: ExportService, checks: CheckService, site: SiteService, db_path: Path
    ) -> None:
        self._exports = exports
        self._checks = checks
        self._site = site
        self._folder = publish_dir(db_path)

    @property
    def build_dir(self) -> Path:
        """Where the site is built before it is sent (kept between publishes, so they are incremental)."""
        return self._folder / "site"

    def target(self, given: str = "") -> TargetAddress:
        """The target named, else the one in the site settings; PublishFailed when there is none."""
        return parse_target(given or self._site.get().publish_to)

    def test_connection(self, options: PublishOptions) -> str:
        """Connects and reads the target's record: `Connected to …: 212 files published there before.`"""
        address = self.target(options.target)
        with self._one_at_a_time():  # a git clone is reset on connecting: not under a running publish
            connection = self._connect(address, options)
            try:
                published = read_remote_manifest(connection)
            finally:
                connection.close()
        if not published.found:
            return f"Connected to {connection.where}: nothing was published there from Field Notes yet."
        return f"Connected to {connection.where}: {_files(len(published.files))} published there before."

    def publish(
        self, options: PublishOptions, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> PublishReport:
        started = time.perf_counter()
        address = self.target(options.target)  # a bad target is refused before any work
        with self._one_at_a_time():
            return self._publish(address, options, started, progress, cancelled)

    def _publish(
        self, address: TargetAddress, options: PublishOptions, started: float,
        progress: Progress | None, cancelled: Cancelled | None,
    ) -> PublishReport:
        findings = self._checks.run()
        if not options.force and any(f.level == "error" for f in findings):
            raise ChecksFailed(findings)
        try:
            built = self._exports.export(
                ExportOptions(out=self.build_dir, record=not options.dry_run),
                progress=_phase(progress, "Building"), cancelled=cancelled,
            )
        except ExportCancelled:
            raise PublishCancelled("Publish stopped while the site was being built; nothing was sent.") from None
        files = _built_files(self.build_dir)
        connection = self._connect(address, options)
        try:
            published = read_remote_manifest(connection)
            plan = make_plan(files, lambda p: (self.build_dir / p).stat().st_size, published)
            plan = dataclasses.replace(plan, foreign=foreign_files(connection, plan, published))
            if plan.foreign and not options.force and not options.dry_run:
                raise ForeignFiles(connection.where, plan.foreign)
            result = None
            if not options.dry_run:
                result = send(
                    connection, plan, self.build_dir, published, files,
                    progress=_phase(progress, "Sending"), cancelled=cancelled,
                )
                if not plan.empty or not published.found:
                    connection.finish(_commit_message(plan))
        finally:
            connection.close()
        return PublishReport(
            connection.where, plan, result, tuple(findings), built, time.perf_counter() - started,
            tuple(connection.notes),
        )

    @contextlib.contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        """The app and the command line may both publish; two sends at once would each trust a
        record the other is rewriting."""
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            lock = folder_lock(
                self._folder / "lock", self._folder,
                busy="Another publish from this desk is running; wait for it to finish and publish again.",
            )
        except ExportFailed as exc:
            raise PublishFailed(str(exc)) from None
        except OSError as exc:
            raise PublishFailed(describe_os_error(exc, self._folder, "publish")) from exc
        try:
            yield
        finally:
            lock.close()

    def _connect(self, address: TargetAddress, options: PublishOptions) -> Connection:
        work = ""
        if address.kind is Kind.GIT:
            name = hashlib.sha256(f"{address.path}#{address.branch}".encode()).hexdigest()[:16]
            work = str(self._folder / "git" / name)
        return open_connection(address, trust_host=options.trust_host, password=options.password, work_dir=work)


def _built_files(root: Path) -> dict[str, str]:
    manifest = read_manifest(root)
    try:
        return dict(manifest.files.items())
    finally:
        manifest.close()


def _phase(progress: Progress | None, phase: str) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total, label: progress(done, total, f"{phase}: {label}")


def _commit_message(plan: PublishPlan) -> str:
    removed = f", {len(plan.deletions)} removed" if plan.deletions else ""
    return f"Publish {_files(len(plan.uploads))}{removed}\n\nSent by Field Notes Desktop."


def _files(n: int) -> str:
    return f"{n:,} file" if n == 1 else f"{n:,} files"


def size_text(n: int) -> str:
    """`812 B`, `41 kB`, `1.2 MB`: as the summary and the Publish dialog count them."""
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.0f} kB"
    return f"{n / 1_000_000:.1f} MB"

"""`fieldnotes publish`: checks the site, builds it, and sends its target only what changed."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from fieldnotes_desktop.cli.common import EXIT_OK, EXIT_USER_ERROR, Handler, Subparsers

if TYPE_CHECKING:
    from fieldnotes_desktop.records import Finding
    from fieldnotes_desktop.services import Services
    from fieldnotes_desktop.services.site_publish import PublishOptions


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser("publish", help="send the site to its target, only what changed since the last publish")
    p.add_argument(
        "target", nargs="?", default="", metavar="TARGET",
        help="a folder, sftp://user@host[:port]/path, git+file:///…/repo.git#branch or git+ssh://…#branch "
        "(default: the one saved with `fieldnotes site --publish-to`)",
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be sent and removed, and send nothing")
    p.add_argument("--force", action="store_true",
                   help="publish even when the checks find errors, or replace files at the target that Field Notes did not publish")
    p.add_argument("--trust-host", action="store_true", help="record an SFTP server's key that known_hosts lacks")
    p.add_argument("--json", action="store_true", help="print the outcome as a JSON object")


def _publish(services: Services, args: argparse.Namespace) -> int:
    from fieldnotes_desktop.cli.export import SAID_BY_THE_EXPORT, progress_reporter
    from fieldnotes_desktop.errors import PasswordNeeded
    from fieldnotes_desktop.services.site_publish import ChecksFailed, PublishOptions

    options = PublishOptions(target=args.target, dry_run=args.dry_run, force=args.force, trust_host=args.trust_host)
    try:
        with progress_reporter() as progress:
            try:
                report = services.publishing.publish(options, progress=progress)
            except PasswordNeeded as asked:
                options = _with_password(options, asked)
                report = services.publishing.publish(options, progress=progress)
    except ChecksFailed as failed:
        _print_findings(failed.findings)
        raise
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return EXIT_OK
    # what the export says again in its own warnings is printed once, by the export
    _print_findings(tuple(f for f in report.findings if f.code not in SAID_BY_THE_EXPORT))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.dry_run:
        foreign = set(report.plan.foreign)
        for upload in report.plan.uploads:
            note = "  (replaces a file Field Notes did not publish there)" if upload.path in foreign else ""
            print(f"send    {upload.path}{note}")
        for path in report.plan.deletions:
            print(f"remove  {path}")
    print(report.summary())
    return EXIT_OK


def _with_password(options: PublishOptions, asked: Exception) -> PublishOptions:
    """Asks on the terminal, once; without one (a script, a pipe) the sentence is the answer."""
    import dataclasses
    import getpass

    if not sys.stdin.isatty():
        raise asked
    password = getpass.getpass(f"{asked} Password: ")
    if not password:
        print("fieldnotes: no password given; nothing was published.", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)
    return dataclasses.replace(options, password=password)


def _print_findings(findings: tuple[Finding, ...]) -> None:
    from fieldnotes_desktop.cli.checks import print_findings

    print_findings(findings, sys.stderr, prefix=": ")


HANDLERS: dict[str, Handler] = {"publish": _publish}

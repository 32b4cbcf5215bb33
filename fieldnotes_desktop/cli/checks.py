"""`fieldnotes check`: the pre-publish checks, one line per finding (or JSON); exit 1 when any is an error."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

from fieldnotes_desktop.cli.common import EXIT_OK, EXIT_USER_ERROR, Handler, Subparsers

if TYPE_CHECKING:
    from fieldnotes_desktop.records import Finding
    from fieldnotes_desktop.services import Services

SITE_WIDE = "(site)"  # where a finding about no one entry is shown


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser(
        "check", help="look for what readers of the published site would trip over; exit 1 on an error",
        description="Checks the entries a publish would write: links to missing entries, drafts or anchors, "
        "missing or huge images, images without alt text, entries without a summary, duplicate titles, "
        "future dates, and a site without an address. Errors stop a publish unless it is forced.",
    )
    p.add_argument("--json", action="store_true", help="print the findings as a JSON array")


def where(finding: Finding) -> str:
    """`slug:12`, `slug`, or `(site)`: the place a finding is about."""
    if not finding.slug:
        return SITE_WIDE
    return f"{finding.slug}:{finding.line}" if finding.line is not None else finding.slug


def print_findings(findings: Iterable[Finding], out: TextIO, *, prefix: str = "  ") -> None:
    """`error  slug:12  message` lines (`prefix` after the level; `export` writes `error: `)."""
    for finding in findings:
        print(f"{finding.level}{prefix}{where(finding)}  {finding.message}", file=out)


def _check(services: Services, args: argparse.Namespace) -> int:
    from fieldnotes_desktop.records import ERROR

    findings = services.checks.run()
    if args.json:
        from fieldnotes_desktop.cli.json_out import write_array

        rows = ({"level": f.level, "code": f.code, "slug": f.slug, "entry_id": f.entry_id, "line": f.line,
                 "message": f.message} for f in findings)
        write_array(rows, sys.stdout)
    else:
        print_findings(findings, sys.stdout)
        print(findings.summary())
    return EXIT_USER_ERROR if any(f.level == ERROR for f in findings) else EXIT_OK


HANDLERS: dict[str, Handler] = {"check": _check}

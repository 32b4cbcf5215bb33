"""`fieldnotes backup` and `doctor`: a consistent copy of the file, and its health checked."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.cli.common import EXIT_OK, EXIT_USER_ERROR, Handler, Subparsers

if TYPE_CHECKING:
    from fieldnotes_desktop.services import Services
    from fieldnotes_desktop.services.maintenance import DoctorReport


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser("backup", help="copy the database, consistent even while the app writes")
    p.add_argument("--to", metavar="FILE", help="where to write it (default: the backups folder beside the database)")

    p = commands.add_parser("doctor", help="check for damaged pages, broken links and a stale search index")
    p.add_argument("--repair", action="store_true", help="rebuild the search index and remove broken tag links")
    p.add_argument("--json", action="store_true", help="print the findings as a JSON object")


def _backup(services: Services, args: argparse.Namespace) -> int:
    target = services.maintenance.backup(Path(args.to).expanduser() if args.to else None)
    size = target.stat().st_size
    print(f"Backed up {services.store.where} to {target} ({size / 1_000_000:.1f} MB).")
    return EXIT_OK


def _doctor(services: Services, args: argparse.Namespace) -> int:
    report = services.maintenance.doctor(repair=args.repair)
    if args.json:
        print(json.dumps(doctor_json(report), ensure_ascii=False, indent=2))
        return EXIT_OK if report.ok else EXIT_USER_ERROR
    for fixed in report.repaired:
        print(f"repaired: {fixed}.")
    if report.ok:
        print(f"{report.database}: healthy (pages, links and search index checked).")
        return EXIT_OK
    for problem in report.problems:
        print(f"problem: {problem}")
    if not report.integrity.ok:
        folder = services.maintenance.backups_folder()
        print(
            f"The file is damaged: restore a backup with File ▸ Restore from backup… in the app "
            f"(backups are in {folder}).",
            file=sys.stderr,
        )
    elif not args.repair:
        print("Run `fieldnotes doctor --repair` to fix the search index and tag links.", file=sys.stderr)
    return EXIT_USER_ERROR


def doctor_json(report: DoctorReport) -> dict[str, object]:
    search = report.search_index
    return {
        "database": str(report.database),
        "ok": report.ok,
        "integrity": {"ok": report.integrity.ok, "problems": list(report.integrity.problems)},
        "foreign_keys": list(report.foreign_keys),
        "search_index": None
        if search is None
        else {
            "ok": search.ok,
            "missing": list(search.missing),
            "stale": list(search.stale),
            "differing": list(search.differing),
        },
        "repaired": list(report.repaired),
        "problems": list(report.problems),
    }


HANDLERS: dict[str, Handler] = {"backup": _backup, "doctor": _doctor}

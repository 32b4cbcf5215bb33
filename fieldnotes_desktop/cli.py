"""The `fieldnotes` command: the desktop app by default, headless import/list/search/export/site/backup/doctor."""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop import __version__
from fieldnotes_desktop.config import resolve_db_path
from fieldnotes_desktop.errors import FieldnotesError
from fieldnotes_desktop.records import STATUSES, EntryFilter, EntrySummary

if TYPE_CHECKING:
    # Only for annotations: like `_run`, this module leaves loading the services (and
    # SQLAlchemy with them) to the moment a command runs.
    from fieldnotes_desktop.services import Services
    from fieldnotes_desktop.services.maintenance import DoctorReport

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fieldnotes",
        description="Write blog entries offline and export them as a static site. "
        "Without a command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"fieldnotes {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="the database file (default: $FIELDNOTES_DB or the user data folder)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("import", help="import Markdown files or folders (YAML front matter honoured)")
    p.add_argument("paths", nargs="+", metavar="PATH")

    p = commands.add_parser("list", help="list entries, newest first")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = commands.add_parser("search", help="full-text search over titles, summaries and bodies")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = commands.add_parser("export", help="write the site (or chosen entries) as HTML")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder (a file with --self-contained)")
    p.add_argument("--entry", nargs="+", default=[], metavar="SLUG", help="export only these entries")
    p.add_argument("--include-drafts", action="store_true", help="export drafts too")
    p.add_argument("--self-contained", action="store_true", help="one entry as one HTML file, CSS and images inlined")
    p.add_argument("--theme", metavar="DIR", help="a folder of templates overriding the built-in theme")

    p = commands.add_parser("site", help="show (as JSON) or change the site settings")
    p.add_argument("--title")
    p.add_argument("--author")
    p.add_argument("--role")
    p.add_argument("--location")
    p.add_argument("--now-file", metavar="F", help="a Markdown file with the “What I am doing now” text")
    p.add_argument("--base-url", metavar="U", help="the published site's address, for the feed and sitemap")
    p.add_argument("--language", help="the site's language code, such as en")

    p = commands.add_parser("backup", help="copy the database, consistent even while the app writes")
    p.add_argument("--to", metavar="FILE", help="where to write it (default: the backups folder beside the database)")

    p = commands.add_parser("doctor", help="check for damaged pages, broken links and a stale search index")
    p.add_argument("--repair", action="store_true", help="rebuild the search index and remove broken tag links")
    p.add_argument("--json", action="store_true", help="print the findings as a JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from fieldnotes_desktop.app import run_gui

        return run_gui(resolve_db_path(args.db))
    try:
        return _run(args)
    except FieldnotesError as exc:
        print(f"fieldnotes: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("fieldnotes: interrupted; nothing half-written was kept.", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:
        # `fieldnotes list | head` closed the pipe early: not an error, and no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"fieldnotes: {exc.strerror or exc}{where}; check the path and try again.", file=sys.stderr)
        return EXIT_USER_ERROR


def _run(args: argparse.Namespace) -> int:
    from fieldnotes_desktop.services import open_services

    db_path = resolve_db_path(args.db)
    # A read-only command never creates, migrates or changes the file, and only a command that
    # stores something may start a database: a mistyped --db must not quietly make an empty
    # one, or export an empty site over a real one.
    if _reads_only(args):
        services = open_services(db_path, read_only=True)
    else:
        services = open_services(db_path, create=_creates_database(args))
    try:
        handler = _HANDLERS[args.command]
        return handler(services, args)
    finally:
        services.close()


def _reads_only(args: argparse.Namespace) -> bool:
    if args.command in ("list", "search", "backup"):
        return True
    if args.command == "doctor":
        return not args.repair
    return args.command == "site" and not _changes_site(args)


def _changes_site(args: argparse.Namespace) -> bool:
    return any(
        getattr(args, name) is not None
        for name in ("title", "author", "role", "location", "now_file", "base_url", "language")
    )


def _creates_database(args: argparse.Namespace) -> bool:
    """Only commands that store something may start a new database."""
    return args.command == "import" or (args.command == "site" and _changes_site(args))


def summary_json(entry: EntrySummary) -> dict[str, object]:
    return {
        "id": entry.id,
        "slug": entry.slug,
        "title": entry.title,
        "status": entry.status,
        "date": entry.date.isoformat(),
        "category": entry.category,
        "tags": list(entry.tags),
        "volume": entry.volume,
        "elevation": entry.elevation_m,
        "summary": entry.summary,
        "words": entry.words,
        "updated_at": entry.updated_at.isoformat(),
    }


def _print_table(rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        print("  ".join(cells).rstrip())


def _cmd_import(services: Services, args: argparse.Namespace) -> int:
    report = services.imports.import_paths([Path(p) for p in args.paths])
    for entry in report.created:
        print(f"imported  {entry.slug}  ({entry.status}, {entry.words} words)")
    for warning in report.skipped:
        print(f"warning: {warning}", file=sys.stderr)
    images = f", {report.assets} images" if report.assets else ""
    noun = "entry" if len(report.created) == 1 else "entries"
    print(f"{len(report.created)} {noun} imported{images}.")
    return EXIT_OK


def _cmd_list(services: Services, args: argparse.Namespace) -> int:
    entries = services.entries.list_summaries(EntryFilter(status=args.status))
    if args.json:
        print(json.dumps([summary_json(e) for e in entries], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not entries:
        print("No entries yet; `fieldnotes import FOLDER` brings existing posts in.")
        return EXIT_OK
    _print_table(
        [(e.date.isoformat(), e.status, e.slug, e.category or "—", e.title) for e in entries]
    )
    return EXIT_OK


def _cmd_search(services: Services, args: argparse.Namespace) -> int:
    hits = services.entries.search(args.query)
    if args.json:
        rows = [dict(summary_json(h.entry), snippet=h.snippet, rank=h.rank) for h in hits]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not hits:
        print(f"Nothing matches “{args.query}”.")
        return EXIT_OK
    for hit in hits:
        marked = hit.snippet.replace("<mark>", "").replace("</mark>", "")
        snippet = html.unescape(marked).replace("\n", " ")
        print(f"{hit.entry.slug}  {hit.entry.title}\n    {snippet}")
    return EXIT_OK


def _cmd_site(services: Services, args: argparse.Namespace) -> int:
    changes = {
        name: value
        for name in ("title", "author", "role", "location", "base_url", "language")
        if (value := getattr(args, name)) is not None
    }
    if args.now_file:
        from fieldnotes_desktop.services.markdown_files import MAX_MARKDOWN_BYTES, decode, read_limited

        path = Path(args.now_file)
        outcome = "the site settings were not changed"
        # Read like an imported file: a FIFO, a device or a huge file is refused, never waited on.
        raw, _info = read_limited(path, MAX_MARKDOWN_BYTES, outcome=outcome)
        changes["now_md"] = decode(path, raw, outcome)
    site = services.site.update(**changes) if changes else services.site.get()
    if not changes:
        from dataclasses import asdict

        print(json.dumps(asdict(site), ensure_ascii=False, indent=2))
    else:
        print("Site settings saved.")
    return EXIT_OK


def _cmd_export(services: Services, args: argparse.Namespace) -> int:
    from fieldnotes_desktop.export.command import run_export

    return run_export(services, args)


def _cmd_backup(services: Services, args: argparse.Namespace) -> int:
    target = services.maintenance.backup(Path(args.to).expanduser() if args.to else None)
    size = target.stat().st_size
    print(f"Backed up {services.db_path} to {target} ({size / 1_000_000:.1f} MB).")
    return EXIT_OK


def _cmd_doctor(services: Services, args: argparse.Namespace) -> int:
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


_HANDLERS = {
    "import": _cmd_import,
    "list": _cmd_list,
    "search": _cmd_search,
    "site": _cmd_site,
    "export": _cmd_export,
    "backup": _cmd_backup,
    "doctor": _cmd_doctor,
}

"""`fieldnotes import`, `list` and `search`: entries in and out of the database as text."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.cli.common import EXIT_OK, Handler, Subparsers
from fieldnotes_desktop.cli.json_out import write_array
from fieldnotes_desktop.records import (
    DRAFT, FINISHED, SCHEDULED, STATUSES, EntryFilter, EntrySummary, ImportReport, SearchHit,
)

if TYPE_CHECKING:
    from fieldnotes_desktop.services import Services


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser(
        "import",
        help="import Markdown files or folders, a Jekyll or Hugo site, or a WordPress export (.xml)",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--status", choices=STATUSES, default=DRAFT,
        help="what a plain file without a status becomes (default: draft; a site's posts follow the site)",
    )
    p.add_argument("--dry-run", action="store_true", help="print what would be imported, and store nothing")
    p.add_argument(
        "--media", metavar="DIR", type=Path,
        help="a WordPress export's uploads folder (wp-content/uploads), where its posts' images are",
    )

    p = commands.add_parser("list", help="list entries, newest first")
    p.add_argument("--status", choices=STATUSES)
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = commands.add_parser("search", help="full-text search over titles, summaries and bodies")
    p.add_argument("query")
    p.add_argument("--json", action="store_true", help="print a JSON array")


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


def _print_table(rows: Sequence[tuple[str, ...]]) -> None:
    if not rows:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        print("  ".join(cells).rstrip())


def _import(services: Services, args: argparse.Namespace) -> int:
    report = services.imports.import_paths(
        [Path(p) for p in args.paths], status=args.status, dry_run=args.dry_run, media=args.media
    )
    verb = "would import" if args.dry_run else "imported"
    for entry in report.created:
        print(f"{verb}  {entry.slug}  ({entry.status}, {entry.words} words)")
    for note in report.notes:
        where = f"{note.file}:{note.line}" if note.line is not None else note.file
        print(f"note: {where}: {note.construct}: {note.text}")
    for warning in report.skipped:
        print(f"warning: {warning}", file=sys.stderr)
    print(import_summary(report, dry_run=args.dry_run))
    return EXIT_OK


def import_summary(report: ImportReport, *, dry_run: bool = False) -> str:
    """`3 entries imported, 2 images.` and, on a line of its own, `2 finished, 1 draft; 4 notes.`
    (`1 scheduled` among them when some are)."""
    finished = sum(1 for entry in report.created if entry.status == FINISHED)
    waiting = sum(1 for entry in report.created if entry.status == SCHEDULED)
    drafts = len(report.created) - finished - waiting
    noun = "entry" if len(report.created) == 1 else "entries"
    images = f", {report.assets} images" if report.assets else ""
    if dry_run:
        first = f"Dry run: {len(report.created)} {noun} would be imported{images}; nothing was stored."
    else:
        first = f"{len(report.created)} {noun} imported{images}."
    notes = f"; {len(report.notes)} note{'s' * (len(report.notes) != 1)} above" if report.notes else ""
    scheduled = f"{waiting} scheduled, " if waiting else ""
    return f"{first}\n{finished} finished, {scheduled}{drafts} draft{'s' * (drafts != 1)}{notes}."


def list_directly(db_path: Path, args: argparse.Namespace) -> int | None:
    """`fieldnotes list` read with sqlite3 alone (see `search_directly`); None when the store must."""
    from fieldnotes_desktop.store.plain_read import list_file

    entries = list_file(db_path, args.status)
    return None if entries is None else _print_listing(entries, args)


def _list(services: Services, args: argparse.Namespace) -> int:
    # Streamed: at 100,000 entries the records alone would take hundreds of megabytes.
    return _print_listing(services.entries.stream_summaries(EntryFilter(status=args.status)), args)


def _print_listing(entries: Iterator[EntrySummary], args: argparse.Namespace) -> int:
    if args.json:
        write_array((summary_json(e) for e in entries), sys.stdout)
        return EXIT_OK
    # The table's widths need every row first; a row of five strings is a fraction of a record.
    rows = [(e.date.isoformat(), e.status, e.slug, e.category or "—", e.title) for e in entries]
    if not rows:
        print("No entries yet; `fieldnotes import FOLDER` brings existing posts in.")
        return EXIT_OK
    _print_table(rows)
    return EXIT_OK


def search_directly(db_path: Path, args: argparse.Namespace) -> int | None:
    """`fieldnotes search` read with sqlite3 alone, without SQLAlchemy's quarter of a second;
    None when that path is not sure of the file, and the store must open it (see store/plain_read.py)."""
    from fieldnotes_desktop.store.plain_read import search_file

    hits = search_file(db_path, args.query)
    return None if hits is None else _print_hits(hits, args)


def _search(services: Services, args: argparse.Namespace) -> int:
    return _print_hits(services.entries.search(args.query), args)


def _print_hits(hits: Sequence[SearchHit], args: argparse.Namespace) -> int:
    import html  # its entity table is not small, and only this command unescapes

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


HANDLERS: dict[str, Handler] = {"import": _import, "list": _list, "search": _search}

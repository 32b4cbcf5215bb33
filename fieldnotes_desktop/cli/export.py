"""`fieldnotes export`: turns the options into an export, runs it with a progress bar on a terminal, prints the summary."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.cli.common import EXIT_OK, Handler, Subparsers
from fieldnotes_desktop.errors import ValidationError

if TYPE_CHECKING:
    from fieldnotes_desktop.services import Services
    from fieldnotes_desktop.services.publish import ExportOptions

Progress = Callable[[int, int, str], None]


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser("export", help="write the site (or chosen entries) as HTML")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder (a file with --self-contained)")
    p.add_argument("--entry", nargs="+", default=[], metavar="SLUG", help="export only these entries")
    p.add_argument("--include-drafts", action="store_true", help="export drafts too")
    p.add_argument("--self-contained", action="store_true", help="one entry as one HTML file, CSS and images inlined")
    p.add_argument("--theme", metavar="DIR", help="a folder of templates overriding the built-in theme")


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    """The CLI's options as an `ExportOptions`; the service checks them (see `ExportOptions.check`)."""
    from fieldnotes_desktop.services.publish import ExportOptions

    # Only the typed text shows that `post/` was meant as a folder: Path drops the slash.
    if args.self_contained and str(args.out).endswith(("/", "\\")):
        raise ValidationError(
            f"{args.out} is a folder; with --self-contained, --out names a file such as post.html.", field="out"
        )
    return ExportOptions(
        out=Path(args.out).expanduser(),
        slugs=tuple(args.entry or ()),
        include_drafts=bool(args.include_drafts),
        self_contained=bool(args.self_contained),
        theme_dir=Path(args.theme).expanduser() if args.theme else None,
    )


@contextmanager
def progress_reporter() -> Iterator[Progress | None]:
    """A rich progress bar on stderr when it is a terminal; nothing when output is piped."""
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]Exporting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}", style="dim"),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)

        def report(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label)

        yield report


def _export(services: Services, args: argparse.Namespace) -> int:
    options = options_from_args(args)
    with progress_reporter() as progress:
        report = services.exports.export(options, progress=progress)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(report.summary())
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"export": _export}

"""`fieldnotes export`: turns the options into an export (the site, Markdown or a PDF), runs it with a
progress bar on a terminal, prints the summary."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.cli.common import EXIT_OK, Handler, Subparsers
from fieldnotes_desktop.errors import ValidationError

if TYPE_CHECKING:
    from fieldnotes_desktop.services import Services
    from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions, MarkdownExportReport
    from fieldnotes_desktop.services.publish import ExportOptions, ExportReport

FORMATS = ("site", "markdown", "pdf")
LAYOUTS = ("hugo", "jekyll")  # export/markdown_out.py's, named here so `--help` imports nothing

Progress = Callable[[int, int, str], None]


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser("export", help="write the site (or chosen entries) as HTML, the entries as Markdown, or one as PDF")
    p.add_argument("--out", required=True, metavar="DIR", help="the output folder (a file with --self-contained)")
    p.add_argument("--entry", nargs="+", default=[], metavar="SLUG", help="export only these entries")
    p.add_argument("--include-drafts", action="store_true", help="export drafts too")
    p.add_argument("--self-contained", action="store_true", help="one entry as one HTML file, CSS and images inlined")
    p.add_argument("--theme", metavar="DIR", help="a folder of templates overriding the built-in theme")
    p.add_argument("--format", choices=FORMATS, default="site",
                   help="site: the HTML site (the default); markdown: every entry, drafts too, as Markdown "
                        "with front matter and its images; pdf: one entry's page as FILE.pdf")
    p.add_argument("--layout", choices=LAYOUTS, help="with --format markdown: a Hugo site (the default) or a Jekyll one")


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


def markdown_options_from_args(args: argparse.Namespace) -> MarkdownExportOptions:
    from fieldnotes_desktop.services.markdown_export import MarkdownExportOptions

    for given, option in ((args.self_contained, "--self-contained"), (args.theme, "--theme")):
        if given:
            raise ValidationError(f"{option} shapes HTML pages; --format markdown writes the entries as they are stored.")
    return MarkdownExportOptions(out=Path(args.out).expanduser(), layout=args.layout or "hugo",
                                 slugs=tuple(args.entry or ()))


def _export(services: Services, args: argparse.Namespace) -> int:
    if args.layout and args.format != "markdown":
        raise ValidationError("--layout chooses how Markdown is laid out; add --format markdown.", field="layout")
    if args.format == "pdf":
        return _export_pdf(services, args)
    with progress_reporter() as progress:
        if args.format == "markdown":
            report: ExportReport | MarkdownExportReport = services.markdown_exports.export(
                markdown_options_from_args(args), progress=progress)
        else:
            report = services.exports.export(options_from_args(args), progress=progress)
    if args.format == "site" and not args.self_contained:
        _print_findings(services, args)
    _print_outcome(report.warnings, report.summary())
    return EXIT_OK


# What the export's own warnings say already, in a line per entry: not said twice.
SAID_BY_THE_EXPORT = frozenset({"alt-text", "missing-image", "no-site-address"})


def _print_findings(services: Services, args: argparse.Namespace) -> None:
    """The pre-publish checks of what was exported, as `error:`/`warning:` lines: they tell, never stop, an export."""
    from fieldnotes_desktop.cli.checks import print_findings

    findings = services.checks.run(slugs=tuple(args.entry) or None, include_drafts=bool(args.include_drafts))
    print_findings((f for f in findings if f.code not in SAID_BY_THE_EXPORT), sys.stderr, prefix=": ")


def _print_outcome(warnings: Sequence[str], summary: str) -> None:
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(summary)


def _export_pdf(services: Services, args: argparse.Namespace) -> int:
    """One entry's page, as the preview shows it, printed by QtWebEngine (Qt is loaded only here)."""
    if len(set(args.entry or ())) != 1:
        raise ValidationError("--format pdf prints one entry; name exactly one with --entry SLUG.", field="entry")
    out = Path(args.out).expanduser()
    if out.is_dir() or str(args.out).endswith(("/", "\\")):
        raise ValidationError(f"{args.out} is a folder; with --format pdf, --out names a file such as post.pdf.", field="out")
    from fieldnotes_desktop.services.entry_page import entry_page
    from fieldnotes_desktop.ui.pdf_export import headless_application, print_pdf

    page = entry_page(services.exports, args.entry[0], include_drafts=bool(args.include_drafts),
                      theme_dir=Path(args.theme).expanduser() if args.theme else None)
    headless_application()
    print_pdf(page.html, out)
    _print_outcome(page.warnings, f"Printed “{args.entry[0]}” to {out} ({max(1, out.stat().st_size // 1024):,} KB).")
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"export": _export}

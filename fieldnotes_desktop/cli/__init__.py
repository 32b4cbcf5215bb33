"""The `fieldnotes` command: the desktop app by default, headless commands for everything else."""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from fieldnotes_desktop import __version__
from fieldnotes_desktop.cli.common import EXIT_OK, EXIT_USER_ERROR, Handler
from fieldnotes_desktop.errors import FieldnotesError

__all__ = ["build_parser", "main"]


def _groups() -> tuple[ModuleType, ...]:
    """The command modules, in the order `fieldnotes --help` lists their commands."""
    from fieldnotes_desktop.cli import checks, entries, export, maintenance, publish, site
    from fieldnotes_desktop.cli import copy as desk_copy

    return (entries, export, checks, publish, site, maintenance, desk_copy)


def _handler(command: str) -> Handler:
    handlers: dict[str, Handler] = {name: h for group in _groups() for name, h in group.HANDLERS.items()}
    return handlers[command]


def _asks_for_the_version(argv: Sequence[str]) -> bool:
    """`fieldnotes --version`, before any command: answered without building the parser, whose
    command modules (and the records they use) are most of what the answer would cost."""
    leading = list(itertools.takewhile(lambda arg: arg.startswith("-"), argv))
    return "--version" in leading and not {"-h", "--help"} & set(leading)


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
    for group in _groups():
        group.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if _asks_for_the_version(sys.argv[1:] if argv is None else argv):
        print(f"fieldnotes {__version__}")  # as argparse's version action prints it
        return EXIT_OK
    parser = build_parser()
    args = parser.parse_args(argv)  # `--help` ends here, having imported nothing heavy
    if args.command is None:
        from fieldnotes_desktop.app import run_gui
        from fieldnotes_desktop.config import resolve_location

        try:
            location = resolve_location(args.db)
        except FieldnotesError as exc:
            print(f"fieldnotes: {exc}", file=sys.stderr)
            return EXIT_USER_ERROR
        return run_gui(location)
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
    from pathlib import Path

    from fieldnotes_desktop.config import resolve_location

    db_path = resolve_location(args.db)
    if args.command in ("search", "list") and isinstance(db_path, Path):  # a file: read it directly
        from fieldnotes_desktop.cli.entries import list_directly, search_directly

        answered = (search_directly if args.command == "search" else list_directly)(db_path, args)
        if answered is not None:
            return answered
    from fieldnotes_desktop.services import open_services

    # A read-only command never creates, migrates or changes the file, and only a command that
    # stores something may start a database: a mistyped --db must not quietly make an empty
    # one, or export an empty site over a real one.
    if _reads_only(args):
        services = open_services(db_path, read_only=True)
    else:
        services = open_services(db_path, create=_creates_database(args))
    try:
        return _handler(args.command)(services, args)
    finally:
        services.close()


def _reads_only(args: argparse.Namespace) -> bool:
    if args.command in ("list", "search", "backup", "check", "copy"):
        return True
    if args.command == "doctor":
        return not args.repair
    return args.command == "site" and not _changes_site(args)


def _creates_database(args: argparse.Namespace) -> bool:
    """Only commands that store something may start a new database."""
    return args.command == "import" or (args.command == "site" and _changes_site(args))


def _changes_site(args: argparse.Namespace) -> bool:
    from fieldnotes_desktop.cli.site import changes_site

    return changes_site(args)

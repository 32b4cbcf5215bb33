"""`fieldnotes copy --to URL`: the whole desk into an empty database, checked row for row after."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, TextIO

from fieldnotes_desktop.cli.common import EXIT_OK, EXIT_USER_ERROR, Handler, Subparsers

if TYPE_CHECKING:
    from fieldnotes_desktop.services import Services

_STAGES = {"copy": "copying", "check": "checking"}
PROGRESS_EVERY_S = 1.0


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser(
        "copy", help="copy the whole desk into an empty database (a new file or a server's), and check the copy"
    )
    p.add_argument(
        "--to", required=True, metavar="URL",
        help="a new database file, or the address of an empty database: postgresql+psycopg://user@host:5432/name",
    )
    p.add_argument("--json", action="store_true", help="print the outcome as a JSON object")


class ProgressLines:
    """A line per table when it is done, and one a second while a large one is under way."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._last = time.monotonic()

    def __call__(self, stage: str, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_EVERY_S:
            return
        self._last = now
        print(f"{_STAGES.get(stage, stage)} {table}: {done:,} of {total:,}", file=self._out, flush=True)


def _copy(services: Services, args: argparse.Namespace) -> int:
    from fieldnotes_desktop.services.desk_copy import DeskCopyService

    # The lines tell the copy's story on stdout, before its summary; a failure's sentence is
    # then the one line on stderr. With --json, stdout holds the JSON alone.
    progress = ProgressLines(sys.stderr if args.json else sys.stdout)
    report = DeskCopyService(services.store).copy_to(args.to, progress=progress)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif report.ok:
        print(report.summary())
    else:
        print(f"fieldnotes: {report.summary()}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_USER_ERROR


HANDLERS: dict[str, Handler] = {"copy": _copy}

"""`fieldnotes site`: prints the site settings as JSON, or changes the ones given."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from fieldnotes_desktop.cli.common import EXIT_OK, Handler, Subparsers

if TYPE_CHECKING:
    from fieldnotes_desktop.services import Services

_TEXT_OPTIONS = ("title", "author", "role", "location", "base_url", "language", "typography", "publish_to")


def add_commands(commands: Subparsers) -> None:
    p = commands.add_parser("site", help="show (as JSON) or change the site settings")
    p.add_argument("--title")
    p.add_argument("--author")
    p.add_argument("--role")
    p.add_argument("--location")
    p.add_argument("--now-file", metavar="F", help="a Markdown file with the “What I am doing now” text")
    p.add_argument("--base-url", metavar="U", help="the published site's address, for the feed and sitemap")
    p.add_argument("--language", help="the site's language code, such as en (the spell check and the quotes follow it)")
    p.add_argument(
        "--typography", choices=("smart", "plain"),
        help="smart: publish curly quotes, dashes and ellipses for straight ones (the default); plain: as typed",
    )
    p.add_argument(
        "--publish-to", metavar="TARGET",
        help="where `fieldnotes publish` sends the site: a folder, sftp://user@host[:port]/path, "
        "git+file:///…/repo.git#branch or git+ssh://…#branch (an empty value forgets it)",
    )


def changes_site(args: argparse.Namespace) -> bool:
    return any(getattr(args, name) is not None for name in (*_TEXT_OPTIONS, "now_file"))


def _site(services: Services, args: argparse.Namespace) -> int:
    changes = {name: value for name in _TEXT_OPTIONS if (value := getattr(args, name)) is not None}
    if args.now_file:
        from fieldnotes_desktop.services.markdown_files import MAX_MARKDOWN_BYTES, decode, read_limited

        path = Path(args.now_file)
        outcome = "the site settings were not changed"
        # Read like an imported file: a FIFO, a device or a huge file is refused, never waited on.
        raw, _info = read_limited(path, MAX_MARKDOWN_BYTES, outcome=outcome)
        changes["now_md"] = decode(path, raw, outcome)
    site = services.site.update(**changes) if changes else services.site.get()
    if not changes:
        print(json.dumps(asdict(site), ensure_ascii=False, indent=2))
    else:
        print("Site settings saved.")
    return EXIT_OK


HANDLERS: dict[str, Handler] = {"site": _site}

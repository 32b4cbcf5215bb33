"""Helpers for export tests: the sample database with a frozen clock, and page parsing."""

from __future__ import annotations

import datetime as dt
import html.parser
import itertools
import uuid
from pathlib import Path

import pytest

import fieldnotes_desktop
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.clock import frozen

SAMPLES = Path(fieldnotes_desktop.__file__).parent / "data" / "samples"
MOMENT = dt.datetime(2025, 3, 20, 9, 30, tzinfo=dt.timezone.utc)
BASE_URL = "https://notes.example.org/"
NOW_MD = (
    "Rebuilding the sensor network for the greenhouse club, one station at a time.\n\n"
    "- Reading *The Old Ways*, slowly.\n- Training for a ridge traverse in July.\n"
)


def open_sample_services(db_path: Path, monkeypatch: pytest.MonkeyPatch, base_url: str = BASE_URL) -> Services:
    """The samples imported at a fixed moment with fixed uuids, so every export is byte-stable."""
    counter = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=next(counter)))
    services = open_services(db_path, clock=frozen(MOMENT))
    services.imports.import_paths([SAMPLES])
    services.site.update(
        title="Field Notes",
        author="Ines Okafor",
        role="Backend Engineer",
        location="Innsbruck",
        now_md=NOW_MD,
        base_url=base_url,
    )
    return services


class LinkCollector(html.parser.HTMLParser):
    """Every href and src of a page, with the tag that carries it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append((tag, name, value))


def parse_page(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector


def site_files(root: Path) -> dict[str, bytes]:
    """The site's own files; `.fieldnotes/` is the export's bookkeeping, not part of the site."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != ".fieldnotes"
    }

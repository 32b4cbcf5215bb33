"""Helpers for export tests: the sample database with a frozen clock, page parsing, generated sites."""

from __future__ import annotations

import datetime as dt
import html.parser
import itertools
import uuid
from pathlib import Path
from unittest import mock

import pytest

import fieldnotes_desktop
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.clock import frozen
from fieldnotes_desktop.services.publish import ExportService

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


# -- generated sites, for the incremental and parallel exports ------------------------------


def body(i: int, generation: int = 0) -> str:
    words = " ".join(("ridge", "cairn", "scree", "col", "tarn")[(i + n) % 5] for n in range(80))
    return (
        f"Day {i} began early.\n\n## Morning {i}\n\n{words}.\n\n"
        f"```python\nfor step in range({i % 7 + 2}):\n    climb(step)\n```\n\n"
        f"## Evening\n\nRevision {generation}.\n"
    )


def generated_services(db: Path, entries: int, **export_args: object) -> Services:
    """`entries` generated entries with fixed uuids, so two databases export the same bytes."""
    services = open_services(db, clock=frozen(MOMENT))
    counter = itertools.count(1)
    with mock.patch.object(uuid, "uuid4", lambda: uuid.UUID(int=next(counter))), services.store.transaction() as session:
        for i in range(entries):
            services.entries.create_in(
                session,
                EntryFields(
                    title=f"Field day {i}", body=body(i), status="finished", summary="" if i % 2 else f"Day {i}.",
                    category=("Alps", "Andes")[i % 2], tags=(f"t{i % 3}",), volume=1 + i % 2,
                    date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                ),
            )
    services.site.update(title="Field Notes", author="A. Writer", base_url="https://notes.example.org/")
    if export_args:
        exports = ExportService(
            services.store, services.entries, services.site, services.assets, frozen(MOMENT), **export_args  # type: ignore[arg-type]
        )
        object.__setattr__(services, "exports", exports)
    return services


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: type, name: str) -> list[object]:
    calls: list[object] = []
    real = getattr(owner, name)

    def counted(self: object, *args: object, **kwargs: object) -> object:
        calls.append(args[0] if args else None)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls

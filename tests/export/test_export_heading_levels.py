"""Body headings are published at the level written, as Jekyll and Hugo publish them; a body that
uses level-1 headings has all of them one level down, under the title's <h1>."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.publish import ExportOptions


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open = tag
            self.found.append((tag, ""))

    def handle_endtag(self, tag: str) -> None:
        self._open = None if tag == self._open else self._open

    def handle_data(self, data: str) -> None:
        if self._open:
            tag, text = self.found[-1]
            self.found[-1] = (tag, text + data)


def headings_of(page: Path) -> list[tuple[str, str]]:
    parser = Headings()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(tag, text.strip()) for tag, text in parser.found]


def export_one(tmp_path: Path, body: str) -> list[tuple[str, str]]:
    services: Services = open_services(tmp_path / "notes.db")
    try:
        entry = services.entries.create(EntryFields(title="The col", body=body, status="finished"))
        services.exports.export(ExportOptions(out=tmp_path / "site"))
    finally:
        services.close()
    found = headings_of(tmp_path / "site" / entry.slug / "index.html")
    start = found.index(("h1", "The col"))
    return [h for h in found[start:] if h[1] in ("The col", "Part one", "Approach", "Camp")]


def test_a_second_level_heading_is_published_as_h2(tmp_path: Path) -> None:
    body = "Intro.\n\n## Approach\n\nScree.\n\n### Camp\n\nTents.\n\n```\n# not a heading\n```\n"
    assert export_one(tmp_path, body) == [("h1", "The col"), ("h2", "Approach"), ("h3", "Camp")]


def test_a_body_with_level_one_headings_moves_every_heading_one_down(tmp_path: Path) -> None:
    body = "# Part one\n\n## Approach\n\nScree.\n\n### Camp\n\nTents.\n"
    assert export_one(tmp_path, body) == [("h1", "The col"), ("h2", "Part one"), ("h3", "Approach"), ("h4", "Camp")]

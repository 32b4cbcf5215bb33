"""Rendered sections kept in a shared store: reused byte for byte, never with an image, renewed with the renderer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from fieldnotes_desktop.render import SectionRenderer
from fieldnotes_desktop.render import section_cache
from fieldnotes_desktop.render.section_cache import keys_for, load_templates, may_hold_images
from fieldnotes_desktop.render.sections import scan_source
from fieldnotes_desktop.render.typography import DEFAULT_TYPOGRAPHY

POST = (
    "Opening words of the entry, before any heading.\n\n"
    "## The ridge\n\nWe left at dawn. The snow was *hard*.\n\n"
    "```python\nfor step in range(3):\n    climb(step)\n```\n\n"
    "## The ridge\n\nA second heading with the same title gets its own id.\n"
)
FOOTNOTES = "## One\n\nA claim.[^1]\n\n## Two\n\nMore.\n\n[^1]: The source.\n"
IMAGE = "## Camp\n\n![the tent](tent.png)\n\n## After\n\nNo image here.\n"


class DictStore:
    """A `TemplateStore` in a dict, counting what it is asked."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.asked = 0

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        self.asked += 1
        return {k: self.rows[k] for k in keys if k in self.rows}

    def put_many(self, payloads: Mapping[str, str]) -> None:
        for key, payload in payloads.items():
            self.rows.setdefault(key, payload)


@pytest.mark.parametrize("source", [POST, FOOTNOTES], ids=["sections", "footnotes"])
def test_a_second_renderer_reuses_every_section_and_writes_the_same_html(source: str) -> None:
    store = DictStore()
    first = SectionRenderer(shared=store).render(source)
    assert store.rows, "nothing was kept"
    again = SectionRenderer(shared=store)
    second = again.render(source)
    assert second == first
    assert again.stats.sections_rendered == 0
    assert again.stats.shared_hits == len(first.sections)


def test_a_document_with_definitions_is_kept_as_one_row() -> None:
    store = DictStore()
    document = SectionRenderer(shared=store).render(FOOTNOTES)
    assert len(document.sections) == 2
    (payload,) = store.rows.values()
    templates = load_templates(payload)
    assert templates is not None and len(templates) == 2


def test_sections_with_an_image_are_not_kept_and_the_others_are() -> None:
    store = DictStore()
    seen: list[str] = []
    renderer = SectionRenderer(image_url=lambda src: seen.append(src) or f"/mapped/{src}", shared=store)
    document = renderer.render(IMAGE)
    assert "/mapped/tent.png" in document.html
    kept = [load_templates(p) for p in store.rows.values()]
    assert len(kept) == 1  # "## After" only
    assert all(t is not None and "<img" not in "".join(t[0].pieces) for t in kept)
    # Rendered again elsewhere, the image section goes through that renderer's own mapping.
    other = SectionRenderer(image_url=lambda src: f"/other/{src}", shared=store).render(IMAGE)
    assert "/other/tent.png" in other.html and "/mapped/" not in other.html


def test_a_new_renderer_version_misses_every_kept_section(monkeypatch: pytest.MonkeyPatch) -> None:
    store = DictStore()
    SectionRenderer(shared=store).render(POST)
    old_keys = set(store.rows)
    monkeypatch.setattr(section_cache, "RENDER_VERSION", section_cache.RENDER_VERSION + 1)
    section_cache.renderer_version.cache_clear()
    try:
        renderer = SectionRenderer(shared=store)
        renderer.render(POST)
        assert renderer.stats.sections_rendered == len(scan_source(POST).sections)
        assert not old_keys & set(keys_for(scan_source(POST), DEFAULT_TYPOGRAPHY))
    finally:
        monkeypatch.undo()
        section_cache.renderer_version.cache_clear()


def test_an_unreadable_payload_is_rendered_again() -> None:
    store = DictStore()
    SectionRenderer(shared=store).render(POST)
    store.rows = dict.fromkeys(store.rows, "not json")
    renderer = SectionRenderer(shared=store)
    assert renderer.render(POST) == SectionRenderer(cache_size=0).render(POST)
    assert renderer.stats.sections_rendered == len(scan_source(POST).sections)


@pytest.mark.parametrize(
    ("body", "expected"),
    [("plain *text*", False), ("![a](b.png)", True), ("![a][ref]", True), ('<IMG src="x">', True), ("a ! [b]", False)],
)
def test_may_hold_images(body: str, expected: bool) -> None:
    assert may_hold_images(body) is expected

"""Rendered sections kept beyond one process: keys by source, typography and renderer version, payloads as JSON.

The export and the preview both render through `SectionRenderer`; given a `TemplateStore` it
asks the store for the sections it has not rendered itself, and hands back what it rendered,
so a section rendered once (by either) is not rendered again until its text or the renderer
changes. Where the store keeps them is the caller's business (the app keeps them in the
database, `store/render_cache.py`); this module only says how they are named and written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import metadata
from typing import Protocol

from fieldnotes_desktop.render.sections import SourceScan
from fieldnotes_desktop.render.template import SectionTemplate
from fieldnotes_desktop.render.typography import Typography

# Raise by one whenever our own rendering changes what a section's HTML looks like (a rule in
# parser.py, the allow-list in sanitize.py, the slots in template.py): every kept section then
# misses once and is rendered again. Library upgrades are caught by their versions below.
RENDER_VERSION = 2  # 2: every <img> loads lazily, with its size when the caller knows it
_LIBRARIES = ("markdown-it-py", "mdit-py-plugins", "Pygments", "nh3")
# Markdown images all start `![` (inline and reference style); raw HTML ones are `<img`.
_IMAGE = re.compile(r"!\[|<img", re.IGNORECASE)


class TemplateStore(Protocol):
    """Where rendered sections outlive a render: payloads by key, read and written in bulk."""

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        """The payloads held for those of `keys` the store has; missing keys are left out."""
        ...

    def put_many(self, payloads: Mapping[str, str]) -> None:
        """Keeps `payloads` (key → payload); a key already held keeps its payload."""
        ...


@cache
def renderer_version() -> str:
    """Our version and the rendering libraries' versions, as one string every key starts from."""
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # a bundle without dist-info: our version still counts
            versions.append(f"{name}=?")
    return f"fieldnotes-render-{RENDER_VERSION};" + ";".join(versions)


def _digest(kind: str, text: str, typography: Typography) -> str:
    # As typed, the kind is what it always was, so the sections kept before typography was a
    # setting are still found; smart, its quotes name the kind.
    if typography.smart:
        kind = f"{kind}+{typography.tag}"
    data = f"{renderer_version()}\0{kind}\0{text}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def section_key(text: str, typography: Typography) -> str:
    """The key of one section's text, rendered on its own with `typography`."""
    return _digest("s", text, typography)


def document_key(scan: SourceScan, typography: Typography) -> str:
    """The key of a whole document whose sections share definitions and are rendered together."""
    return _digest("d", "".join(section.text for section in scan.sections), typography)


def keys_for(scan: SourceScan, typography: Typography) -> list[str]:
    """The keys a render of `scan` with `typography` needs: one per section, or one for the whole."""
    if not scan.sections:
        return []
    if scan.has_cross_references:
        return [document_key(scan, typography)]
    return [section_key(section.text, typography) for section in scan.sections]


def dump_templates(templates: Sequence[SectionTemplate]) -> str:
    return json.dumps([[list(t.pieces), list(t.slots)] for t in templates], ensure_ascii=False, separators=(",", ":"))


def load_templates(payload: str) -> list[SectionTemplate] | None:
    """The templates of a payload, or None for one this code cannot read (then render again)."""
    try:
        data = json.loads(payload)
        return [SectionTemplate(tuple(pieces), tuple(slots)) for pieces, slots in data]
    except (ValueError, TypeError):
        return None


def load_many(payloads: Mapping[str, str]) -> dict[str, list[SectionTemplate]]:
    """The templates of each payload this code can read, by key; the others are left out."""
    found = {}
    for key, payload in payloads.items():
        templates = load_templates(payload)
        if templates is not None:
            found[key] = templates
    return found


def keepable(templates: Sequence[SectionTemplate]) -> bool:
    """Whether rendered templates may be kept for any caller.

    An image's address depends on who renders (the export's `../assets/…`, the preview's own
    URLs) and on the images in the database at that moment, so sections with one are not kept.
    """
    return not any("<img" in piece for t in templates for piece in t.pieces)


def may_hold_images(body: str) -> bool:
    """False only when `body` cannot render an image: then its sections are the same for any caller."""
    return _IMAGE.search(body) is not None


class Gathered:
    """A `TemplateStore` that holds nothing and gathers what is put, for the caller to store later."""

    def __init__(self) -> None:
        self.payloads: dict[str, str] = {}

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        return {}

    def put_many(self, payloads: Mapping[str, str]) -> None:
        self.payloads.update(payloads)

    def take(self) -> dict[str, str]:
        """What was put since the last call."""
        payloads, self.payloads = self.payloads, {}
        return payloads


class ReadOnlyTemplates:
    """Reads another store and keeps nothing: for renders that should not write each time.

    The preview while typing renders a new section at every pause; writing each one would be
    a database write per keystroke pause, for sections the next export trims away again.
    """

    def __init__(self, store: TemplateStore) -> None:
        self._store = store

    def get_many(self, keys: Sequence[str]) -> dict[str, str]:
        return self._store.get_many(keys)

    def put_many(self, payloads: Mapping[str, str]) -> None:
        return None

"""A site page that is one template filled with plain values, kept by the next export when its values are the same."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

from fieldnotes_desktop.export.pages import LazyRows, VolumeGroup
from fieldnotes_desktop.export.theme import Theme


class TemplatePage:
    """A page that is one template filled with plain values: its inputs are those values."""

    def __init__(self, theme: Theme, name: str, values: Callable[[], dict[str, object]], base: bytes) -> None:
        self._theme, self._name, self._values, self._base = theme, name, values, base
        self._made: dict[str, object] | None = None

    def _context(self) -> dict[str, object]:
        if self._made is None:
            self._made = self._values()
        return self._made

    def inputs(self) -> str:
        digest = hashlib.blake2b(self._base + self._name.encode() + b"\0", digest_size=16)
        for name, value in sorted(self._context().items()):
            _digest_value(digest, name)
            _digest_value(digest, value)
        return digest.hexdigest()

    def render(self) -> str:
        # The values of an archive or the index hold an item per entry: once the page is made
        # they go, so the site's list pages are never all held at once.
        values, self._made = self._context(), None
        return self._theme.render(self._name, **values)

    def chunks(self) -> Iterator[str]:
        """`render` a piece at a time, straight to the writer: the index of 10,000 entries held
        as one string (and its rendering's pieces) peaked at 30 MB for a 7.6 MB page."""
        values, self._made = self._context(), None
        return self._theme.render_chunks(self._name, **values)

    def release(self) -> None:
        """Forgets the values `inputs` computed, when the page was kept without being rendered."""
        self._made = None


def _digest_value(digest: Any, value: object) -> None:
    """Feeds `value` to `digest` a piece at a time.

    The values of the index hold an item per entry: their `repr` as one string weighed more
    than the page itself (33 MB at the peak for 10,000 entries).
    """
    if isinstance(value, (list, tuple, LazyRows)):
        # a page's rows digest as the list or tuple they stand for, one row made at a time
        as_list = value.is_list if isinstance(value, LazyRows) else isinstance(value, list)
        digest.update(b"[" if as_list else b"(")
        for item in value:
            _digest_value(digest, item)
            digest.update(b",")
        digest.update(b"]")
    elif isinstance(value, dict):
        digest.update(b"{")
        for key, item in value.items():
            _digest_value(digest, key)
            digest.update(b":")
            _digest_value(digest, item)
            digest.update(b",")
        digest.update(b"}")
    else:
        for piece in _repr_pieces(value):
            digest.update(piece.encode("utf-8", "surrogatepass"))


def _repr_pieces(value: object) -> Iterator[str]:
    """`repr(value)` a piece at a time: a volume of 10,000 entries as one string weighed 10 MB."""
    if isinstance(value, LazyRows):
        yield "[" if value.is_list else "("
        count = 0
        for count, row in enumerate(value, 1):
            yield (", " if count > 1 else "") + repr(row)
        yield "]" if value.is_list else ("," if count == 1 else "") + ")"
    elif isinstance(value, VolumeGroup):
        yield f"{type(value).__qualname__}("
        for i, name in enumerate(VolumeGroup.__dataclass_fields__):
            yield (", " if i else "") + name + "="
            yield from _repr_pieces(getattr(value, name))
        yield ")"
    else:
        yield repr(value)

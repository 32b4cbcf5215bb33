"""The change the preview page makes to its body: replace it, or swap some sections and shift the rest."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BodyPatch:
    """Replace the sections `remove_keys` by `insert_html`, placed before `before_key`.

    `full` means: replace the whole body with `insert_html`. `line_shift` is added to the
    source-line attributes of the kept sections after the change, so they stay true.
    """

    full: bool
    insert_html: str
    inserted_keys: tuple[str, ...]
    remove_keys: tuple[str, ...] = ()
    before_key: str | None = None
    line_shift: int = 0

    @property
    def empty(self) -> bool:
        return not self.full and not self.inserted_keys and not self.remove_keys and not self.line_shift

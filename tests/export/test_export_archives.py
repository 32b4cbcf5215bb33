"""Archive folders are named by the same rules as entry slugs."""

from __future__ import annotations

from fieldnotes_desktop.export.archives import archive_slugs
from fieldnotes_desktop.render.entry_slugs import slugify


def test_archive_folders_fold_like_entry_slugs_and_stay_unique() -> None:
    names = ["Café & Code", "C#", "C", "  ", "", "Données"]
    slugs = archive_slugs(names)
    assert slugs == {"C": "c", "C#": "c-2", "Café & Code": "cafe-code", "Données": "donnees"}
    assert all(slug.startswith(slugify(name)) for name, slug in slugs.items())

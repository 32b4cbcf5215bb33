"""Images are found however the source wrote their address, and named as the desk names them."""

from __future__ import annotations

from pathlib import Path

from fieldnotes_desktop.services import Services

from test_import import PNG


def test_spaces_brackets_and_percent_encoding_all_lead_to_the_stored_image(services: Services, tmp_path: Path) -> None:
    folder = tmp_path / "posts"
    folder.mkdir()
    for n, name in enumerate(("summit view.png", "ridge line.png", "plain.png")):
        (folder / name).write_bytes(PNG + bytes([n]))  # three images, not one stored three times
    (folder / "col.md").write_text(
        "---\ntitle: Col\n---\n"
        "![The summit](<summit view.png>)\n\n![The ridge](ridge%20line.png \"at dusk\")\n\n![Plain](plain.png)\n",
        encoding="utf-8",
    )
    report = services.imports.import_paths([folder])
    body = services.entries.get(report.created[0].id).body
    assert report.assets == 3 and report.skipped == ()
    assert "![The summit](<assets/summit view.png>)" in body
    assert '![The ridge](<assets/ridge line.png> "at dusk")' in body
    assert "![Plain](assets/plain.png)" in body
    assert sorted(a.filename for a in services.assets.list()) == ["plain.png", "ridge line.png", "summit view.png"]

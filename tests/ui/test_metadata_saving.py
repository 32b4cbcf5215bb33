"""Metadata typed by the writer reaches the database, even next to a value it refuses."""

from __future__ import annotations

from stored import stored_entry as _stored


def _type_slug(qtbot, window, slug: str) -> None:  # type: ignore[no-untyped-def]
    field = window.metadata.slug
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, slug)


def test_a_refused_slug_does_not_drop_the_category_changed_with_it(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    entry = window.desk.entry
    taken = next(window.entry_list.model.summary_at(r) for r in range(3)
                 if window.entry_list.model.summary_at(r).id != entry.id).slug
    shown = []
    window.presenter.error_shown.connect(shown.append)
    window.metadata.category.setEditText("Alpine")
    _type_slug(qtbot, window, taken)
    window.metadata.slug.editingFinished.emit()
    window.desk.saver.save_now()  # category and slug go out in one write
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    stored = _stored(seeded_db, entry.id)
    assert stored.category == "Alpine"
    assert stored.slug == entry.slug  # the taken slug was refused ...
    assert any("already used" in m for m in shown)  # ... and the writer was told
    assert window.metadata.slug.text() == entry.slug


def test_a_slug_being_typed_is_saved_when_the_window_closes(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    entry = window.desk.entry
    _type_slug(qtbot, window, "over-the-ice")
    window.close()  # focus never left the slug field
    assert window._closed
    assert _stored(seeded_db, entry.id).slug == "over-the-ice"


def test_a_slug_being_typed_is_saved_when_another_entry_opens(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    entry = window.desk.entry
    _type_slug(qtbot, window, "over-the-ice")
    window.entry_list.view.setCurrentIndex(window.entry_list.model.index(1, 0))
    qtbot.waitUntil(lambda: window.desk.entry.id != entry.id, timeout=5000)
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    assert _stored(seeded_db, entry.id).slug == "over-the-ice"


def test_the_editor_refuses_typing_between_a_trash_and_the_neighbour_opening(
        open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    trashed = window.desk.entry
    row = window.entry_list.model.row_of(trashed.id)
    window.desk._on_left_list(row, "Moved to the trash.")  # what trash_entry does once stored
    assert window.desk.entry is None
    assert window.editor.isReadOnly()  # not silently dropping keystrokes
    assert window.metadata.title.isReadOnly()
    qtbot.waitUntil(lambda: window.desk.entry is not None, timeout=5000)
    assert window.desk.entry.id != trashed.id
    assert not window.editor.isReadOnly()


def test_author_cover_and_old_addresses_typed_in_the_panel_are_stored(open_window, seeded_db, qtbot):
    window = open_window(seeded_db)
    entry = window.desk.entry
    panel = window.metadata
    for field, text in ((panel.author, "Ines Moreau"), (panel.cover, "summit view.jpg"),
                        (panel.aliases, "2019/05/glacier, /old/glacier.html")):
        field.setFocus()
        qtbot.keyClicks(field, text)
    panel.aliases.editingFinished.emit()
    window.desk.saver.save_now()
    qtbot.waitUntil(lambda: not window.desk.saver.has_unsaved(), timeout=5000)
    stored = _stored(seeded_db, entry.id)
    assert (stored.author, stored.cover) == ("Ines Moreau", "summit view.jpg")
    assert stored.aliases == ("/2019/05/glacier/", "/old/glacier.html")

"""The preview's place: another entry, or a revision put back, is shown from its top."""

from __future__ import annotations

from preview_js import js, jsv, make_entry, show

from fieldnotes_desktop.records import EntryFields


def long_body(tag: str) -> str:
    return "\n".join(f"## {tag} chapter {n}\n\n" + "\n\n".join(f"Line {n}.{k} of {tag}." for k in range(12)) + "\n" for n in range(40))


def show_half_way(preview, qtbot, entry):  # type: ignore[no-untyped-def]
    """Shows `entry` scrolled down to its twentieth part, as a reader half-way through it."""
    show(preview, qtbot, entry)
    js(preview, qtbot, "document.querySelectorAll('#fn-entry-body > section')[20].scrollIntoView(); 1")
    assert jsv(preview, qtbot, "window.scrollY") > 1000


def test_switching_entries_shows_the_next_from_its_top(services, preview, qtbot):
    first = make_entry(services, long_body("North"), title="North")
    second = make_entry(services, long_body("South"), title="South")
    show_half_way(preview, qtbot, first)
    show(preview, qtbot, second)
    qtbot.waitUntil(lambda: jsv(preview, qtbot, "window.scrollY") == 0, timeout=5000)


def test_an_entry_sharing_its_opening_with_the_last_also_starts_at_the_top(services, preview, qtbot):
    body = long_body("Same")
    first = make_entry(services, body, title="One")
    second = make_entry(services, body + "\nA last line.\n", title="Two")
    show_half_way(preview, qtbot, first)
    show(preview, qtbot, second)
    qtbot.waitUntil(lambda: jsv(preview, qtbot, "window.scrollY") == 0, timeout=5000)


def test_a_revision_put_back_shows_from_its_top(services, preview, qtbot):
    entry = make_entry(services, long_body("Draft"), title="Draft")
    show_half_way(preview, qtbot, entry)
    older = services.entries.update(entry.id, EntryFields(body=long_body("Older")))
    preview.start_afresh()  # what the desk does when the history dialog restores a revision
    show(preview, qtbot, older)
    qtbot.waitUntil(lambda: jsv(preview, qtbot, "window.scrollY") == 0, timeout=5000)
    assert "Older chapter 0" in js(preview, qtbot, "document.getElementById('fn-entry-body').innerText")

"""The preview shows the entry as the published page and patches only what an edit changed."""

from __future__ import annotations

import re

from preview_js import make_entry
from preview_js import body_text, js, jsv, show, type_body

from fieldnotes_desktop.records import EntryFields

WORDS = "glaciers moraines switchbacks bivouacking cornices headwalls crevasses avalanches".split()


def book_chapter(n: int) -> str:
    """About 500 words in five paragraphs, with the emphasis and code a real chapter has."""
    paragraphs = []
    for p in range(5):
        words = [WORDS[(n + p + k) % len(WORDS)] for k in range(100)]
        words[10] = f"**{words[10]}**"
        words[40] = f"`{words[40]}`"
        words[70] = f"[{words[70]}](https://example.com/{n}/{p})"
        words[90] = f"*{words[90]}*"
        paragraphs.append(" ".join(words))
    return "\n\n".join(paragraphs)


SECTIONS = [f"## Part {n}\n\nParagraph {n} speaks of ridge {n} and camp {n}.\n" for n in range(1, 7)]


def test_preview_shows_the_entry_as_the_published_page(services, preview, qtbot):
    services.site.update(title="Field Notes", author="Ada Lovelace", role="Engineer", location="London")
    entry = make_entry(
        services,
        "# First light\n\nThe tent **froze** at dawn.\n\n```python\nprint('boil')\n```\n",
        title="Crossing the col",
        category="Alpine",
        status="finished",
        volume=8,
        elevation_m=5200,
    )
    show(preview, qtbot, entry)

    html = preview.property("renderedHtml")
    assert "Crossing the col" in html and "froze" in html
    assert "VOL.08" in html and "▲ 5,200M" in html and "Ada Lovelace" in html
    # The title is the page's only h1: body headings move one level down, as in the export.
    assert html.count("<h1") == 1 and '<h2 id="first-light"' in html
    text = body_text(preview, qtbot)
    assert "The tent froze at dawn." in text and "print('boil')" in text
    header = js(preview, qtbot, "document.getElementById('fn-entry-header').innerText")
    assert "Crossing the col" in header and "FIELD NOTES" in header
    assert js(preview, qtbot, "document.querySelectorAll('h1').length") == 1
    # Code is highlighted by Pygments and styled by the inlined theme CSS.
    assert js(preview, qtbot, "document.querySelectorAll('#fn-entry-body pre span').length") > 0


def test_an_edit_patches_only_its_section_in_place(services, preview, qtbot):
    entry = make_entry(services, "\n".join(SECTIONS))
    show(preview, qtbot, entry)
    # Mark every section element: a patched-in-place page keeps the untouched elements themselves.
    js(preview, qtbot, "for (const s of document.querySelectorAll('#fn-entry-body > section')) s.fnMark = s.dataset.key; 1")

    edited = list(SECTIONS)
    edited[3] = edited[3].replace("ridge 4", "the long ridge 4")
    type_body(preview, qtbot, "\n".join(edited))

    assert preview.stats.full_replacements == 1 and preview.stats.patches == 1
    assert len(preview.stats.last_sent_keys) == 1
    marks = jsv(preview, qtbot, "[...document.querySelectorAll('#fn-entry-body > section')].map(s => s.fnMark || null)")
    assert marks[3] is None and all(marks[i] for i in (0, 1, 2, 4, 5))
    assert "the long ridge 4" in body_text(preview, qtbot)


def test_lines_added_above_shift_the_kept_sections_without_resending_them(services, preview, qtbot):
    entry = make_entry(services, "\n".join(SECTIONS))
    show(preview, qtbot, entry)
    js(preview, qtbot, "for (const s of document.querySelectorAll('#fn-entry-body > section')) s.fnMark = 1; 1")

    edited = list(SECTIONS)
    edited[1] = edited[1] + "\nA new paragraph,\nthree lines long,\nin part two.\n"
    type_body(preview, qtbot, "\n".join(edited))

    assert len(preview.stats.last_sent_keys) == 1
    marks = jsv(preview, qtbot, "[...document.querySelectorAll('#fn-entry-body > section')].map(s => !!s.fnMark)")
    assert marks == [True, False, True, True, True, True]
    # The kept sections below now carry their new source lines, exactly as a fresh render has them.
    shown = jsv(preview, qtbot, "[...document.querySelectorAll('#fn-entry-body [data-line]')].map(n => n.dataset.line)")
    expected = re.findall(r'data-line="(\d+)"', preview.property("renderedHtml"))
    assert [int(v) for v in shown] == [int(v) for v in expected]
    lines = jsv(preview, qtbot, "[...document.querySelectorAll('#fn-entry-body > section')].map(s => s.dataset.lines)")
    assert lines == re.findall(r'data-lines="([\d-]+)"', preview.property("renderedHtml"))


def test_rapid_edits_end_on_the_last_one(services, preview, qtbot):
    entry = make_entry(services, "\n".join(SECTIONS))
    show(preview, qtbot, entry)
    body = "\n".join(SECTIONS)
    for n in range(40):
        body += f" word{n}"
        preview.set_body(body)
    qtbot.waitUntil(lambda: "word39" in preview.property("renderedHtml"), timeout=15000)
    qtbot.waitUntil(lambda: "word39" in body_text(preview, qtbot), timeout=15000)
    # Coalesced: far fewer renders reached the page than edits were made.
    assert preview.stats.frames < 40
    qtbot.wait(300)
    assert "word39" in body_text(preview, qtbot)


def test_metadata_change_refreshes_the_header_and_keeps_the_body(services, preview, qtbot):
    entry = make_entry(services, "\n".join(SECTIONS), title="Old title")
    show(preview, qtbot, entry)
    changed = services.entries.update(entry.id, EntryFields(title="New title", category="Rivers"))
    show(preview, qtbot, changed)
    header = js(preview, qtbot, "document.getElementById('fn-entry-header').innerText")
    assert "New title" in header and "RIVERS" in header.upper()
    assert preview.stats.full_replacements == 1  # the body was not sent again


def test_switching_entries_and_clearing(services, preview, qtbot):
    first = make_entry(services, "Only the first entry says marmot.", title="First")
    second = make_entry(services, "The second one says ibex.", title="Second")
    show(preview, qtbot, first)
    show(preview, qtbot, second)
    assert "ibex" in body_text(preview, qtbot) and "marmot" not in body_text(preview, qtbot)
    with qtbot.waitSignal(preview.rendered, timeout=10000):
        preview.clear()
    assert preview.property("renderedHtml") == ""
    assert body_text(preview, qtbot).strip() == ""


def test_dark_mode_sets_the_page_class(services, preview, qtbot):
    preview.set_dark(True)
    qtbot.waitUntil(lambda: js(preview, qtbot, "document.documentElement.classList.contains('fn-dark')"))
    assert js(preview, qtbot, "getComputedStyle(document.documentElement).getPropertyValue('--paper').trim()") == "#16150f"
    preview.set_dark(False)
    qtbot.waitUntil(lambda: not js(preview, qtbot, "document.documentElement.classList.contains('fn-dark')"))
    assert js(preview, qtbot, "document.documentElement.classList.contains('fn-light')")


def test_scroll_position_is_kept_when_a_section_above_grows(services, preview, qtbot):
    sections = [f"## Chapter {n}\n\n" + "\n\n".join(f"Line {n}.{k} of the story." for k in range(12)) + "\n" for n in range(40)]
    entry = make_entry(services, "\n".join(sections))
    show(preview, qtbot, entry)
    js(preview, qtbot, "document.querySelectorAll('#fn-entry-body > section')[20].scrollIntoView(); 1")
    before = jsv(preview, qtbot, "[window.scrollY, document.querySelectorAll('#fn-entry-body > section')[20].getBoundingClientRect().top]")

    edited = list(sections)
    edited[5] = edited[5] + "\n" + "\n\n".join(f"Inserted paragraph {k}." for k in range(10)) + "\n"
    type_body(preview, qtbot, "\n".join(edited))

    after = jsv(preview, qtbot, "[window.scrollY, document.querySelectorAll('#fn-entry-body > section')[20].getBoundingClientRect().top]")
    assert after[0] > before[0]  # the page scrolled by what grew above…
    assert abs(after[1] - before[1]) <= 1  # …so the text in view did not move


def test_a_book_length_entry_renders_and_patches(services, preview, qtbot):
    sections = [f"## Chapter {n}\n\n{book_chapter(n)} end{n}\n" for n in range(400)]  # ~200,000 words
    entry = make_entry(services, "\n".join(sections))
    show(preview, qtbot, entry, timeout=120000)
    assert "end399" in body_text(preview, qtbot)
    assert len(preview.property("renderedHtml")) > 2 * 1024 * 1024  # past setHtml's 2 MB limit

    sections[399] = sections[399].replace("end399", "finale399")
    type_body(preview, qtbot, "\n".join(sections), timeout=60000)
    assert preview.stats.last_sent_keys and len(preview.stats.last_sent_keys) == 1
    assert "finale399" in js(preview, qtbot, "document.getElementById('fn-entry-body').lastElementChild.innerText")


def test_an_exported_entry_opens_from_the_sections_the_export_kept(services, preview, qtbot, tmp_path):
    from fieldnotes_desktop.services.publish import ExportOptions

    body = "\n".join(f"## Chapter {n}\n\n{book_chapter(n)}\n" for n in range(12))
    entry = make_entry(services, body, status="finished")
    services.exports.export(ExportOptions(out=tmp_path / "site"))
    show(preview, qtbot, entry)
    assert preview.stats.sections_rendered == 0, "the export's sections were rendered again"
    assert "Chapter 11" in body_text(preview, qtbot)

    type_body(preview, qtbot, body.replace("## Chapter 11", "## Chapter eleven"))
    assert preview.stats.sections_rendered == 1  # the one section typed in

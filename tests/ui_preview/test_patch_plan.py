"""The patch planner keeps the unchanged head and tail of the page and swaps only the middle."""

from __future__ import annotations

from fieldnotes_desktop.ui.preview.patch import ShownSection, plan_patch


def sections(*specs: tuple[str, int, int]) -> list[ShownSection]:
    return [
        ShownSection(key, start, end, f'<section data-key="{key}" data-lines="{start}-{end}"><p data-line="{start}">{key}</p></section>')
        for key, start, end in specs
    ]


OLD = sections(("a", 0, 3), ("b", 3, 6), ("c", 6, 9), ("d", 9, 12))


def test_nothing_shown_yet_sends_everything():
    patch = plan_patch(None, OLD)
    assert patch.full and patch.inserted_keys == ("a", "b", "c", "d")


def test_same_document_sends_nothing():
    patch = plan_patch(OLD, sections(("a", 0, 3), ("b", 3, 6), ("c", 6, 9), ("d", 9, 12)))
    assert patch.empty


def test_one_changed_section_is_swapped_alone():
    new = sections(("a", 0, 3), ("B", 3, 6), ("c", 6, 9), ("d", 9, 12))
    patch = plan_patch(OLD, new)
    assert not patch.full
    assert (patch.remove_keys, patch.inserted_keys, patch.before_key, patch.line_shift) == (("b",), ("B",), "c", 0)


def test_lines_added_shift_the_tail_instead_of_resending_it():
    new = sections(("a", 0, 3), ("B", 3, 8), ("c", 8, 11), ("d", 11, 14))
    patch = plan_patch(OLD, new)
    assert (patch.inserted_keys, patch.before_key, patch.line_shift) == (("B",), "c", 2)


def test_a_renamed_heading_id_below_counts_as_changed():
    new = sections(("a", 0, 3), ("B", 3, 8), ("c", 8, 11), ("d", 11, 14))
    new[3] = ShownSection("d", 11, 14, new[3].html.replace("<p", '<p id="other"'))
    patch = plan_patch(OLD, new)
    assert patch.inserted_keys == ("B", "c", "d") and patch.before_key is None


def test_appending_and_deleting_sections():
    grown = plan_patch(OLD, OLD + sections(("e", 12, 15)))
    assert (grown.remove_keys, grown.inserted_keys, grown.before_key) == ((), ("e",), None)
    shrunk = plan_patch(OLD, OLD[:1] + sections(("c", 3, 6), ("d", 6, 9)))
    assert (shrunk.remove_keys, shrunk.inserted_keys, shrunk.before_key, shrunk.line_shift) == (("b",), (), "c", -3)


def test_a_mostly_new_document_is_replaced_whole():
    many = sections(*[(f"k{n}", n, n + 1) for n in range(40)])
    other = sections(*[(f"x{n}", n, n + 1) for n in range(40)])
    assert plan_patch(many, other).full

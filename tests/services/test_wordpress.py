"""Reading a WordPress export: which items become entries, their fields, their Markdown, the notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.records import DRAFT, FINISHED, UNSET, ImportNote
from fieldnotes_desktop.services.markdown_files import ParsedFile
from fieldnotes_desktop.services.wordpress import WxrRead, read_wxr

from wxr_sample import write_export

RIDGE_MARKDOWN = """\
We left the hut at **five**, under a *clear* sky. See [the map](https://maps.example/ridge).

## The ridge

![The ridge at dawn](2024/05/ridge.jpg)

*First light on the ridge*

- water: 2 l
- map & compass

> The mountains are calling.

```python
def pace(km, hours):
    return km / hours  # *not* emphasis
```

![Summit cairn](2024/05/summit.png)

![Lost](https://blog.example/wp-content/uploads/2023/01/lost.jpg)

| Day | Km |
| --- | --- |
| 1 | 14 |
"""


@pytest.fixture
def export(tmp_path: Path) -> tuple[Path, Path]:
    return write_export(tmp_path)


@pytest.fixture
def read(export: tuple[Path, Path]) -> WxrRead:
    return read_wxr(*export)


def post(read: WxrRead, slug: str) -> ParsedFile:
    (found,) = [f for f in read.files if f.fields.slug == slug]
    return found


def notes_of(read: WxrRead, construct: str) -> list[ImportNote]:
    return [n for n in read.notes if n.construct == construct]


def line_of(export: Path, line: int | None) -> str:
    assert line is not None
    return export.read_text(encoding="utf-8").split("\n")[line - 1]


def test_only_posts_become_entries_and_the_rest_is_counted_in_one_note(read: WxrRead) -> None:
    assert [f.fields.slug for f in read.files] == ["ridge-walk", "autumn-packing", "notes-to-self", "week-of-photos", "14"]
    (passed,) = notes_of(read, "not a post")
    assert passed.text == (
        "Only posts are imported; passed over: attachments (the media library): 2, menu items: 1, pages: 1, "
        "posts in the trash: 1."
    )


def test_a_published_post_keeps_its_fields(read: WxrRead) -> None:
    fields = post(read, "ridge-walk").fields
    assert fields.title == "A ridge walk & a hut"
    assert fields.status == FINISHED
    assert fields.date == dt.date(2024, 5, 12)
    assert fields.published_time == "07:30:00+02:00"  # local 07:30, GMT 05:30
    assert fields.category == "Walks"
    assert fields.tags == ("ridge", "dawn", "Alps")  # the second category is a tag, as for Jekyll
    assert fields.summary == "Up the ridge at dawn."
    assert fields.author == "Ana Lindqvist"  # the login's display name
    assert fields.aliases == ("/2024/05/12/ridge-walk/",)


def test_block_editor_html_becomes_markdown_with_code_images_captions_and_tables(read: WxrRead) -> None:
    assert post(read, "ridge-walk").fields.body == RIDGE_MARKDOWN


def test_images_in_the_media_folder_are_referred_to_relative_to_it(read: WxrRead, export: tuple[Path, Path]) -> None:
    ridge = post(read, "ridge-walk")
    # The resized copy was not kept, and the link to the full size is dropped: the original is used.
    assert ridge.image_refs == ("2024/05/ridge.jpg", "2024/05/summit.png")
    assert read.media == export[1].resolve()
    assert ridge.path.parent == read.media  # where the importer resolves the references from
    assert ridge.path.name == "export.xml: ridge-walk"
    assert all((read.media / ref).is_file() for f in read.files for ref in f.image_refs)


def test_an_image_missing_from_the_media_folder_keeps_its_address_with_a_note(
    read: WxrRead, export: tuple[Path, Path]
) -> None:
    (missing,) = notes_of(read, "image")
    assert missing.text == (
        "“A ridge walk & a hut”: 2023/01/lost.jpg is not in the media folder, so the entry shows it from "
        "blog.example; copy it there and import again to keep it."
    )
    assert "2023/01/lost.jpg" in line_of(export[0], missing.line)


def test_without_a_media_folder_images_stay_on_the_old_site_with_one_note_a_post(
    export: tuple[Path, Path], tmp_path: Path
) -> None:
    alone = tmp_path / "alone" / export[0].name  # no uploads folder beside it
    alone.parent.mkdir()
    alone.write_bytes(export[0].read_bytes())
    read = read_wxr(alone)
    assert read.media is None
    assert all(f.image_refs == () for f in read.files)
    assert "](https://blog.example/wp-content/uploads/2024/05/ridge-1024x768.jpg)" in str(post(read, "ridge-walk").fields.body)
    assert [n.text.split(": ", 1)[1] for n in notes_of(read, "image")][:2] == [
        "3 uploaded images still show from the old site; import again with the media folder "
        "(a copy of wp-content/uploads) to keep them.",
        "1 uploaded image still shows from the old site; import again with the media folder "
        "(a copy of wp-content/uploads) to keep them.",
    ]


def test_a_classic_draft_gets_paragraphs_breaks_and_its_caption(read: WxrRead) -> None:
    draft = post(read, "autumn-packing")  # WordPress leaves a draft's post_name empty
    assert draft.fields.status == DRAFT
    assert draft.fields.published_time == "07:30:00"  # a draft has no GMT date, so no zone
    assert draft.fields.category == ""  # "Uncategorized" is WordPress's default, not the writer's
    assert draft.fields.aliases == ()  # its link is /?p=11, no address of its own
    assert draft.fields.body == (
        "Packing list for the autumn.\\\nBoots first.\n\n"
        "Then the *tent*, which \\<b> is not bold.\n\n"
        "![Cairn](2024/05/summit.png)\n\n*The cairn on top*\n"
    )
    assert draft.image_refs == ("2024/05/summit.png",)


def test_a_private_post_is_a_draft(read: WxrRead) -> None:
    assert post(read, "notes-to-self").fields.status == DRAFT
    assert post(read, "notes-to-self").fields.body == "Private.\n"


def test_galleries_frames_and_plugin_shortcodes_are_reported_at_their_lines(
    read: WxrRead, export: tuple[Path, Path]
) -> None:
    week = post(read, "week-of-photos")
    assert week.fields.body == (
        "Photos from the week.\n\n![](2024/05/ridge.jpg)\n\n![](2024/05/summit.png)\n\n"
        "<https://www.youtube.com/embed/abc123>\n\n[contact-form-7 id=\"12\" title=\"Contact\"]\n"
    )
    assert week.fields.published_time == "18:00:00-04:30"
    found = {(n.construct, line_of(export[0], n.line).strip()[:20]) for n in read.notes if n.text.startswith("“A week")}
    assert found == {
        ("[gallery]", '[gallery ids="41,42"'),
        ("<iframe>", '<iframe src="https:/'),
        ("[contact-form-7]", '[contact-form-7 id="'),
        ("[gallery]", "[gallery]]]></conten"),
    }
    texts = [n.text for n in read.notes if n.text.startswith("“A week")]
    assert "“A week of photos”: an embedded <iframe> from www.youtube.com became a link to it." in texts
    assert "“A week of photos”: a [gallery] named no image found in the export, so it was left out; add its images by hand." in texts


def test_a_password_protected_post_without_a_title_is_a_titled_draft_with_notes(read: WxrRead) -> None:
    untitled = post(read, "14")
    assert untitled.fields.title == "Just a line of text without a heading"
    assert untitled.fields.status == DRAFT
    assert [n.text for n in notes_of(read, "title")] == [
        "a post had no title; it is called “Just a line of text without a heading” now."
    ]
    (password,) = notes_of(read, "password")
    assert password.text.startswith("“Just a line of text without a heading” was protected by a password;")


def test_block_editor_comments_are_dropped_without_a_note(read: WxrRead) -> None:
    assert all("wp:" not in str(f.fields.body) for f in read.files)
    assert not [n for n in read.notes if "wp:" in n.construct]


def test_an_undated_post_is_left_for_the_importer_to_date(tmp_path: Path) -> None:
    from wxr_sample import _HEAD, _TAIL, item

    path = tmp_path / "export.xml"
    undated = item("Undated", "<p>x</p>", post_id=3, name="undated", date="", date_gmt="").replace(
        "<pubDate>Sun, 12 May 2024 05:30:00 +0000</pubDate>", "<pubDate></pubDate>"
    )
    path.write_text(_HEAD + undated + _TAIL, encoding="utf-8")
    (only,) = read_wxr(path).files
    assert only.fields.date is UNSET
    assert only.fields.published_time == ""


def test_the_media_folder_may_be_given_as_the_site_or_wp_content_folder(tmp_path: Path) -> None:
    export, _ = write_export(tmp_path / "site" / "wp-content")  # its media folder is wp-content/uploads
    for given in (tmp_path / "site", tmp_path / "site" / "wp-content"):
        read = read_wxr(export, given)
        assert read.media == (tmp_path / "site" / "wp-content" / "uploads").resolve()
        assert post(read, "ridge-walk").image_refs == ("2024/05/ridge.jpg", "2024/05/summit.png")


def test_a_media_folder_that_is_not_there_is_refused(export: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as caught:
        read_wxr(export[0], tmp_path / "nowhere")
    assert str(caught.value) == (
        f"{tmp_path / 'nowhere'} is not a folder; give the folder that holds the export's images, "
        "a copy of wp-content/uploads (nothing was imported)."
    )


def test_syntaxhighlighter_code_becomes_a_fenced_block_and_a_plugin_pair_keeps_what_it_holds() -> None:
    from fieldnotes_desktop.services.wxr_html import convert_body
    from fieldnotes_desktop.services.wxr_shortcodes import Attachments

    body = convert_body(
        '[code language="python"]\nif a &lt; b:\n    print([1, 2])\n[/code]\n\n'
        '[su_box title="Note"]Inside [caption]<img src="a.png" alt="A"> A caption[/caption][/su_box]',
        "1", Attachments({}, {}), None,
    )
    assert body.markdown == (
        "```python\nif a < b:\n    print([1, 2])\n```\n\n"
        '[su\\_box title="Note"]Inside\n\n![A](a.png)\n\n*A caption*\n\n[/su\\_box]\n'
    )
    assert body.notes == (
        ("[su_box]", 5, "a [su_box] shortcode (from a plugin) was kept as text; replace it with what it showed"),
    )

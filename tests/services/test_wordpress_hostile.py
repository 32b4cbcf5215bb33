"""A WordPress export is user input: bombs, other XML, damaged files and pathological bodies are
refused with one sentence, or read in bounded time, never expanded or followed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fieldnotes_desktop.errors import ImportFailed
from fieldnotes_desktop.services import wxr_xml
from fieldnotes_desktop.services.wordpress import read_wxr
from fieldnotes_desktop.services.wxr_html import MAX_NOTES_OF_A_KIND, convert_body
from fieldnotes_desktop.services.wxr_shortcodes import Attachments

from wxr_sample import _HEAD, _TAIL, item

# Generous for a shared two-core machine: each case takes milliseconds alone.
BOUND_S = 10.0

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>&lol9;</title></item></channel></rss>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><title>&secret;</title></channel></rss>
"""
EXPORT_AGAIN = "export the site again in WordPress with Tools → Export and import the file it downloads (nothing was imported)."
NOT_WXR = "not a WordPress export (WXR); in WordPress, Tools → Export downloads one (nothing was imported)."


def refusal(path: Path, text: str | bytes) -> str:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as caught:
        read_wxr(path)
    assert time.perf_counter() - started < BOUND_S
    message = str(caught.value)
    assert "\n" not in message and message.endswith(".") and message.count(". ") == 0  # one sentence
    return message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BILLION_LAUGHS, f"bad.xml declares a DTD or entities, which a WordPress export never does; {EXPORT_AGAIN}"),
        (EXTERNAL_ENTITY, f"bad.xml declares a DTD or entities, which a WordPress export never does; {EXPORT_AGAIN}"),
        ('<?xml version="1.0"?><html><body>hi</body></html>', f"bad.xml is an XML file whose root is <html>, {NOT_WXR}"),
        ('<rss version="2.0"><channel><title>A feed</title><item><title>x</title></item></channel></rss>',
         f"bad.xml is an RSS feed, {NOT_WXR}"),
        ("<rss/>", f"bad.xml is an <rss> file without a <channel>, {NOT_WXR}"),
        ("", f"bad.xml is empty; {EXPORT_AGAIN}"),
        ('<rss><channel></chanel></rss>',
         f"bad.xml is not well-formed XML (mismatched tag at line 1, column 17); {EXPORT_AGAIN}"),
        ('<rss><channel>&nbsp;</channel></rss>',
         f"bad.xml is not well-formed XML (undefined entity at line 1, column 15); {EXPORT_AGAIN}"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", f"bad.xml is not well-formed XML (invalid token at line 1, column 1); {EXPORT_AGAIN}"),
    ],
    ids=["billion-laughs", "external-entity", "html", "rss-feed", "no-channel", "empty", "mismatched", "entity", "png"],
)
def test_what_is_not_a_readable_export_is_refused_in_one_sentence(tmp_path: Path, text: str | bytes, expected: str) -> None:
    assert refusal(tmp_path / "bad.xml", text) == expected


def test_a_truncated_export_is_refused_as_cut_short(tmp_path: Path) -> None:
    whole = _HEAD + item("Ridge", "<p>" + "words " * 500 + "</p>", post_id=1, name="ridge") + _TAIL
    cut = whole[: len(whole) * 2 // 3]
    message = refusal(tmp_path / "export.xml", cut)
    line = cut.count("\n") + 1
    assert message == f"export.xml stops before its end (line {line}): the export was cut short; {EXPORT_AGAIN}"


def test_an_export_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wxr_xml, "MAX_WXR_BYTES", 1024)
    message = refusal(tmp_path / "export.xml", _HEAD + item("Big", "x" * 4096, post_id=1) + _TAIL)
    assert message == "export.xml is 0.1 MB; Field Notes reads WordPress exports up to 0.1 MB, so nothing was imported."


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "export.xml"
    import os

    os.mkfifo(fifo)
    with pytest.raises(ImportFailed, match=r"^export\.xml is a named pipe, not a file with text in it"):
        read_wxr(fifo)


def test_elements_nested_inside_fields_are_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    odd = item("Plain", "<p>x</p>", post_id=1, name="plain").replace(
        "<title><![CDATA[Plain]]></title>", "<title><![CDATA[Plain]]><b>bold</b> title</title>"
    )
    path.write_text(_HEAD + odd + _TAIL, encoding="utf-8")
    (only,) = read_wxr(path).files
    assert only.fields.title == "Plain title"


NO_ATTACHMENTS = Attachments({}, {})


@pytest.mark.parametrize(
    "body",
    [
        "<div>" * 20_000 + "deep" + "</div>" * 20_000,
        "<blockquote>" * 20_000 + "deep",
        "[caption]" * 100_000,
        "[caption " + "a" * 1_000_000,
        "[" * 1_000_000,
        "<" * 1_000_000,
        "<p>" * 100_000,
        "[/x]" * 100_000 + "[x a=1]" * 10_000,
        "<p " * 300_000,
        "<!-- wp:paragraph " * 100_000,
        "<!-- wp:x -->" + "<!-- wp:" * 100_000,
        '[caption]<a <img ' * 50_000 + "[/caption]",
        "x \n" * 60_000 + " " * 300_000 + "\n" + " " * 300_000,
        "<?php " * 100_000 + "<!DOCTYPE html>" * 10_000 + "<![CDATA[" * 50_000,
        "<p>" * 1_000_000,  # over MAX_BODY_CHARS: its text is kept unconverted
    ],
    ids=["nested-divs", "unclosed-quotes", "captions", "open-caption", "brackets", "angles", "paragraphs",
         "closings", "open-tags", "open-block-comments", "unclosed-block-comments", "open-caption-tags", "breaks-and-spaces", "declarations",
         "over-limit"],
)
def test_a_pathological_body_is_converted_in_bounded_time_with_few_notes(body: str) -> None:
    started = time.perf_counter()
    converted = convert_body(body, "1", NO_ATTACHMENTS, None)
    assert time.perf_counter() - started < BOUND_S
    assert len(converted.notes) <= 2 * MAX_NOTES_OF_A_KIND + 2


def test_a_body_nested_too_deeply_keeps_its_text_with_a_note() -> None:
    converted = convert_body("<div>" * 20_000 + "deep" + "</div>" * 20_000, "1", NO_ATTACHMENTS, None)
    assert converted.markdown == "deep\n"
    assert [n[2] for n in converted.notes] == ["the body nests its HTML too deeply to convert, so only its text was kept"]


def test_many_notes_of_a_kind_are_counted_after_the_first_ten() -> None:
    converted = convert_body("[playlist]\n" * 25, "1", NO_ATTACHMENTS, None)
    assert len(converted.notes) == MAX_NOTES_OF_A_KIND + 1
    assert converted.notes[-1] == ("[playlist]", 10, "and 15 more like these from this line on")


def test_image_addresses_never_lead_out_of_the_media_folder(tmp_path: Path) -> None:
    from fieldnotes_desktop.services.wxr_media import MediaFolder

    media = tmp_path / "uploads"
    media.mkdir()
    (tmp_path / "secret.png").write_bytes(b"\x89PNG")
    (media / "link.png").symlink_to(tmp_path / "secret.png")
    folder = MediaFolder(media)
    body = "".join(
        f'<p><img src="https://blog.example/wp-content/uploads/{p}" alt="x"></p>'
        for p in ("../secret.png", "%2e%2e/secret.png", "link.png", "/etc/passwd.png")
    )
    converted = convert_body(body, "1", NO_ATTACHMENTS, folder)
    assert converted.image_refs == ()
    assert len(converted.notes) == 4


def test_deeply_nested_xml_is_streamed_past_in_bounded_time(tmp_path: Path) -> None:
    deep = "<x>" * 200_000 + "</x>" * 200_000
    path = tmp_path / "export.xml"
    path.write_text(_HEAD + item("Deep", "<p>x</p>", post_id=1, name="deep", extra=deep) + _TAIL, encoding="utf-8")
    started = time.perf_counter()
    (only,) = read_wxr(path).files
    assert time.perf_counter() - started < BOUND_S
    assert only.fields.body == "x\n"

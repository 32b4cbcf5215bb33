"""Theme overrides: a folder beside the database or --theme replaces templates; a broken one fails cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_helpers import site_files

from fieldnotes_desktop.config import theme_override_dir
from fieldnotes_desktop.errors import ExportFailed
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.publish import ExportOptions


def test_a_theme_folder_beside_the_database_overrides_one_template(samples: Services, tmp_path: Path) -> None:
    theme = theme_override_dir(samples.db_path)
    theme.mkdir()
    (theme / "_entry_footer.html").write_text('<p class="custom">Thanks for reading, {{ ctx.author_name }}.</p>\n')
    (theme / "site.css").write_text("body { color: rebeccapurple; }\n")
    out = tmp_path / "site"
    samples.exports.export(ExportOptions(out=out))
    page = (out / "reading-the-wal-by-hand" / "index.html").read_text()
    assert '<p class="custom">Thanks for reading, Ines Okafor.</p>' in page
    assert "More field notes" not in page
    assert 'class="entry-title"' in page  # the other templates are still the packaged ones
    assert (out / "assets" / "site.css").read_text() == "body { color: rebeccapurple; }\n"


@pytest.mark.parametrize(
    ("template", "source", "expected"),
    [
        (
            "index.html",
            "{% extends 'base.html' %}\n{% block content %}\n{% for x in volumes %}\n{% endblock %}\n",
            "The template index.html in the theme folder {theme} has an error on line 4: ",
        ),
        (
            "_entry_header.html",
            "<h1>{{ ctx.title }}</h1>\n<p>{{ ctx.no_such_field }}</p>\n",
            "The template _entry_header.html in the theme folder {theme} failed on line 2: ",
        ),
    ],
)
def test_a_broken_template_is_one_sentence_and_nothing_is_half_written(
    samples: Services, tmp_path: Path, template: str, source: str, expected: str
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / template).write_text(source)
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("last week's site")
    with pytest.raises(ExportFailed) as caught:
        samples.exports.export(ExportOptions(out=out, theme_dir=theme))
    message = str(caught.value)
    assert message.startswith(expected.format(theme=theme)), message
    assert "\n" not in message and message.endswith(".")
    assert site_files(out) == {"index.html": b"last week's site"}


def test_a_missing_theme_folder_is_refused(samples: Services, tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="does not exist"):
        samples.exports.export(ExportOptions(out=tmp_path / "site", theme_dir=tmp_path / "nope"))


def test_theme_files_are_package_data() -> None:
    from importlib import resources

    theme = resources.files("fieldnotes_desktop.export") / "theme"
    names = {p.name for p in theme.iterdir()}
    assert {"base.html", "entry.html", "_entry_header.html", "_entry_footer.html", "site.css", "feed.xml"} <= names


def test_a_theme_file_linking_outside_the_folder_is_refused(samples: Services, tmp_path: Path) -> None:
    secret = tmp_path / "private" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("my bank PIN is 0000")
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "_entry_footer.html").write_text('{% include "leak.html" %}\n')
    (theme / "leak.html").symlink_to(secret)
    with pytest.raises(ExportFailed, match="leak.html leads outside the theme folder"):
        samples.exports.export(ExportOptions(out=tmp_path / "site", theme_dir=theme))
    assert not any("0000" in p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*.html"))


def test_a_theme_file_that_is_a_pipe_is_refused_not_waited_on(samples: Services, tmp_path: Path) -> None:
    import os

    theme = tmp_path / "theme"
    theme.mkdir()
    os.mkfifo(theme / "entry.html")
    with pytest.raises(ExportFailed, match="entry.html is not a plain file"):
        samples.exports.export(ExportOptions(out=tmp_path / "site", theme_dir=theme))

"""Themes made for an earlier release keep working: the list pages' rows through the old macro."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services
from fieldnotes_desktop.services.publish import ExportOptions


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(tmp_path / "notes.db")
    yield opened
    opened.close()

OLD_MACRO = """{% macro entry_list(items) %}
<ul class="my-rows">{% for item in items %}<li class="my-row">{{ item.title }}</li>{% endfor %}</ul>
{% endmacro %}
"""


def _export(services: Services, out: Path, theme: Path | None) -> str:
    services.entries.create(EntryFields(title="Crossing the col", body="Ice at dawn.", status="finished"))
    services.exports.export(ExportOptions(out=out, theme_dir=theme))
    return (out / "index.html").read_text(encoding="utf-8")


def test_a_theme_overriding_the_entry_list_macro_still_draws_the_index_rows(services: Services, tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "_entry_list.html").write_text(OLD_MACRO, encoding="utf-8")
    page = _export(services, tmp_path / "site", theme)
    assert '<li class="my-row">Crossing the col</li>' in page
    assert 'class="entry-item"' not in page


def test_a_theme_copying_the_new_macro_alone_uses_the_packaged_rows(services: Services, tmp_path: Path) -> None:
    from fieldnotes_desktop.export.theme import packaged_theme

    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "_entry_list.html").write_bytes((packaged_theme() / "_entry_list.html").read_bytes())
    page = _export(services, tmp_path / "site", theme)  # no loop through the macro and back
    assert 'class="entry-item"' in page and "Crossing the col" in page


OLD_ENTRY = """{% extends "base.html" %}
{% block title %}{{ page_title }}{% endblock %}
{% block head_meta %}
{% if description %}
<meta name="description" content="{{ description }}">
{% endif %}
{% endblock %}
{% block content %}
<article class="my-entry">{{ header_html }}{{ body_html }}{{ footer_html }}</article>
{% endblock %}
"""
OLD_BASE = """<!doctype html>
<html><head><title>{% block title %}{% endblock %}</title>{% block head_meta %}{% endblock %}</head>
<body>{% block content %}{% endblock %}</body></html>
"""


def test_a_theme_from_before_the_head_tags_still_exports(services: Services, tmp_path: Path) -> None:
    """Its entry page keeps its own head (the new tags are offered to it, not imposed); the
    packaged list pages put theirs in the `head_meta` block of its own base template."""
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "entry.html").write_text(OLD_ENTRY, encoding="utf-8")
    (theme / "base.html").write_text(OLD_BASE, encoding="utf-8")
    services.site.update(base_url="https://notes.example.org/")
    services.entries.create(EntryFields(title="Crossing the col", summary="Over the col.", body="Ice.", status="finished"))
    out = tmp_path / "site"
    services.exports.export(ExportOptions(out=out, theme_dir=theme))
    entry = (out / "crossing-the-col" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="description" content="Over the col.">' in entry and 'class="my-entry"' in entry
    assert "og:" not in entry
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Crossing the col" in index and '<link rel="canonical" href="https://notes.example.org/">' in index

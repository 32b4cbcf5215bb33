"""Importing a whole Jekyll or Hugo site: its posts, their status, dates, metadata, converted syntax and report."""

from __future__ import annotations

from pathlib import Path

import pytest

from fieldnotes_desktop.records import Entry, EntryFilter, ImportReport
from fieldnotes_desktop.services import Services

from site_folders import HUGO_SUMMIT, JEKYLL_FIRST, JEKYLL_SECOND, hugo_site, jekyll_site, png, write


def _by_slug(services: Services, report: ImportReport) -> dict[str, Entry]:
    return {e.slug: services.entries.get(e.id) for e in report.created}


def _line(text: str, start: str) -> int:
    """The 1-based line of `text` that starts with `start`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def test_a_jekyll_site_comes_in_with_its_statuses_dates_and_metadata(services: Services, tmp_path: Path) -> None:
    report = services.imports.import_paths([jekyll_site(tmp_path / "blog")])
    entries = _by_slug(services, report)
    assert sorted(entries) == ["first-light", "half-written", "second-camp"]  # no about.md, README, layout
    assert {s: e.status for s, e in entries.items()} == {
        "first-light": "finished", "second-camp": "draft", "half-written": "draft"}
    first = entries["first-light"]
    assert (first.date.isoformat(), first.published_time) == ("2024-03-02", "07:30:00+01:00")
    assert (first.category, first.tags) == ("field", ("camera", "dawn"))
    assert first.summary == "Sunrise over the ridge, and the code that named the photos."
    assert (first.author, first.cover) == ("Ana Ruiz", "ridge.png")
    assert first.aliases == ("/2024/03/02/old-first-light.html",)
    assert report.assets == 1  # the cover and the body's image are one file
    assert any("about.md" in line for line in report.skipped)


def test_jekyll_syntax_becomes_markdown_and_what_remains_is_reported(services: Services, tmp_path: Path) -> None:
    report = services.imports.import_paths([jekyll_site(tmp_path / "blog")])
    entries = _by_slug(services, report)
    body = entries["first-light"].body
    assert '```ruby\ndef greet(name)\n  puts "hi #{name}"\n\nend\n```' in body  # every line, the blank one too
    assert "Use {{ page.title }} in a layout." in body and "{% raw %}" not in body
    assert "[the second camp](../second-camp/)" in body
    assert "[the setup](https://trail.example/log/docs/setup/)" in body
    assert "![Ridge at dawn](assets/ridge.png)" in body  # stored, and named as the desk names it
    assert '{% include gallery.html folder="ridge" %}' in body  # kept, visible
    assert "[first light](../first-light/)" in entries["half-written"].body
    second = entries["second-camp"].body
    assert '`<iframe src="https://maps.example/embed?camp=2" width="600"></iframe>`' in second

    notes = {(n.file, n.construct): n for n in report.notes}
    include = notes[("_posts/2024-03-02-first-light.md", "{% include %}")]
    assert include.line == _line(JEKYLL_FIRST, "{% include")
    assert notes[("_posts/2024-03-05-second-camp.md", "<iframe>")].line == _line(JEKYLL_SECOND, "<iframe")
    assert "https://elsewhere.example/first" in notes[("_posts/2024-03-02-first-light.md", "aliases")].text
    assert len(report.notes) == 3


def test_a_hugo_site_comes_in_with_bundles_figures_videos_and_references(services: Services, tmp_path: Path) -> None:
    report = services.imports.import_paths([hugo_site(tmp_path / "site")])
    entries = _by_slug(services, report)
    assert {s: e.status for s, e in entries.items()} == {
        "summit-day": "finished", "the-approach": "draft", "rest-day": "finished"}
    summit = entries["summit-day"]
    assert (summit.date.isoformat(), summit.published_time) == ("2024-06-01", "05:45:00-06:00")
    assert (summit.cover, summit.author, summit.aliases) == ("summit.png", "Ana Ruiz", ("/old/summit/",))
    assert (summit.category, summit.tags, summit.summary) == ("climbs", ("alpine",), "The last ridge, at first light.")
    body = summit.body
    assert "![A snow ridge](assets/summit.png)\n*The last ridge*" in body
    assert "<https://www.youtube.com/watch?v=w7Ft2ymGmfc>" in body and "youtube" not in body.replace("www.youtube", "")
    assert "Read [the approach](../the-approach/) first." in body
    assert '```go\npackage main\n\nfunc main() {\n\tprintln("up")\n}\n```' in body
    assert "{{< gist spf13 7896402 >}}" in body
    assert "[Clouds over camp](https://vimeo.com/76979871)" in entries["rest-day"].body
    assert entries["rest-day"].published_time == "16:00:00+00:00"
    assert report.assets == 2  # the bundle's image (body and cover) and static/images/map.png
    assert [(n.file, n.construct, n.line) for n in report.notes] == [
        ("content/posts/summit-day/index.md", "{{< gist >}}", _line(HUGO_SUMMIT, "{{< gist"))]
    assert sum("_index.md" in line for line in report.skipped) == 2


def test_a_dry_run_reports_everything_and_stores_nothing(services: Services, tmp_path: Path) -> None:
    report = services.imports.import_paths([jekyll_site(tmp_path / "blog")], dry_run=True)
    assert len(report.created) == 3 and report.assets == 1 and len(report.notes) == 3
    assert services.entries.count(EntryFilter()) == 0
    assert services.imports.import_paths([tmp_path / "blog"]).created[0].slug == "first-light"  # no -2: nothing kept


def test_the_status_option_applies_to_plain_files_only(services: Services, tmp_path: Path) -> None:
    write(tmp_path / "notes" / "plain.md", "---\ntitle: Plain\n---\nx\n")
    write(tmp_path / "notes" / "said.md", "---\ntitle: Said\nstatus: draft\n---\nx\n")
    jekyll_site(tmp_path / "blog")
    report = services.imports.import_paths([tmp_path / "notes", tmp_path / "blog"], status="finished")
    assert {e.slug: e.status for e in report.created} == {
        "plain": "finished", "said": "draft",
        "first-light": "finished", "second-camp": "draft", "half-written": "draft"}
    default = services.imports.import_paths([write(tmp_path / "other.md", "# Other\n")])
    assert default.created[0].status == "draft"


def test_our_status_key_wins_over_the_sources_own(services: Services, tmp_path: Path) -> None:
    write(tmp_path / "blog" / "_config.yml", "title: X\n")
    write(tmp_path / "blog" / "_drafts" / "ready.md", "---\ntitle: Ready\nstatus: finished\npublished: false\n---\nx\n")
    write(tmp_path / "blog" / "_posts" / "2024-01-01-held.md", "---\ntitle: Held\nstatus: draft\n---\nx\n")
    report = services.imports.import_paths([tmp_path / "blog"])
    assert {e.slug: e.status for e in report.created} == {"ready": "finished", "held": "draft"}


def test_a_post_named_by_itself_is_read_as_its_site_reads_it(services: Services, tmp_path: Path) -> None:
    blog = jekyll_site(tmp_path / "blog")
    report = services.imports.import_paths([blog / "_posts" / "2024-03-02-first-light.md"])
    entry = services.entries.get(report.created[0].id)
    assert entry.status == "finished"
    assert "```ruby" in entry.body and report.assets == 1  # /assets/ridge.png from the site's root


def test_a_re_import_of_our_own_markdown_export_is_exact(services: Services, tmp_path: Path) -> None:
    front = (
        "---\ntitle: 'Below the ridge: night three'\nslug: below-the-ridge\ndate: 2025-01-19T07:30:00+01:00\n"
        "status: finished\ncategory: Alpine\ntags: [night, snow]\nsummary: Cold, clear, quiet.\nvolume: 8\n"
        "elevation: 8200\nreading_minutes: 4\nlanguage: de\nword_goal: 900\ncover: tent.png\n"
        "author: Sam Moss\naliases: [/2019/05/ridge/]\n---\n"
    )
    write(tmp_path / "out" / "content" / "posts" / "below-the-ridge" / "index.md", front + "## Camp\n\nSnow.\n")
    write(tmp_path / "out" / "content" / "posts" / "below-the-ridge" / "tent.png", png(9))
    entry = services.entries.get(services.imports.import_paths([tmp_path / "out"]).created[0].id)
    assert (entry.title, entry.slug, entry.status, entry.category, entry.tags) == (
        "Below the ridge: night three", "below-the-ridge", "finished", "Alpine", ("night", "snow"))
    assert (entry.date.isoformat(), entry.published_time, entry.summary) == ("2025-01-19", "07:30:00+01:00", "Cold, clear, quiet.")
    assert (entry.volume, entry.elevation_m, entry.reading_minutes, entry.language, entry.word_goal) == (8, 8200, 4, "de", 900)
    assert (entry.cover, entry.author, entry.aliases, entry.body) == ("tent.png", "Sam Moss", ("/2019/05/ridge/",), "## Camp\n\nSnow.\n")


def test_toml_and_json_front_matter_are_read(services: Services, tmp_path: Path) -> None:
    write(tmp_path / "t.md", '+++\ntitle = "Toml"\ndate = 2024-02-03T04:05:06Z\nstatus = "finished"\n+++\nBody.\n')
    write(tmp_path / "j.md", '{\n  "title": "Json",\n  "tags": ["a", "b"]\n}\nBody.\n')
    report = services.imports.import_paths([tmp_path / "t.md", tmp_path / "j.md"])
    toml, json = (services.entries.get(e.id) for e in report.created)
    assert (toml.title, toml.status, toml.published_time, toml.body) == ("Toml", "finished", "04:05:06+00:00", "Body.\n")
    assert (json.title, json.tags, json.body) == ("Json", ("a", "b"), "Body.\n")


def test_a_post_whose_slug_is_taken_is_noted_with_the_links_that_miss_it(services: Services, tmp_path: Path) -> None:
    services.imports.import_paths([write(tmp_path / "first.md", "---\ntitle: First light\n---\nAlready here.\n")])
    report = services.imports.import_paths([jekyll_site(tmp_path / "blog")])
    assert "first-light-2" in {e.slug for e in report.created}
    renamed = [n for n in report.notes if n.construct == "slug"]
    assert [n.file for n in renamed] == ["_posts/2024-03-02-first-light.md"]
    assert "../first-light-2/" in renamed[0].text


@pytest.mark.parametrize("hostile", ["{%" * 400_000, "{{<" * 300_000, "{% raw %}" * 100_000, "<iframe " * 100_000,
                                     "{% highlight x %}" * 60_000, "{{ site.url }}" * 60_000])
def test_hostile_site_syntax_ends_in_bounded_time(services: Services, tmp_path: Path, hostile: str) -> None:
    import time

    write(tmp_path / "blog" / "_config.yml", "title: X\n")
    write(tmp_path / "blog" / "_posts" / "2024-01-01-x.md", "---\ntitle: X\n---\n" + hostile)
    started = time.monotonic()
    report = services.imports.import_paths([tmp_path / "blog"])
    assert time.monotonic() - started < 20
    assert len(report.notes) <= 52  # fifty and a count of the rest


@pytest.mark.parametrize(("written", "time"), [("'2025-01-19T07:30'", "07:30"), ("'2025-01-19T07:30:00Z'", "07:30:00Z"),
                                               ("2025-01-19 07:30:00 +0100", "07:30:00+01:00"), ("2025-01-19", "")])
def test_a_time_of_day_comes_in_as_it_was_written(services: Services, tmp_path: Path, written: str, time: str) -> None:
    path = write(tmp_path / "t.md", f"---\ntitle: T\ndate: {written}\n---\nx\n")
    entry = services.entries.get(services.imports.import_paths([path]).created[0].id)
    assert (entry.date.isoformat(), entry.published_time) == ("2025-01-19", time)

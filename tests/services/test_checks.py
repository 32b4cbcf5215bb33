"""The pre-publish checks over a real database file: each problem found on its line, a clean desk finds none."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldnotes_desktop.errors import ExportCancelled, NotFoundError
from fieldnotes_desktop.records import DRAFT, ERROR, FINISHED, SCHEDULED, WARNING, EntryFields, Finding
from fieldnotes_desktop.services import Services
from fieldnotes_desktop.services.findings import SHOWN_PER_KIND

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
BASE_URL = "https://notes.example.org/"


def entry(services: Services, slug: str, body: str = "Text.\n", *, status: str = FINISHED,
          title: str | None = None, summary: str = "A summary.", **fields: object) -> int:
    made = services.entries.create(EntryFields(
        title=title if title is not None else slug.replace("-", " ").title(), slug=slug, body=body,
        status=status, summary=summary, **fields,  # type: ignore[arg-type]
    ))
    return made.id


def where(findings: tuple[Finding, ...]) -> list[tuple[str, str, str, int | None]]:
    return [(f.level, f.code, f.slug, f.line) for f in findings]


@pytest.fixture
def desk(services: Services) -> Services:
    """A site with an address and two finished entries that link to each other properly."""
    services.site.update(base_url=BASE_URL)
    services.assets.add("ridge.png", PNG)
    entry(services, "ridge-day", "# The *North* Ridge\n\nWe went up.\n\n## Camp `two`\n\nCold.\n")
    entry(services, "valley-walk", (
        "Back down, after [the ridge](../ridge-day/) and its [camp](../ridge-day/#camp-two)\n"
        "(the [ridge page](../ridge-day/index.html#the-north-ridge) says more).\n\n"
        "## Notes\n\nSee [the notes](#notes), or go [up](#top).\n\n"
        "![The ridge from the valley at dawn](assets/ridge.png)\n"
    ))
    return services


def test_a_clean_desk_has_no_findings(desk: Services) -> None:
    found = desk.checks.run()
    assert found == ()
    assert found.entries == 2
    assert found.summary() == "No problems found in 2 entries."


def test_each_problem_is_found_on_its_line(desk: Services) -> None:
    desk.assets.add("huge.png", PNG + b"\x00" * (1024 * 1024))
    entry(desk, "next-trip", status=DRAFT)
    entry(desk, "gone-entry")
    desk.entries.trash(desk.entries.get_by_slug("gone-entry").id)
    body = (
        "# Field day\n"  # 1
        "\n"
        "An [old post](../old-post/) and a [draft](../next-trip/).\n"  # 3
        "The [camp](../ridge-day/#camp-three) and [this](#no-such-heading) and [day](#field-day).\n"  # 4
        "A [thrown-away one](../gone-entry/) and [a bare one](valley-walk/).\n"  # 5
        "\n"
        "```\n"
        "[in code](../not-checked/)\n"  # 8: code, not a link
        "```\n"
        "\n"
        "![IMG_2041](assets/ridge.png)\n"  # 11
        "![A tent in the snow](assets/tent.png)\n"  # 12
        "![A wide view](assets/huge.png)\n"  # 13
    )
    source = entry(desk, "field-day", body, summary="", date=dt.date(2025, 3, 1))
    found = desk.checks.run()
    assert where(found) == [
        (ERROR, "broken-link", "field-day", 3),
        (ERROR, "link-to-draft", "field-day", 3),
        (ERROR, "broken-link", "field-day", 4),
        (ERROR, "broken-link", "field-day", 4),
        (ERROR, "broken-link", "field-day", 5),
        (ERROR, "link-to-draft", "field-day", 5),
        (ERROR, "missing-image", "field-day", 12),
        (WARNING, "future-date", "field-day", None),
        (WARNING, "no-summary", "field-day", None),
        (WARNING, "alt-text", "field-day", 11),
        (WARNING, "huge-image", "field-day", 13),
    ]
    assert all(f.entry_id == source for f in found)
    messages = [f.message for f in found]
    assert "Link to “old-post” on line 3 leads to no entry; fix the slug or remove the link." in messages
    assert "Link to “next-trip” on line 3 leads to a draft, which is not published; finish that entry or remove the link." in messages
    assert any(m.startswith("Link to “ridge-day#camp-three” on line 4 leads to no heading of that entry") for m in messages)
    assert any(m.startswith("Link to “#no-such-heading” on line 4 leads to no heading of this entry") for m in messages)
    assert "Link to “gone-entry” on line 5 leads to an entry in the trash; restore it or remove the link." in messages
    assert any("“valley-walk/” on line 5 leads inside this entry's own folder" in m and "“../valley-walk/”" in m for m in messages)
    assert "The image “assets/tent.png” on line 12 is not in the database; add the image again or correct its name." in messages
    assert any(m.startswith("The image “ridge.png” on line 11 has no alt text") for m in messages)
    assert any(m.startswith("The image “huge.png” on line 13 is 1.0 MB") for m in messages)
    assert any(m.startswith("“Field Day” is finished but dated March 1, 2025, after today") for m in messages)
    assert found.summary() == "7 errors and 4 warnings in 3 entries."


def test_duplicate_titles_give_one_finding_per_entry_involved(desk: Services) -> None:
    entry(desk, "ridge-day-again", title="  the north RIDGE ")
    entry(desk, "ridge-day-third", title="The North Ridge")
    entry(desk, "ridge-draft", title="The North Ridge", status=DRAFT)  # not published: not a duplicate
    desk.entries.update(desk.entries.get_by_slug("ridge-day").id, EntryFields(title="The North Ridge"))
    found = desk.checks.run()
    assert where(found) == [(WARNING, "duplicate-title", slug, None)
                            for slug in ("ridge-day", "ridge-day-again", "ridge-day-third")]
    assert found[0].message == (
        "“The North Ridge” is also the title of “ridge-day-again” and “ridge-day-third”; "
        "give each a title of its own so readers can tell them apart."
    )


def test_a_site_without_an_address_is_one_site_wide_warning(desk: Services) -> None:
    desk.site.update(base_url="")
    (finding,) = desk.checks.run()
    assert (finding.level, finding.code, finding.slug, finding.entry_id, finding.line) == (
        WARNING, "no-site-address", "", None, None)
    assert "feed.xml" in finding.message and "--base-url" in finding.message
    assert desk.checks.run(slugs=["ridge-day"]) == ()  # one entry's pages need no address


def test_drafts_are_checked_and_linkable_when_they_are_published_too(desk: Services) -> None:
    entry(desk, "next-trip", "Soon [back](../valley-walk/) and [gone](../nowhere/).\n", status=DRAFT)
    entry(desk, "linker", "Read [the plan](../next-trip/).\n")
    assert where(desk.checks.run()) == [(ERROR, "link-to-draft", "linker", 1)]
    with_drafts = desk.checks.run(include_drafts=True)
    assert where(with_drafts) == [(ERROR, "broken-link", "next-trip", 1)]
    assert with_drafts.entries == 4


def test_scheduled_entries_count_once_their_moment_has_passed(desk: Services) -> None:
    # The clock says 2025-01-19 09:00 UTC: the export releases the first, not the second.
    entry(desk, "due-now", "[ok](../ridge-day/)\n", status=SCHEDULED, date=dt.date(2025, 1, 18))
    entry(desk, "later", status=SCHEDULED, date=dt.date(2025, 6, 1))
    entry(desk, "linker", "[due](../due-now/) and [later](../later/)\n")
    found = desk.checks.run()
    assert where(found) == [(ERROR, "link-to-draft", "linker", 1)]
    assert "“later” on line 1 leads to an entry scheduled for later" in found[0].message
    assert found.entries == 4  # ridge-day, valley-walk, due-now, linker


def test_chosen_entries_are_checked_whatever_their_status(desk: Services) -> None:
    entry(desk, "next-trip", "[gone](../nowhere/)\n", status=DRAFT, summary="")
    found = desk.checks.run(slugs=["next-trip"])
    assert where(found) == [(ERROR, "broken-link", "next-trip", 1), (WARNING, "no-summary", "next-trip", None)]
    assert found.entries == 1
    with pytest.raises(NotFoundError, match="There is no entry with the slug “nope”"):
        desk.checks.run(slugs=["nope"])
    desk.entries.trash(desk.entries.get_by_slug("next-trip").id)
    with pytest.raises(NotFoundError, match="“next-trip” is in the trash"):
        desk.checks.run(slugs=["next-trip"])


def test_anchors_are_the_ids_the_exported_page_gives_its_headings(desk: Services) -> None:
    entry(desk, "headings", (
        "## Gear\n\n## Gear\n\nSetext *heading*\nover two lines\n---\n\n> ## Quoted one\n\n"
        "## Fn notes\n\nText[^1] and <span id=\"mark\">here</span>.\n\n[^1]: A note.\n"
    ))
    entry(desk, "linker", (
        "[a](../headings/#gear) [b](../headings/#gear-1) [c](../headings/#setext-headingover-two-lines)\n"
        "[d](../headings/#quoted-one) [e](../headings/#user-fn-notes) [f](../headings/#fn1)\n"
        "[g](../headings/#user-mark) [h](../headings/#gear-2)\n"
        "[i](../headings/#mark)\n"
    ))
    found = desk.checks.run()
    assert where(found) == [(ERROR, "broken-link", "linker", 3), (ERROR, "broken-link", "linker", 4)]
    assert "the published page names it “user-mark”; link to “#user-mark” instead" in found[1].message


def test_findings_come_errors_first_then_by_entry_then_by_line(desk: Services) -> None:
    entry(desk, "b-entry", "\n[x](../nowhere/)\n\n[y](#nope)\n", summary="")
    entry(desk, "a-entry", "![](assets/ridge.png)\n\n\n[x](../nowhere/)\n", summary="")
    assert where(desk.checks.run()) == [
        (ERROR, "broken-link", "a-entry", 4),
        (ERROR, "broken-link", "b-entry", 2),
        (ERROR, "broken-link", "b-entry", 4),
        (WARNING, "no-summary", "a-entry", None),
        (WARNING, "alt-text", "a-entry", 1),
        (WARNING, "no-summary", "b-entry", None),
    ]


def test_a_missing_cover_is_a_missing_image(desk: Services) -> None:
    entry(desk, "with-cover", cover="summit.jpg")
    entry(desk, "web-cover", cover="https://images.example.org/summit.jpg")
    (finding,) = desk.checks.run()
    assert (finding.code, finding.slug, finding.line) == ("missing-image", "with-cover", None)
    assert finding.message.startswith("The cover image “summit.jpg” is not in the database")


def test_a_hostile_body_is_read_to_the_end_and_its_findings_are_counted_not_listed(desk: Services) -> None:
    body = "".join(f"[x{n}](../gone-{n}/) [y](#nope-{n}) ![](assets/missing-{n}.png)\n" for n in range(100_000))
    entry(desk, "hostile", body + "[" * 50_000 + "](" * 50_000 + "\n")
    found = desk.checks.run()
    by_code: dict[str, list[Finding]] = {}
    for finding in found:
        by_code.setdefault(finding.code, []).append(finding)
    assert sorted(by_code) == ["alt-text", "broken-link", "missing-image"]
    for code, listed in by_code.items():
        assert len(listed) == SHOWN_PER_KIND + 1, code
    (rest,) = [f for f in by_code["broken-link"] if f.line is None]
    assert rest.message.startswith(f"{200_000 - SHOWN_PER_KIND:,} more findings of the kind “broken-link”")


def test_a_cancelled_check_stops_with_a_message(desk: Services) -> None:
    with pytest.raises(ExportCancelled, match="The checks were stopped"):
        desk.checks.run(cancelled=lambda: True)


def test_the_checks_change_nothing(desk: Services) -> None:
    entry(desk, "due-now", status=SCHEDULED, date=dt.date(2025, 1, 18))
    before = [(e.slug, e.status, e.version) for e in desk.entries.list_summaries()]
    desk.checks.run()
    assert [(e.slug, e.status, e.version) for e in desk.entries.list_summaries()] == before

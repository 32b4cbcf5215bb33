"""A refused value names its field (`ValidationError.field`), so a form can mark it without reading words."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services


def refused(action: object) -> ValidationError:
    assert callable(action)
    with pytest.raises(ValidationError) as caught:
        action()
    return caught.value


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (EntryFields(status="published"), "status"),
        (EntryFields(date=None), "date"),
        (EntryFields(volume=100), "volume"),
        (EntryFields(volume="eight"), "volume"),  # type: ignore[arg-type]
        (EntryFields(elevation_m=9500), "elevation_m"),
        (EntryFields(elevation_m="high"), "elevation_m"),  # type: ignore[arg-type]
        (EntryFields(reading_minutes=0), "reading_minutes"),
        (EntryFields(slug="now"), "slug"),
        (EntryFields(slug="Everest"), "slug"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_an_update_refusal_names_the_entry_field(services: Services, fields: EntryFields, field: str) -> None:
    services.entries.create(EntryFields(title="Everest"))
    entry = services.entries.create(EntryFields(title="Lhotse", body="kept"))
    error = refused(lambda: services.entries.update(entry.id, fields))
    assert error.field == field
    assert str(error) == error.message and "\n" not in str(error)  # still the one sentence it was
    assert services.entries.get(entry.id) == entry


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (EntryFields(title="x", status="published"), "status"),
        (EntryFields(title="x", volume=-1), "volume"),
        (EntryFields(title="x", reading_minutes=1000), "reading_minutes"),
    ],
)
def test_a_create_refusal_names_the_entry_field(services: Services, fields: EntryFields, field: str) -> None:
    assert refused(lambda: services.entries.create(fields)).field == field
    assert services.entries.list_summaries() == []


def test_a_valid_date_is_no_refusal(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Dated"))
    assert services.entries.update(entry.id, EntryFields(date=dt.date(2024, 2, 29))).date == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"base_url": "example.com"}, "base_url"),
        ({"language": "english"}, "language"),
        ({"title": "  "}, "title"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_site_refusal_names_the_site_profile_field(services: Services, changes: dict[str, str], field: str) -> None:
    assert refused(lambda: services.site.update(**changes)).field == field


def test_a_refusal_about_no_single_field_says_so(services: Services) -> None:
    # An image is refused for what it holds, not for a field of a form.
    error = refused(lambda: services.assets.add("bomb.svg", b"<svg><script>alert(1)</script></svg>"))
    assert error.field is None
    assert ValidationError("Something is off.").field is None

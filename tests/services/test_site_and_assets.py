"""The site profile and the image store, over a real database file."""

from __future__ import annotations

import dataclasses

import pytest

from fieldnotes_desktop.errors import NotFoundError, ValidationError
from fieldnotes_desktop.records import Asset, SiteProfile
from fieldnotes_desktop.services import Services, open_services

PNG_A = b"\x89PNG\r\n\x1a\n" + b"a" * 64
PNG_B = b"\x89PNG\r\n\x1a\n" + b"b" * 64


# -- site ----------------------------------------------------------------------------------


def test_a_new_database_has_the_default_profile(services: Services) -> None:
    assert services.site.get() == SiteProfile()


def test_site_settings_are_saved_and_survive_reopening(services: Services, db_path) -> None:  # type: ignore[no-untyped-def]
    now_text = "Walking the *Haute Route*.\n\n- slowly\n"
    saved = services.site.update(
        title="  Field Notes  ", author="Ana", role="Engineer", location="Lisbon", now_md=now_text,
        language="pt",
    )
    assert (saved.title, saved.author, saved.now_md, saved.language) == ("Field Notes", "Ana", now_text, "pt")
    with pytest.raises(dataclasses.FrozenInstanceError):
        saved.title = "x"  # type: ignore[misc]
    services.close()
    reopened = open_services(db_path)
    try:
        assert reopened.site.get() == saved
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://example.com/blog", "https://example.com/blog/"),
        ("http://example.com/", "http://example.com/"),
        ("  https://notes.example.org  ", "https://notes.example.org/"),
        ("", ""),
    ],
)
def test_base_url_is_normalised(services: Services, given: str, stored: str) -> None:
    assert services.site.update(base_url=given).base_url == stored


@pytest.mark.parametrize(
    "bad", ["example.com", "ftp://example.com/", "javascript:alert(1)", "https://", "/blog/"]
)
def test_base_url_must_be_a_web_address(services: Services, bad: str) -> None:
    services.site.update(base_url="https://good.example/")
    with pytest.raises(ValidationError):
        services.site.update(base_url=bad, author="Should not stick")
    assert services.site.get().base_url == "https://good.example/"
    assert services.site.get().author == ""


def test_site_needs_a_title_and_known_settings(services: Services) -> None:
    with pytest.raises(ValidationError):
        services.site.update(title="   ")
    with pytest.raises(ValidationError):
        services.site.update(colour="blue")
    assert services.site.get().title == "Field Notes"


# -- assets --------------------------------------------------------------------------------


def test_same_bytes_are_stored_once(services: Services) -> None:
    first = services.assets.add("photo.png", PNG_A)
    again = services.assets.add("other-name.png", PNG_A)
    assert again == first
    assert type(first) is Asset
    assert (first.filename, first.mime, first.size) == ("photo.png", "image/png", len(PNG_A))
    assert len(services.assets.list()) == 1


def test_different_bytes_under_one_name_get_unique_filenames(services: Services) -> None:
    first = services.assets.add("photo.png", PNG_A)
    second = services.assets.add("photo.png", PNG_B)
    assert second.sha256 != first.sha256
    assert second.filename != first.filename
    assert second.filename == f"photo-{second.sha256[:8]}.png"
    assert {a.filename for a in services.assets.list()} == {first.filename, second.filename}


def test_asset_bytes_come_back_and_can_be_found_by_name_or_hash(services: Services) -> None:
    asset = services.assets.add("dir\\sub/summit.jpg", b"\xff\xd8\xff" + b"x" * 10)
    assert asset.filename == "summit.jpg"  # folders are dropped, Windows ones too
    assert asset.mime == "image/jpeg"
    assert services.assets.data(asset.sha256) == b"\xff\xd8\xff" + b"x" * 10
    assert services.assets.find("../images/summit.jpg?v=2") == asset
    assert services.assets.find(asset.sha256[:12]) == asset
    assert services.assets.find("missing.png") is None
    with pytest.raises(NotFoundError):
        services.assets.data("0" * 64)


@pytest.mark.parametrize("code", ["en", "pt-BR", "zh-Hant-TW"])
def test_language_codes_are_accepted(services: Services, code: str) -> None:
    assert services.site.update(language=code).language == code


@pytest.mark.parametrize("bad", ['"><script>', "english", "e"])
def test_a_language_that_is_not_a_code_is_refused(services: Services, bad: str) -> None:
    with pytest.raises(ValidationError, match="language code"):
        services.site.update(language=bad)
    assert services.site.get().language == "en"

"""The personal dictionary, the words written each day, an entry's language and goal, the site's typography."""

from __future__ import annotations

import pytest

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.records import EntryFields
from fieldnotes_desktop.services import Services, open_services

from service_clock import ManualClock


def test_personal_words_are_kept_in_the_database_and_survive_reopening(services: Services, db_path) -> None:
    assert services.dictionary.add("  Karakoram ") == "Karakoram"
    services.dictionary.add("Karakoram")  # twice is once
    services.dictionary.add("seracs")
    services.close()
    reopened = open_services(db_path)
    try:
        assert reopened.dictionary.words() == ["Karakoram", "seracs"]
        reopened.dictionary.remove("seracs")
        assert reopened.dictionary.words() == ["Karakoram"]
    finally:
        reopened.close()


@pytest.mark.parametrize("word", ["", "two words", "1234", "x" * 101])
def test_what_is_not_one_word_is_refused_with_a_sentence(services: Services, word: str) -> None:
    with pytest.raises(ValidationError, match="cannot go in the dictionary"):
        services.dictionary.add(word)
    assert services.dictionary.words() == []


def test_words_today_count_what_saves_add_and_start_afresh_the_next_day(services: Services, clock: ManualClock) -> None:
    entry = services.entries.create(EntryFields(title="Approach", body="one two"))
    assert services.entries.words_today() == 0  # a new entry's first text is not counted twice
    entry = services.entries.update(entry.id, EntryFields(body="one two three four five"))
    assert services.entries.words_today() == 3
    entry = services.entries.update(entry.id, EntryFields(body="one two three four"))
    assert services.entries.words_today() == 2  # deleted words count against
    services.entries.update(entry.id, EntryFields(title="Approach march"))  # no body: nothing counted
    assert services.entries.words_today() == 2
    clock.advance(days=1)
    assert services.entries.words_today() == 0
    services.entries.update(entry.id, EntryFields(body="one two three four and six more words here"))
    assert services.entries.words_today() == 5


def test_an_entry_language_is_a_code_or_empty_and_a_goal_a_sensible_number(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Col"))
    assert services.entries.update(entry.id, EntryFields(language=" pt-BR ")).language == "pt-BR"
    assert services.entries.update(entry.id, EntryFields(language="")).language == ""
    with pytest.raises(ValidationError, match="is not a language code"):
        services.entries.update(entry.id, EntryFields(language="english please"))
    assert services.entries.update(entry.id, EntryFields(word_goal="1,500")).word_goal == 1500  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="A word goal"):
        services.entries.update(entry.id, EntryFields(word_goal=0))
    assert services.entries.update(entry.id, EntryFields(word_goal=None)).word_goal is None
    assert services.entries.get(entry.id).language == ""


def test_a_duplicate_keeps_the_language_and_the_goal(services: Services) -> None:
    entry = services.entries.create(EntryFields(title="Col", language="fr", word_goal=900))
    copy = services.entries.duplicate(entry.id)
    assert (copy.language, copy.word_goal) == ("fr", 900)


def test_the_site_typography_is_smart_or_plain(services: Services) -> None:
    assert services.site.get().typography == "smart"
    assert services.site.update(typography="plain").typography == "plain"
    with pytest.raises(ValidationError, match="not a typography setting"):
        services.site.update(typography="fancy")
    assert services.site.get().typography == "plain"


def test_moved_in_metadata_is_kept_and_old_addresses_are_site_paths(services: Services) -> None:
    entry = services.entries.create(EntryFields(
        title="Col", cover="summit view.jpg", author=" Ines ", published_time="07:30:00+01:00",
        aliases=("2019/05/col", "/2019/05/col/", "/old/col.html", " "),
    ))
    assert (entry.cover, entry.author, entry.published_time) == ("summit view.jpg", "Ines", "07:30:00+01:00")
    assert entry.aliases == ("/2019/05/col/", "/old/col.html")
    assert services.entries.get(entry.id).aliases == ("/2019/05/col/", "/old/col.html")
    for bad in ("https://old.example/col/", "/a/../b", "two words"):
        with pytest.raises(ValidationError, match="not an address on this site"):
            services.entries.update(entry.id, EntryFields(aliases=(bad,)))
    with pytest.raises(ValidationError, match="not a time of day"):
        services.entries.update(entry.id, EntryFields(published_time="half past seven"))
    copy = services.entries.duplicate(entry.id)
    assert (copy.cover, copy.author, copy.aliases) == ("summit view.jpg", "Ines", ())

"""The writer's personal dictionary: words the spell check takes as right, kept in the database."""

from __future__ import annotations

from fieldnotes_desktop.errors import ValidationError
from fieldnotes_desktop.services.clock import Clock, utc_now
from fieldnotes_desktop.store import Store
from fieldnotes_desktop.store import repository as repo
from fieldnotes_desktop.store import writing_aids

MAX_WORD = 100  # characters: longer is not a word a writer adds by hand


class DictionaryService:
    def __init__(self, store: Store, clock: Clock = utc_now) -> None:
        self._store = store
        self._clock = clock

    def words(self) -> list[str]:
        with self._store.transaction() as s:
            return writing_aids.personal_words(s)

    def add(self, word: str) -> str:
        """Adds `word` (stripped) and returns it; one without letters, or with spaces, is refused."""
        word = word.strip()
        if not word or len(word) > MAX_WORD or any(c.isspace() for c in word) or not any(c.isalpha() for c in word):
            raise ValidationError(
                f"“{word[:40]}” cannot go in the dictionary: add one word of letters, without spaces.", field="word"
            )
        with self._store.transaction() as s:
            writing_aids.add_personal_word(s, word, repo.aware(self._clock()))
        return word

    def remove(self, word: str) -> None:
        with self._store.transaction() as s:
            writing_aids.remove_personal_word(s, word.strip())

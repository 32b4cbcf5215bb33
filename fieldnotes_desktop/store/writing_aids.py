"""The personal dictionary and the words written each day; every function takes the caller's session."""

from __future__ import annotations

import datetime as dt

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from fieldnotes_desktop.store.models import DailyWordsRow, PersonalWordRow
from fieldnotes_desktop.store.repository import naive_utc


def _upsert(session: Session, table: Any) -> Any:
    """An INSERT that can say what to do on a conflict; SQLite and PostgreSQL spell it alike."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def personal_words(session: Session) -> list[str]:
    return list(session.scalars(select(PersonalWordRow.word).order_by(PersonalWordRow.word)))


def add_personal_word(session: Session, word: str, now: dt.datetime) -> None:
    """Keeps `word`; a word already kept keeps the moment it was first added."""
    statement = _upsert(session, PersonalWordRow).values(word=word, added_at=naive_utc(now))
    session.execute(statement.on_conflict_do_nothing(index_elements=["word"]))


def remove_personal_word(session: Session, word: str) -> None:
    session.execute(delete(PersonalWordRow).where(PersonalWordRow.word == word))


def add_daily_words(session: Session, day: dt.date, words: int) -> None:
    """Adds `words` (negative when text was deleted) to the count kept for `day`."""
    if not words:
        return
    statement = _upsert(session, DailyWordsRow).values(day=day, words=words)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["day"], set_={"words": DailyWordsRow.words + statement.excluded.words}
        )
    )


def daily_words(session: Session, day: dt.date) -> int:
    return session.scalar(select(DailyWordsRow.words).where(DailyWordsRow.day == day)) or 0

"""Substring search that works the same on SQLite and PostgreSQL, in Russian as in English.

SQLite's LIKE folds only ASCII letters, and PostgreSQL's lower() folds Cyrillic only under a
Unicode collation, so neither can be trusted to find "насос" in "Насос центробежный". Records that
are searched keep a ``search_text`` column folded by Python (``fold``), and queries compare it with
search words folded the same way.
"""

from __future__ import annotations

from django.db.models import QuerySet


def fold(*parts: str) -> str:
    return " | ".join(part for part in parts if part).casefold()


def words(term: str, limit: int = 8) -> list[str]:
    return [word for word in (term or "").casefold().split() if word][:limit]


def filter_words(queryset: QuerySet, term: str, field: str = "search_text") -> QuerySet:
    """Keep the rows whose folded ``field`` contains every word of ``term``."""
    for word in words(term):
        queryset = queryset.filter(**{f"{field}__contains": word})
    return queryset

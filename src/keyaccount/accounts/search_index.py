"""The substring index behind account search, one per database vendor.

SQLite: an FTS5 table with the trigram tokenizer over ``accounts_account.search_text``, kept in
step by triggers. Django rebuilds a SQLite table (and so drops its triggers) when a later migration
alters it, so ``ensure`` runs after every ``migrate`` and puts back whatever is missing.
PostgreSQL: a pg_trgm GIN index, which serves ``LIKE '%term%'`` directly.
"""

from __future__ import annotations

FTS_TABLE = "accounts_account_fts"
_SQLITE_TRIGGERS = {
    "accounts_account_fts_ai": f"""
        CREATE TRIGGER accounts_account_fts_ai AFTER INSERT ON accounts_account BEGIN
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
    "accounts_account_fts_ad": f"""
        CREATE TRIGGER accounts_account_fts_ad AFTER DELETE ON accounts_account BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        END""",
    "accounts_account_fts_au": f"""
        CREATE TRIGGER accounts_account_fts_au AFTER UPDATE OF search_text ON accounts_account BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text);
        END""",
}


def ensure(connection) -> None:
    """Create the index if it is missing; rebuild it if its triggers had been lost."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                "search_text, content='accounts_account', content_rowid='id', tokenize='trigram')"
            )
            cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='accounts_account'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in _SQLITE_TRIGGERS if name not in present]
            for name in missing:
                cursor.execute(_SQLITE_TRIGGERS[name])
            if missing:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            # Refresh the planner's statistics where SQLite thinks they are stale (cheap when not).
            cursor.execute("PRAGMA optimize")
        elif connection.vendor == "postgresql":
            # Look first: even CREATE INDEX IF NOT EXISTS fails inside a transaction that has pending
            # deferred-constraint events (a migrate run from a command inside an atomic block).
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = 'accounts_account_search_trgm'")
            if cursor.fetchone() is None:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                cursor.execute(
                    "CREATE INDEX accounts_account_search_trgm ON accounts_account USING gin (search_text gin_trgm_ops)"
                )


def drop(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS accounts_account_search_trgm")


def rebuild(connection) -> None:
    """Re-read every account into the index (after bulk loads that bypass the triggers)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")

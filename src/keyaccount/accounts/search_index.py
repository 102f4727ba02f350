"""The substring indexes behind account and people search, one kind per database vendor.

Each indexed table keeps a folded ``search_text`` column (``core.search.fold``).
SQLite: an FTS5 table with the trigram tokenizer over it, kept in step by triggers. Django rebuilds a
SQLite table (and so drops its triggers) when a later migration alters it, so ``ensure`` runs after
every ``migrate`` and puts back whatever is missing.
PostgreSQL: a pg_trgm GIN index, which serves ``LIKE '%term%'`` directly.
"""

from __future__ import annotations

# The tables whose search_text is indexed: accounts (the list, the top bar, and the deals and tickets
# found by their account's name) and people (the contact list and the top bar).
INDEXED = ("accounts_account", "accounts_contact")


def fts_table(table: str) -> str:
    return f"{table}_fts"


def _trigram_index(table: str) -> str:
    return f"{table}_search_trgm"


def _sqlite_triggers(table: str) -> dict[str, str]:
    fts = fts_table(table)
    return {
        f"{fts}_ai": f"""
            CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN
                INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
            END""",
        f"{fts}_ad": f"""
            CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN
                INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
            END""",
        f"{fts}_au": f"""
            CREATE TRIGGER {fts}_au AFTER UPDATE OF search_text ON {table} BEGIN
                INSERT INTO {fts}({fts}, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                INSERT INTO {fts}(rowid, search_text) VALUES (new.id, new.search_text);
            END""",
    }


def _has_search_text(connection, cursor, table: str) -> bool:
    """Whether the table has its search column yet (migrations before it call ``ensure`` too)."""
    if table not in connection.introspection.table_names(cursor):
        return False
    return any(column.name == "search_text" for column in connection.introspection.get_table_description(cursor, table))


def ensure(connection) -> None:
    """Create the indexes that are missing; rebuild one whose triggers had been lost."""
    with connection.cursor() as cursor:
        for table in INDEXED:
            if not _has_search_text(connection, cursor, table):
                continue
            if connection.vendor == "sqlite":
                fts = fts_table(table)
                cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
                               f"search_text, content='{table}', content_rowid='id', tokenize='trigram')")
                cursor.execute("SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name=%s", [table])
                present = {row[0] for row in cursor.fetchall()}
                triggers = _sqlite_triggers(table)
                missing = [name for name in triggers if name not in present]
                for name in missing:
                    cursor.execute(triggers[name])
                if missing:
                    cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            elif connection.vendor == "postgresql":
                # Look first: even CREATE INDEX IF NOT EXISTS fails inside a transaction that has pending
                # deferred-constraint events (a migrate run from a command inside an atomic block).
                cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [_trigram_index(table)])
                if cursor.fetchone() is None:
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
                    cursor.execute(f"CREATE INDEX {_trigram_index(table)} ON {table} "
                                   "USING gin (search_text gin_trgm_ops)")
        if connection.vendor == "sqlite":
            # Refresh the planner's statistics where SQLite thinks they are stale (cheap when not).
            cursor.execute("PRAGMA optimize")


def drop(connection) -> None:
    with connection.cursor() as cursor:
        for table in INDEXED:
            if connection.vendor == "sqlite":
                for name in _sqlite_triggers(table):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"DROP TABLE IF EXISTS {fts_table(table)}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"DROP INDEX IF EXISTS {_trigram_index(table)}")


def rebuild(connection) -> None:
    """Re-read every account into the index (after bulk loads that bypass the triggers)."""
    if connection.vendor == "sqlite":
        fts = fts_table("accounts_account")
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")

"""The default cache when there is no Redis: Django's database cache with a counter that holds.

Rate limits count in the cache so that every app process shares the count. Django's database cache
increments by reading and writing back (two requests at once both write the same number) and
resets the entry's lifetime on each increment; this one compares and swaps in one UPDATE, so no
hit is lost, and leaves the expiry alone, so a window ends when it should. ``add`` is one upsert,
so a rate limit costs the same three statements on every request (the first of a window too), and
expired rows are swept by an hourly job (``core.tasks``) rather than by counting the table on
every write.
"""

from __future__ import annotations

import base64
import datetime as dt
import pickle

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

# The table the migration core.0004 creates; settings name it as the default cache's LOCATION.
CACHE_TABLE = "kam_cache"
# Beyond this many failed swaps in a row the hit is counted without being stored: the caller still
# sees one more than there was, so a flood is refused rather than let through.
_MAX_SWAPS = 100


class DatabaseCache(DjangoDatabaseCache):
    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    @staticmethod
    def _decode(stored: str):
        return pickle.loads(base64.b64decode(stored.encode()))  # noqa: S301 - written by this cache only

    def _expiry(self, timeout) -> dt.datetime:
        seconds = self.get_backend_timeout(timeout)
        if seconds is None:
            return dt.datetime.max
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC if settings.USE_TZ else None).replace(microsecond=0)

    def _writing(self):
        """The connection to write with and the quoted names of the table and its three columns."""
        connection = connections[router.db_for_write(self.cache_model_class)]
        quote = connection.ops.quote_name
        return connection, quote(self._table), quote("cache_key"), quote("value"), quote("expires")

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store ``value`` unless a live entry holds ``key``; True when it was stored."""
        key = self.make_and_validate_key(key, version=version)
        connection, table, cache_key, value_column, expires = self._writing()
        now = tz_now().replace(microsecond=0, tzinfo=None)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({cache_key}, {value_column}, {expires}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({cache_key}) DO UPDATE SET {value_column} = EXCLUDED.{value_column}, "
                f"{expires} = EXCLUDED.{expires} WHERE {table}.{expires} < %s",
                [key, self._encode(value), connection.ops.adapt_datetimefield_value(self._expiry(timeout)),
                 connection.ops.adapt_datetimefield_value(now)])
            return cursor.rowcount == 1

    def sweep(self) -> int:
        """Delete the expired entries; how many there were."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        now = tz_now().replace(microsecond=0, tzinfo=None)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(self._table)} "
                           f"WHERE {connection.ops.quote_name('expires')} < %s",
                           [connection.ops.adapt_datetimefield_value(now)])
            return cursor.rowcount

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection, table, cache_key, value_column, expires = self._writing()
        new_value = None
        with connection.cursor() as cursor:
            for _attempt in range(_MAX_SWAPS):
                now = tz_now().replace(microsecond=0, tzinfo=None)
                cursor.execute(f"SELECT {value_column} FROM {table} WHERE {cache_key} = %s AND {expires} > %s",
                               [key, connection.ops.adapt_datetimefield_value(now)])
                row = cursor.fetchone()
                if row is None:
                    raise ValueError(f"Key '{key}' not found.")
                new_value = self._decode(row[0]) + delta
                cursor.execute(f"UPDATE {table} SET {value_column} = %s WHERE {cache_key} = %s AND {value_column} = %s",
                               [self._encode(new_value), key, row[0]])
                if cursor.rowcount == 1:
                    return new_value
        return new_value

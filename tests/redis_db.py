"""The Redis database the tests may empty: KAM_TEST_REDIS_URL (CI gives the SQLite and the PostgreSQL
runs, which go at once, one each), database 15 on the local server by default."""

import os

import pytest

REDIS_URL = os.environ.get("KAM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def empty_redis_or_skip() -> None:
    """Empties the tests' Redis database; skips when there is no Redis (fails under KAM_REQUIRE_REDIS)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        if os.environ.get("KAM_REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")

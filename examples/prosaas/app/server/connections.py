"""The database and Redis, from DATABASE_URL and REDIS_URL (the AppDeployment's shared env).

Neither URL is ever printed: they hold passwords.
"""

import os

import psycopg2
import redis

CONNECT_TIMEOUT_SECONDS = 3


def database():
    """A new PostgreSQL connection (libpq understands postgresql:// URLs as they are)."""
    return psycopg2.connect(os.environ["DATABASE_URL"], connect_timeout=CONNECT_TIMEOUT_SECONDS)


def cache():
    """A Redis client; it connects on first use."""
    return redis.Redis.from_url(
        os.environ["REDIS_URL"],
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=CONNECT_TIMEOUT_SECONDS + 5,
    )


def problem(error):
    """What went wrong, without the message: a driver's message may quote the URL."""
    return type(error).__name__

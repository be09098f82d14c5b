"""Leads: the API queues them in Redis, the worker stores them in the database."""

import json

QUEUE = "prosaas:leads"
WORKER_HEARTBEAT = "prosaas:worker:heartbeat"
BUSINESS = "prosaas"


def enqueue(cache, phone):
    cache.lpush(QUEUE, json.dumps({"phone": phone}))


def store(connection, payload):
    """Stores one queued lead under the example business (created on first use)."""
    lead = json.loads(payload)
    with connection, connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO business (name) SELECT %s"
            " WHERE NOT EXISTS (SELECT 1 FROM business WHERE name = %s)",
            (BUSINESS, BUSINESS),
        )
        cursor.execute(
            "INSERT INTO leads (business_id, phone)"
            " SELECT id, %s FROM business WHERE name = %s ORDER BY id LIMIT 1",
            (lead["phone"], BUSINESS),
        )


def count(connection):
    with connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM leads")
        return cursor.fetchone()[0]

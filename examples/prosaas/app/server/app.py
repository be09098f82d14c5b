"""The HTTP API (WSGI, served by gunicorn).

GET  /healthz  readiness: 200 when the database and Redis answer, 503 saying which does not
GET  /leads    how many leads the worker has stored
POST /leads    queues a lead (?phone=...) for the worker
GET  /         who answers: service, role, version
"""

import json
import os
from urllib.parse import parse_qs

from server import connections, leads


def app(environ, start_response):
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        return healthz(start_response)
    if path == "/leads" and method == "GET":
        connection = connections.database()
        try:
            return reply(start_response, 200, {"leads": leads.count(connection)})
        finally:
            connection.close()
    if path == "/leads" and method == "POST":
        phone = parse_qs(environ.get("QUERY_STRING", "")).get("phone", ["unknown"])[0]
        leads.enqueue(connections.cache(), phone)
        return reply(start_response, 202, {"queued": phone})
    if path == "/":
        return reply(
            start_response,
            200,
            {
                "service": "prosaas",
                "role": os.environ.get("SERVICE_ROLE", "api"),
                "version": os.environ.get("APP_VERSION", "2026.11.3"),
                "environment": os.environ.get("APP_ENV", ""),
            },
        )
    return reply(start_response, 404, {"error": "not found"})


def healthz(start_response):
    """Ready only when both backends answer: a pod that cannot reach them gets no traffic."""
    problems = []
    try:
        connection = connections.database()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        finally:
            connection.close()
    except Exception as error:  # noqa: BLE001 - any failure means not ready
        problems.append("database: " + connections.problem(error))
    try:
        connections.cache().ping()
    except Exception as error:  # noqa: BLE001
        problems.append("redis: " + connections.problem(error))
    if problems:
        return reply(start_response, 503, {"ready": False, "problems": problems})
    return reply(start_response, 200, {"ready": True})


def reply(start_response, status, body):
    text = (json.dumps(body) + "\n").encode()
    reasons = {200: "OK", 202: "Accepted", 404: "Not Found", 503: "Service Unavailable"}
    start_response(
        f"{status} {reasons[status]}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(text)))],
    )
    return [text]

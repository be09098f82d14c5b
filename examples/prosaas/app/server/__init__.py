"""prosaas: an HTTP API (server.app) and a background worker (server.worker)."""

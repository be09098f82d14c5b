"""The background worker: stores the leads the API queued, and says it is alive in Redis.

Run as `python3 -m server.worker`; SIGTERM ends it after the lead at hand.
"""

import signal
import sys
import time

from server import connections, leads

HEARTBEAT_SECONDS = 30
running = True


def stop(signum, frame):
    global running
    running = False


def main():
    signal.signal(signal.SIGTERM, stop)
    cache = connections.cache()
    database = connections.database()
    print("worker started", flush=True)
    while running:
        cache.set(leads.WORKER_HEARTBEAT, int(time.time()), ex=HEARTBEAT_SECONDS)
        item = cache.brpop(leads.QUEUE, timeout=2)
        if item is not None:
            leads.store(database, item[1])
            print("lead stored", flush=True)
    database.close()
    print("worker stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

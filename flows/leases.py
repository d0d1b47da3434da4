"""Keep this process's claims and runs alive while it works.

One daemon thread per process renews, every third of the lease, the leases of every
document this worker has claimed and every run it is running, in each database in use.
A process that is killed stops renewing: its claims lapse after the lease, and another
worker takes its documents over.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from storage import claims
from storage.engine import get_engine, session_for

logger = logging.getLogger("pantau.leases")

_lock = threading.Lock()
_users: Counter[tuple[str, float]] = Counter()
_wake = threading.Event()
_thread: threading.Thread | None = None


@contextmanager
def kept_alive(database_url: str, lease_seconds: float) -> Iterator[str]:
    """Renew this worker's leases in `database_url` for the block; yields the worker id."""
    global _thread
    key = (database_url, lease_seconds)
    with _lock:
        _users[key] += 1
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_renew_forever, name="leases", daemon=True)
            _thread.start()
    try:
        yield claims.worker_id()
    finally:
        with _lock:
            _users[key] -= 1
            if _users[key] <= 0:
                del _users[key]


def renew_now() -> None:
    """Renew every lease of this worker at once (then every third of a lease again)."""
    with _lock:
        databases = list(_users)
    worker = claims.worker_id()
    for database_url, lease_seconds in databases:
        try:
            with session_for(get_engine(database_url)) as session:
                claims.renew(session, worker=worker, lease_seconds=lease_seconds)
        except Exception as e:  # a database that is briefly away: the next round tries again
            logger.warning("could not renew leases (%s: %s); retrying", type(e).__name__, e)


def _renew_forever() -> None:
    global _thread
    while True:
        with _lock:
            if not _users:  # decided under the lock: a new user starts a new thread
                _thread = None
                return
            interval = min(seconds for _, seconds in _users) / 3
        _wake.wait(max(0.2, interval))
        _wake.clear()
        renew_now()

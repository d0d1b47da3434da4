"""One transaction per data-access call: commit the block's work or roll it back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session


@contextmanager
def committing(session: Session) -> Iterator[None]:
    """Commit the work done in the block, or roll it back if the block raises."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise

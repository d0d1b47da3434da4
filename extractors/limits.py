"""Time limits of a document's stages: a deadline that work checks between its steps.

Python threads cannot be stopped from outside, so each stage checks its `Deadline` between
steps it knows to be short (a page, a spaCy component over a bounded chunk, one mention)
and stops with a `TimeLimitError` that names the stage. External programs (tesseract) get
the time left as their own timeout instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from models.errors import TimeLimitError


@dataclass
class Deadline:
    """`seconds` from when it is made (None: no limit) for the stage `stage`, set by `setting`."""

    stage: str
    seconds: float | None
    setting: str
    started: float = field(default_factory=time.monotonic)

    def left(self) -> float | None:
        """Seconds left (never below zero), or None without a limit."""
        if self.seconds is None:
            return None
        return max(0.0, self.started + self.seconds - time.monotonic())

    def expired(self) -> bool:
        """True once the time is up."""
        left = self.left()
        return left is not None and left <= 0

    def check(self, where: str) -> None:
        """Raise `TimeLimitError` if the time is up; `where` says what was about to start."""
        if self.expired():
            raise self.error(where)

    def error(self, where: str) -> TimeLimitError:
        """The error for a stage stopped at `where`, naming the setting that sets the limit."""
        return TimeLimitError(
            f"{self.stage} stage stopped at its time limit ({self.setting}={self.seconds:g} s), "
            f"before {where}.",
            stage=self.stage,
        )


__all__ = ["Deadline"]

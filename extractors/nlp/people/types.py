"""What the people rules pass around: candidates, country mentions, families of rules."""

from __future__ import annotations

from dataclasses import dataclass, field

GROUP_SOURCES = frozenset({"group", "statistic"})  # the rules whose candidates are groups
# The rules that decide the role themselves (official, or "other" for a byline).
OFFICIAL_SOURCES = frozenset({"title", "rank", "signature", "apposition", "byline"})


@dataclass
class Candidate:
    """A person or group found by one rule, before overlaps and roles are settled."""

    start: int
    end: int
    source: str
    role: str | None = None
    title: str | None = None
    evidence: str | None = None
    count: int | None = 1
    nationality: str | None = None
    scope: tuple[int, int] | None = None
    passport: str | None = None
    doubt: bool = False  # the stated nationality is only suspected or unknown
    local: bool = False  # an explicit cue makes the person Indonesian ("asal Bitung", "WNI")
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Country:
    """A country mention and how it relates to citizenship."""

    start: int
    end: int
    code: str
    status: str  # cued, suspected, blocked, plain
    cue: str
    cue_start: int  # where the cue phrase starts (the country itself when it has none)

"""Batch search: a list of names or passport numbers, each matched against every subject.

A name is matched the way identity resolution matches mentions (spelling variants,
initials, word order: `extractors.identity.score_pair`) against the mentions that share a
blocking key with it; a passport or permit number matches the mentions that carry it.
Each line gets the subjects found, best first, with the score, the reasons and the
documents that name them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from extractors.identity import LOW, blocking_keys, score_pair
from models.records import MentionFeatures
from models.tables import Mention, MentionBlock, Subject
from storage.dossier import mentions_of
from storage.exports import write_csv
from storage.identity import features_of

MAX_LINES = 1000
MAX_LINE_LENGTH = 200
MATCHES_PER_LINE = 10
# Six to twelve letters and digits with at least one digit: a passport or permit number.
NUMBER = re.compile(r"^(?=[A-Z]*\d)[A-Z0-9]{6,12}$")
CSV_COLUMNS = (
    "query",
    "subject_id",
    "name",
    "nationality",
    "score",
    "reasons",
    "documents",
    "document_ids",
)


class BatchMatch(BaseModel):
    """One subject found for one line."""

    subject_id: int
    name: str
    nationality: str | None
    score: float
    reasons: list[str] = Field(default_factory=list)
    document_ids: list[int] = Field(default_factory=list)


class BatchLine(BaseModel):
    """One line of the list and what it found."""

    query: str
    kind: str  # name or number
    matches: list[BatchMatch] = Field(default_factory=list)


def read_lines(text: str) -> list[str]:
    """The distinct non-empty lines of a pasted or uploaded list, in order, each cut to
    MAX_LINE_LENGTH; at most MAX_LINES (a longer list is cut there)."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        cleaned = " ".join(line.split())[:MAX_LINE_LENGTH]
        if cleaned:
            seen.setdefault(cleaned, None)
        if len(seen) >= MAX_LINES:
            break
    return list(seen)


def batch_search(session: Session, *, lines: Iterable[str]) -> list[BatchLine]:
    """Match each line (a name, or a passport or permit number) against the subjects."""
    results = []
    for query in lines:
        number = re.sub(r"[\s.-]", "", query).upper()
        if NUMBER.match(number):
            line = BatchLine(query=query, kind="number")
            found = _by_number(session, number)
        else:
            line = BatchLine(query=query, kind="name")
            found = _by_name(session, query)
        line.matches = _matches(session, found)
        results.append(line)
    return results


def _by_number(session: Session, number: str) -> dict[int, tuple[float, list[str]]]:
    ids = select(MentionBlock.mention_id).where(MentionBlock.key == f"p:{number}")
    mentions = session.exec(
        select(Mention).where(col(Mention.id).in_(ids), col(Mention.subject_id).is_not(None))
    ).all()
    return {m.subject_id or 0: (1.0, [f"same passport/permit number ({number})"]) for m in mentions}


def _by_name(session: Session, name: str) -> dict[int, tuple[float, list[str]]]:
    wanted = MentionFeatures(name=name)
    keys = [key[:160] for key in blocking_keys(wanted)]
    if not keys:
        return {}
    ids = select(MentionBlock.mention_id).where(col(MentionBlock.key).in_(keys)).distinct()
    mentions = session.exec(
        select(Mention).where(col(Mention.id).in_(ids), col(Mention.subject_id).is_not(None))
    ).all()
    best: dict[int, tuple[float, list[str]]] = {}
    for mention in mentions:
        score = score_pair(wanted, features_of(mention, year=None))
        subject = mention.subject_id or 0
        if score.value >= LOW and score.value > best.get(subject, (0.0, []))[0]:
            best[subject] = (score.value, score.reasons)
    return best


def _matches(session: Session, found: dict[int, tuple[float, list[str]]]) -> list[BatchMatch]:
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:MATCHES_PER_LINE]
    matches = []
    for subject_id, (score, reasons) in ranked:
        subject = session.get(Subject, subject_id)
        if subject is None:
            continue
        documents = sorted({m.document_id for m in mentions_of(session, subject_ids=[subject_id])})
        matches.append(
            BatchMatch(
                subject_id=subject_id,
                name=subject.name,
                nationality=subject.nationality,
                score=round(score, 3),
                reasons=list(reasons),
                document_ids=documents,
            )
        )
    return matches


def as_csv(results: Iterable[BatchLine]) -> str:
    """One row per line and subject found (a line without a match gets one empty row)."""
    out = io.StringIO()
    write_csv(_records(results), CSV_COLUMNS, out)
    return out.getvalue()


def _records(results: Iterable[BatchLine]) -> Iterator[dict[str, Any]]:
    for line in results:
        if not line.matches:
            yield {"query": _safe(line.query), "documents": 0}
        for match in line.matches:
            yield {
                "query": _safe(line.query),
                "subject_id": match.subject_id,
                "name": _safe(match.name),
                "nationality": match.nationality,
                "score": f"{match.score:.3f}",
                "reasons": _safe("; ".join(match.reasons)),
                "documents": len(match.document_ids),
                "document_ids": " ".join(map(str, match.document_ids)),
            }


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

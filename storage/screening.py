"""Screening: new mentions and linked facts against the watchlists, raising alerts.

Incremental: the cursor (`watch_cursor`) holds the last mention id and linked_fact id
screened; each run reads only the rows after them. Re-extraction gives a document new
rows, so it is screened again; an alert is kept once per watch and document.

A mention finds its watches through the keys it shares with them (`watch_key`): its own
blocking keys (`mention_block`, which hold its names and `p:NUMBER` of its passports) and
`s:SUBJECT`. A name watch is a candidate only when the mention shares as many keys as the
watch needs (`storage.watch.NAME_KEYS_NEEDED`), then it is scored like identity
resolution; a number or a subject matches on its key. A linked row (a person with an
incident and a place) finds query watches by its nationality, incident and region keys,
then every field the watch gives must match. The cost grows with the new rows and the
watches sharing their keys, not with the size of the watchlist.

The cursor does not move past a mention still without a subject (a subject watch would
miss it), nor at all while a document is being read by a worker: its rows may commit with
ids below those screened. Those rows are screened again next time; alerts already raised
are kept, not repeated.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from extractors.identity import score_pair
from models.records import DocumentStatus, Fact, FactKind, MentionFeatures
from models.tables import (
    Alert,
    Document,
    FactRow,
    LinkedFact,
    Mention,
    MentionBlock,
    Watch,
    WatchCursor,
    WatchKey,
    WatchKind,
    utc_now,
)
from storage import claims
from storage.identity import features_of
from storage.transactions import committing
from storage.watch import NAME_THRESHOLD, abbreviated

SCREEN_LOCK = "watch-screening"
CHUNK = 500
# A hypothetical or negated incident did not happen: a query on it does not alert.
QUIET_STATUSES = frozenset({"hypothetical", "negated"})


class ScreenReport(BaseModel):
    """What one screening did."""

    mentions: int = 0
    linked: int = 0
    candidates: int = 0  # (watch, mention) pairs looked at
    query_candidates: int = 0  # (query watch, linked row) pairs looked at
    alerts: int = 0
    held: bool = False  # the cursor stayed: a document was being read, or not resolved
    seconds: float = 0.0


@dataclass
class Hit:
    """A watch caught a document: through which mention or row, and why."""

    watch: Watch
    document_id: int
    mention: Mention | None
    reasons: list[str]


def screen(session: Session) -> ScreenReport:
    """Screen the mentions and linked rows stored since the last screening; commits."""
    began = time.perf_counter()
    report = ScreenReport()
    with committing(session):
        # One screening at a time: two would raise the same alert.
        claims.exclusive(session, SCREEN_LOCK)
        cursor = session.get(WatchCursor, 1, populate_existing=True) or _new_cursor(session)
        busy = _documents_being_read(session)
        mention_to = _screen_mentions(session, cursor.mention_id, report)
        linked_to = _screen_linked(session, cursor.linked_id, report)
        report.held = busy or mention_to < _last(session, Mention)
        if not busy:
            cursor.mention_id, cursor.linked_id = mention_to, linked_to
            cursor.updated_at = utc_now()
            session.add(cursor)
    report.seconds = round(time.perf_counter() - began, 4)
    return report


def _new_cursor(session: Session) -> WatchCursor:
    """A cursor at the newest rows (the migration makes one; this is for a lost row)."""
    cursor = WatchCursor(
        id=1, mention_id=_last(session, Mention), linked_id=_last(session, LinkedFact)
    )
    session.add(cursor)
    session.flush()
    return cursor


def _last(session: Session, table: type[Mention] | type[LinkedFact]) -> int:
    return int(session.exec(select(sa.func.max(col(table.id)))).one() or 0)


def _documents_being_read(session: Session) -> bool:
    statement = select(Document.id).where(
        Document.status == DocumentStatus.PENDING, col(Document.claimed_by).is_not(None)
    )
    return session.exec(statement.limit(1)).first() is not None


# --- mentions ------------------------------------------------------------------------


def _screen_mentions(session: Session, after: int, report: ScreenReport) -> int:
    """Screen mentions after `after`; returns the id the cursor may move to."""
    last, unresolved = after, None
    while True:
        mentions = session.exec(
            select(Mention).where(col(Mention.id) > last).order_by(col(Mention.id)).limit(CHUNK)
        ).all()
        if not mentions:
            break
        hits = [h for m, ws in _with_keys(session, mentions) for h in _mention_hits(m, ws, report)]
        _raise_alerts(session, hits, report)
        report.mentions += len(mentions)
        last = mentions[-1].id or last
        if unresolved is None:
            unresolved = next((m.id for m in mentions if m.subject_id is None), None)
    return last if unresolved is None else (unresolved - 1)


def _with_keys(session: Session, mentions: Sequence[Mention]) -> list[tuple[Mention, list[Watch]]]:
    """Each mention with its candidate watches: those sharing as many keys as they need."""
    keys: dict[int, set[str]] = defaultdict(set)
    rows = session.exec(
        select(MentionBlock.mention_id, MentionBlock.key).where(
            col(MentionBlock.mention_id).in_([m.id for m in mentions])
        )
    ).all()
    for mention_id, key in rows:
        keys[mention_id].add(key)
    for mention in mentions:
        if mention.subject_id is not None:
            keys[mention.id or 0].add(f"s:{mention.subject_id}")
    short = {m.id or 0: abbreviated([m.name, *m.aliases]) for m in mentions}
    found = _watch_rows(session, keys, short)
    chosen = {
        m.id or 0: candidates(keys[m.id or 0], found, short=short[m.id or 0]) for m in mentions
    }
    watches = _load_watches(session, {w for ids in chosen.values() for w in ids})
    return [(m, [watches[w] for w in chosen[m.id or 0] if w in watches]) for m in mentions]


def candidates(
    keys: set[str], found: dict[str, list[tuple[int, int]]], *, short: bool
) -> list[int]:
    """The watches a mention with `keys` is screened against: those sharing as many keys as
    they need (`storage.watch.NAME_KEYS_NEEDED`). A watch needing two counts name-word keys
    only, and is content with one shared key of any kind when the mention abbreviates a word
    (`short`) or has a single name word."""
    words = sum(k.startswith("n:") for k in keys)
    lenient = short or words < 2
    shared: dict[int, list[int]] = {}
    for key in keys:
        for watch_id, need in found.get(key, ()):
            entry = shared.setdefault(watch_id, [0, 0, need])
            entry[0] += 1
            entry[1] += not key.startswith("i:")
    return [
        watch_id
        for watch_id, (count, without_initials, need) in shared.items()
        if (count if need == 1 or lenient else without_initials) >= (1 if lenient else need)
    ]


def _watch_rows(
    session: Session, keys: dict[int, set[str]], short: dict[int, bool]
) -> dict[str, list[tuple[int, int]]]:
    """The index rows `candidates` needs for these mentions, without reading every watch
    under a common key: a watch needing two name-word keys shares at least one besides
    the mention's most common key, so under that key (and under initials keys, which such
    a watch does not count) only watches needing one key are read, and the others are
    checked for it by id."""
    sizes = key_sizes(session, {k for ks in keys.values() for k in ks})
    full: set[str] = set()
    thin: set[str] = set()
    heavy: dict[int, str] = {}
    for mention_id, mine in keys.items():
        words = [k for k in mine if not k.startswith("i:")]
        if short[mention_id] or sum(k.startswith("n:") for k in words) < 2:
            full |= mine
            continue
        heavy[mention_id] = max(words, key=lambda k: (sizes.get(k, 0), k))
        full |= set(words) - {heavy[mention_id]}
        thin |= (mine - set(words)) | {heavy[mention_id]}
    found = watches_by_key(session, full)
    for key, rows in watches_by_key(session, thin - full, need=1).items():
        found[key].extend(rows)
    asked: dict[str, set[int]] = defaultdict(set)
    for mention_id, key in heavy.items():
        if key not in full:
            light = keys[mention_id] & full
            asked[key] |= {w for k in light for w, need in found.get(k, ()) if need > 1}
    for key, ids in asked.items():
        found[key].extend(_sharing(session, key, ids))
    return found


def key_sizes(session: Session, keys: set[str]) -> dict[str, int]:
    """How many watches are indexed under each key."""
    wanted = sorted(keys)
    sizes: dict[str, int] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.exec(
            select(WatchKey.key, sa.func.count())
            .where(col(WatchKey.key).in_(wanted[start : start + CHUNK]))
            .group_by(col(WatchKey.key))
        ).all()
        sizes.update((key, int(count)) for key, count in rows)
    return sizes


def watches_by_key(
    session: Session, keys: Iterable[str], *, need: int | None = None
) -> dict[str, list[tuple[int, int]]]:
    """The watches indexed under each of `keys` (only those needing `need` keys, if given):
    (watch id, keys it needs shared)."""
    wanted = sorted(set(keys))
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start in range(0, len(wanted), CHUNK):
        statement = select(WatchKey.key, WatchKey.watch_id, WatchKey.need).where(
            col(WatchKey.key).in_(wanted[start : start + CHUNK])
        )
        if need is not None:
            statement = statement.where(WatchKey.need == need)
        for key, watch_id, needed in session.exec(statement).all():
            found[key].append((watch_id, needed))
    return found


def _sharing(session: Session, key: str, ids: set[int]) -> list[tuple[int, int]]:
    """Which of the watches `ids` are indexed under `key`."""
    wanted = sorted(ids)
    rows: list[tuple[int, int]] = []
    for start in range(0, len(wanted), CHUNK):
        rows.extend(
            session.exec(
                select(WatchKey.watch_id, WatchKey.need).where(
                    WatchKey.key == key, col(WatchKey.watch_id).in_(wanted[start : start + CHUNK])
                )
            ).all()
        )
    return rows


def _load_watches(session: Session, ids: set[int]) -> dict[int, Watch]:
    wanted = sorted(ids)
    watches: dict[int, Watch] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        watches.update(
            (w.id or 0, w) for w in session.exec(select(Watch).where(col(Watch.id).in_(chunk)))
        )
    return watches


def _mention_hits(mention: Mention, watches: list[Watch], report: ScreenReport) -> list[Hit]:
    hits = []
    features: MentionFeatures | None = None
    for watch in watches:
        report.candidates += 1
        reasons: list[str] | None = None
        if watch.kind == WatchKind.NAME:
            features = features or features_of(mention, year=None)
            score = score_pair(MentionFeatures(name=watch.name or ""), features)
            if score.value >= NAME_THRESHOLD:
                reasons = [f"name score {score.value:.2f}", *score.reasons]
        elif watch.kind == WatchKind.NUMBER:
            reasons = [f"same passport/permit number ({watch.number})"]
        elif watch.kind == WatchKind.SUBJECT and watch.subject_id == mention.subject_id:
            reasons = [f"resolved to the watched subject ({mention.subject_id})"]
        if reasons is not None:
            hits.append(Hit(watch, mention.document_id, mention, reasons))
    return hits


# --- linked rows (query watches) --------------------------------------------------


def _screen_linked(session: Session, after: int, report: ScreenReport) -> int:
    last = after
    while True:
        rows = session.exec(
            select(LinkedFact)
            .where(col(LinkedFact.id) > last)
            .order_by(col(LinkedFact.id))
            .limit(CHUNK)
        ).all()
        if not rows:
            return last
        found = watches_by_key(session, {k for row in rows for k in linked_keys(row)})
        watches = _load_watches(session, {w for ids in found.values() for w, _ in ids})
        hits: list[Hit] = []
        for row in rows:
            candidates = {w for key in linked_keys(row) for w, _ in found.get(key, ())}
            report.query_candidates += len(candidates)
            hits.extend(
                Hit(watches[w], row.document_id, None, query_reasons(watches[w]))
                for w in sorted(candidates)
                if w in watches and query_matches(watches[w], row)
            )
        _raise_alerts(session, hits, report, linked=rows)
        report.linked += len(rows)
        last = rows[-1].id or last


def linked_keys(row: LinkedFact) -> set[str]:
    """The query keys of a linked row: its nationality, incident (if it happened) and region."""
    keys = set()
    if row.nationality:
        keys.add(f"qn:{row.nationality}")
    if row.incident and row.status not in QUIET_STATUSES:
        keys.add(f"qi:{row.incident}")
    keys.update(f"qr:{code}" for code in (row.province, row.regency) if code)
    return keys


def query_matches(watch: Watch, row: LinkedFact) -> bool:
    """Every field the query watch gives matches the linked row."""
    if watch.kind != WatchKind.QUERY:
        return False
    if watch.nationality and watch.nationality != row.nationality:
        return False
    if watch.incident and (watch.incident != row.incident or row.status in QUIET_STATUSES):
        return False
    return not watch.region or watch.region in (row.province, row.regency)


def query_reasons(watch: Watch) -> list[str]:
    """Why a query watch matched: the fields it gave."""
    fields = (
        ("nationality", watch.nationality),
        ("region", watch.region),
        ("incident", watch.incident),
    )
    return [f"{name} {value}" for name, value in fields if value]


# --- alerts ----------------------------------------------------------------------------


def _raise_alerts(
    session: Session,
    hits: list[Hit],
    report: ScreenReport,
    linked: Sequence[LinkedFact] = (),
) -> None:
    """Store one alert per new (watch, document) pair among `hits`."""
    if not hits:
        return
    fresh: dict[tuple[int, int], Hit] = {}
    for hit in hits:
        fresh.setdefault((hit.watch.id or 0, hit.document_id), hit)
    existing = session.exec(
        select(Alert.watch_id, Alert.document_id).where(
            col(Alert.watch_id).in_({w for w, _ in fresh}),
            col(Alert.document_id).in_({d for _, d in fresh}),
        )
    ).all()
    for pair in existing:
        fresh.pop((pair[0], pair[1]), None)
    for hit in fresh.values():
        if hit.mention is None:
            hit.mention = _person_of(session, hit, linked)
        session.add(_alert(session, hit))
        report.alerts += 1
    session.flush()


def _person_of(session: Session, hit: Hit, linked: Sequence[LinkedFact]) -> Mention | None:
    for row in linked:
        if row.document_id == hit.document_id and row.mention_id and query_matches(hit.watch, row):
            return session.get(Mention, row.mention_id)
    return None


def _alert(session: Session, hit: Hit) -> Alert:
    facts = _facts(session, hit)
    fact = _evidence_fact(hit, facts)
    marks = [fact.text] if fact else []
    if hit.watch.kind == WatchKind.NUMBER and hit.watch.number:
        marks.append(hit.watch.number)
    if hit.watch.kind == WatchKind.QUERY and fact:
        marks.extend(f.text for f in facts if f.sentence == fact.sentence and _relevant(hit, f))
    return Alert(
        watch_id=hit.watch.id or 0,
        document_id=hit.document_id,
        mention_id=hit.mention.id if hit.mention else None,
        page=fact.page if fact else 1,
        evidence=(fact.sentence or fact.text) if fact else "",
        marks=list(dict.fromkeys(m for m in marks if m)),
        reasons=hit.reasons,
    )


def _facts(session: Session, hit: Hit) -> list[Fact]:
    statement = select(FactRow).where(FactRow.document_id == hit.document_id)
    if hit.watch.kind != WatchKind.QUERY:
        if not hit.mention or not hit.mention.fact_ids:
            return []
        statement = statement.where(col(FactRow.id).in_(list(hit.mention.fact_ids)))
    rows = session.exec(statement.order_by(col(FactRow.page), col(FactRow.start))).all()
    return [Fact.model_validate(row.model_dump()) for row in rows]


def _evidence_fact(hit: Hit, facts: list[Fact]) -> Fact | None:
    """The fact whose sentence is shown: the one carrying the number, the query's incident
    (else nationality, else place), or the mention's first."""
    watch = hit.watch
    if watch.kind == WatchKind.NUMBER:
        carrying = [f for f in facts if watch.number in _numbers(f)]
        return carrying[0] if carrying else (facts[0] if facts else None)
    if watch.kind == WatchKind.QUERY:
        for kind in (FactKind.INCIDENT, FactKind.NATIONALITY, FactKind.LOCATION):
            matching = [f for f in facts if f.kind == kind and _relevant(hit, f)]
            if matching:
                return matching[0]
        return None
    return facts[0] if facts else None


def _numbers(fact: Fact) -> set[str]:
    found = {str(fact.attributes.get("passport") or "").upper()}
    if fact.kind == FactKind.IDENTIFIER and fact.value:
        found.add(fact.value.upper())
    return found


def _relevant(hit: Hit, fact: Fact) -> bool:
    watch = hit.watch
    value = fact.value or ""
    if fact.kind == FactKind.INCIDENT:
        return bool(watch.incident) and value == watch.incident
    if fact.kind == FactKind.NATIONALITY:
        return bool(watch.nationality) and value == watch.nationality
    if fact.kind == FactKind.LOCATION:
        return bool(watch.region) and value.startswith(watch.region or "")
    return False

"""Screening time of new documents against a large watchlist.

Builds a database with ``--watches`` watches (mostly names, some passport numbers, a few
queries), indexed as `storage.watch` indexes them, then stores ``--batches`` batches of
``--documents`` invented documents (about three named foreign nationals each, some of them
watched people under another spelling or with a watched passport number) and screens each
batch the way a batch run does (`storage.screening.screen`). Prints the screening time per
batch and per mention, the candidate pairs looked at (a watch and a mention: "by name", which
also counts numbers; a query watch and a linked row: "by query") and the alerts raised.

    uv run python -m benchmarks.watch_screening [--watches 100000] [--db URL]
        [--batches 5] [--documents 100]

Without ``--db`` the database is a SQLite file under ``$PANTAU_BENCH_DIR`` (default the
system temp folder), made anew each time. With a PostgreSQL URL everything goes into its
own schema ``pantau_bench_watch``, so nothing else in that database is touched.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlmodel import Session

from extractors.identity import blocking_keys
from models.records import INCIDENT_LABELS, MentionFeatures
from models.tables import (
    Document,
    FactRow,
    LinkedFact,
    Mention,
    MentionBlock,
    Run,
    Subject,
    Watch,
    WatchKey,
    WatchKind,
    utc_now,
)
from storage import migrate, screening
from storage.engine import make_engine
from storage.watch import watch_keys

SCHEMA = "pantau_bench_watch"
BATCH = 5000
# Common given names, weighted: many watches and mentions share them (and their keys).
GIVEN = [
    ("Muhammad", 30), ("Mohammed", 10), ("Ali", 12), ("Ahmed", 10), ("Nguyen", 15),
    ("Chen", 15), ("Wang", 12), ("Li", 12), ("Kim", 8), ("John", 6), ("David", 6),
    ("Sergei", 4), ("Abdul", 8), ("Tran", 8), ("Park", 5), ("Rahman", 6), ("Zhang", 10),
]  # fmt: skip
# Family names are made of consonant-vowel syllables: their first four letters (a name
# key) spread over some ten thousand values, as the family names of a real watchlist do.
CONSONANTS = "bcdfghjklmnprstvwyz"
VOWELS = "aeiou"
NATIONALITIES = ["CN", "VN", "MY", "IN", "BD", "KR", "US", "AU", "RU", "NG", "PK", "AF"]
PROVINCES = ["11", "12", "13", "14", "21", "31", "32", "33", "34", "35", "36", "51", "52", "64"]
SHARE = {WatchKind.NAME: 0.899, WatchKind.NUMBER: 0.1, WatchKind.QUERY: 0.001}


class Generator:
    """Invented names, numbers and queries from one seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.given_weights = [w for _, w in GIVEN]

    def name(self) -> str:
        given = self.rng.choices([g for g, _ in GIVEN], self.given_weights)[0]
        words = [
            "".join(
                self.rng.choice(CONSONANTS) + self.rng.choice(VOWELS)
                for _ in range(self.rng.randint(2, 4))
            ).title()
            for _ in range(self.rng.randint(1, 2))
        ]
        return " ".join([given, *words])

    def number(self) -> str:
        letters = self.rng.choice("ABEGKPX") + self.rng.choice("ABCK")
        return f"{letters}{self.rng.randint(10**6, 10**7 - 1)}"

    def query(self) -> dict[str, str | None]:
        fields: dict[str, str | None] = {
            "nationality": self.rng.choice(NATIONALITIES),
            "region": self.rng.choice(PROVINCES),
            "incident": self.rng.choice(INCIDENT_LABELS),
        }
        dropped = self.rng.choice([None, "nationality", "region", "incident"])
        if dropped:
            fields[dropped] = None
        return fields

    def variant(self, name: str) -> str:
        """The same person written otherwise: another word order or a first initial."""
        words = name.split()
        if len(words) > 1 and self.rng.random() < 0.5:
            return " ".join([*words[1:], words[0]])
        return " ".join([f"{words[0][0]}.", *words[1:]])


def build_watches(engine: sa.Engine, count: int, gen: Generator) -> dict[str, list[Any]]:
    """Insert `count` watches with their keys, in bulk; returns samples to plant in batches."""
    started = time.perf_counter()
    samples: dict[str, list[Any]] = {"name": [], "number": [], "query": []}
    kinds = list(SHARE)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        for start in range(1, count + 1, BATCH):
            watches, keys = [], []
            for watch_id in range(start, min(start + BATCH, count + 1)):
                kind = gen.rng.choices(kinds, [SHARE[k] for k in kinds])[0]
                watch = make_watch(watch_id, kind, gen)
                watches.append(watch.model_dump())
                keys.extend(
                    {"watch_id": watch_id, "key": key, "need": need}
                    for key, need in watch_keys(watch).items()
                )
                if len(samples[kind.value]) < 2000:
                    samples[kind.value].append(watch)
            connection.execute(sa.insert(Watch.__table__), watches)  # type: ignore[attr-defined]
            connection.execute(sa.insert(WatchKey.__table__), keys)  # type: ignore[attr-defined]
        fix_sequences(connection, ["watch"])
        connection.exec_driver_sql("ANALYZE")
    print(f"built {count} watches in {time.perf_counter() - started:.0f} s", flush=True)
    return samples


def make_watch(watch_id: int, kind: WatchKind, gen: Generator) -> Watch:
    now = utc_now()
    watch = Watch(id=watch_id, owner=f"penyidik{watch_id % 40}", kind=kind, note="",
                  shared=watch_id % 3 == 0, created_at=now, updated_at=now)  # fmt: skip
    if kind == WatchKind.NAME:
        watch.name = gen.name()
    elif kind == WatchKind.NUMBER:
        watch.number = gen.number()
    else:
        for field, value in gen.query().items():
            setattr(watch, field, value)
    return watch


def fix_sequences(connection: sa.Connection, tables: list[str]) -> None:
    """After inserts with explicit ids, PostgreSQL's sequences continue after them."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


class Batch:
    """The rows of one batch of new documents, ids following those already stored."""

    def __init__(self, first: dict[str, int]) -> None:
        self.next = dict(first)
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}

    def take(self, table: str) -> int:
        self.next[table] += 1
        return self.next[table] - 1

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows[table].append(row)


def make_batch(
    first: dict[str, int],
    documents: int,
    run_id: int,
    gen: Generator,
    samples: dict[str, list[Any]],
) -> Batch:
    """`documents` documents with one to five named people each (three on average)."""
    batch = Batch(first)
    now = utc_now()
    for _ in range(documents):
        document_id = batch.take("document")
        batch.add("document", {
            "id": document_id, "sha256": f"{document_id:064x}", "path": f"/bench/{document_id}.pdf",
            "name": f"{document_id}.pdf", "media_type": "application/pdf", "size": 1000,
            "status": "processed", "page_count": 1, "warnings": [], "run_id": run_id,
            "extracted_at": now, "created_at": now, "updated_at": now,
        })  # fmt: skip
        for _ in range(gen.rng.randint(1, 5)):
            add_person(batch, document_id, gen, samples, now)
    return batch


def add_person(
    batch: Batch, document_id: int, gen: Generator, samples: dict[str, list[Any]], now: Any
) -> None:
    """One named person: a fact, a subject, a mention with its keys, a linked row."""
    name, passports = gen.name(), [gen.number()]
    draw = gen.rng.random()
    if draw < 0.05:  # a watched person, written otherwise
        name = gen.variant(gen.rng.choice(samples["name"]).name)
    elif draw < 0.07:  # a watched passport
        passports = [gen.rng.choice(samples["number"]).number]
    nationality, province = gen.rng.choice(NATIONALITIES), gen.rng.choice(PROVINCES)
    incident = gen.rng.choice(INCIDENT_LABELS)
    sentence = f"Warga negara asing bernama {name} pemegang paspor nomor {passports[0]}."
    fact_id, subject_id, mention_id = (batch.take(t) for t in ("fact", "subject", "mention"))
    batch.add("fact", {
        "id": fact_id, "document_id": document_id, "kind": "foreign_national", "page": 1,
        "start": 27, "end": 27 + len(name), "text": name, "value": name, "sentence": sentence,
        "method": "rule:bench", "confidence": 0.9, "boxes": [],
        "attributes": {"nationality": nationality, "passport": passports[0]},
    })  # fmt: skip
    batch.add("subject", {
        "id": subject_id, "name": name, "names": [name], "nationality": nationality,
        "passports": passports, "mention_count": 1, "document_count": 1,
        "created_at": now, "updated_at": now,
    })  # fmt: skip
    batch.add("mention", {
        "id": mention_id, "document_id": document_id, "subject_id": subject_id,
        "key": f"{name.casefold()}-{mention_id}"[:128], "name": name, "name_kind": "full",
        "aliases": [], "nationality": nationality, "passports": passports, "place_codes": [],
        "incidents": [incident], "fact_ids": [fact_id], "link": "new", "created_at": now,
    })  # fmt: skip
    features = MentionFeatures(name=name, nationality=nationality, passports=passports)
    for key in blocking_keys(features):
        batch.add("mention_block", {"mention_id": mention_id, "key": key[:160]})
    batch.add("linked_fact", {
        "id": batch.take("linked_fact"), "document_id": document_id, "mention_id": mention_id,
        "nationality": nationality, "incident": incident, "status": "reported",
        "province": province, "regency": None,
    })  # fmt: skip


TABLES: dict[str, Any] = {
    "document": Document.__table__,  # type: ignore[attr-defined]
    "fact": FactRow.__table__,  # type: ignore[attr-defined]
    "subject": Subject.__table__,  # type: ignore[attr-defined]
    "mention": Mention.__table__,  # type: ignore[attr-defined]
    "mention_block": MentionBlock.__table__,  # type: ignore[attr-defined]
    "linked_fact": LinkedFact.__table__,  # type: ignore[attr-defined]
}


def store_batch(engine: sa.Engine, batch: Batch) -> None:
    with engine.begin() as connection:
        for name, table in TABLES.items():
            if batch.rows[name]:
                connection.execute(sa.insert(table), batch.rows[name])
        fix_sequences(connection, [t for t in TABLES if t != "mention_block"])


def open_database(url: str | None, watches: int) -> sa.Engine:
    """An empty engine: a new SQLite file, or the benchmark's own PostgreSQL schema."""
    if url is None or url.startswith("sqlite"):
        if url is None:
            folder = Path(os.environ.get("PANTAU_BENCH_DIR", tempfile.gettempdir()))
            url = f"sqlite:///{folder / f'pantau-watch-{watches}.db'}"
        path = Path(sa.make_url(url).database or "")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return make_engine(url)
    base = sa.make_url(url)
    conninfo = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{SCHEMA}"')
    options = {"options": f"-csearch_path={SCHEMA}"}
    return make_engine(base.update_query_dict(options).render_as_string(False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watches", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a SQLite file)")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--documents", type=int, default=100, help="documents per batch")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    engine = open_database(options.db, options.watches)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    migrate.upgrade(engine)
    gen = Generator(options.seed)
    samples = build_watches(engine, options.watches, gen)
    with engine.begin() as connection:
        run_id = connection.execute(
            sa.insert(Run.__table__)  # type: ignore[attr-defined]
            .values(status="finished", inputs=["benchmark:watch_screening"], started_at=utc_now())
            .returning(Run.__table__.c.id)  # type: ignore[attr-defined]
        ).scalar_one()
    first = dict.fromkeys(TABLES, 1)
    print(f"{'batch':>5} {'docs':>5} {'mentions':>8} {'rows':>6} {'by name':>8} "
          f"{'by query':>8} {'alerts':>6} {'seconds':>8} {'ms/mention':>10}")  # fmt: skip
    totals = [0.0, 0]
    for number in range(1, options.batches + 1):
        batch = make_batch(first, options.documents, run_id, gen, samples)
        store_batch(engine, batch)
        first = batch.next
        with Session(engine) as session:
            report = screening.screen(session)
        per_mention = 1000 * report.seconds / max(1, report.mentions)
        totals[0] += report.seconds
        totals[1] += report.mentions
        print(f"{number:5d} {options.documents:5d} {report.mentions:8d} {report.linked:6d} "
              f"{report.candidates:8d} {report.query_candidates:8d} {report.alerts:6d} "
              f"{report.seconds:8.3f} "
              f"{per_mention:10.2f}", flush=True)  # fmt: skip
    print(f"mean: {totals[0] / options.batches:.3f} s per batch, "
          f"{1000 * totals[0] / max(1, totals[1]):.2f} ms per mention")  # fmt: skip
    engine.dispose()


if __name__ == "__main__":
    main()

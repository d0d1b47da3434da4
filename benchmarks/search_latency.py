"""Latency of faceted search and cross-reference queries over a large generated archive.

Builds (or reuses) a database of ``--documents`` invented Indonesian documents — pages,
facts, facets, subjects and mentions, inserted in bulk — then runs each query type
``--repeat`` times and prints p50/p95 latency in milliseconds.

    uv run python -m benchmarks.search_latency [--documents 100000] [--db URL] [--repeat 20]

Without ``--db`` the database is a SQLite file under ``$PANTAU_BENCH_DIR`` (default the
system temp folder), reused when it already holds the same number of documents. With a
PostgreSQL URL the archive goes into its own schema ``pantau_bench_<N>``, so nothing
else in that database is touched.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlmodel import Session

from extractors.identity import gather_mentions
from extractors.linked import link_facts
from extractors.roots import roots_of
from models.records import INCIDENT_LABELS, Fact, SearchQuery
from models.tables import (
    Document,
    DocumentFacet,
    DocumentFacetList,
    FactRow,
    LinkedFact,
    Mention,
    Page,
    Run,
    Subject,
    utc_now,
)
from pantau.cmdserver import settle_heap
from storage import migrate, summaries, xref
from storage.engine import make_engine
from storage.facets import document_facets, facet_lines

WILAYAH = Path(__file__).resolve().parent.parent / "extractors" / "nlp" / "data" / "wilayah.csv.gz"
MARKER = "benchmark:search_latency:2"  # :2 adds linked facts; older archives are rebuilt
BATCH = 2000
NATIONALITIES = [  # code, Indonesian name, weight
    ("CN", "Tiongkok", 30),
    ("VN", "Vietnam", 10),
    ("MY", "Malaysia", 8),
    ("IN", "India", 7),
    ("BD", "Bangladesh", 6),
    ("KR", "Korea Selatan", 5),
    ("US", "Amerika Serikat", 5),
    ("AU", "Australia", 5),
    ("RU", "Rusia", 5),
    ("NG", "Nigeria", 4),
    ("PH", "Filipina", 4),
    ("JP", "Jepang", 3),
    ("AF", "Afganistan", 3),
    ("MM", "Myanmar", 2),
    ("TL", "Timor Leste", 2),
    ("GB", "Inggris", 2),
    ("DE", "Jerman", 2),
    ("FR", "Prancis", 1),
    ("NL", "Belanda", 1),
    ("TH", "Thailand", 1),
]
SYLLABLES = [
    "li",
    "wan",
    "zhao",
    "min",
    "tran",
    "ngu",
    "yen",
    "kar",
    "ros",
    "dav",
    "ser",
    "gei",
    "ali",
    "reza",
    "han",
    "jun",
    "park",
    "tak",
    "ami",
    "olu",
    "ade",
    "kim",
    "soo",
    "mar",
    "tin",
    "hla",
    "pet",
    "rov",
    "ana",
    "eli",
    "van",
    "der",
    "lu",
    "chen",
    "bao",
    "hoa",
]
CUES = {
    "overstay": "melebihi izin tinggal",
    "permit_misuse": "menyalahgunakan izin tinggal",
    "illegal_work": "bekerja tanpa izin kerja",
    "illegal_entry": "masuk tanpa melalui tempat pemeriksaan imigrasi",
    "document_fraud": "menggunakan paspor palsu",
    "arrest": "diamankan petugas",
    "detention": "didetensi di rumah detensi imigrasi",
    "deportation": "dideportasi ke negara asalnya",
    "blacklist": "dimasukkan dalam daftar penangkalan",
    "criminal": "diduga terlibat penipuan daring",
    "public_order": "dinilai mengganggu ketertiban umum",
    "refugee": "mengaku sebagai pencari suaka",
    "joint_operation": "terjaring operasi gabungan Timpora",
}
STATUSES = ["reported"] * 6 + ["planned"] * 2 + ["hypothetical", "negated"]
AGENCIES = [
    "Kantor Imigrasi",
    "Kepolisian Resor",
    "Dinas Tenaga Kerja",
    "Kodim",
    "Badan Kesatuan Bangsa dan Politik",
    "Kejaksaan Negeri",
    "Rumah Detensi Imigrasi",
]
FILLER = [
    "Kegiatan pengawasan dilaksanakan sesuai jadwal yang telah disepakati bersama.",
    "Seluruh peserta diminta melaporkan perkembangan di wilayah masing-masing.",
    "Petugas juga memeriksa dokumen perjalanan dan izin tinggal para penghuni penginapan.",
    "Pemilik usaha diimbau melaporkan keberadaan orang asing kepada kantor imigrasi terdekat.",
    "Koordinasi antarinstansi dinilai semakin baik dibandingkan tahun sebelumnya.",
    "Hasil pemeriksaan akan dituangkan dalam berita acara dan dilaporkan kepada pimpinan.",
    "Masyarakat dapat menyampaikan informasi melalui layanan pengaduan yang tersedia.",
    "Rapat ditutup dengan doa bersama dan foto dokumentasi kegiatan.",
    "Pendataan tenaga kerja asing di kawasan industri akan dilanjutkan pekan depan.",
    "Camat dan lurah setempat turut hadir mendampingi tim di lapangan.",
    "Tim mencatat sejumlah vila dan rumah kos yang belum melaporkan tamu asingnya.",
    "Sosialisasi aturan keimigrasian diberikan kepada pengelola hotel dan biro perjalanan.",
]
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip


def regencies() -> list[tuple[str, str]]:
    """(code, name) of every regency and city in the shipped gazetteer."""
    with gzip.open(WILAYAH, "rt", encoding="utf-8") as handle:
        return [(r["code"], r["name"]) for r in csv.DictReader(handle) if r["level"] == "regency"]


class Archive:
    """Invented documents, their facts, facets and mentions, made from one seed."""

    def __init__(self, documents: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.documents = documents
        self.regions = regencies()
        self.region_weights = [self.rng.paretovariate(1.2) for _ in self.regions]
        self.nationality_weights = [w for _, _, w in NATIONALITIES]
        self.subjects = [self.make_subject(i + 1) for i in range(max(1, documents // 3))]
        self.subject_weights = [1 / (i + 1) ** 0.6 for i in range(len(self.subjects))]
        self.ids = {"page": 0, "fact": 0, "mention": 0}

    def make_subject(self, subject_id: int) -> dict[str, Any]:
        code = self.rng.choices(NATIONALITIES, self.nationality_weights)[0][0]
        words = [
            "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(1, 3))).title()
            for _ in range(self.rng.randint(2, 3))
        ]
        name = " ".join(words)
        passport = f"{self.rng.choice('EGKPX')}{self.rng.randint(1000000, 9999999)}"
        return {"id": subject_id, "name": name, "names": [name], "nationality": code,
                "passports": [passport], "mention_count": 0, "document_count": 0,
                "first_date": None, "last_date": None}  # fmt: skip

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def make_document(self, document_id: int, run_id: int) -> dict[str, list[dict[str, Any]]]:
        """One document and every row that belongs to it."""
        rng = self.rng
        kind = rng.choices(["letter", "minutes", "news"], [3, 2, 5])[0]
        day = f"{rng.randint(2019, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        places = rng.choices(self.regions, self.region_weights, k=rng.choice([1, 1, 2]))
        count = rng.choices([0, 1, 2, 3], [2, 5, 2, 1])[0]
        people = {s["id"]: s for s in rng.choices(self.subjects, self.subject_weights, k=count)}
        incidents = rng.sample(INCIDENT_LABELS, rng.choice([1, 1, 2, 3]))
        agency = f"{rng.choice(AGENCIES)} {places[0][1]}"
        text = self.page_text(kind, day, places, list(people.values()), incidents, agency)
        pages = [text] if rng.random() < 0.7 else [text, " ".join(rng.sample(FILLER, 6))]
        facts = self.make_facts(document_id, text, places, list(people.values()), incidents, agency)
        document = {
            "id": document_id, "sha256": f"{document_id:064x}",
            "path": f"/arsip/{kind}-{document_id}.pdf", "name": f"{kind}-{document_id}.pdf",
            "media_type": "application/pdf", "size": 1000 + len(text),
            "status": "processed", "page_count": len(pages), "warnings": [], "kind": kind,
            "document_date": day, "extractor": "nlp-bench", "extracted_at": utc_now(),
            "run_id": run_id, "created_at": utc_now(), "updated_at": utc_now(),
        }  # fmt: skip
        facet_facts = [SimpleNamespace(**f) for f in facts]
        facets = document_facets(facet_facts, kind=kind, document_date=day)
        mentions = [self.make_mention(document_id, s, places, incidents) for s in people.values()]
        linked = self.make_linked(document_id, facts, mentions, day, {1: text})
        return {
            "document": [document],
            "page": [
                {
                    "id": self.next_id("page"),
                    "document_id": document_id,
                    "number": n,
                    "text": t,
                    "roots": roots_of(t),
                    "source": "text_layer",
                    "words": [],
                    "steps": [],
                }  # fmt: skip
                for n, t in enumerate(pages, start=1)
            ],
            "fact": facts,
            "document_facet": [
                {"document_id": document_id, "facet": f, "value": v} for f, v in sorted(facets)
            ],
            "document_facet_list": [
                {"document_id": document_id, "lines": facet_lines(sorted(facets))}
            ],
            "mention": mentions,
            "linked_fact": linked,
        }

    def make_linked(self, document_id, facts, mentions, day, pages) -> list[dict[str, Any]]:  # noqa: ANN001
        """The document's linked-fact rows, as extraction would store them."""
        models = [Fact.model_validate(f) for f in facts]
        drafts = gather_mentions(models)
        ids = {m["name"]: m["id"] for m in mentions}
        return [
            {
                "document_id": document_id,
                "mention_id": None if row.mention is None else ids.get(drafts[row.mention].name),
                **row.columns(),
            }
            for row in link_facts(models, drafts, document_date=day, pages=pages)
        ]

    def page_text(self, kind, day, places, people, incidents, agency) -> str:  # noqa: ANN001
        rng = self.rng
        year, month, date = day.split("-")
        when = f"{int(date)} {MONTHS[int(month) - 1]} {year}"
        where = places[0][1]
        named = (
            ", ".join(
                f"{p['name']} ({rng.randint(21, 64)}), warga negara "
                f"{next(n for c, n, _ in NATIONALITIES if c == p['nationality'])}"
                for p in people
            )
            or f"{rng.choice(['dua', 'tiga', 'lima'])} orang warga negara asing"
        )
        events = " dan ".join(CUES[label] for label in incidents)
        head = {
            "letter": f"Nomor: W.{rng.randint(1, 34)}.IMI-{rng.randint(100, 999)}\nPerihal: "
            f"Laporan pengawasan orang asing\n\nBersama ini {agency} melaporkan bahwa",
            "minutes": f"Notulen Rapat Tim Pora {where}\nHari/Tanggal: {when}\n\nPeserta rapat "
            f"mencatat bahwa",
            "news": f"{where.upper()} - Pada {when}, {agency} menyampaikan bahwa",
        }[kind]
        body = f"{head} {named} {events} di {where}."
        return "\n".join([body, *rng.sample(FILLER, rng.randint(3, 7))])

    def make_facts(self, document_id, text, places, people, incidents, agency) -> list[dict]:  # noqa: ANN001
        rng = self.rng
        rows = []

        def add(kind: str, value: str, **attributes: Any) -> None:
            start = 100 * len(rows)  # facts one after the other, never overlapping
            rows.append({"id": self.next_id("fact"), "document_id": document_id, "kind": kind,
                         "page": 1, "start": start, "end": start + len(value), "text": value,
                         "value": value, "sentence": text[:200], "method": "rule:bench",
                         "confidence": 0.9, "attributes": attributes, "boxes": []})  # fmt: skip

        for code, _ in places:
            add("location", code, level="regency")
        for person in people:
            add(
                "foreign_national",
                person["name"],
                nationality=person["nationality"],
                incidents=list(incidents),
            )
            add("nationality", person["nationality"])
        for label in incidents:
            add("incident", label, status=rng.choice(STATUSES))
        add("organisation", agency)
        return rows

    def make_mention(self, document_id, subject, places, incidents) -> dict[str, Any]:  # noqa: ANN001
        codes = [code for code, _ in places]
        return {"id": self.next_id("mention"), "document_id": document_id,
                "subject_id": subject["id"], "key": subject["name"].lower()[:128],
                "name": subject["name"], "name_kind": "full", "aliases": [],
                "nationality": subject["nationality"], "passports": subject["passports"],
                "place_codes": codes, "incidents": list(incidents), "fact_ids": [], "link": "auto",
                "created_at": utc_now()}  # fmt: skip


TABLES = {
    "document": Document.__table__,
    "page": Page.__table__,
    "fact": FactRow.__table__,
    "document_facet": DocumentFacet.__table__,
    "document_facet_list": DocumentFacetList.__table__,
    "mention": Mention.__table__,
    "linked_fact": LinkedFact.__table__,
}


def build(engine: sa.Engine, documents: int, seed: int) -> None:
    """Fill an empty, migrated database with the archive, in bulk batches."""
    archive = Archive(documents, seed)
    started = time.perf_counter()
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA synchronous=OFF")
        run_id = connection.execute(
            sa.insert(Run.__table__)
            .values(status="finished", inputs=[f"{MARKER}:{documents}"], started_at=utc_now())
            .returning(Run.__table__.c.id)
        ).scalar_one()
        connection.execute(sa.insert(Subject.__table__), [
            {**s, "created_at": utc_now(), "updated_at": utc_now()} for s in archive.subjects
        ])  # fmt: skip
        for start in range(1, documents + 1, BATCH):
            insert_batch(
                connection, archive, range(start, min(start + BATCH, documents + 1)), run_id
            )
            print(
                f"  {min(start + BATCH - 1, documents)} documents, "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        # Bulk-loaded mentions: the cross-reference summaries are counted once, at the end.
        summaries.rebuild(Session(bind=connection))
        if engine.dialect.name == "postgresql":
            for table in ("document", "page", "fact", "mention", "subject"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
            connection.exec_driver_sql("ANALYZE")
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    else:
        vacuum(engine)
    print(f"built {documents} documents in {time.perf_counter() - started:.0f} s", flush=True)


def vacuum(engine: sa.Engine) -> None:
    """VACUUM ANALYZE the benchmark's tables, as autovacuum (on by default) does minutes
    after a bulk load: the figures are those of the archive at rest, whose index-only scans
    no longer visit the table (a facet filter's match: 60 ms before, 33 after)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        tables = connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).scalars()
        for table in list(tables):
            connection.exec_driver_sql(f'VACUUM ANALYZE "{table}"')


def insert_batch(connection: sa.Connection, archive: Archive, ids: range, run_id: int) -> None:
    """Insert the rows of one batch of documents, table by table."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for document_id in ids:
        for name, made in archive.make_document(document_id, run_id).items():
            rows[name].extend(made)
    for name, table in TABLES.items():
        if rows[name]:
            connection.execute(sa.insert(table), rows[name])


def stored_documents(engine: sa.Engine, documents: int) -> bool:
    """True when the database already holds this benchmark's archive of `documents`."""
    try:
        with engine.connect() as connection:
            inputs = connection.execute(sa.select(Run.__table__.c.inputs)).scalars().all()
            count = connection.execute(sa.text("SELECT count(*) FROM document")).scalar_one()
    except sa.exc.DBAPIError:
        return False
    return count == documents and [f"{MARKER}:{documents}"] in inputs


def open_database(url: str | None, documents: int) -> tuple[sa.Engine, bool]:
    """The engine of the benchmark database, and whether it is ready (reused)."""
    if url is None or url.startswith("sqlite"):
        if url is None:
            folder = Path(os.environ.get("PANTAU_BENCH_DIR", tempfile.gettempdir()))
            url = f"sqlite:///{folder / f'pantau-search-{documents}.db'}"
        engine = make_engine(url)
        if stored_documents(engine, documents):
            return engine, True
        engine.dispose()
        path = Path(sa.make_url(url).database or "")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        return make_engine(url), False
    schema = f"pantau_bench_{documents}"
    base = sa.make_url(url)
    engine = make_engine(
        base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(False)
    )
    if stored_documents(engine, documents):
        return engine, True
    conninfo = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{schema}"')
    return engine, False


def queries(session: Session, rng: random.Random) -> Iterator[tuple[str, Callable[[], Any]]]:
    """(label, call) for every query type; calls pick their own varying arguments."""
    top_subjects = [row[0] for row in session.exec(
        sa.select(Mention.subject_id).group_by(Mention.subject_id)
        .order_by(sa.func.count().desc()).limit(50)
    ).all()]  # fmt: skip
    busy = session.exec(
        sa.select(DocumentFacet.value).where(DocumentFacet.facet == "regency")
        .group_by(DocumentFacet.value).order_by(sa.func.count().desc()).limit(1)
    ).one()[0]  # fmt: skip
    agency = f"Kantor Imigrasi {regencies()[0][1]}"

    def run(**filters: Any) -> Callable[[], Any]:
        return lambda: xref.search(session, query=SearchQuery(**filters))

    yield "search: no filter (facet counts over all)", run()
    yield "search: text common word", run(text="imigrasi")
    yield "search: text root word (dideportasi, ...)", run(text="deportasi")
    yield "search: text prefix", run(text="deport*")
    yield "search: text phrase", run(text='"izin tinggal"')
    yield "search: text rare name", run(text=rng.choice(SYLLABLES).title() + "wan")
    yield "search: nationality=CN", run(nationality="CN")
    yield "search: nationality=TL", run(nationality="TL")
    yield "search: province=51", run(province="51")
    yield f"search: regency={busy}", run(regency=busy)
    yield "search: incident=deportation", run(incident="deportation")
    yield "search: incident+status", run(incident="overstay", status="reported")
    yield "search: status=planned", run(status="planned")
    yield "search: kind=minutes", run(kind="minutes")
    yield "search: agency", run(agency=agency)
    yield "search: one month", run(date_from="2024-03", date_to="2024-03")
    yield (
        "search: combined facets",
        run(nationality="CN", province="35", incident="deportation", date_from="2022-01-01"),
    )
    yield "search: text + facets", run(text="imigrasi", nationality="VN", kind="news")
    yield "search: page 50 of a facet", run(nationality="CN", offset=1000, limit=20)
    yield (
        "xref: documents_about_subject",
        lambda: xref.documents_about_subject(session, subject_id=rng.choice(top_subjects)),
    )
    yield (
        "xref: subjects_in_several_regions regency",
        lambda: xref.subjects_in_several_regions(session, level="regency", min_regions=3),
    )
    yield (
        "xref: subjects_in_several_regions province",
        lambda: xref.subjects_in_several_regions(session, level="province", min_regions=2),
    )
    yield "xref: co_occurring all pairs", lambda: xref.co_occurring(session, min_documents=2)
    yield (
        "xref: co_occurring one subject",
        lambda: xref.co_occurring(session, subject_id=rng.choice(top_subjects)),
    )
    yield "xref: counts nat×province×incident×month", lambda: xref.counts(session)
    yield (
        "xref: counts nationality×regency",
        lambda: xref.counts(session, by=("nationality", "region"), level="regency"),
    )
    yield (
        "xref: counts filtered (CN, 2024)",
        lambda: xref.counts(
            session, query=SearchQuery(nationality="CN", date_from="2024-01", date_to="2024-12")
        ),
    )


def goal_of(label: str) -> int | None:
    """The p95 goal of a query, in ms: 200 for a common word's first page of results, 100
    for every facet and cross-reference query; none for other text queries."""
    if label == "search: text common word":
        return 200
    if label.startswith("xref:") or (label.startswith("search:") and ": text" not in label):
        return 100
    return None


def measure(call: Callable[[], Any], repeat: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over `repeat` calls after one warm-up, and the result size."""
    result = call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    size = getattr(result, "total", None)
    return statistics.median(times), p95, size if size is not None else len(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: a SQLite file)")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    engine, ready = open_database(options.db, options.documents)
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    migrate.upgrade(engine)  # a stored archive of an older schema is brought up to date
    if not ready:
        build(engine, options.documents, options.seed)
    rng = random.Random(options.seed)
    print(f"{'query':48} {'p50 ms':>8} {'p95 ms':>8} {'rows':>8}  goal (p95)")
    with Session(engine) as session:
        settle_heap()  # as the servers that answer searches do (`pantau.cmdserver`, `pantau web`)
        for label, call in queries(session, rng):
            p50, p95, size = measure(call, options.repeat)
            goal = goal_of(label)
            verdict = "" if goal is None else f"  {goal} ms {'met' if p95 <= goal else 'missed'}"
            print(f"{label:48} {p50:8.1f} {p95:8.1f} {size:8d}{verdict}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()

"""Faceted search and cross-reference queries, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from models.errors import QueryError, StorageError
from models.records import (
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    INCIDENT_LABELS,
    INCIDENT_STATUSES,
    ExtractionResult,
    Fact,
    FactKind,
    SearchQuery,
)
from models.tables import DocumentFacet, Mention, Subject
from storage import repository, xref

BADUNG = (
    "Petugas Kantor Imigrasi Ngurah Rai mengamankan warga negara Tiongkok berinisial LW (41) "
    "di sebuah vila di Kabupaten Badung karena izin tinggalnya habis."
)
SIKKA = (
    "Tim Pora Kabupaten Sikka mendeportasi dua warga negara Vietnam yang bekerja di kapal "
    "penangkap ikan tanpa izin kerja."
)
SURABAYA = (
    "Rapat koordinasi di Kota Surabaya membahas rencana deportasi seorang warga negara "
    "Tiongkok bernama Zhou Peng setelah sidang."
)
HOSTILE = (
    "Catatan petugas: <script>alert(1)</script> dan '; DROP TABLE document; -- tertulis di memo."
)


OFFSETS = itertools.count(0, 100)


def fact(kind: FactKind, value: str, **attributes: object) -> Fact:
    """A fact of its own words: facts made one after the other never overlap."""
    start = next(OFFSETS)
    return Fact(
        kind=kind,
        page=1,
        start=start,
        end=start + len(value),
        text=value,
        value=value,
        method="rule:test",
        confidence=0.9,
        attributes=attributes,
    )


def extraction(kind: str, day: str, *facts: Fact) -> ExtractionResult:
    return ExtractionResult(extractor="nlp-test", kind=kind, document_date=day, facts=list(facts))


@pytest.fixture
def archive(session, store_document):
    """Four extracted documents: Bali overstay, Sikka deportation, Surabaya minutes, a memo."""
    stored = {
        "badung": store_document("/arsip/berita-badung.pdf", [BADUNG]),
        "sikka": store_document("/arsip/surat-sikka.pdf", [SIKKA]),
        "surabaya": store_document("/arsip/notulen-surabaya.pdf", [SURABAYA]),
        "memo": store_document("/arsip/memo.pdf", [HOSTILE]),
    }
    extractions = {
        "badung": extraction(
            "news",
            "2024-03-15",
            fact(FactKind.NATIONALITY, "CN"),
            fact(FactKind.LOCATION, "51.03", level="regency"),
            fact(FactKind.INCIDENT, "overstay", status="reported"),
            fact(FactKind.INCIDENT, "arrest", status="reported"),
            fact(FactKind.ORGANISATION, "Kantor Imigrasi  Ngurah Rai"),
        ),
        "sikka": extraction(
            "letter",
            "2024-04-02",
            fact(FactKind.NATIONALITY, "VN"),
            fact(FactKind.LOCATION, "53.10", level="regency"),
            fact(FactKind.INCIDENT, "deportation", status="reported"),
            fact(FactKind.INCIDENT, "illegal_work", status="reported"),
        ),
        "surabaya": extraction(
            "minutes",
            "2024-04-20",
            fact(
                FactKind.FOREIGN_NATIONAL, "Zhou Peng", nationality="CN", incidents=["deportation"]
            ),
            fact(FactKind.LOCATION, "35.78", level="regency"),
            fact(FactKind.INCIDENT, "deportation", status="planned"),
        ),
        "memo": extraction("letter", "2023-12-01"),
    }
    for name, result in extractions.items():
        repository.save_extraction(session, document_id=stored[name].id, extraction=result)
    return {name: document.id for name, document in stored.items()}


def found(session, **filters: object) -> set[int]:
    results = xref.search(session, query=SearchQuery(**filters))
    assert results.total == len(results.hits)
    return {hit.document_id for hit in results.hits}


def facet_rows(session, document_id: int) -> set[tuple[str, str]]:
    statement = sa.select(DocumentFacet.facet, DocumentFacet.value).where(
        DocumentFacet.document_id == document_id
    )
    return {tuple(row) for row in session.exec(statement).all()}


def test_xref_vocabulary_matches_the_nlp():
    from extractors.nlp.incidents import LABELS, STATUSES

    assert (INCIDENT_LABELS, INCIDENT_STATUSES) == (LABELS, STATUSES)


def test_xref_facets_filled_on_save(session, archive):
    assert facet_rows(session, archive["badung"]) == {
        ("nationality", "CN"),
        ("province", "51"),
        ("regency", "51.03"),
        ("incident", "overstay"),
        ("incident", "arrest"),
        ("status", "reported"),
        ("incident_status", "overstay:reported"),
        ("incident_status", "arrest:reported"),
        ("agency", "Kantor Imigrasi Ngurah Rai"),
        ("kind", "news"),
        ("month", "2024-03"),
    }


def test_xref_facets_replaced_on_reextraction(session, archive):
    again = extraction("letter", "2025-01-09", fact(FactKind.NATIONALITY, "AU"))
    repository.save_extraction(session, document_id=archive["badung"], extraction=again)
    assert facet_rows(session, archive["badung"]) == {
        ("nationality", "AU"),
        ("kind", "letter"),
        ("month", "2025-01"),
    }
    assert found(session, nationality="CN") == {archive["surabaya"]}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"nationality": "cn"}, {"badung", "surabaya"}),
        ({"nationality": "VN"}, {"sikka"}),
        ({"province": "51"}, {"badung"}),
        ({"regency": "35.78"}, {"surabaya"}),
        ({"incident": "deportation"}, {"sikka", "surabaya"}),
        ({"incident": "deportation", "status": "reported"}, {"sikka"}),
        ({"status": "planned"}, {"surabaya"}),
        ({"kind": "letter"}, {"sikka", "memo"}),
        ({"agency": "Kantor Imigrasi Ngurah Rai"}, {"badung"}),
        ({"date_from": "2024-04-01"}, {"sikka", "surabaya"}),
        ({"date_to": "2024-03"}, {"badung", "memo"}),
        ({"date_from": "2024-04", "date_to": "2024-04-10"}, {"sikka"}),
        ({"nationality": "CN", "incident": "deportation"}, {"surabaya"}),
        ({"nationality": "CN", "kind": "news", "province": "51"}, {"badung"}),
        ({"nationality": "VN", "province": "51"}, set()),
        ({"text": "warga negara Tiongkok"}, {"badung", "surabaya"}),
        ({"text": "deportasi", "nationality": "CN"}, {"surabaya"}),
        ({}, {"badung", "sikka", "surabaya", "memo"}),
    ],
)
def test_xref_search_filters(session, archive, filters, expected):
    assert found(session, **filters) == {archive[name] for name in expected}


def test_xref_search_hit_has_snippet_and_facets(session, archive):
    results = xref.search(session, query=SearchQuery(text="vila", nationality="CN"))
    (hit,) = results.hits
    assert (hit.document_id, hit.page, hit.kind, hit.document_date) == (
        archive["badung"],
        1,
        "news",
        "2024-03-15",
    )
    assert f"{HIGHLIGHT_START}vila{HIGHLIGHT_END}" in hit.snippet
    assert hit.facets["regency"] == ["51.03"]
    assert hit.name == "berita-badung.pdf"


def test_xref_search_without_text_is_newest_first_and_pages(session, archive):
    first = xref.search(session, query=SearchQuery(limit=2))
    second = xref.search(session, query=SearchQuery(limit=2, offset=2))
    order = [hit.document_id for hit in first.hits + second.hits]
    assert order == [archive[n] for n in ("surabaya", "sikka", "badung", "memo")]
    assert first.total == second.total == 4


@pytest.mark.parametrize(
    ("limit", "offsets"), [(2, (0, 2, 4)), (3, (0, 3)), (4, (1, 5)), (6, (0,))]
)
def test_xref_search_without_text_pages_cross_from_dated_to_undated(
    session, archive, store_document, limit, offsets
):
    undated = [
        store_document(f"/arsip/tanpa-tanggal-{n}.pdf", [f"Catatan {n}."]).id for n in (1, 2)
    ]
    newest = [
        archive["surabaya"],
        archive["sikka"],
        archive["badung"],
        archive["memo"],
        *sorted(undated, reverse=True),
    ]
    for offset in offsets:
        page = xref.search(session, query=SearchQuery(limit=limit, offset=offset))
        assert [hit.document_id for hit in page.hits] == newest[offset : offset + limit]
        assert page.total == 6


def test_xref_facet_counts_over_filtered_set(session, archive):
    results = xref.search(session, query=SearchQuery(incident="deportation"))
    counts = {f: {c.value: c.documents for c in v} for f, v in results.facets.items()}
    assert counts["nationality"] == {"CN": 1, "VN": 1}
    assert counts["incident_status"] == {
        "deportation:reported": 1,
        "deportation:planned": 1,
        "illegal_work:reported": 1,
    }
    assert counts["kind"] == {"letter": 1, "minutes": 1}
    everything = xref.search(session, query=SearchQuery(facet_limit=1))
    assert [(c.value, c.documents) for c in everything.facets["nationality"]] == [("CN", 2)]
    assert [(c.value, c.documents) for c in everything.facets["kind"]] == [("letter", 2)]


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        ({"nationality": "XX"}, "ISO 3166-1"),
        ({"nationality": "China"}, "ISO 3166-1"),
        ({"province": "Bali"}, '"51"'),
        ({"regency": "5103"}, '"51.03"'),
        ({"regency": "51.03'; DROP TABLE document; --"}, "regency"),
        ({"incident": "smuggling"}, "overstay"),
        ({"status": "maybe"}, "reported"),
        ({"kind": "memo"}, "letter"),
        ({"date_from": "15/03/2024"}, "YYYY-MM-DD"),
        ({"date_to": "2024-02-30"}, "YYYY-MM-DD"),
        ({"date_from": "2024-05-01", "date_to": "2024-04-01"}, "swap"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_xref_search_rejects_malformed_input(session, archive, filters, says):
    with pytest.raises(QueryError, match=".") as raised:
        xref.search(session, query=SearchQuery(**filters))
    assert says in raised.value.message
    assert isinstance(raised.value, StorageError)


@pytest.mark.parametrize(
    "text", ['"', "*", "OR (", "NEAR(", "'; DROP TABLE document; --", "(((", "\x00"]
)
def test_xref_search_hostile_text_is_harmless(session, archive, text):
    results = xref.search(session, query=SearchQuery(text=text, nationality="CN"))
    assert results.total == len(results.hits) <= 2
    assert found(session) == set(archive.values())


@pytest.mark.parametrize("text", ["Catatan petugas", "DROP TABLE document", '"tertulis di memo"'])
def test_xref_hostile_document_stays_searchable(session, archive, text):
    results = xref.search(session, query=SearchQuery(text=text))
    assert [hit.document_id for hit in results.hits] == [archive["memo"]]
    assert HIGHLIGHT_START in results.hits[0].snippet
    # Markup is data: PostgreSQL's parser skips tags, SQLite indexes the word; neither breaks.
    tagged = xref.search(session, query=SearchQuery(text="<script>"))
    assert {hit.document_id for hit in tagged.hits} <= {archive["memo"]}
    pages = repository.get_pages(session, document_id=archive["memo"])
    assert "<script>alert(1)</script>" in pages[0].text


# --- cross-reference ---------------------------------------------------------------


@pytest.fixture
def people(session, archive):
    """Three subjects: Zhou Peng in Badung and Surabaya, LW with him in Badung, Tran in Sikka."""
    subjects = {
        "zhou": Subject(name="Zhou Peng", names=["Zhou Peng", "ZP"], nationality="CN"),
        "lw": Subject(name="LW", names=["LW"], nationality="CN"),
        "tran": Subject(name="Tran Van Minh", names=["Tran Van Minh"], nationality="VN"),
    }
    session.add_all(subjects.values())
    session.flush()
    mentions = [
        ("zhou", "badung", ["51.03.02"], ["overstay"]),
        ("lw", "badung", ["51.03"], ["arrest"]),
        ("zhou", "surabaya", ["35.78", "35.15"], ["deportation"]),
        ("tran", "sikka", ["53.10"], ["deportation"]),
        ("lw", "surabaya", [], []),
    ]
    for subject, document, places, incidents in mentions:
        session.add(
            Mention(
                document_id=archive[document],
                subject_id=subjects[subject].id,
                key=f"{subject}-{document}",
                name=subjects[subject].name,
                nationality=subjects[subject].nationality,
                passports=["E1234567"] if subject == "zhou" else [],
                place_codes=places,
                incidents=incidents,
            )
        )
    from storage.summaries import rebuild

    rebuild(session)  # mentions stored directly, as a bulk load does
    session.commit()
    return {name: subject.id for name, subject in subjects.items()}


def test_xref_documents_about_subject(session, archive, people):
    documents = xref.documents_about_subject(session, subject_id=people["zhou"])
    assert [d.document_id for d in documents] == [archive["badung"], archive["surabaya"]]
    assert documents[1].place_codes == ["35.78", "35.15"]
    assert documents[0].passports == ["E1234567"]
    with pytest.raises(QueryError):
        xref.documents_about_subject(session, subject_id=99999)


@pytest.mark.parametrize(
    ("level", "min_regions", "expected"),
    [
        ("regency", 2, {"zhou": ["35.15", "35.78", "51.03"]}),
        ("regency", 3, {"zhou": ["35.15", "35.78", "51.03"]}),
        ("regency", 4, {}),
        ("province", 2, {"zhou": ["35", "51"]}),
        ("province", 1, {"zhou": ["35", "51"], "lw": ["51"], "tran": ["53"]}),
    ],
)
def test_xref_subjects_in_several_regions(session, people, level, min_regions, expected):
    rows = xref.subjects_in_several_regions(session, level=level, min_regions=min_regions)
    assert {row.subject_id: row.regions for row in rows} == {
        people[name]: regions for name, regions in expected.items()
    }


def test_xref_co_occurring(session, archive, people):
    pairs = xref.co_occurring(session)
    assert [(p.subject_id, p.other_id, p.documents) for p in pairs] == [
        (min(people["zhou"], people["lw"]), max(people["zhou"], people["lw"]), 2)
    ]
    assert pairs[0].document_ids == sorted([archive["badung"], archive["surabaya"]])
    with_tran = xref.co_occurring(session, subject_id=people["tran"])
    assert with_tran == []
    with_zhou = xref.co_occurring(session, subject_id=people["zhou"], min_documents=2)
    assert [(p.other_id, p.other_name) for p in with_zhou] == [(people["lw"], "LW")]
    assert xref.co_occurring(session, min_documents=3) == []


def test_xref_counts(session, archive):
    rows = xref.counts(session, by=("nationality", "region", "incident", "month"))
    table = {tuple(r.values.values()): r.documents for r in rows}
    assert table[("CN", "51", "overstay", "2024-03")] == 1
    assert table[("CN", "35", "deportation", "2024-04")] == 1
    assert table[("VN", "53", "illegal_work", "2024-04")] == 1
    by_nationality = xref.counts(session, by=("nationality",))
    assert [(r.values["nationality"], r.documents) for r in by_nationality] == [
        ("CN", 2),
        ("VN", 1),
    ]
    narrowed = xref.counts(
        session, by=("nationality", "region"), level="regency", query=SearchQuery(kind="letter")
    )
    assert [(r.values, r.documents) for r in narrowed] == [
        ({"nationality": "VN", "region": "53.10"}, 1)
    ]


@pytest.mark.parametrize(
    "options",
    [{"by": ("religion",)}, {"by": ()}, {"by": ("month", "month")}, {"level": "village"}],
)
def test_xref_counts_rejects_unknown_names(session, options):
    with pytest.raises(QueryError):
        xref.counts(session, **options)


def test_xref_migration_backfills_facets_from_stored_facts(session, archive, db_engine):
    from storage import migrate

    before = {name: facet_rows(session, document_id) for name, document_id in archive.items()}
    session.close()
    migrate.downgrade(db_engine, "0003")
    migrate.upgrade(db_engine)
    after = {name: facet_rows(session, document_id) for name, document_id in archive.items()}
    assert after == before
    assert ("agency", "Kantor Imigrasi Ngurah Rai") in after["badung"]


def test_xref_broad_query_samples_facets_and_lists_newest(session, archive, monkeypatch):
    monkeypatch.setattr(xref, "FACET_SAMPLE_ABOVE", 3)
    monkeypatch.setattr(xref, "FACET_SAMPLE_SIZE", 2)
    monkeypatch.setattr(xref, "RANK_ABOVE", 1)
    results = xref.search(session, query=SearchQuery(text="warga negara"))
    assert (results.total, results.ranked, results.facet_sample_step) == (3, False, 1)
    assert [h.document_date for h in results.hits] == ["2024-04-20", "2024-04-02", "2024-03-15"]
    everything = xref.search(session, query=SearchQuery())
    assert everything.facet_sample_step == 2
    counted = {c.value: c.documents for c in everything.facets["kind"]}
    sampled = [d for d in archive.values() if d % 2 == 0]
    assert sum(counted.values()) == 2 * len(sampled)
    narrow = xref.search(session, query=SearchQuery(text="vila"))
    assert (narrow.ranked, narrow.facet_sample_step) == (True, 1)


def test_xref_broad_text_query_pages_newest_first_and_samples_from_one_match(
    session, archive, store_document, monkeypatch
):
    """A broad text query lists its matching documents once; its pages of hits (newest
    first, undated last, then by id, highest first), its total and its facet sample come
    from that list."""
    undated = [
        store_document(f"/arsip/tanpa-tanggal-{n}.pdf", [f"Laporan {n}: warga negara asing."]).id
        for n in (1, 2)
    ]
    monkeypatch.setattr(xref, "FACET_SAMPLE_ABOVE", 2)
    monkeypatch.setattr(xref, "FACET_SAMPLE_SIZE", 2)
    monkeypatch.setattr(xref, "RANK_ABOVE", 1)
    pages = [
        xref.search(session, query=SearchQuery(text="warga negara", limit=2, offset=offset))
        for offset in (0, 2, 4, 6)
    ]
    listed = [(hit.document_date, hit.document_id) for page in pages for hit in page.hits]
    assert listed == [
        ("2024-04-20", archive["surabaya"]),
        ("2024-04-02", archive["sikka"]),
        ("2024-03-15", archive["badung"]),
        (None, undated[1]),
        (None, undated[0]),
    ]
    assert {(page.total, page.ranked, page.facet_sample_step) for page in pages} == {(5, False, 3)}
    assert pages[0].hits[0].snippet and "warga" in pages[0].hits[0].snippet
    matching = [archive["badung"], archive["sikka"], archive["surabaya"], *undated]
    assert sorted(pages[0].sample_ids or []) == sorted(d for d in matching if d % 3 == 0)
    kinds = {count.value: count.documents for count in pages[0].facets["kind"]}
    sampled = {
        archive[name]: kind
        for name, kind in (("badung", "news"), ("sikka", "letter"), ("surabaya", "minutes"))
    }
    expected: dict[str, int] = {}
    for document_id, kind in sampled.items():
        if document_id % 3 == 0:
            expected[kind] = expected.get(kind, 0) + 3
    assert kinds == expected

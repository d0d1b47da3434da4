"""Sender and letter-number facets: invented letters read by the real extractor, then
filtered and counted through storage, the CLI and the workbench, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from extractors.facts import extract_facts
from models.errors import QueryError
from models.records import SearchQuery
from models.tables import DocumentFacet, DocumentFacetList
from pantau.cli import app
from storage import repository, xref
from storage.facets import count_listed, facet_lines, letter_number_key
from tests.conftest import claim_and_save, sign_in

SERAYA = "KANTOR IMIGRASI KELAS II TPI PULAU SERAYA"
TELUK_KARANG = "KANTOR IMIGRASI KELAS I TPI TELUK KARANG"
NUMBER_DETENSI = "W21.IMI.4-GR.02.03-0452"
LETTERS = {
    "seraya-detensi": f"""KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN
KANTOR WILAYAH NUSA TENGGARA TIMUR
{SERAYA}

Nomor      : {NUMBER_DETENSI}
Sifat      : Segera
Lampiran   : -
Hal        : Pemberitahuan pendetensian WNA an. Tomasz Wierzbicki

Yth. Kepala Rumah Detensi Imigrasi Kupang
di Kupang

Dengan hormat, bersama ini kami sampaikan bahwa pada tanggal 2 Oktober 2026 petugas
mengamankan seorang warga negara Polandia bernama Tomasz Wierzbicki yang izin tinggalnya
telah berakhir.

Pulau Seraya, 5 Oktober 2026
Kepala Kantor,

Yohanes Lado Bili
NIP 198104172006041003
""",
    # the same sender, its letterhead typed with doubled spaces
    "seraya-deportasi": """KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN
KANTOR WILAYAH NUSA TENGGARA TIMUR
KANTOR IMIGRASI  KELAS II TPI  PULAU SERAYA

Nomor      : W21.IMI.4-GR.02.03-0467
Sifat      : Biasa
Hal        : Laporan pendeportasian WNA an. Tomasz Wierzbicki

Yth. Direktur Jenderal Imigrasi
di Jakarta

Dengan hormat, warga negara Polandia bernama Tomasz Wierzbicki telah dideportasi melalui
Bandara El Tari Kupang pada tanggal 14 Oktober 2026.

Pulau Seraya, 15 Oktober 2026
Kepala Kantor,

Yohanes Lado Bili
NIP 198104172006041003
""",
    "teluk-karang": f"""KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN
KANTOR WILAYAH SULAWESI TENGGARA
{TELUK_KARANG}

Nomor      : W23.IMI.2-GR.01.01-0098
Sifat      : Segera
Hal        : Permintaan data perlintasan WNA an. Joris van Dalen

Yth. Kepala Kantor Imigrasi Kelas II TPI Pulau Seraya
di Pulau Seraya

Dengan hormat, sehubungan dengan pemeriksaan warga negara Belanda bernama Joris van Dalen,
mohon dikirimkan data perlintasan yang bersangkutan.

Teluk Karang, 20 Oktober 2026
Kepala Kantor,

Andi Mappasomba
NIP 197907262003121001
""",
}
# Hand counts of the letters above.
SENDERS = {SERAYA: {"seraya-detensi", "seraya-deportasi"}, TELUK_KARANG: {"teluk-karang"}}


def store_letters(session, stored: dict[str, int]) -> dict[str, int]:
    """Extract each letter for real and save its facts; `stored` maps name -> document id."""
    for name, document_id in stored.items():
        extraction = extract_facts([(1, LETTERS[name])])
        repository.save_extraction(session, document_id=document_id, extraction=extraction)
    return stored


@pytest.fixture
def letters(session, store_document) -> dict[str, int]:
    """The three letters, stored and extracted: name -> document id."""
    stored = {name: store_document(f"/arsip/{name}.txt", [t]).id for name, t in LETTERS.items()}
    return store_letters(session, stored)


def found(session, **filters: object) -> set[int]:
    results = xref.search(session, query=SearchQuery(**filters))
    assert results.total == len(results.hits)
    return {hit.document_id for hit in results.hits}


def ids_of(letters: dict[str, int], names: set[str]) -> set[int]:
    return {letters[name] for name in names}


def letter_facet_rows(session) -> set[tuple[int, str, str]]:
    statement = sa.select(DocumentFacet.document_id, DocumentFacet.facet, DocumentFacet.value)
    statement = statement.where(DocumentFacet.facet.in_(("sender", "letter_number")))
    return {tuple(row) for row in session.exec(statement).all()}


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("W20.IMI.1-GR.02.03-1187", "W20.IMI.1-GR.02.03-1187"),
        ("w20.imi.1-gr.02.03-1187 ", "W20.IMI.1-GR.02.03-1187"),
        ("W20.IMI.1 - GR.02.03 -1187", "W20.IMI.1-GR.02.03-1187"),
        ("B / 771 / X / 2026 / Reskrim", "B/771/X/2026/RESKRIM"),
        ("005/123  tanggal", "005/123 TANGGAL"),
    ],
)
def test_letter_facets_number_key_folds_case_and_spacing(written, key):
    assert letter_number_key(written) == key


def test_letter_facets_come_from_the_letter_fields(session, letters):
    rows = letter_facet_rows(session)
    assert rows == {
        (letters["seraya-detensi"], "sender", SERAYA),
        (letters["seraya-detensi"], "letter_number", NUMBER_DETENSI),
        (letters["seraya-deportasi"], "sender", SERAYA),
        (letters["seraya-deportasi"], "letter_number", "W21.IMI.4-GR.02.03-0467"),
        (letters["teluk-karang"], "sender", TELUK_KARANG),
        (letters["teluk-karang"], "letter_number", "W23.IMI.2-GR.01.01-0098"),
    }


@pytest.mark.parametrize("sender", [SERAYA, TELUK_KARANG])
def test_letter_facets_sender_filter_returns_exactly_that_senders_letters(session, letters, sender):
    assert found(session, sender=sender) == ids_of(letters, SENDERS[sender])
    spaced = "  " + sender.replace(" ", "   ") + " "
    assert found(session, sender=spaced) == ids_of(letters, SENDERS[sender])


@pytest.mark.parametrize(
    "number", ["w21.imi.4-gr.02.03-0452", " W21.IMI.4 - GR.02.03-0452 ", "W21.imi.4-Gr.02.03-0452"]
)
def test_letter_facets_number_in_another_case_finds_the_one_letter(session, letters, number):
    assert found(session, letter_number=number) == {letters["seraya-detensi"]}
    assert found(session, letter_number=number, sender=TELUK_KARANG) == set()


def test_letter_facets_unknown_number_finds_nothing(session, letters):
    assert found(session, letter_number="W21.IMI.4-GR.02.03-0453") == set()


def test_letter_facets_sender_counts_equal_a_hand_count(session, letters):
    results = xref.search(session, query=SearchQuery())
    assert [(c.value, c.documents) for c in results.facets["sender"]] == [
        (SERAYA, 2),
        (TELUK_KARANG, 1),
    ]
    assert "letter_number" not in results.facets  # near-unique: a filter, never counted
    narrowed = xref.search(session, query=SearchQuery(text="Polandia"))
    assert [(c.value, c.documents) for c in narrowed.facets["sender"]] == [(SERAYA, 2)]
    hit = next(h for h in results.hits if h.document_id == letters["teluk-karang"])
    assert hit.facets["letter_number"] == ["W23.IMI.2-GR.01.01-0098"]
    rows = xref.counts(session, by=("sender",))
    assert [(r.values["sender"], r.documents) for r in rows] == [(SERAYA, 2), (TELUK_KARANG, 1)]


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        ({"sender": "K" * 161}, "sender is longer than 160"),
        ({"letter_number": " / - . "}, "letter_number ' / - . ' has no letter or digit"),
        ({"letter_number": "B-1/" * 41}, "letter_number is longer than 160"),
    ],
)
def test_letter_facets_bad_filters_name_the_field(session, letters, filters, says):
    with pytest.raises(QueryError) as raised:
        xref.search(session, query=SearchQuery(**filters))
    assert says in raised.value.message


def test_letter_facets_migration_fills_documents_stored_before_it(session, letters, db_engine):
    from storage import migrate

    before = letter_facet_rows(session)
    session.close()
    migrate.downgrade(db_engine, "0006")  # a database as it was before 0007
    assert letter_facet_rows(session) == set()
    session.close()
    migrate.upgrade(db_engine)
    assert letter_facet_rows(session) == before
    assert found(session, sender=SERAYA) == ids_of(letters, SENDERS[SERAYA])


def facet_lists(session) -> dict[int, set[str]]:
    """Each document's `document_facet_list` row, as a set of its lines."""
    rows = session.exec(sa.select(DocumentFacetList.document_id, DocumentFacetList.lines))
    return {document_id: set(lines.split("\n")) - {""} for document_id, lines in rows.all()}


def counted_facet_rows(session) -> dict[int, set[str]]:
    """The same, made from the `document_facet` rows (letter numbers are never counted)."""
    rows = session.exec(
        sa.select(DocumentFacet.document_id, DocumentFacet.facet, DocumentFacet.value)
    )
    made: dict[int, set[str]] = {}
    for document_id, facet, value in rows.all():
        lines = made.setdefault(document_id, set())
        if facet != "letter_number":
            lines.add(f"{facet}\t{value}")
    return made


def test_facet_lists_hold_each_documents_counted_facet_rows(session, letters):
    lists = facet_lists(session)
    assert lists == counted_facet_rows(session)
    assert f"sender\t{SERAYA}" in lists[letters["seraya-deportasi"]]  # doubled spaces folded
    assert not any(line.startswith("letter_number") for lines in lists.values() for line in lines)


def test_facet_lists_follow_re_extraction_and_deletion(session, letters):
    document_id = letters["teluk-karang"]
    text = LETTERS["teluk-karang"].replace(TELUK_KARANG, SERAYA)
    repository.save_extraction(
        session, document_id=document_id, extraction=extract_facts([(1, text)])
    )
    assert f"sender\t{SERAYA}" in facet_lists(session)[document_id]
    assert facet_lists(session) == counted_facet_rows(session)
    results = xref.search(session, query=SearchQuery())
    assert [(c.value, c.documents) for c in results.facets["sender"]] == [(SERAYA, 3)]
    assert repository.delete_document(session, document_id=letters["seraya-detensi"])
    assert set(facet_lists(session)) == {letters["seraya-deportasi"], document_id}
    results = xref.search(session, query=SearchQuery())
    assert [(c.value, c.documents) for c in results.facets["sender"]] == [(SERAYA, 2)]


def test_facet_lists_migration_fills_documents_stored_before_it(session, letters, db_engine):
    from storage import migrate

    before = facet_lists(session)
    session.close()
    migrate.downgrade(db_engine, "0021")  # a database as it was before 0022
    migrate.upgrade(db_engine)
    assert facet_lists(session) == before
    results = xref.search(session, query=SearchQuery(text="Polandia"))
    assert [(c.value, c.documents) for c in results.facets["sender"]] == [(SERAYA, 2)]


def test_facet_lists_refuse_a_value_that_would_break_its_line():
    with pytest.raises(ValueError, match="tab or line break"):
        facet_lines([("agency", "Kantor\nImigrasi")])
    assert facet_lines([("letter_number", "B-1"), ("kind", "letter")]) == "kind\tletter"
    assert count_listed(["kind\tletter\nmonth\t2026-10", "", "kind\tletter"]) == {
        ("kind", "letter"): 2,
        ("month", "2026-10"): 1,
    }


# --- the CLI -------------------------------------------------------------------------


@pytest.fixture
def cli_db(tmp_path: Path) -> tuple[str, dict[str, int]]:
    """A SQLite database holding the three letters, and their ids."""
    from storage.engine import make_engine, session_for
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_for(engine) as session:
        run_id = repository.start_run(session, inputs=[str(tmp_path)]).id
        stored = {
            name: claim_and_save(session, tmp_path / f"{name}.txt", [text], run_id)
            for name, text in LETTERS.items()
        }
        store_letters(session, stored)
    engine.dispose()
    return url, stored


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_letter_facets_cli_sender_and_number(cli_db):
    db, ids = cli_db
    code, out, _ = invoke("search", "--sender", SERAYA, "--db", db, "--json")
    assert code == 0
    results = json.loads(out)
    assert {hit["document_id"] for hit in results["hits"]} == ids_of(ids, SENDERS[SERAYA])
    assert results["facets"]["sender"] == [{"value": SERAYA, "documents": 2}]
    code, out, _ = invoke("search", "--number", "w21.imi.4-gr.02.03-0452", "--db", db, "--json")
    assert code == 0
    assert [hit["document_id"] for hit in json.loads(out)["hits"]] == [ids["seraya-detensi"]]
    code, out, _ = invoke("search", "--facets", "--db", db)
    assert code == 0
    assert f"sender: {SERAYA} (2), {TELUK_KARANG} (1)" in " ".join(out.split())
    code, out, err = invoke("search", "--number", "//", "--db", db)
    assert code == 2 and "letter_number" in err and out == ""


# --- the workbench -------------------------------------------------------------------

HIT = re.compile(r'<li class="hit">\s*<a href="/documents/(\d+)')
FACET_LINK = re.compile(
    r'<a class="facet-value" href="([^"]+)"[^>]*>([^<]+)</a> <span class="facet-count">(\d+)</span>'
)


@pytest.fixture
def web_letters(workbench, tmp_path: Path) -> dict[str, int]:
    """The three letters added to the workbench database (which has its own letter from
    Kantor Imigrasi Kelas I Denpasar)."""
    from storage.engine import make_engine, session_for

    engine = make_engine(workbench.settings.resolved_database_url)
    try:
        with session_for(engine) as session:
            run_id = repository.start_run(session, inputs=[str(tmp_path)]).id
            stored = {
                name: claim_and_save(session, tmp_path / f"{name}.txt", [text], run_id)
                for name, text in LETTERS.items()
            }
            return store_letters(session, stored)
    finally:
        engine.dispose()


def hit_ids(page: str) -> set[int]:
    return {int(i) for i in HIT.findall(page)}


def sender_links(page: str) -> dict[str, tuple[str, int]]:
    """Sender label -> (link, count) in the sidebar's Sender section."""
    section = re.search(r"<h2>Sender</h2>(.*?)</section>", page, flags=re.S)
    assert section is not None, "no Sender facet beside the results"
    return {
        html.unescape(label): (html.unescape(href), int(count))
        for href, label, count in FACET_LINK.findall(section.group(1))
    }


def test_letter_facets_web_filters_counts_and_document_links(web_client, workbench, web_letters):
    sign_in(web_client, "dewi")
    page = web_client.get("/search").text
    senders = sender_links(page)
    assert {label: count for label, (_, count) in senders.items()} == {
        SERAYA: 2,
        TELUK_KARANG: 1,
        "Kantor Imigrasi Kelas I Denpasar": 1,
    }
    assert "<h2>Letter number</h2>" not in page
    filtered = web_client.get(senders[SERAYA][0]).text
    assert hit_ids(filtered) == ids_of(web_letters, SENDERS[SERAYA])
    assert f">Sender: {SERAYA} <span" in filtered
    by_number = web_client.get("/search", params={"letter_number": "w21.imi.4 - gr.02.03-0452"})
    assert by_number.status_code == 200
    assert hit_ids(by_number.text) == {web_letters["seraya-detensi"]}
    assert f">Letter number: {NUMBER_DETENSI} <span" in by_number.text
    assert f'name="letter_number" value="{NUMBER_DETENSI}"' in by_number.text
    document = web_client.get(f"/documents/{web_letters['seraya-deportasi']}").text
    searches = dict(
        re.findall(
            r'<dt>(\w[\w ]*)</dt><dd><a [^>]+>[^<]+</a> <a class="field-search" '
            r'href="([^"]+)"',
            document,
        )
    )
    assert set(searches) == {"Sender", "Number"}
    from_sender = web_client.get(html.unescape(searches["Sender"])).text
    assert hit_ids(from_sender) == ids_of(web_letters, SENDERS[SERAYA])
    from_number = web_client.get(html.unescape(searches["Number"])).text
    assert hit_ids(from_number) == {web_letters["seraya-deportasi"]}
    refused = web_client.get("/search", params={"letter_number": "/"})
    assert refused.status_code == 400 and "letter_number" in refused.text

"""Full-text search over page text, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import re

import pytest

from models.records import HIGHLIGHT_END, HIGHLIGHT_START
from storage import repository
from storage.search import parse_query, search_pages

LAPORAN = [
    "Tim Pengawasan Orang Asing melaksanakan operasi gabungan di kawasan pelabuhan "
    "pada Selasa malam bersama aparat kepolisian dan petugas bea cukai.",
    "Dalam operasi itu petugas mendapati dua warga negara asing bekerja di sebuah kafé "
    "di tepi pantai tanpa izin kerja. Keduanya dibawa ke kantor imigrasi untuk diperiksa.",
]
NOTULEN = [
    "Rapat koordinasi membahas pendataan tenaga kerja asing di kabupaten dan rencana "
    "sosialisasi kepada pemilik penginapan.",
    "Peserta rapat mencatat seorang pria bernama Nguyễn Văn Hòa yang izin tinggalnya "
    "sudah berakhir; kantor imigrasi akan memanggilnya pekan depan.",
]
BERITA = [
    "Imigrasi, imigrasi dan sekali lagi imigrasi: kantor imigrasi kota membuka layanan "
    "pengaduan baru bagi warga yang melihat orang asing mencurigakan.",
]
HOSTILE_QUERIES = [
    '"',
    '""',
    "*",
    "OR (",
    "NEAR(",
    "NEAR(imigrasi kafe, 2)",
    "-",
    "- imigrasi",
    "imigrasi OR (",
    "AND",
    "NOT imigrasi",
    "^kafe",
    "text:imigrasi",
    "(((",
    "'; DROP TABLE page; --",
    '"operasi gabungan',
    "kafe*",
    "a\\b",
    "imigrasi\x00kafe",
    "   ",
    "",
    "🙂",
    "{imigrasi}",
    "@@ ::tsquery",
]


@pytest.fixture
def archive(store_document):
    """Three stored documents with Indonesian page text."""
    return {
        "laporan": store_document("/arsip/laporan-operasi.pdf", LAPORAN, source="ocr"),
        "notulen": store_document("/arsip/notulen-rapat.pdf", NOTULEN),
        "berita": store_document("/arsip/berita-imigrasi.html", BERITA),
    }


def hits_of(session, query):
    return {(hit.path, hit.page) for hit in search_pages(session, query=query)}


def test_search_finds_words_across_pages_with_highlights(session, archive):
    hits = search_pages(session, query="kantor imigrasi")
    assert {(h.document_id, h.page) for h in hits} == {
        (archive["laporan"].id, 2),
        (archive["notulen"].id, 2),
        (archive["berita"].id, 1),
    }
    for hit in hits:
        assert f"{HIGHLIGHT_START}imigrasi{HIGHLIGHT_END}" in hit.snippet.lower()
        assert f"{HIGHLIGHT_START}kantor{HIGHLIGHT_END}" in hit.snippet.lower()
    assert hits[0].path == "/arsip/berita-imigrasi.html"  # the word four times, a short page
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ("kafe", ("/arsip/laporan-operasi.pdf", 2)),
        ("KAFÉ", ("/arsip/laporan-operasi.pdf", 2)),
        ("nguyen hoa", ("/arsip/notulen-rapat.pdf", 2)),
        ("Nguyễn Văn Hòa", ("/arsip/notulen-rapat.pdf", 2)),
        ("pelabuhán", ("/arsip/laporan-operasi.pdf", 1)),
    ],
)
def test_search_ignores_case_and_diacritics(session, archive, query, page):
    assert hits_of(session, query) == {page}


def test_search_diacritic_hit_is_highlighted(session, archive):
    [hit] = search_pages(session, query="nguyen")
    assert f"{HIGHLIGHT_START}Nguyễn{HIGHLIGHT_END}" in hit.snippet


def test_search_hostile_queries_never_raise(session, archive):
    # One database for all queries: each must leave the session usable for the next.
    for query in HOSTILE_QUERIES:
        try:
            hits = search_pages(session, query=query)
        except Exception as e:
            pytest.fail(f"query {query!r} raised {e!r}")
        assert isinstance(hits, list)
    assert len(search_pages(session, query="imigrasi")) == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kafe*", {("/arsip/laporan-operasi.pdf", 2)}),
        ("NOT imigrasi", set()),  # "not" is a plain word, and no page holds it
        ('"operasi gabungan', {("/arsip/laporan-operasi.pdf", 1)}),  # unclosed phrase
        ("imigrasi\x00kafe", {("/arsip/laporan-operasi.pdf", 2)}),
    ],
)
def test_search_hostile_queries_read_as_plain_words(session, archive, query, expected):
    assert hits_of(session, query) == expected


def test_search_quoted_phrase_needs_the_words_in_order(session, archive):
    assert hits_of(session, '"operasi gabungan"') == {("/arsip/laporan-operasi.pdf", 1)}
    assert hits_of(session, '"gabungan operasi"') == set()
    assert hits_of(session, "gabungan operasi") == {("/arsip/laporan-operasi.pdf", 1)}
    assert hits_of(session, '"warga negara asing" kafe') == {("/arsip/laporan-operasi.pdf", 2)}


def test_search_every_word_must_match(session, archive):
    assert hits_of(session, "imigrasi pantai") == {("/arsip/laporan-operasi.pdf", 2)}
    assert hits_of(session, "imigrasi kapal") == set()


def test_search_limit_keeps_the_best_hits(session, archive):
    everything = search_pages(session, query="imigrasi")
    assert search_pages(session, query="imigrasi", limit=2) == everything[:2]
    assert search_pages(session, query="imigrasi", limit=0) == []


def test_search_deleted_document_leaves_the_index(session, archive):
    repository.delete_document(session, document_id=archive["laporan"].id)
    assert hits_of(session, "kafe") == set()
    assert hits_of(session, "operasi") == set()
    assert hits_of(session, "imigrasi") == {
        ("/arsip/notulen-rapat.pdf", 2),
        ("/arsip/berita-imigrasi.html", 1),
    }


def test_search_replaced_pages_replace_the_index(session, archive):
    from conftest import document_result

    berita = archive["berita"]
    replacement = ["Pelabuhan ramai oleh wisatawan mancanegara menjelang libur panjang."]
    result = document_result(berita.path, berita.sha256, replacement)
    repository.save_result(session, document_id=berita.id, result=result)
    assert ("/arsip/berita-imigrasi.html", 1) not in hits_of(session, "pengaduan")
    assert hits_of(session, "wisatawan") == {("/arsip/berita-imigrasi.html", 1)}


FORMS = {
    "/arsip/surat-1.pdf": "Dua orang asing itu dideportasi melalui bandara pada hari Senin.",
    "/arsip/surat-2.pdf": "Kantor imigrasi menyiapkan pendeportasian tiga pekerja asing.",
    "/arsip/surat-3.pdf": "Petugas akan mendeportasikan warga asing yang melanggar.",
    "/arsip/surat-4.pdf": "Deportasi dilakukan setelah pemeriksaan selesai.",
    "/arsip/surat-5.pdf": "Seorang pria ditangkap di Kecamatan Sekupang pada malam hari.",
    "/arsip/surat-6.pdf": "Penangkapan itu dilaporkan kepada Kepala Kantor.",
}
DEPORT = {"/arsip/surat-1.pdf", "/arsip/surat-2.pdf", "/arsip/surat-3.pdf", "/arsip/surat-4.pdf"}


@pytest.fixture
def forms(store_document):
    return {path: store_document(path, [text]) for path, text in FORMS.items()}


def paths_of(session, query):
    return {path for path, _ in hits_of(session, query)}


@pytest.mark.parametrize("query", ["deportasi", "dideportasi", "pendeportasian", "Deportasi"])
def test_search_a_word_finds_every_form_of_its_root(session, forms, query):
    assert paths_of(session, query) == DEPORT


def marked_words(snippet: str) -> list[str]:
    from models.records import HIGHLIGHT_END, HIGHLIGHT_START

    return re.findall(f"{HIGHLIGHT_START}(.*?){HIGHLIGHT_END}", snippet)


@pytest.mark.parametrize("query", ["deportasi", "deport*"])
def test_search_snippets_mark_the_form_each_page_holds(session, forms, query):
    from storage.search import search_pages

    marked = {hit.path: marked_words(hit.snippet) for hit in search_pages(session, query=query)}
    assert marked == {
        "/arsip/surat-1.pdf": ["dideportasi"],
        "/arsip/surat-2.pdf": ["pendeportasian"],
        "/arsip/surat-3.pdf": ["mendeportasikan"],
        "/arsip/surat-4.pdf": ["Deportasi"],
    }


def test_search_a_root_only_match_far_into_a_page_gets_its_own_snippet():
    from storage.search import highlight_forms

    page = " ".join(["kata"] * 40 + ["warga", "itu", "dideportasi", "kemarin"] + ["akhir"] * 40)
    snippet = highlight_forms(" ".join(["kata"] * 16) + " …", "deportasi", page)
    assert marked_words(snippet) == ["dideportasi"]
    assert snippet.startswith("… ") and snippet.endswith(" …") and len(snippet.split()) <= 18
    assert highlight_forms("tidak ada", "deportasi", "tidak ada apa-apa") == "tidak ada"


def test_search_root_forms_of_arrest_and_prefixes(session, forms):
    assert paths_of(session, "penangkapan") == {"/arsip/surat-5.pdf", "/arsip/surat-6.pdf"}
    assert paths_of(session, "tangkap") == {"/arsip/surat-5.pdf", "/arsip/surat-6.pdf"}
    assert paths_of(session, "deport*") == DEPORT
    assert paths_of(session, "pendeport*") == {"/arsip/surat-2.pdf"}
    # A phrase matches as written only.
    assert paths_of(session, '"orang asing itu dideportasi"') == {"/arsip/surat-1.pdf"}
    assert paths_of(session, '"orang asing itu deportasi"') == set()
    # A place name is not taken apart: "Sekupang" is not "kupang" with a prefix.
    assert paths_of(session, "kupang") == set()
    assert paths_of(session, "sekupang") == {"/arsip/surat-5.pdf"}


def test_search_or_and_not(session, forms):
    assert paths_of(session, "ditangkap OR pendeportasian") == DEPORT | {
        "/arsip/surat-5.pdf",
        "/arsip/surat-6.pdf",
    }
    assert paths_of(session, "deportasi NOT bandara") == DEPORT - {"/arsip/surat-1.pdf"}
    assert paths_of(session, "deportasi -bandara -pekerja") == {
        "/arsip/surat-3.pdf",
        "/arsip/surat-4.pdf",
    }
    assert paths_of(session, "deportasi asing OR penangkapan kepala") == {
        "/arsip/surat-1.pdf",
        "/arsip/surat-2.pdf",
        "/arsip/surat-3.pdf",
        "/arsip/surat-6.pdf",
    }
    assert paths_of(session, "-deportasi") == set()  # exclusions alone match nothing


@pytest.mark.parametrize(
    ("query", "clauses"),
    [
        ("kantor imigrasi", [(["kantor", "imigrasi"], [])]),
        ('"warga negara"  asing', [(["warga negara", "asing"], [])]),
        ('"warga   negara', [(["warga negara"], [])]),
        ("OR ( - * NEAR(", [(["NEAR("], [])]),
        ("deport* -kapal NOT bandara", [(["deport"], ["kapal", "bandara"])]),
        ("kafe OR pantai OR", [(["kafe"], []), (["pantai"], [])]),
        ("\x00\x07 kafé", [(["kafé"], [])]),
        ("NOT kafe", []),
        ("", []),
    ],
)
def test_search_parse_query_splits_alternatives_terms_and_exclusions(query, clauses):
    parsed = [
        ([t.text for t in c.required], [t.text for t in c.excluded]) for c in parse_query(query)
    ]
    assert parsed == clauses

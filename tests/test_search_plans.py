"""How searches are planned on PostgreSQL: every statement for its own values, a text match
through the word index, and no planner setting left behind for the rest of a session."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from models.records import SearchQuery
from models.tables import Document
from storage import xref


def show(connection: sa.Connection, setting: str) -> str:
    return str(connection.exec_driver_sql(f"SHOW {setting}").scalar_one())


def skip_unless_postgres(engine: sa.Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("planner settings are PostgreSQL's")


def test_search_plans_every_connection_plans_each_statement_for_its_values(db_engine):
    skip_unless_postgres(db_engine)
    with db_engine.connect() as connection:
        assert show(connection, "plan_cache_mode") == "force_custom_plan"
        connection.rollback()
        assert show(connection, "plan_cache_mode") == "force_custom_plan"
    db_engine.dispose()
    with db_engine.connect() as connection:
        assert show(connection, "plan_cache_mode") == "force_custom_plan"


PAGES = {
    "/arsip/laporan-1.pdf": ["Tim Pora Kantor Imigrasi Batam memeriksa tiga vila di Nongsa."],
    "/arsip/laporan-2.pdf": ["Petugas imigrasi mendata pekerja asing di galangan kapal."],
    "/arsip/notulen.pdf": ["Rapat koordinasi membahas jadwal patroli laut bulan depan."],
    "/arsip/surat.pdf": ["Dengan hormat, bersama ini kami sampaikan dua orang dideportasi."],
}


@pytest.mark.parametrize(
    ("text", "paths"),
    [
        ("imigrasi", {"/arsip/laporan-1.pdf", "/arsip/laporan-2.pdf"}),
        ("deportasi", {"/arsip/surat.pdf"}),
        ("patrol*", {"/arsip/notulen.pdf"}),
        ('"kantor imigrasi"', {"/arsip/laporan-1.pdf"}),
        ("imigrasi -vila", {"/arsip/laporan-2.pdf"}),
    ],
)
def test_search_plans_text_search_finds_and_restores_the_planner(
    session, store_document, text, paths
):
    for path, pages in PAGES.items():
        store_document(path, pages)
    results = xref.search(session, query=SearchQuery(text=text))
    assert {hit.path for hit in results.hits} == paths
    assert results.total == len(paths)
    if session.get_bind().dialect.name == "postgresql":
        connection = session.connection()
        assert show(connection, "enable_seqscan") == "on"
        assert show(connection, "enable_indexscan") == "on"


def test_search_plans_sqlite_text_match_reads_documents_from_the_page_index(
    session, store_document
):
    """A common word's pages are joined to their documents through (page, document), not by
    reading each page row (migration 0024)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the index serves SQLite's full-text join")
    for path, pages in PAGES.items():
        store_document(path, pages)
    query = xref.check_query(SearchQuery(text="imigrasi"))
    statement = sa.select(Document.id).where(*xref.document_conditions(query, "sqlite"))
    compiled = statement.compile(dialect=session.connection().dialect)
    parameters = tuple(str(value) for value in compiled.params.values())
    plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", parameters)
    details = [row[3] for row in plan]
    assert any("COVERING INDEX ix_page_fts_document" in detail for detail in details), details

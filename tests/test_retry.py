"""Retrying one document: an original changed since it was stored is not read as if it
were the same document, and the earlier result stays in the history."""

from __future__ import annotations

from pathlib import Path

from conftest import claim_and_save

from flows.batch import BatchOptions, reprocess_document
from models.records import DocumentStatus
from storage import claims, repository


def test_retry_of_a_changed_original_is_refused_and_the_document_keeps_its_result(
    session, db_url: str, tmp_path: Path
) -> None:
    original = tmp_path / "surat-pemberitahuan.txt"
    original.write_text("Surat pemberitahuan keberadaan orang asing di Desa Tulamben.\n")
    run_id = repository.start_run(session, inputs=[str(original)]).id
    document_id = claim_and_save(
        session, original, ["Surat pemberitahuan"], run_id, status="failed", error_code="corrupt"
    )
    original.write_text("Isi baru: laporan lain tentang tamu asing di Amed.\n")

    outcome = reprocess_document(BatchOptions(database_url=db_url), document_id=document_id)

    assert outcome is not None
    assert (outcome.claim, outcome.error_code) == ("changed", "changed")
    assert f"pantau run {original}" in (outcome.error or "")
    stored = repository.get_document(session, document_id=document_id)
    assert (stored.status, stored.error_code) == (DocumentStatus.FAILED, "corrupt")
    assert len(repository.list_documents(session)) == 1  # nothing pending for ever
    assert [e.event for e in claims.history(session, document_id=document_id)] == ["failed"]

"""The bundled sample texts resolve to the right people across documents."""

from __future__ import annotations

import pytest

from extractors.facts import extract_facts
from storage import dossier, identity, repository
from tools import make_samples, scansim

STEMS = (
    "07-notulen-timpora-pemenang",
    "09-berita-mataram-deportasi-rusia",
    "14-surat-kanim-mataram-detensi",
)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {stem: scansim.plain_text(make_samples.read_source(stem)) for stem in STEMS}


@pytest.fixture(scope="module")
def extractions(texts) -> dict[str, object]:
    return {stem: extract_facts([(1, text)]) for stem, text in texts.items()}


def test_samples_identity_one_subject_across_three_documents(
    session, store_document, texts, extractions
) -> None:
    ids = {}
    for stem in STEMS:
        document = store_document(f"/arsip/{stem}.txt", [texts[stem]])
        repository.save_extraction(session, document_id=document.id, extraction=extractions[stem])
        ids[stem] = document.id
    report = identity.resolve(session)
    russians = dossier.list_subjects(session, nationality="RU")
    [sokolov] = [s for s in russians if s.document_count == 3]
    assert sokolov.passports == ["754410286"]
    assert {"SOKOLOV Dmitry Alexandrovich", "DAS", "Dmitry Alexandrovich Sokolov"} <= set(
        sokolov.names
    )
    found = dossier.get_dossier(session, subject_id=sokolov.id)
    assert {d.id for d in found.documents} == set(ids.values())
    assert [e.date for e in found.timeline if e.kind == "document"] == [
        "2026-10-16",
        "2026-10-28",
        "2026-11-06",
    ]
    [daria] = [s for s in russians if "Daria Andreevna Sokolova" in s.names]
    assert daria.id != sokolov.id and daria.document_count == 1
    assert report.auto_merged >= 2

"""Copies: the same letter as another file (another scan) is linked to the first and
counted once; a template letter about other people is never a copy."""

from __future__ import annotations

import random

import pytest

from extractors.copies import (
    MIN_SHINGLES,
    SIMILARITY,
    fingerprint,
    is_copy,
    same_people,
    shingles,
    similarity,
)
from extractors.facts import extract_facts
from models.records import SearchQuery
from storage import identity, repository, xref
from tests.test_linked_counts import REPORT


def misread(text: str, rate: float, seed: int = 7) -> str:
    """The text as a poor scan reads it: a share of its letters replaced by look-alikes."""
    rng = random.Random(seed)
    look_alike = {"l": "1", "i": "l", "o": "0", "e": "c", "n": "m", "a": "o", "u": "v"}
    return "".join(
        look_alike.get(ch, ch) if ch in look_alike and rng.random() < rate else ch for ch in text
    )


# The same form about three other people, another date and number.
TEMPLATE = (
    REPORT.replace("Chen Guoliang", "Zhang Weiming")
    .replace("Wu Haoran", "Liu Jianguo")
    .replace("Bradley Ormond", "Peter Halvorsen")
    .replace("14 Juli", "21 Juni")
    .replace("1187", "1302")
)
NAMES = ["Chen Guoliang", "Wu Haoran", "Bradley Ormond"]


def test_a_misread_rescan_is_a_copy_and_a_template_about_others_is_not():
    original = shingles([REPORT])
    rescan = shingles([misread(REPORT, 0.03)])
    template = shingles([TEMPLATE])
    assert similarity(original, template) >= SIMILARITY  # the text alone would mislead
    assert is_copy(
        original, rescan, names=(NAMES, ["Chen Guo1iang", "Wu Haoram", "Bradley Ormond"]),
        dates=("2026-08-12", "2026-08-12"),
    )  # fmt: skip
    assert not is_copy(
        original, template, names=(NAMES, ["Zhang Weiming", "Liu Jianguo", "Peter Halvorsen"]),
        dates=("2026-08-12", "2026-08-12"),
    )  # fmt: skip
    assert not is_copy(original, rescan, names=(NAMES, NAMES), dates=("2026-08-12", "2026-07-01"))
    # A poor scan lost one name and took a word for another: still mostly the same people.
    assert same_people(NAMES, ["Rekanmyo", "Wu Haoran", "Bradley Ormond"])
    assert not same_people(NAMES, ["Zhang Weiming", "Wu Haoran", "Peter Halvorsen"])
    short = shingles(["Yth. Kepala Kantor"])
    assert len(short) < MIN_SHINGLES and fingerprint(["Yth. Kepala Kantor"]).bands == ()
    assert not is_copy(short, short, names=([], []), dates=(None, None))


def test_band_keys_find_a_rescan():
    first, second = fingerprint([REPORT]), fingerprint([misread(REPORT, 0.03)])
    assert len(first.bands) == 16
    assert set(first.bands) & set(second.bands)


@pytest.fixture
def archive(session, store_document):
    """The report, a misread rescan of it stored later, and the template about others."""
    ids = {}
    for name, text in {
        "report": REPORT,
        "rescan": misread(REPORT, 0.02),
        "template": TEMPLATE,
    }.items():
        document = store_document(f"/arsip/{name}.pdf", [text])
        repository.save_extraction(
            session, document_id=document.id, extraction=extract_facts([(1, text)])
        )
        ids[name] = document.id
    identity.resolve(session)
    return ids


def test_a_rescan_is_linked_and_counted_once(session, archive):
    from storage.copies import copies_of

    documents = {
        name: repository.get_document(session, document_id=i) for name, i in archive.items()
    }
    assert documents["rescan"].copy_of == archive["report"]
    assert documents["report"].copy_of is None
    assert documents["template"].copy_of is None
    assert [d.id for d in copies_of(session, document_id=archive["report"])] == [archive["rescan"]]
    # By hand: the report and the template, each with two Chinese and one Australian.
    rows = xref.counts(session, by=("nationality",), query=SearchQuery())
    assert {r.values["nationality"]: (r.documents, r.people) for r in rows} == {
        "CN": (2, 4),
        "AU": (2, 2),
    }
    kinds = xref.counts(session, by=("kind",))
    assert [(r.values["kind"], r.documents) for r in kinds] == [("letter", 2)]


def test_deleting_the_original_counts_the_copy(session, archive):
    assert repository.delete_document(session, document_id=archive["report"])
    rescan = repository.get_document(session, document_id=archive["rescan"])
    session.refresh(rescan)
    assert rescan.copy_of is None
    # The rescan now stands for the letter: still two letters, the rescan and the template.
    kinds = xref.counts(session, by=("kind",))
    assert [(r.values["kind"], r.documents) for r in kinds] == [("letter", 2)]
    rows = xref.counts(session, by=("nationality",))
    assert {r.values["nationality"]: r.documents for r in rows}["CN"] == 2


def test_the_migration_links_stored_copies(session, archive, db_engine):
    from storage import migrate

    session.close()
    migrate.downgrade(db_engine, "0015")
    migrate.upgrade(db_engine)
    rescan = repository.get_document(session, document_id=archive["rescan"])
    assert rescan.copy_of == archive["report"]
    template = repository.get_document(session, document_id=archive["template"])
    assert template.copy_of is None


def test_the_document_view_and_show_name_the_copies(signed_in, workbench, tmp_path):
    from typer.testing import CliRunner

    from pantau.cli import app
    from storage.engine import make_engine, session_for
    from tests.conftest import claim_and_save

    url = workbench.settings.resolved_database_url
    engine = make_engine(url)
    try:
        with session_for(engine) as session:
            run_id = repository.start_run(session, inputs=[str(tmp_path)]).id
            ids = []
            for name, text in (("laporan.pdf", REPORT), ("pindaian.pdf", misread(REPORT, 0.03))):
                document_id = claim_and_save(session, tmp_path / name, [text], run_id)
                repository.save_extraction(
                    session, document_id=document_id, extraction=extract_facts([(1, text)])
                )
                ids.append(document_id)
    finally:
        engine.dispose()
    original, copy = ids
    client = signed_in("dewi")
    page = client.get(f"/documents/{copy}").text
    assert f'A copy of <a href="/documents/{original}">document #{original}</a>' in page
    page = client.get(f"/documents/{original}").text
    assert f'<a href="/documents/{copy}">#{copy} pindaian.pdf</a>' in page
    shown = CliRunner().invoke(app, ["show", str(copy), "--db", url], catch_exceptions=False)
    assert f"a copy of document {original}" in shown.stdout
    shown = CliRunner().invoke(app, ["show", str(original), "--db", url], catch_exceptions=False)
    assert f"copies (counted once): {copy}" in shown.stdout


def test_a_dossier_takes_a_letter_and_its_copy_once(session, archive):
    from storage import dossier

    [chen] = [s for s in dossier.list_subjects(session, limit=100) if s.name == "Chen Guoliang"]
    found = dossier.get_dossier(session, subject_id=chen.id)
    assert {d.id for d in found.documents} == {archive["report"], archive["rescan"]}
    assert sorted((i.label, i.document_id) for i in found.incidents) == [
        ("arrest", archive["report"]),
        ("illegal_work", archive["report"]),
    ]
    assert [e.document_id for e in found.timeline if e.kind == "document"] == [archive["report"]]

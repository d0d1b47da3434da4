"""Corrections that teach: an investigator's correction of a fact is stored with who, when
and why, changes the facts, mentions and counts at once, survives extracting the document
again, can be withdrawn, and appears in the exports and in `pantau eval --corrections`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from extractors.corrections import (
    CorrectionAction,
    CorrectionSpec,
    apply_corrections,
    country_code,
    person_name,
)
from extractors.facts import extract_facts
from models.errors import CorrectionError
from models.records import Fact, FactKind
from models.tables import AuditEvent, LinkedFact
from pantau.cli import app
from pantau.exports import annotations, export_annotations
from storage import corrections, identity, repository
from storage.dossier import mentions_of

# Own letter (invented): an official, a Filipino found on a boat, and the boat's master whom
# the rules take for another person (no citizenship is written next to him).
TARAKAN = """KANTOR IMIGRASI KELAS II TPI TARAKAN

Nomor    : W17.IMI.4-GR.02-0871
Hal      : Laporan pengawasan orang asing

Pada tanggal 12 November 2026 petugas Seksi Intelijen dan Penindakan yang dipimpin oleh \
Andi Saputra memeriksa sebuah kapal nelayan di Pelabuhan Tengkayu, Kota Tarakan. Di atas kapal \
ditemukan warga negara Filipina bernama Ramon Dela Cruz (37) tanpa dokumen perjalanan. \
Nakhoda kapal, Jose Villanueva, menyatakan bahwa kapal berangkat dari Pulau Sibutu tiga hari \
sebelumnya. Keduanya dibawa ke Rumah Detensi Imigrasi Tarakan untuk pemeriksaan lebih lanjut.
"""
MASTER = "Jose Villanueva"


@pytest.fixture(autouse=True)
def in_english():
    from models import i18n

    with i18n.using("en"):
        yield


@pytest.fixture(scope="module")
def extraction():
    return extract_facts([(1, TARAKAN)])


@pytest.fixture
def letter(session, store_document, extraction):
    """The letter stored and extracted: its document id."""
    document = store_document("/in/tarakan.txt", [TARAKAN])
    repository.save_extraction(session, document_id=document.id, extraction=extraction)
    identity.resolve(session)
    return document.id


def span(words: str, text: str = TARAKAN) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def people(session, document_id: int) -> dict[str, tuple[str, str | None]]:
    """Name -> (role, nationality) of the document's person facts."""
    return {
        f.text: (f.kind.value, f.attributes.get("nationality"))
        for f in repository.get_facts(session, document_id=document_id)
        if f.kind in (FactKind.FOREIGN_NATIONAL, FactKind.OFFICIAL, FactKind.OTHER_PERSON)
    }


def make_master_foreign(session, document_id: int, **options):
    start, end = span(MASTER)
    return corrections.correct(
        session,
        document_id=document_id,
        action="role",
        kind="foreign_national",
        page=1,
        start=start,
        end=end,
        nationality=options.pop("nationality", "PH"),
        reason="Nakhoda kapal berbendera Filipina, paspor Filipina dalam berkas",
        author=options.pop("author", "dewi"),
        **options,
    )


# --- applying corrections (no database) ------------------------------------------------


def fact(kind: FactKind, words: str, **attributes) -> Fact:
    start, end = span(words)
    return Fact(
        kind=kind,
        page=1,
        start=start,
        end=end,
        text=words,
        value=words,
        method="rule:people",
        confidence=0.8,
        attributes=attributes,
    )


def spec(number: int, action: str, kind: FactKind, words: str, **extra) -> CorrectionSpec:
    start, end = span(words)
    return CorrectionSpec(
        id=number,
        action=CorrectionAction(action),
        kind=kind,
        page=1,
        start=start,
        end=end,
        text=words,
        author="dewi",
        reason="dibaca ulang",
        **extra,
    )


def test_role_correction_keeps_the_persons_details_and_says_what_it_was():
    facts = [fact(FactKind.OTHER_PERSON, MASTER, age=44), fact(FactKind.LOCATION, "Pulau Sibutu")]
    role = spec(7, "role", FactKind.FOREIGN_NATIONAL, MASTER, nationality="PH")
    applied = apply_corrections(facts, [role], {1: TARAKAN})
    (person,) = [f for f in applied.facts if f.text == MASTER]
    assert (person.kind, person.method, person.confidence) == (
        FactKind.FOREIGN_NATIONAL,
        "correction",
        1.0,
    )
    assert person.attributes["nationality"] == "PH"
    assert person.attributes["age"] == 44
    assert person.attributes["correction"]["was"] == {
        "kind": "other_person",
        "method": "rule:people",
    }
    assert person.attributes["correction"]["by"] == "dewi"
    assert "Nakhoda kapal" in person.sentence
    assert applied.applied == [7]
    # Applied again to its own result, nothing changes: re-extraction and rewrites agree.
    again = apply_corrections(applied.facts, [role], {1: TARAKAN})
    assert again.facts == applied.facts


def test_reject_drops_only_the_fact_of_that_kind_on_those_words():
    facts = [
        fact(FactKind.LOCATION, "Pulau Sibutu"),
        fact(FactKind.ORGANISATION, "Pulau Sibutu"),
        fact(FactKind.LOCATION, "Kota Tarakan"),
    ]
    applied = apply_corrections(
        facts, [spec(1, "reject", FactKind.LOCATION, "Pulau Sibutu")], {1: TARAKAN}
    )
    assert [(f.kind, f.text) for f in applied.facts] == [
        (FactKind.LOCATION, "Kota Tarakan"),
        (FactKind.ORGANISATION, "Pulau Sibutu"),
    ]


def test_a_correction_whose_words_left_the_page_is_not_applied_nor_moved():
    changed = TARAKAN.replace("Jose Villanueva", "Jose Vilanueva ")
    role = spec(3, "role", FactKind.FOREIGN_NATIONAL, MASTER, nationality="PH")
    applied = apply_corrections([], [role], {1: changed})
    assert applied.facts == []
    assert (applied.applied, applied.unanchored) == ([], [3])


def test_added_person_gets_a_clean_name_and_country_names_are_read():
    assert person_name("Bapak Jose Villanueva, nakhoda") == "Jose Villanueva"
    assert person_name("Sdr. Ramon Dela Cruz") == "Ramon Dela Cruz"
    assert [country_code(w) for w in ("ph", "Filipina", "Philippines", "Atlantis", "ID")] == [
        "PH",
        "PH",
        "PH",
        None,
        None,
    ]


# --- stored corrections ------------------------------------------------------------------


def test_role_correction_changes_facts_mentions_and_counts_at_once(session, letter):
    assert people(session, letter)[MASTER] == ("other_person", None)
    made = make_master_foreign(session, letter)
    assert (made.author, made.text, made.nationality) == ("dewi", MASTER, "PH")
    assert people(session, letter) == {
        "Andi Saputra": ("official", None),
        "Ramon Dela Cruz": ("foreign_national", "PH"),
        MASTER: ("foreign_national", "PH"),
    }
    identity.resolve(session)
    names = {m.name: m for m in mentions_of(session, document_ids=[letter])}
    assert names[MASTER].nationality == "PH" and names[MASTER].subject_id is not None
    linked = session.exec(
        LinkedFact.__table__.select().where(LinkedFact.document_id == letter)
    ).all()
    # Two Filipino people now count in this document, by hand: Ramon and the master.
    assert sorted(r.nationality for r in linked if r.mention_id is not None) == ["PH", "PH"]


def test_correction_survives_extracting_the_document_again(session, letter, extraction):
    make_master_foreign(session, letter)
    repository.save_extraction(session, document_id=letter, extraction=extraction)
    assert people(session, letter)[MASTER] == ("foreign_national", "PH")
    (corrected,) = [
        f for f in repository.get_facts(session, document_id=letter) if f.method == "correction"
    ]
    assert corrected.attributes["correction"]["reason"].startswith("Nakhoda kapal")


def test_withdrawn_correction_gives_the_facts_back_and_stays_on_record(session, letter):
    before = people(session, letter)
    made = make_master_foreign(session, letter)
    corrections.withdraw(session, correction_id=made.id, author="rudi")
    assert people(session, letter) == before
    (record,) = corrections.list_corrections(session, document_id=letter)
    assert record.state == "withdrawn" and record.correction.withdrawn_by == "rudi"
    assert corrections.corrected_document_ids(session) == []
    with pytest.raises(CorrectionError, match="already withdrawn"):
        corrections.withdraw(session, correction_id=made.id, author="rudi")


def test_reject_and_add_by_typed_words(session, letter):
    start, end = span("Pulau Sibutu")
    corrections.correct(
        session,
        document_id=letter,
        action="reject",
        kind="location",
        page=1,
        start=start,
        end=end,
        reason="Pulau di Filipina, bukan wilayah Indonesia",
        author="dewi",
    )
    locations = [
        f.text for f in repository.get_facts(session, document_id=letter, kinds=[FactKind.LOCATION])
    ]
    assert "Pulau Sibutu" not in locations and "Kota Tarakan" in locations
    start, end = corrections.find_words(TARAKAN, "kapal  nelayan")
    assert TARAKAN[start:end] == "kapal nelayan"
    corrections.correct(
        session,
        document_id=letter,
        action="add",
        kind="organisation",
        page=1,
        start=start - 1,  # a selection that took the space before: trimmed
        end=end,
        reason="kapal sebagai pihak",
        author="dewi",
    )
    added = repository.get_facts(session, document_id=letter, kinds=[FactKind.ORGANISATION])
    assert "kapal nelayan" in [f.text for f in added]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "  "}, "needs a reason"),
        ({"nationality": "Atlantis"}, "Unknown country"),
        ({"start": 0, "end": 5000}, "not on this page"),
        ({"page": 2}, "has no page 2"),
        ({"action": "reject", "kind": "incident"}, "no such fact"),
        ({"action": "role", "kind": "location"}, "A role is"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_is_stored(session, letter, change, message):
    start, end = span(MASTER)
    arguments = {
        "document_id": letter,
        "action": "role",
        "kind": "foreign_national",
        "page": 1,
        "start": start,
        "end": end,
        "reason": "alasan",
        "author": "dewi",
        "nationality": "PH",
    } | change
    with pytest.raises(CorrectionError, match=message):
        corrections.correct(session, **arguments)
    assert corrections.list_corrections(session) == []
    assert people(session, letter)[MASTER] == ("other_person", None)


def test_words_typed_must_be_on_the_page_once_or_be_numbered():
    with pytest.raises(CorrectionError, match="not on this page"):
        corrections.find_words(TARAKAN, "Jose Rizal")
    with pytest.raises(CorrectionError, match="4 time"):
        corrections.find_words(TARAKAN, "kapal", occurrence=5)
    end = span("Kota Tarakan")[1]
    assert corrections.find_words(TARAKAN, "Tarakan") == (end - len("Tarakan"), end)
    second = TARAKAN.index("Imigrasi Tarakan") + len("Imigrasi ")
    assert corrections.find_words(TARAKAN, "Tarakan", 2) == (second, second + len("Tarakan"))


# --- exports and evaluation ------------------------------------------------------------------


def test_corrected_export_holds_only_corrected_documents_with_their_corrections(
    session, letter, store_document, tmp_path
):
    other = store_document("/in/other.txt", ["Tidak ada orang asing pada hari itu."])
    repository.save_extraction(
        session, document_id=other.id, extraction=extract_facts([(1, "Tidak ada.")])
    )
    make_master_foreign(session, letter)
    written = export_annotations(session, out=tmp_path, corrected=True)
    assert [p.name for p in written] == ["tarakan.json"]
    data = json.loads(written[0].read_text())
    assert {f["name"]: f["nationality"] for f in data["foreigners"]} == {
        "Ramon Dela Cruz": "PH",
        MASTER: "PH",
    }
    assert MASTER not in data["other_persons"]
    (made,) = data["corrections"]
    assert (made["author"], made["action"], made["state"]) == ("dewi", "role", "applied")
    # The full export carries the correction too.
    assert MASTER in {f["name"] for f in annotations(session)["tarakan"]["foreigners"]}


def test_eval_corrections_scores_the_extractor_against_the_corrected_facts(db_url, session, letter):
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "--corrections", "--db", db_url, "--json"])
    assert result.exit_code == 2, result.output
    assert "No document has a correction" in result.output
    make_master_foreign(session, letter)
    result = runner.invoke(app, ["eval", "--corrections", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pair = data["fields"]["foreigner_pair"]
    # Gold: Ramon and the master; the extractor finds Ramon only: P 1, R 1/2.
    assert (pair["tp"], pair["fp"], pair["fn"]) == (1, 0, 1)


def test_corrections_are_listed_by_the_cli_and_audited(db_url, session, letter):
    make_master_foreign(session, letter)
    result = CliRunner().invoke(app, ["corrections", "--db", db_url, "--json"])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert (row["document_id"], row["text"], row["state"]) == (letter, MASTER, "applied")
    actions = [e.action for e in session.exec(AuditEvent.__table__.select()).all()]
    assert "cli_corrections" in actions


# --- the workbench ------------------------------------------------------------------------


def test_web_refused_correction_shows_why_keeps_the_form_and_stores_nothing(web_client, workbench):
    from tests.conftest import form_token, sign_in
    from tests.test_watchlists import deliver

    letter = deliver(workbench, "/masuk/tarakan.pdf", TARAKAN)
    assert sign_in(web_client, "dewi").status_code == 303
    page = web_client.get(f"/documents/{letter}")
    assert 'id="add-fact"' in page.text
    sent = {
        "csrf_token": form_token(page.text),
        "action": "add",
        "kind": "foreign_national",
        "page": "1",
        "words": "Jose Rizal",
        "nationality": "PH",
        "reason": "nakhoda kedua",
    }
    refused = web_client.post(f"/documents/{letter}/corrections", data=sent)
    assert refused.status_code == 400
    assert "Not corrected: The words &#39;Jose Rizal&#39; are not on this page." in refused.text
    assert 'value="nakhoda kedua"' in refused.text  # the form as sent, to fix and send again
    done = web_client.post(f"/documents/{letter}/corrections", data=sent | {"words": "Villanueva"})
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/documents/{letter}?page=1&corrected=")
    shown = web_client.get(done.headers["location"])
    assert 'class="correction state-applied just-made"' in shown.text


def test_web_withdrawing_gives_the_role_back_and_is_audited(web_client, workbench):
    from storage.engine import get_engine, session_for
    from tests.conftest import form_token, sign_in
    from tests.test_watchlists import audit_actions, deliver

    letter = deliver(workbench, "/masuk/tarakan.pdf", TARAKAN)
    assert sign_in(web_client, "dewi").status_code == 303
    token = form_token(web_client.get(f"/documents/{letter}").text)
    start, end = span(MASTER)
    made = web_client.post(
        f"/documents/{letter}/corrections",
        data={
            "csrf_token": token,
            "action": "role",
            "kind": "foreign_national",
            "page": "1",
            "start": str(start),
            "end": str(end),
            "words": MASTER,
            "nationality": "Filipina",
            "reason": "nakhoda berkewarganegaraan Filipina",
        },
    )
    assert made.status_code == 303
    engine = get_engine(workbench.settings.resolved_database_url)
    with session_for(engine) as session:
        assert people(session, letter)[MASTER] == ("foreign_national", "PH")
        (record,) = corrections.list_corrections(session, document_id=letter)
    gone = web_client.post(
        f"/corrections/{record.correction.id}/withdraw", data={"csrf_token": token}
    )
    assert gone.status_code == 303
    with session_for(engine) as session:
        assert people(session, letter)[MASTER] == ("other_person", None)
    assert (
        web_client.post("/corrections/999/withdraw", data={"csrf_token": token}).status_code == 404
    )
    actions = audit_actions(workbench, "dewi")
    assert actions.count("correct") == 1 and actions.count("withdraw_correction") == 1

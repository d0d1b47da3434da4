"""Retraining the NER with investigators' corrections (`tools/retrain.py`): the sentences a
person has read become labelled training sentences, and a short training run writes a
loadable model with before/after figures, leaving the shipped model alone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from extractors.facts import extract_facts
from models.records import Fact, FactKind
from storage import corrections, repository
from tools import retrain, train_ner

# Own letter (invented): an official, a Vietnamese welder, an agent the rules take for
# another person, a guarantor with an honorific, and a foreman the rules miss.
BATAM = """KANTOR IMIGRASI KELAS I KHUSUS TPI BATAM

Nomor    : W4.IMI.1-GR.03-1129
Hal      : Laporan hasil pengawasan

Pada tanggal 4 Februari 2027 petugas Seksi Intelijen yang dipimpin oleh Rudi Hartono \
memeriksa sebuah galangan kapal di Tanjung Uncang, Kota Batam. Petugas menemukan warga \
negara Vietnam bernama Nguyen Van Thanh (29) yang bekerja sebagai tukang las tanpa izin \
kerja. Pekerja tersebut direkrut oleh agen bernama Lim Wei Jie asal Johor. Turut diperiksa \
penjamin yang bersangkutan, Bapak Hendra Wijaya, warga Sekupang. Mandor galangan, Tran Quoc \
Bao, dibawa ke Kantor Imigrasi Batam untuk pemeriksaan lebih lanjut.
"""
AGENT_SENTENCE = "Pekerja tersebut direkrut oleh agen bernama Lim Wei Jie asal Johor."
FOREMAN_SENTENCE = (
    "Mandor galangan, Tran Quoc Bao, dibawa ke Kantor Imigrasi Batam untuk pemeriksaan "
    "lebih lanjut."
)


@pytest.fixture(scope="module")
def extraction():
    return extract_facts([(1, BATAM)])


def span(words: str, text: str = BATAM) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def correct(session, document_id: int, action: str, kind: str, words: str, **options) -> None:
    start, end = span(words)
    corrections.correct(
        session,
        document_id=document_id,
        action=action,
        kind=kind,
        page=1,
        start=start,
        end=end,
        reason=options.pop("reason", "dibaca ulang dari berkas"),
        author="dewi",
        **options,
    )


def correct_letter(session, document_id: int) -> None:
    """A role correction (the agent is Malaysian) and two additions (his home town, and
    the foreman the rules missed)."""
    correct(session, document_id, "role", "foreign_national", "Lim Wei Jie", nationality="MY")
    correct(session, document_id, "add", "location", "Johor")
    correct(session, document_id, "add", "foreign_national", "Tran Quoc Bao", nationality="VN")


def store_letter(session, path: str, text: str, extraction=None) -> int:
    """Claim, save and extract a one-page document; its id."""
    from tests.conftest import document_result

    run = repository.start_run(session, inputs=[path])
    assert run.id is not None
    sha256 = hashlib.sha256(text.encode()).hexdigest()
    document, _ = repository.claim_document(
        session, path=path, sha256=sha256, size=1000, media_type="text/plain", run_id=run.id
    )
    assert document.id is not None
    result = document_result(path, sha256, [text])
    repository.save_result(session, document_id=document.id, result=result)
    repository.save_extraction(
        session, document_id=document.id, extraction=extraction or extract_facts([(1, text)])
    )
    return document.id


# --- sentences from a corrected document -----------------------------------------------------


def test_read_sentences_are_labelled_from_the_corrected_facts(session, store_document, extraction):
    document = store_document("/in/batam.txt", [BATAM])
    repository.save_extraction(session, document_id=document.id, extraction=extraction)
    correct_letter(session, document.id)

    taken = retrain.correction_sentences(session)

    assert [(s.text, s.entities) for s in taken.sentences] == [
        (AGENT_SENTENCE, [("Lim Wei Jie", "PERSON"), ("Johor", "LOC")]),
        (FOREMAN_SENTENCE, [("Tran Quoc Bao", "PERSON"), ("Kantor Imigrasi Batam", "ORG")]),
    ]
    agent, foreman = (s.sentence for s in taken.sentences)
    assert agent.tokens == [*AGENT_SENTENCE.rstrip(".").split(), "."]
    assert agent.spans == [(6, 9, "PERSON"), (10, 11, "LOC")]
    assert agent.spaces == [True] * 10 + [False, False]
    assert foreman.tokens[:7] == ["Mandor", "galangan", ",", "Tran", "Quoc", "Bao", ","]
    assert foreman.spans == [(3, 6, "PERSON"), (9, 12, "ORG")]
    # The sentences without a correction (the official, the welder, the guarantor) are left.
    texts = " ".join(s.text for s in taken.sentences)
    assert "Nguyen Van Thanh" not in texts and "Rudi Hartono" not in texts
    assert "Hendra Wijaya" not in texts
    assert taken.summary() == {
        "documents": 1,
        "sentences": 2,
        "entities": 4,
        "labels": {"LOC": 1, "ORG": 1, "PERSON": 2},
        "dropped_unaligned": 0,
        "dropped_overlapping": 0,
    }


def fact(kind: FactKind, words: str, text: str, value: str | None = None, **extra) -> Fact:
    start, end = span(words, text)
    return Fact(
        kind=kind,
        page=1,
        start=start,
        end=end,
        text=words,
        value=value or words,
        method=extra.pop("method", "rule:people"),
        confidence=0.8,
        attributes=extra,
    )


def test_names_lose_their_honorifics_and_spans_off_token_boundaries_are_counted():
    text = (
        "Surat ini ditujukan kepada Sdr. Hendra Wijaya di Jl. Sudirman No. 4 Batam-Sekupang.\n"
        "Tembusan kepada dua orang WNA lainnya. Kepala Kantor, Rudi Hartono, menyetujui."
    )
    facts = [
        fact(FactKind.OTHER_PERSON, "Sdr. Hendra Wijaya", text, "Hendra Wijaya"),
        fact(FactKind.LOCATION, "Batam", text, method="gazetteer:wilayah"),  # inside a token
        fact(FactKind.LOCATION, "Jl. Sudirman No. 4", text, method="rule:places"),
        fact(FactKind.ORGANISATION, "Sudirman", text, method="rule:organisations"),
        fact(FactKind.FOREIGN_NATIONAL, "dua orang WNA", text, name_kind="group", count=2),
        fact(FactKind.OFFICIAL, "Rudi Hartono", text),
    ]
    read = [(1, *span("Hendra Wijaya", text)), (1, *span("dua orang WNA", text))]

    taken = retrain.document_sentences(7, {1: text}, facts, read)

    assert [(s.text, s.entities) for s in taken.sentences] == [
        (
            # not cut after "Sdr." nor "Jl." nor "No."
            "Surat ini ditujukan kepada Sdr. Hendra Wijaya di Jl. Sudirman No. 4 Batam-Sekupang.",
            [("Hendra Wijaya", "PERSON"), ("Jl. Sudirman No. 4", "LOC")],
        ),
        ("Tembusan kepada dua orang WNA lainnya.", []),  # a group names nobody
    ]
    assert (taken.unaligned, taken.overlapping) == (1, 1)  # "Batam"; "Sudirman" in the street
    assert taken.sentences[0].document_id == 7


def test_refuses_the_shipped_model_folder_and_a_database_without_corrections(tmp_path, capsys):
    with pytest.raises(SystemExit, match="shipped model"):
        retrain.main(["--db", "sqlite:///unused.db", "--out", str(train_ner.DEFAULT_OUT)])
    with pytest.raises(SystemExit, match="no such SQLite database"):
        retrain.main(["--db", f"sqlite:///{tmp_path / 'missing.db'}", "--out", str(tmp_path / "m")])
    url = migrated(tmp_path / "empty.db")
    with pytest.raises(SystemExit, match="nothing to learn from"):
        retrain.main(["--db", url, "--out", str(tmp_path / "m")])


def test_command_line_is_recorded_without_passwords():
    shown = retrain.shown_command(
        ["--db", "postgresql://ayu:rahasia@db/pantau", "--dev-db=postgresql://u:pw@h/dev"]
    )
    assert "rahasia" not in shown and "pw@" not in shown
    assert shown.startswith("uv run python -m tools.retrain --db ")
    assert "postgresql://ayu:***@db/pantau" in shown and "postgresql://u:***@h/dev" in shown


# --- a short end-to-end run (SQLite) ---------------------------------------------------------


def migrated(path: Path) -> str:
    from storage.engine import make_engine
    from storage.migrate import upgrade

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url


@pytest.fixture
def sqlite_session():
    """`open(url)` -> a session on that SQLite database; engines disposed afterwards."""
    from storage.engine import make_engine, session_for

    engines = []

    def open_session(url: str):
        engine = make_engine(url)
        engines.append(engine)
        return session_for(engine)

    yield open_session
    for engine in engines:
        engine.dispose()


# Own dev document (invented) and its gold annotation.
DEV_TEXT = (
    "Petugas Kantor Imigrasi Kelas II TPI Dumai mendeportasi warga negara Malaysia bernama "
    "Azman bin Yusof (44) melalui Pelabuhan Dumai. Deportasi dipimpin oleh Sri Wahyuni."
)
DEV_GOLD = {
    "doc_id": "d003",
    "foreigners": [{"name": "Azman bin Yusof", "nationality": "MY", "count": 1}],
    "officials": ["Sri Wahyuni"],
    "other_persons": [],
    "nationalities": ["MY"],
    "locations": [{"text": "Dumai"}],
    "organizations": ["Kantor Imigrasi Kelas II TPI Dumai"],
    "incidents": ["deportation"],
    "event_dates": [],
}


@pytest.mark.skipif(
    not (train_ner.DEFAULT_DATA / "idner-news-2k" / "train.txt").is_file(),
    reason="the public NER corpora are not in ../shared/data/ner-id",
)
def test_short_retraining_writes_a_loadable_model_and_before_after_figures(
    tmp_path, sqlite_session, extraction, capsys
):
    from sqlmodel import select

    from extractors.nlp.ner import NER_MODEL_PATH, open_model
    from models.tables import AuditEvent

    db = migrated(tmp_path / "kasus.db")
    with sqlite_session(db) as session:
        document_id = store_letter(session, "/in/batam.txt", BATAM, extraction)
        correct_letter(session, document_id)
    dev = migrated(tmp_path / "dev.db")
    with sqlite_session(dev) as session:
        store_letter(session, "/dev/d003.txt", DEV_TEXT)
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "d003.json").write_text(json.dumps(DEV_GOLD), encoding="utf-8")
    out = tmp_path / "model"
    shipped = (NER_MODEL_PATH / "meta.json").stat().st_mtime_ns

    argv = ["--db", db, "--out", str(out), "--max-steps", "20", "--sample", "40"]
    assert retrain.main([*argv, "--dev-db", dev, "--dev-gold", str(gold)]) == 0

    printed = capsys.readouterr().out
    assert "1 documents, 2 sentences, 4 entities (LOC 1, ORG 1, PERSON 2)" in printed
    assert "dev d000:d024" in printed and "foreigner_pair" in printed
    assert open_model(out).pipe_names == ["tok2vec", "ner"]
    report = json.loads((out / "RETRAIN.json").read_text(encoding="utf-8"))
    assert report["corrections"]["sentences"] == 2
    assert set(report["scores"]) == {"dev d000:d024", "dev d025:d045", "corrections"}
    for group in report["scores"].values():
        assert set(group) == {"before", "after"}
        assert set(group["after"]["fields"]) >= {"foreigner_pair", "location", "official"}
    assert report["scores"]["dev d000:d024"]["before"]["documents"] == 1
    assert report["scores"]["corrections"]["before"]["documents"] == 1
    metrics = json.loads((out / "METRICS.json").read_text(encoding="utf-8"))
    assert metrics["extra_sentences"] == 2 * 5  # --weight 5
    assert metrics["command"].startswith("uv run python -m tools.retrain --db sqlite:")
    assert (NER_MODEL_PATH / "meta.json").stat().st_mtime_ns == shipped  # left alone
    with sqlite_session(db) as session:
        audited = session.exec(select(AuditEvent).where(AuditEvent.action == "retrain")).all()
        assert [(e.target, e.details) for e in audited] == [
            ("corrections", {"documents": 1, "sentences": 2})
        ]

    # A dev database without the gold documents is refused, naming the command to run.
    (gold / "d030.json").write_text(json.dumps({**DEV_GOLD, "doc_id": "d030"}), "utf-8")
    with pytest.raises(SystemExit, match=r"1 of the 2 dev documents .*d030.*pantau run"):
        retrain.main([*argv[:2], "--out", str(tmp_path / "m2"), "--max-steps", "1",
                      "--sample", "5", "--dev-db", dev, "--dev-gold", str(gold)])  # fmt: skip

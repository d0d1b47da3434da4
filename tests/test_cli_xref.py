"""`pantau search` facet options, `pantau xref` and the record export formats."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from conftest import document_result
from followthemoney import model
from typer.testing import CliRunner

from models.records import ExtractionResult, Fact, FactKind
from models.tables import Mention, Subject
from pantau.cli import app

PAGES = {
    "/arsip/berita-badung.pdf": (
        "Warga negara Tiongkok berinisial LW diamankan di Kabupaten Badung.",
        "news",
        "2024-03-15",
        [("nationality", "CN"), ("location", "51.03"), ("incident", "arrest")],
    ),
    "/arsip/surat-sikka.pdf": (
        "Dua warga negara Vietnam dideportasi dari Kabupaten Sikka.",
        "letter",
        "2024-04-02",
        [("nationality", "VN"), ("location", "53.10"), ("incident", "deportation")],
    ),
}


def stored_fact(kind: str, value: str) -> Fact:
    return Fact(
        kind=FactKind(kind),
        page=1,
        start=0,
        end=1,
        text=value,
        value=value,
        method="rule:test",
        confidence=0.9,
        attributes={"status": "reported"} if kind == "incident" else {},
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite database with two extracted documents, one subject in both."""
    from storage import repository
    from storage.engine import make_engine, session_for
    from storage.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_for(engine) as session:
        run = repository.start_run(session, inputs=["/arsip"])
        ids = []
        for path, (text, kind, day, facts) in PAGES.items():
            sha = hashlib.sha256(path.encode()).hexdigest()
            document, _ = repository.claim_document(
                session, path=path, sha256=sha, size=10, media_type="text/plain", run_id=run.id
            )
            repository.save_result(
                session, document_id=document.id, result=document_result(path, sha, [text])
            )
            extraction = ExtractionResult(
                extractor="nlp-test",
                kind=kind,
                document_date=day,
                facts=[stored_fact(k, v) for k, v in facts],
            )
            repository.save_extraction(session, document_id=document.id, extraction=extraction)
            ids.append(document.id)
        subject = Subject(name="Li Wei", names=["Li Wei", "LW"], nationality="CN")
        session.add(subject)
        session.flush()
        for document_id, code in zip(ids, ("51.03", "53.10"), strict=True):
            session.add(
                Mention(
                    document_id=document_id,
                    subject_id=subject.id,
                    key="li wei",
                    name="Li Wei",
                    nationality="CN",
                    place_codes=[code],
                )
            )
        from storage.summaries import rebuild

        rebuild(session)  # mentions stored directly, as a bulk load does
        session.commit()
    engine.dispose()
    return url


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_xref_search_with_facets(db):
    code, out, _ = invoke("search", "warga negara", "--nationality", "VN", "--db", db, "--json")
    assert code == 0
    results = json.loads(out)
    assert [hit["path"] for hit in results["hits"]] == ["/arsip/surat-sikka.pdf"]
    assert results["facets"]["regency"] == [{"value": "53.10", "documents": 1}]
    code, out, _ = invoke("search", "--from", "2024-03", "--to", "2024-03", "--db", db)
    assert code == 0
    assert "1 matching documents" in out and "berita-badung.pdf" in out
    assert "nationality: CN (1)" in out


def test_cli_xref_search_plain_text_keeps_page_hits(db):
    code, out, _ = invoke("search", "dideportasi", "--db", db, "--json")
    assert code == 0
    assert [(hit["path"], hit["page"]) for hit in json.loads(out)] == [
        ("/arsip/surat-sikka.pdf", 1)
    ]


@pytest.mark.parametrize(
    "option", [("--regency", "5103"), ("--nationality", "XX"), ("--from", "2024-13-01")]
)
def test_cli_xref_search_bad_filter_is_a_usage_error(db, option):
    code, _, err = invoke("search", "--db", db, *option)
    assert code == 2
    assert "error:" in err


def test_cli_xref_commands(db):
    code, out, _ = invoke("xref", "regions", "--level", "province", "--db", db, "--json")
    assert code == 0
    assert [(r["name"], r["regions"]) for r in json.loads(out)] == [("Li Wei", ["51", "53"])]
    code, out, _ = invoke("xref", "counts", "--by", "nationality,incident", "--db", db, "--json")
    assert code == 0
    assert {(r["values"]["nationality"], r["values"]["incident"]) for r in json.loads(out)} == {
        ("CN", "arrest"),
        ("VN", "deportation"),
    }
    code, out, _ = invoke("xref", "together", "--db", db)
    assert (code, out.strip()) == (0, "none found")
    code, out, _ = invoke("xref", "subject", "1", "--db", db, "--json")
    assert code == 0
    assert [d["path"] for d in json.loads(out)] == list(PAGES)
    code, _, err = invoke("xref", "counts", "--by", "religion", "--db", db)
    assert code == 2 and "cannot count by" in err


@pytest.mark.parametrize(
    ("format", "name"),
    [
        ("subjects-csv", "subjects.csv"),
        ("mentions-csv", "mentions.csv"),
        ("subjects-jsonl", "subjects.jsonl"),
        ("mentions-jsonl", "mentions.jsonl"),
        ("ftm", "pantau.ftm.json"),
    ],
)
def test_cli_xref_export_records(db, tmp_path, format, name):
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, _ = invoke("export", "--format", format, "--out", str(folder), "--db", db)
    assert code == 0, out
    target = folder / name
    text = target.read_text(encoding="utf-8")
    if format.endswith("csv"):
        rows = list(csv.DictReader(text.splitlines()))
        assert len(rows) == (1 if format.startswith("subjects") else 2)
    elif format == "ftm":
        schemata = [model.get_proxy(json.loads(line)).schema.name for line in text.splitlines()]
        assert schemata == ["Person", "Document", "Document", "Mention", "Mention"]
    else:
        assert json.loads(text.splitlines()[0])["name"] == "Li Wei"
    code, _, _ = invoke(
        "export", "--format", format, "--out", str(tmp_path / "own.file"), "--db", db
    )
    assert code == 0 and (tmp_path / "own.file").read_text(encoding="utf-8") == text

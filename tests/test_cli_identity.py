"""The identity commands: resolve, subjects, subject and review."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import document_result
from typer.testing import CliRunner

from models.records import ExtractionResult, Fact, FactKind
from pantau.cli import app
from storage import repository
from storage.engine import make_engine, session_for
from storage.migrate import upgrade


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def person(name: str, **attributes) -> Fact:
    return Fact(
        kind=FactKind.FOREIGN_NATIONAL,
        page=1,
        start=0,
        end=len(name),
        text=name,
        value=name,
        sentence=f"{name} diamankan.",
        method="rule:people",
        confidence=0.9,
        attributes=attributes,
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A SQLite database with three documents naming two Russians."""
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    engine = make_engine(url)
    upgrade(engine)
    docs = {
        "surat.txt": [person("Dmitry Alexandrovich Sokolov", nationality="RU")],
        "berita.txt": [person("DAS", nationality="RU", age=36)],
        "notulen.txt": [person("Sokolov Dmitry Alexandrovich", nationality="RU")],
    }
    with session_for(engine) as session:
        run_id = repository.start_run(session, inputs=list(docs)).id
        for name, facts in docs.items():
            sha = hashlib.sha256(name.encode()).hexdigest()
            document, _ = repository.claim_document(
                session,
                path=f"/arsip/{name}",
                sha256=sha,
                size=1,
                media_type="text/plain",
                run_id=run_id,
            )
            repository.save_result(
                session,
                document_id=document.id,
                result=document_result(document.path, sha, ["teks"]),
                extraction=ExtractionResult(
                    extractor="t", kind="news", document_date="2026-11-06", facts=facts
                ),
            )
    engine.dispose()
    return url


def test_cli_identity_resolve_review_and_dossier(db: str) -> None:
    code, out = invoke("resolve", "--db", db, "--json")
    assert code == 0
    assert json.loads(out)["auto_merged"] == 1
    code, out = invoke("review", "--db", db, "--json")
    [item] = json.loads(out)
    assert {item["a"]["name"], item["b"]["name"]} & {"DAS"}
    assert invoke("review", str(item["id"]), "perhaps", "--db", db)[0] == 2
    code, out = invoke("review", str(item["id"]), "same", "--user", "analis", "--db", db)
    assert code == 0 and "decided" in out
    code, out = invoke("subjects", "--nationality", "RU", "--db", db, "--json")
    [subject] = json.loads(out)
    assert subject["document_count"] == 3
    code, out = invoke("subject", str(subject["id"]), "--db", db)
    assert code == 0
    assert "/arsip/berita.txt" in out and "DAS" in out
    assert invoke("subject", "999", "--db", db)[0] == 2
    assert "no review items" in invoke("review", "--db", db)[1]

"""End to end through the `pantau` CLI: real Prefect (embedded), real OCR, real SQLite."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOTULEN_TEXT, SURAT_TEXT, font_path, write_text_pdf
from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

from pantau.cli import app

pytestmark = pytest.mark.slow

SCAN_TEXT = "Operasi gabungan Timpora menemukan paspor palsu di Pelabuhan Benoa."


def _scan(text: str) -> Image.Image:
    """A clean 300 dpi scan of one line of text, as a scanner would deliver it."""
    image = Image.new("L", (2480, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path(), 48)
    draw.text((150, 300), text, font=font, fill=0)
    return image


def _docx(path: Path) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("Notulen rapat koordinasi pengawasan orang asing di Kupang.")
    document.save(str(path))
    return path


def _inbox(root: Path) -> dict[str, Path]:
    """A realistic inbox: good files of every kind, a duplicate, and broken files."""
    (root / "masuk-lagi" / "lama").mkdir(parents=True)
    files = {
        "surat": write_text_pdf(root / "surat-kanim.pdf", [SURAT_TEXT, NOTULEN_TEXT]),
        "notulen": _docx(root / "notulen.docx"),
        "berita": root / "berita.html",
        "catatan": root / "catatan.txt",
        "pindai": root / "pindai.png",
        "menyamar": root / "foto-surat.pdf",
        "salinan": root / "masuk-lagi" / "lama" / "catatan-salinan.txt",
        "kosong": root / "kosong.pdf",
        "sampah": root / "sampah.txt",
        "terpotong": root / "terpotong.png",
    }
    files["berita"].write_text(
        "<html><body><h1>Razia</h1><p>Petugas imigrasi mendeportasi dua WNA.</p></body></html>"
    )
    files["catatan"].write_text("Catatan: WNA asal Korea Selatan melapor ke Kanim Kupang.")
    files["salinan"].write_bytes(files["catatan"].read_bytes())
    _scan(SCAN_TEXT).save(files["pindai"], dpi=(300, 300))
    _scan("Surat ini sebenarnya gambar PNG.").save(files["menyamar"], format="PNG")
    files["kosong"].write_bytes(b"")
    files["sampah"].write_bytes(bytes(range(256)) * 30)
    buffer = io.BytesIO()
    _scan("halaman terpotong").save(buffer, format="PNG")
    files["terpotong"].write_bytes(buffer.getvalue()[:4000])
    return files


def _fingerprints(files: dict[str, Path]) -> dict[str, tuple[str, int]]:
    return {
        key: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for key, path in files.items()
    }


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture
def processed_inbox(tmp_path: Path, prefect_home: Path) -> tuple[dict[str, Path], str, dict]:
    files = _inbox(tmp_path / "inbox")
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    before = _fingerprints(files)
    code, out = _invoke("run", str(tmp_path / "inbox"), "--db", db, "--json")
    assert code == 3, out  # some inputs are broken on purpose
    report = json.loads(out)
    assert _fingerprints(files) == before, "originals must stay byte-for-byte unchanged"
    return files, db, report


def test_cli_run_leaves_the_planner_statistics_of_what_it_stored(processed_inbox) -> None:
    _, db, _ = processed_inbox
    connection = sqlite3.connect(db.removeprefix("sqlite:///"))
    try:
        stats = dict(connection.execute("SELECT idx, stat FROM sqlite_stat1").fetchall())
    finally:
        connection.close()
    # Rows first: the documents stored, then the facets the search filters through.
    assert stats["ix_document_document_date"].split()[0] == "10"
    assert int(stats["ix_document_facet_facet_value"].split()[0]) > 10


def test_cli_run_records_every_input_with_a_state(processed_inbox) -> None:
    files, db, report = processed_inbox
    code, out = _invoke("docs", "--db", db, "--json")
    assert code == 0
    by_name = {Path(record["path"]).name: record for record in json.loads(out)}
    assert set(by_name) == {path.name for path in files.values()}
    expected = {
        "surat-kanim.pdf": ("processed", 2),
        "notulen.docx": ("processed", 1),
        "berita.html": ("processed", 1),
        "pindai.png": ("processed", 1),
        "foto-surat.pdf": ("processed", 1),
        "kosong.pdf": ("failed", 0),
        "sampah.txt": ("failed", 0),
        "terpotong.png": ("failed", 0),
    }
    copies = [by_name.pop("catatan.txt"), by_name.pop("catatan-salinan.txt")]
    assert {name: (r["status"], r["pages"]) for name, r in by_name.items()} == expected
    # Same content at two paths: the first found is read, the other points at it.
    original, duplicate = sorted(copies, key=lambda record: record["id"])
    assert (original["status"], duplicate["status"]) == ("processed", "duplicate")
    assert duplicate["duplicate_of"] == original["id"] and duplicate["pages"] == 0
    assert "0 bytes" in by_name["kosong.pdf"]["error"]
    assert "binary" in by_name["sampah.txt"]["error"]
    assert "truncated" in by_name["terpotong.png"]["error"]
    assert all(len(record["sha256"]) == 64 for record in by_name.values())
    assert report["processed"] == 6 and report["failed"] == 3 and report["duplicates"] == 1
    assert report["pages_ocr"] == 2 and report["pages_text_layer"] == 5
    notes = [note["note"] for note in report["notes"]]
    assert len(notes) == 1 and "foto-surat.pdf" in notes[0] and "PNG" in notes[0]
    assert report["failures_by_reason"] == {"corrupt": 1, "empty_file": 1, "not_text": 1}


def test_cli_second_run_processes_nothing(processed_inbox, tmp_path: Path) -> None:
    files, db, _ = processed_inbox
    before = _fingerprints(files)
    code, out = _invoke("run", str(tmp_path / "inbox"), "--db", db, "--json")
    report = json.loads(out)
    assert code == 0, out
    assert report["processed"] == report["failed"] == report["pages"] == 0
    assert report["unchanged"] == len(files)
    code, out = _invoke("docs", "--db", db, "--json")
    assert len(json.loads(out)) == len(files), "a re-run must not add records"
    assert _fingerprints(files) == before


def test_cli_search_show_and_export(processed_inbox, tmp_path: Path) -> None:
    files, db, _ = processed_inbox
    code, out = _invoke("search", "paspor palsu", "--db", db, "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 1
    assert hits[0]["path"].endswith("pindai.png") and hits[0]["page"] == 1
    code, out = _invoke("search", '"operasi gabungan"', "--db", db, "--json")
    assert {Path(hit["path"]).name for hit in json.loads(out)} >= {"surat-kanim.pdf"}
    for hostile in ('"', "*", "OR (", "NEAR("):
        code, _ = _invoke("search", hostile, "--db", db)
        assert code == 0

    document_id = hits[0]["document_id"]
    code, out = _invoke("show", str(document_id), "--db", db)
    assert code == 0 and "ocr" in out and "Benoa" in out

    out_dir = tmp_path / "ekspor"
    code, _ = _invoke("export", "--format", "text", "--out", str(out_dir), "--db", db)
    assert code == 0
    names = sorted(path.name for path in out_dir.iterdir())
    assert names == [
        "berita.txt",
        "catatan.txt",
        "foto-surat.txt",
        "notulen.txt",
        "pindai.txt",
        "surat-kanim.txt",
    ]
    surat = (out_dir / "surat-kanim.txt").read_text(encoding="utf-8")
    first, second = surat.split("\f")
    assert "Kabupaten Badung" in first and "operasi gabungan" in second


def test_cli_unknown_document_and_bad_path_exit_2(prefect_home: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    assert _invoke("show", "999", "--db", db)[0] == 2
    assert _invoke("run", str(tmp_path / "tidak-ada"), "--db", db)[0] == 2


def test_cli_resumes_after_a_crash_without_redoing_work(tmp_path: Path, prefect_home: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number in range(8):
        _scan(f"Laporan nomor {number} tentang pengawasan WNA di Batam.").save(
            inbox / f"laporan-{number}.png", dpi=(300, 300)
        )
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    command = [sys.executable, "-m", "pantau", "run", str(inbox), "--db", db, "--workers", "1"]
    env = {**os.environ, "PANTAU_HOME": str(prefect_home)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _wait_for_processed(tmp_path / "pantau.db", at_least=2, process=process)
    process.send_signal(signal.SIGKILL)
    process.wait()

    code, out = _invoke("run", str(inbox), "--db", db, "--json")
    report = json.loads(out)
    assert code == 0, out
    assert report["unchanged"] >= 2, "documents finished before the crash are not redone"
    assert report["processed"] + report["unchanged"] == 8
    code, out = _invoke("docs", "--db", db, "--json")
    records = json.loads(out)
    assert len(records) == 8 and {r["status"] for r in records} == {"processed"}
    assert all(record["pages"] == 1 for record in records)


def _wait_for_processed(database: Path, *, at_least: int, process: subprocess.Popen) -> None:
    import sqlite3

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pantau run ended early: {process.stderr.read().decode()[-2000:]}")
        if database.exists():
            try:
                with sqlite3.connect(database) as connection:
                    done = connection.execute(
                        "select count(*) from document where status = 'processed'"
                    ).fetchone()[0]
            except sqlite3.Error:
                done = 0
            if done >= at_least:
                return
        time.sleep(0.2)
    pytest.fail("pantau run processed nothing within 5 minutes")


def test_cli_facts_export_annotations_and_eval(processed_inbox, tmp_path: Path) -> None:
    _, db, report = processed_inbox
    assert report["facts"] > 0
    code, out = _invoke("docs", "--db", db, "--json")
    ids = {Path(r["path"]).name: r["id"] for r in json.loads(out)}
    code, out = _invoke("facts", str(ids["pindai.png"]), "--db", db, "--json")
    facts = json.loads(out)
    assert code == 0
    fraud = next(f for f in facts if f["value"] == "document_fraud")
    assert fraud["method"] == "rule:incidents" and fraud["boxes"], "OCR facts carry word boxes"
    assert "paspor palsu" in fraud["sentence"]

    out_dir = tmp_path / "anotasi"
    code, _ = _invoke("export", "--format", "annotations", "--out", str(out_dir), "--db", db)
    assert code == 0
    pindai = json.loads((out_dir / "pindai.json").read_text(encoding="utf-8"))
    assert {"joint_operation", "document_fraud"} <= set(pindai["incidents"])
    catatan = json.loads((out_dir / "catatan.json").read_text(encoding="utf-8"))
    assert catatan["nationalities"] == ["KR"] and catatan["kind"] == "news"

    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "pindai.json").write_text(
        json.dumps({"incidents": ["joint_operation", "document_fraud"], "nationalities": []})
    )
    (gold / "catatan.json").write_text(json.dumps({"incidents": [], "nationalities": ["KR"]}))
    code, out = _invoke("eval", str(gold), "--db", db)
    assert code == 0 and "incident_f1=1.0000" in out and "nationality_f1=1.0000" in out
    assert re.search(r"news +2 ", out), "the per-kind table counts both news documents"
    code, out = _invoke("eval", str(gold), "--pred", str(out_dir), "--json")
    assert json.loads(out)["fields"]["incident"]["f1"] == 1.0
    assert json.loads(out)["by_kind"]["news"]["documents"] == 2
    code, out = _invoke("eval", str(gold), "--pred", str(out_dir), "--range", "c:czz", "--json")
    assert code == 0 and json.loads(out)["documents"] == 1, "only catatan.json is in c:czz"
    result = CliRunner().invoke(app, ["eval", str(gold), "--pred", str(out_dir), "--range", "x:z"])
    assert result.exit_code == 2 and "no gold file" in result.stderr


def test_cli_run_extracts_documents_stored_without_facts(processed_inbox) -> None:
    import sqlite3

    files, db, _ = processed_inbox
    database = db.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM fact")
        connection.execute("UPDATE document SET extracted_at = NULL, extractor = NULL")
    code, out = _invoke("run", str(files["pindai"].parent), "--db", db, "--json")
    report = json.loads(out)
    assert report["processed"] == 0 and report["pages"] == 0, "no page is read again"
    assert report["facts"] > 0
    code, out = _invoke("extract", "--db", db)
    assert code == 0 and "from 0 document(s)" in out
    records = json.loads(_invoke("docs", "--db", db, "--json")[1])
    readable = next(r["id"] for r in records if r["status"] == "processed")
    failed = next(r["id"] for r in records if r["status"] == "failed")
    code, out = _invoke("extract", str(readable), "--stale", "--db", db)
    assert code == 0 and "from 1 document(s)" in out
    assert _invoke("extract", str(failed), "--db", db)[0] == 2, "a failed document has no text"
    assert _invoke("extract", "999", "--db", db)[0] == 2


def test_cli_run_refuses_a_link_out_of_the_inbox(tmp_path: Path, prefect_home: Path) -> None:
    inbox, secrets = tmp_path / "inbox", tmp_path / "rahasia"
    inbox.mkdir()
    secrets.mkdir()
    (secrets / "settings.env").write_text("PANTAU_SECRET_KEY=kuncirahasiasekali\n")
    (inbox / "surat.txt").write_text("Petugas imigrasi memeriksa dokumen WNA di Kupang.")
    (inbox / "x.txt").symlink_to(secrets / "settings.env")
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    code, out = _invoke("run", str(inbox), "--db", db, "--json")
    report = json.loads(out)
    assert code == 3, out
    assert report["processed"] == 1 and report["failures_by_reason"] == {"outside_inputs": 1}
    # The link is listed on the run with its reason, though it never became a document.
    [problem] = report["problems"]
    assert problem["status"] == "refused" and problem["error_code"] == "outside_inputs"
    assert problem["path"] == str(inbox / "x.txt")
    assert "outside the folders given" in problem["error"]
    code, out = _invoke("search", "kuncirahasiasekali", "--db", db, "--json")
    assert code == 0 and json.loads(out) == []
    code, out = _invoke("docs", "--db", db, "--json")
    assert [Path(r["path"]).name for r in json.loads(out)] == ["surat.txt"]

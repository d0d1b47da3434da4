"""Several `pantau run` processes started at the same moment over one folder and one
database, with `pantau resolve` beside them, end exactly as one run alone: every input
read once, no duplicate page, fact, mention or subject, and every run's counts add up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

LETTERS = {
    "surat-batam.txt": (
        "Pada tanggal 3 Maret 2026 Tim Pengawasan Orang Asing Kantor Imigrasi Batam memeriksa "
        "seorang WNA asal Tiongkok bernama ZHANG WEILONG (41) yang bekerja tanpa izin kerja di "
        "galangan kapal Tanjung Uncang, Kota Batam."
    ),
    "laporan-sekupang.txt": (
        "Petugas mengamankan WN Vietnam bernama NGUYEN VAN HUNG (35) di Kecamatan Sekupang, "
        "Kota Batam, karena izin tinggalnya telah habis sejak Januari 2026."
    ),
    "nota-dinas.txt": (
        "Menindaklanjuti pemeriksaan terhadap ZHANG WEILONG (41), warga negara Tiongkok, Kepala "
        "Seksi Intelijen dan Penindakan Ardi Saputra menyampaikan bahwa yang bersangkutan "
        "dideportasi melalui Bandara Hang Nadim pada 10 Maret 2026."
    ),
    "notulen-rapat.txt": (
        "Rapat Timpora Kota Batam tanggal 12 Maret 2026 membahas WN Korea Selatan PARK JIHOON "
        "(29) yang diduga menyalahgunakan izin tinggal kunjungan dengan bekerja sebagai "
        "pelatih selam di Pulau Abang."
    ),
    "berita-singkat.txt": (
        "Imigrasi Batam kembali menahan WN Vietnam NGUYEN VAN HUNG (35) yang sebelumnya "
        "diamankan di Sekupang. Ia kini menunggu deportasi di ruang detensi."
    ),
    "surat-tembusan.txt": (
        "Bersama ini kami laporkan bahwa PARK JIHOON (29), warga negara Korea Selatan, telah "
        "diperiksa oleh Tim Pengawasan Orang Asing pada 14 Maret 2026 di Pulau Abang, "
        "Kecamatan Galang."
    ),
}


def _pantau(*args: str, home: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PANTAU_HOME": str(home),
        "PREFECT_HOME": str(home / "prefect"),
        "PANTAU_COMMAND_SERVER_IDLE_SECONDS": "0",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "pantau", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=600)
    assert process.returncode in (0, 3), err[-3000:]
    return process.returncode, out


def _state(url: str) -> dict[str, object]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    queries = {
        "documents": "SELECT path, status, claimed_by FROM document ORDER BY path",
        "pages": "SELECT d.path, p.number, count(*) FROM page p JOIN document d "
        "ON d.id = p.document_id GROUP BY d.path, p.number ORDER BY 1, 2",
        "facts": 'SELECT d.path, f.kind, f.page, f.start, f."end", count(*) FROM fact f '
        "JOIN document d ON d.id = f.document_id GROUP BY d.path, f.kind, f.page, f.start, "
        'f."end" ORDER BY 1, 2, 3, 4, 5',
        "mentions": "SELECT d.path, m.key, count(*) FROM mention m JOIN document d "
        "ON d.id = m.document_id GROUP BY d.path, m.key ORDER BY 1, 2",
        "unlinked": "SELECT count(*) FROM mention WHERE subject_id IS NULL",
        "people": "SELECT s.name, s.nationality, count(*) FROM subject s "
        "WHERE EXISTS (SELECT 1 FROM mention m WHERE m.subject_id = s.id) "
        "GROUP BY s.name, s.nationality ORDER BY 1, 2",
        "runs": "SELECT status, documents_seen, processed + partial + failed + duplicates "
        "+ unchanged + elsewhere FROM run ORDER BY id",
    }
    try:
        with engine.connect() as connection:
            state = {
                name: [tuple(row) for row in connection.execute(sa.text(sql)).all()]
                for name, sql in queries.items()
            }
    finally:
        engine.dispose()
    return state


@pytest.mark.parametrize("runs", [pytest.param(4, marks=pytest.mark.postgres), 2])
def test_concurrent_runs_end_as_one_run(
    runs: int, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, request
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in LETTERS.items():
        (inbox / name).write_text(text, encoding="utf-8")
    if runs == 4:
        database = request.getfixturevalue("pg_database")
        if database is None:
            pytest.skip("PostgreSQL is not reachable")
        from conftest import fresh_pg_schema

        schemas = fresh_pg_schema(database)
        url = next(schemas)
        request.addfinalizer(lambda: next(schemas, None))
        reference_schemas = fresh_pg_schema(database)
        reference_url = next(reference_schemas)
        request.addfinalizer(lambda: next(reference_schemas, None))
    else:
        url = f"sqlite:///{tmp_path / 'pantau.db'}"
        reference_url = f"sqlite:///{tmp_path / 'alone.db'}"
    home = tmp_path_factory.mktemp("pantau-home")

    _finish(_pantau("run", str(inbox), "--db", reference_url, "--json", home=home))
    alone = _state(reference_url)
    assert len(alone["documents"]) == len(LETTERS)
    assert alone["unlinked"] == [(0,)]

    together = [_pantau("run", str(inbox), "--db", url, "--json", home=home) for _ in range(runs)]
    resolver = _pantau("resolve", "--db", url, "--json", home=home)
    reports = [json.loads(_finish(process)[1]) for process in together]
    _finish(resolver)
    state = _state(url)

    # Every input once, read once, claims all released; the same pages, facts and mentions
    # as one run alone, each exactly once.
    assert state["documents"] == alone["documents"]
    assert all(status == "processed" and owner is None for _, status, owner in state["documents"])
    for table in ("pages", "facts", "mentions"):
        assert state[table] == alone[table], table
        assert all(row[-1] == 1 for row in state[table]), table
    # One subject per person, every mention linked.
    assert state["people"] == alone["people"]
    assert all(count == 1 for *_, count in state["people"])
    assert state["unlinked"] == [(0,)]
    # Each run saw every input and accounts for each: read by it, or left to another.
    assert len(state["runs"]) == runs
    for status, seen, accounted in state["runs"]:
        assert (status, seen, accounted) == ("finished", len(LETTERS), len(LETTERS))
    read = sum(report["processed"] for report in reports)
    assert read == len(LETTERS)
    elsewhere_or_done = sum(report["elsewhere"] + report["unchanged"] for report in reports)
    assert elsewhere_or_done == (runs - 1) * len(LETTERS)


def test_documents_as_task_runs_in_processes_read_the_same(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("surat-batam.txt", "nota-dinas.txt"):
        (inbox / name).write_text(LETTERS[name], encoding="utf-8")
    home = tmp_path_factory.mktemp("pantau-home")
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    os.environ["PANTAU_TASK_RUNNER"] = "processes"
    try:
        process = _pantau("run", str(inbox), "--db", url, "--json", home=home)
    finally:
        del os.environ["PANTAU_TASK_RUNNER"]
    code, out = _finish(process)
    report = json.loads(out)
    assert (code, report["processed"]) == (0, 2)
    state = _state(url)
    assert [person for person, *_ in state["people"]] == ["ZHANG WEILONG"]
    assert state["unlinked"] == [(0,)]


def test_documents_as_task_runs_on_an_existing_dask_cluster(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from distributed import Client, LocalCluster

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("laporan-sekupang.txt", "berita-singkat.txt"):
        (inbox / name).write_text(LETTERS[name], encoding="utf-8")
    home = tmp_path_factory.mktemp("pantau-home")
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    with LocalCluster(n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster:
        os.environ["PANTAU_TASK_RUNNER"] = f"dask:{cluster.scheduler_address}"
        try:
            process = _pantau("run", str(inbox), "--db", url, "--json", home=home)
        finally:
            del os.environ["PANTAU_TASK_RUNNER"]
        code, out = _finish(process)
        with Client(cluster) as client:
            prefixes = client.run_on_scheduler(
                lambda dask_scheduler: sorted(dask_scheduler.task_prefixes)
            )
    assert any("process_document" in prefix for prefix in prefixes), prefixes
    report = json.loads(out)
    assert (code, report["processed"]) == (0, 2)
    state = _state(url)
    assert [person for person, *_ in state["people"]] == ["NGUYEN VAN HUNG"]
    assert state["unlinked"] == [(0,)]

"""The batch server runs `pantau run` and `pantau extract` exactly as `pantau` does in its own
process, with Prefect and the NLP pipeline already loaded.

One server (`pantau.cmdserver --kind batch`) is started for the module's home; every test
gives its commands a database of its own, and compares what a served command stores, prints
and returns with the same command run in-process (the server turned off).
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pantau import cmdserver

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sockets")

LETTERS = {
    "surat-bintan.txt": (
        "KANTOR IMIGRASI KELAS II TPI TANJUNG UBAN\n"
        "Nomor : W.6.IMI.4-GR.02.04-0417\n\n"
        "Pada tanggal 9 Oktober 2026 petugas mengamankan seorang warga negara Vietnam bernama "
        "Nguyen Van Phuc di Kecamatan Bintan Utara karena izin tinggalnya telah berakhir.\n\n"
        "Kepala Kantor,\nRudi Hartanto Simanjuntak\n"
    ),
    "notulen-karimun.txt": (
        "Rapat Timpora Kabupaten Karimun pada 2 Oktober 2026 membahas dua warga negara "
        "Tiongkok bernama Zhang Wei dan Chen Long yang bekerja di galangan kapal di Kecamatan "
        "Meral tanpa izin kerja.\n"
    ),
}
# Ends the run with exit code 3 (some documents failed), named among the run's problems.
BROKEN = ("laporan-rusak.pdf", b"%PDF-1.4\nthis is not a PDF body\n")
# What differs between two runs of the same files: ids, clocks, the worker's pid.
VOLATILE = {"id", "started_at", "finished_at", "seconds", "worker", "pages_per_minute"}


def _server_up(home: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(cmdserver.address(home.resolve(), cmdserver.BATCH))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def _wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def _served(home: Path) -> list[str]:
    log = home / "logs" / cmdserver.LOG_NAME
    lines = log.read_text().splitlines() if log.exists() else []
    return [line.split()[2] for line in lines if "(pid" in line and "serving" not in line]


@pytest.fixture(scope="module")
def batch_home(tmp_path_factory):
    """A home whose batch server is up (started as the first `pantau run` starts it)."""
    home = tmp_path_factory.mktemp("batch") / "home"
    env = {**os.environ, "PANTAU_HOME": str(home), cmdserver.IDLE_VARIABLE: "300"}
    log = home / "logs" / cmdserver.LOG_NAME
    log.parent.mkdir(parents=True)
    with log.open("ab") as errors:  # where the client's start puts the server's log
        server = subprocess.Popen(
            [sys.executable, "-m", "pantau.cmdserver", "--home", str(home.resolve())]
            + ["--idle", "300", "--kind", cmdserver.BATCH],
            env=env,
            stderr=errors,
        )
    try:
        assert _wait(lambda: _server_up(home), 120), "the batch server did not come up"
        yield home
    finally:
        server.kill()
        server.wait(timeout=30)
        _stop_prefect(home)


def _stop_prefect(home: Path) -> None:
    env = {**os.environ, "PANTAU_HOME": str(home), cmdserver.IDLE_VARIABLE: "0"}
    subprocess.run(
        [sys.executable, "-m", "pantau", "prefect-server", "--stop"],
        env=env,
        capture_output=True,
        timeout=120,
    )


def _pantau(*args: str, home: Path, db: str, served: bool, **extra: str):
    env = {
        **os.environ,
        "PANTAU_HOME": str(home),
        "PANTAU_DATABASE_URL": db,
        cmdserver.IDLE_VARIABLE: "300" if served else "0",
        # The home's Prefect server is kept between the commands of a test.
        "PANTAU_PREFECT_IDLE_SECONDS": "120",
        "COLUMNS": "160",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-m", "pantau", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd="/",
    )


def _inbox(folder: Path, *, broken: bool = False) -> Path:
    folder.mkdir()
    for name, text in LETTERS.items():
        (folder / name).write_text(text)
    if broken:
        (folder / BROKEN[0]).write_bytes(BROKEN[1])
    return folder


def _without_ids(value):
    """`value` without the ids of stored rows, which follow the order of a batch's threads."""
    if isinstance(value, dict):
        return {key: _without_ids(item) for key, item in value.items() if key not in VOLATILE}
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


def _report(stdout: str) -> dict:
    return _without_ids(json.loads(stdout))


def _stored(path: Path) -> dict[str, object]:
    """Each stored document's status and facts, by file name (read from the SQLite file)."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        documents = db.execute("SELECT id, path, status FROM document").fetchall()
        return {
            Path(name).name: (
                status,
                db.execute(
                    'SELECT kind, page, start, "end", text, value, sentence, method, confidence, '
                    "attributes, boxes FROM fact WHERE document_id = ? "
                    'ORDER BY page, start, "end", kind, value',
                    (document,),
                ).fetchall(),
            )
            for document, name, status in documents
        }


def test_served_run_stores_and_reports_what_an_in_process_run_does(batch_home, tmp_path):
    inbox = _inbox(tmp_path / "inbox", broken=True)
    served_db, here_db = (f"sqlite:///{tmp_path / name}" for name in ("served.db", "here.db"))
    before = len(_served(batch_home))

    served = _pantau("run", str(inbox), "--json", home=batch_home, db=served_db, served=True)
    assert _served(batch_home)[before:] == ["run"]
    here = _pantau("run", str(inbox), "--json", home=batch_home, db=here_db, served=False)
    assert len(_served(batch_home)) == before + 1

    assert served.returncode == here.returncode == 3, served.stderr
    report = _report(served.stdout)
    assert report == _report(here.stdout)
    assert (report["processed"], report["failed"]) == (2, 1)
    assert [
        (Path(problem["path"]).name, problem["error_code"]) for problem in report["problems"]
    ] == [(BROKEN[0], "corrupt")]
    stored = _stored(tmp_path / "served.db")
    assert stored == _stored(tmp_path / "here.db")
    assert stored[BROKEN[0]] == ("failed", [])
    foreigners = {
        fact[5] for name in LETTERS for fact in stored[name][1] if fact[0] == "foreign_national"
    }
    assert foreigners == {"Nguyen Van Phuc", "Zhang Wei", "Chen Long"}


def test_served_extract_replaces_facts_as_in_process(batch_home, tmp_path):
    inbox = _inbox(tmp_path / "inbox")
    first = tmp_path / "first.db"
    ran = _pantau("run", str(inbox), home=batch_home, db=f"sqlite:///{first}", served=False)
    assert ran.returncode == 0, ran.stderr
    with contextlib.closing(sqlite3.connect(first)) as source:
        ids = [str(row[0]) for row in source.execute("SELECT id FROM document ORDER BY id")]
        for name in ("served.db", "here.db"):
            with contextlib.closing(sqlite3.connect(tmp_path / name)) as copy:
                source.backup(copy)
    before = len(_served(batch_home))
    for name, served in (("served.db", True), ("here.db", False)):
        db = f"sqlite:///{tmp_path / name}"
        again = _pantau("extract", *ids, home=batch_home, db=db, served=served)
        assert again.returncode == 0, again.stderr
    assert _served(batch_home)[before:] == ["extract"]
    extracted = _stored(tmp_path / "served.db")
    assert extracted == _stored(tmp_path / "here.db")
    assert len(extracted) == len(LETTERS)
    assert all(facts for _status, facts in extracted.values())
    assert extracted == _stored(first)  # the same pipeline, the same facts


def test_batch_server_leaves_other_prefect_settings_to_the_command(batch_home, tmp_path):
    """Prefect reads its settings when imported: a caller whose PREFECT_* differ from the
    server's runs in its own process, and gets the same result."""
    inbox = _inbox(tmp_path / "inbox")
    before = len(_served(batch_home))
    done = _pantau(
        "run",
        str(inbox),
        "--json",
        home=batch_home,
        db=f"sqlite:///{tmp_path / 'other.db'}",
        served=True,
        PREFECT_LOGGING_LEVEL="ERROR",
    )
    assert done.returncode == 0, done.stderr
    assert _report(done.stdout)["processed"] == 2
    assert len(_served(batch_home)) == before
    assert _server_up(batch_home)


def test_first_run_of_a_home_starts_the_batch_server(tmp_path):
    home = tmp_path / "home"
    inbox = _inbox(tmp_path / "inbox")
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    try:
        first = _pantau("run", str(inbox), "--json", home=home, db=db, served=True)
        assert first.returncode == 0, first.stderr
        assert _served(home) == []  # ran in its own process
        assert _wait(lambda: _server_up(home), 120), "no batch server after the first run"
        again = _pantau("run", str(inbox), "--json", home=home, db=db, served=True)
        assert again.returncode == 0, again.stderr
        assert _report(again.stdout)["unchanged"] == 2
        assert _served(home) == ["run"]
    finally:
        subprocess.run(["pkill", "-f", f"pantau.cmdserver --home {home.resolve()}"], check=False)
        _stop_prefect(home)

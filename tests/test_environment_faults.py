"""Faults of the machine around Pantau get their documented exit code and a fix-it message.

Exit code 5 (README, "Exit codes") for a database that is read-only, full, unreachable,
refusing the login or lacking rights, and for a home folder that cannot be written; never
a traceback. Two commands started together on a new database both succeed. After a disk
full, the next run stores every input once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from typer.testing import CliRunner

from pantau.cli import app
from storage.engine import get_engine, make_engine
from storage.migrate import upgrade
from tests.conftest import pg_admin_conninfo, pg_skip_reason

LETTER = (
    "KANTOR IMIGRASI KELAS I TPI MATARAM\n\n"
    "Pada tanggal {day} Maret 2025 tim pengawasan memeriksa warga negara Thailand bernama "
    "Somchai Rattanakorn{n} di sebuah resor di Kecamatan Pemenang, Kabupaten Lombok Utara. "
    "Yang bersangkutan bekerja sebagai instruktur selam tanpa izin kerja.\n"
)


def pantau(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PANTAU_HOME": str(home)}
    env.pop("PANTAU_DEBUG", None)
    env.pop("PANTAU_DATABASE_URL", None)
    command = [sys.executable, "-m", "pantau", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def assert_fault(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 5, the fix-it words in the message, no traceback."""
    assert result.returncode == 5, (result.returncode, result.stderr[-2000:])
    message = " ".join(result.stderr.split())
    for word in words:
        assert word in message, (word, message[-2000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


def write_inbox(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        (folder / f"surat-{n:02}.txt").write_text(LETTER.format(day=n + 1, n=n), "utf-8")
    return folder


def test_read_only_database_is_a_storage_fault(tmp_path: Path) -> None:
    database = tmp_path / "pantau.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade(engine)
    engine.dispose()
    inbox = write_inbox(tmp_path / "inbox", 1)
    url = f"sqlite:///file:{database}?mode=ro&uri=true"

    result = pantau("run", str(inbox), "--db", url, home=tmp_path / "home")

    assert_fault(result, "read-only", "write access")
    assert "failed" not in result.stdout  # nothing was counted as a bad input


def test_unwritable_home_is_a_storage_fault(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    inbox = write_inbox(tmp_path / "inbox", 1)

    result = pantau("run", str(inbox), home=blocker / "home")

    assert_fault(result, f"Cannot write to {blocker / 'home'}", "PANTAU_HOME")


@pytest.mark.parametrize("command", ["run", "docs"])
def test_postgresql_server_gone_is_a_storage_fault(tmp_path: Path, command: str) -> None:
    url = "postgresql://pantau@127.0.0.1:1/pantau"  # nothing listens on port 1
    args = [command, str(write_inbox(tmp_path / "inbox", 1))] if command == "run" else [command]

    result = pantau(*args, "--db", url, home=tmp_path / "home")

    assert_fault(result, "Cannot reach the PostgreSQL database", "Connection refused")


@pytest.fixture
def pg_url(pg_database: str | None) -> str:
    if pg_database is None:
        pytest.skip(pg_skip_reason())
    return pg_database


@pytest.mark.postgres
def test_postgresql_login_refused_is_a_storage_fault(tmp_path: Path, pg_url: str) -> None:
    url = sa.make_url(pg_url).set(username="pantau_no_such_role")

    result = pantau("docs", "--db", url.render_as_string(False), home=tmp_path / "home")

    assert_fault(result, "pantau_no_such_role", "does not exist")


@pytest.mark.postgres
def test_postgresql_role_without_rights_is_a_storage_fault(tmp_path: Path, pg_url: str) -> None:
    engine = make_engine(pg_url)
    upgrade(engine)
    engine.dispose()
    role = "pantau_no_rights"
    with psycopg.connect(pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.execute(f"CREATE ROLE {role} LOGIN")
    try:
        url = sa.make_url(pg_url).set(username=role).render_as_string(False)
        result = pantau("docs", "--db", url, home=tmp_path / "home")
    finally:
        with psycopg.connect(pg_url, autocommit=True) as database:
            database.execute(f"DROP OWNED BY {role}")
        with psycopg.connect(pg_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f"DROP ROLE IF EXISTS {role}")

    assert_fault(result, "lacks a right", "permission denied")


def test_disk_full_exits_5_and_the_next_run_stores_every_input_once(
    tmp_path: Path, prefect_home: Path
) -> None:
    """SQLite's "database or disk is full", made by capping the file's size in pages."""
    url = f"sqlite:///{tmp_path / 'pantau.db'}"
    inbox = write_inbox(tmp_path / "inbox", 8)
    engine = get_engine(url)  # the engine the batch will use, cached for this URL
    upgrade(engine)
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    def cap(dbapi_connection, _record) -> None:  # noqa: ANN001 - SQLAlchemy's signature
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 6}")

    engine.dispose()
    event.listen(engine, "connect", cap)
    try:
        full = CliRunner().invoke(app, ["run", str(inbox), "--db", url, "--json"])
    finally:
        event.remove(engine, "connect", cap)
        engine.dispose()
    assert full.exit_code == 5, full.output[-3000:]
    assert "disk holding the SQLite database is full" in " ".join(full.stderr.split())

    again = CliRunner().invoke(app, ["run", str(inbox), "--db", url, "--json"])
    assert again.exit_code == 0, again.output[-3000:]
    documents = json.loads(
        CliRunner().invoke(app, ["docs", "--db", url, "--json"], catch_exceptions=False).stdout
    )
    assert sorted(Path(d["path"]).name for d in documents) == [
        f"surat-{n:02}.txt" for n in range(8)
    ]
    assert {d["status"] for d in documents} == {"processed"}


def test_commands_started_together_on_a_new_database_all_succeed(
    tmp_path: Path, empty_db_url: str
) -> None:
    url = empty_db_url  # a new SQLite file, or an empty PostgreSQL schema
    env = {**os.environ, "PANTAU_HOME": str(tmp_path / "home")}
    env.pop("PANTAU_DATABASE_URL", None)
    command = [sys.executable, "-m", "pantau", "docs", "--db", url, "--json"]
    started = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    for process in started:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err[-3000:]
        assert json.loads(out) == []
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            versions = connection.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    finally:
        engine.dispose()
    assert len(versions) == 1

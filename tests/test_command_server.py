"""The command server answers read commands exactly as `pantau` does in its own process.

Each test starts a real server (`pantau.cmdserver`) for a private home with the
PANTAU_COMMAND_SERVER_IDLE_SECONDS it gives, and compares what a served command prints and
returns with the same command run in-process (the server turned off).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pantau import cmdserver

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sockets")

LETTER = (
    "Pada 12 November 2026 petugas Kantor Imigrasi Kelas II TPI Tanjung Uban mengamankan "
    "warga negara Vietnam bernama Tran Minh Khoa di Kecamatan Bintan Utara karena izin "
    "tinggalnya telah berakhir."
)
MEMO = "Rapat Timpora Kabupaten Bintan membahas pengawasan orang asing di kawasan wisata."


def _env(home: Path, db_url: str, idle: float) -> dict[str, str]:
    return {
        **os.environ,
        "PANTAU_HOME": str(home),
        "PANTAU_DATABASE_URL": db_url,
        cmdserver.IDLE_VARIABLE: str(idle),
        "COLUMNS": "160",
    }


def _pantau(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pantau", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )


def _server_up(home: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(cmdserver.address(home.resolve()))
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


def _answered(home: Path) -> list[str]:
    log = home / "logs" / cmdserver.LOG_NAME
    lines = log.read_text().splitlines() if log.exists() else []
    return [line.split()[2] for line in lines if "(pid" in line and "serving" not in line]


@pytest.fixture
def served_home(tmp_path: Path, db_url: str, store_document):
    """A home whose database holds a letter and a memo, its command server up."""
    store_document("/arsip/surat-tanjung-uban.txt", [LETTER])
    store_document("/arsip/notulen-bintan.txt", [MEMO])
    home = tmp_path / "home"
    env = _env(home, db_url, idle=120)
    first = _pantau("docs", env=env)  # runs in-process and starts the server
    assert first.returncode == 0, first.stderr
    assert _wait(lambda: _server_up(home), 60), "the command server did not come up"
    yield home, env
    subprocess.run(["pkill", "-f", f"pantau.cmdserver --home {home.resolve()}"], check=False)


@pytest.mark.parametrize(
    "args",
    [
        ("docs", "--json"),
        ("search", "Vietnam"),
        ("show", "1"),
        ("facts", "1", "--json"),
        ("runs",),
        ("show", "999"),  # unknown document: exit 2 and a message on stderr
        ("search", "--no-such-option"),  # usage error
        ("xref", "--help"),
    ],
)
def test_served_read_command_prints_and_exits_as_in_process(served_home, args) -> None:
    home, env = served_home
    before = len(_answered(home))
    served = _pantau(*args, env=env)
    here = _pantau(*args, env={**env, cmdserver.IDLE_VARIABLE: "0"})
    assert (served.returncode, served.stdout, served.stderr) == (
        here.returncode,
        here.stdout,
        here.stderr,
    )
    assert _answered(home)[before:] == [args[0]]


def test_served_command_takes_the_callers_environment(served_home, tmp_path: Path) -> None:
    home, env = served_home
    other = f"sqlite:///{tmp_path / 'kosong.db'}"
    full = _pantau("docs", "--json", env=env)
    empty = _pantau("docs", "--json", env={**env, "PANTAU_DATABASE_URL": other})
    assert full.returncode == empty.returncode == 0
    assert "surat-tanjung-uban" in full.stdout and "notulen-bintan" in full.stdout
    assert "surat-tanjung-uban" not in empty.stdout
    assert (tmp_path / "kosong.db").exists()  # migrated by the served command
    assert _answered(home)[-2:] == ["docs", "docs"]


def test_commands_that_write_are_never_served(served_home) -> None:
    home, env = served_home
    before = len(_answered(home))
    done = _pantau("eval", "--help", env=env)
    assert done.returncode == 0
    assert len(_answered(home)) == before


def test_command_server_stops_when_idle_and_starts_again(tmp_path: Path, db_url: str) -> None:
    home = tmp_path / "home"
    env = _env(home, db_url, idle=1)
    assert _pantau("runs", env=env).returncode == 0
    assert _wait(lambda: "stopped" in _log(home), 60), _log(home)
    assert not _server_up(home)
    assert _pantau("runs", env=env).returncode == 0  # in-process, and starts a new server
    assert _wait(lambda: _log(home).count("serving") == 2, 60), _log(home)


def test_command_server_stops_when_its_home_is_removed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "pantau.cmdserver", "--home", str(home), "--idle", "600"],
        env={**os.environ, "PANTAU_HOME": str(home)},
    )
    try:
        assert _wait(lambda: _server_up(home), 60)
        home.rmdir()
        assert server.wait(timeout=cmdserver.HOME_CHECK_SECONDS + 30) == 0
    finally:
        server.kill()


def test_command_server_off_runs_in_process(tmp_path: Path, db_url: str) -> None:
    home = tmp_path / "home"
    env = _env(home, db_url, idle=0)
    assert _pantau("docs", env=env).returncode == 0
    time.sleep(1)
    assert not _server_up(home)
    assert not (home / "logs" / cmdserver.LOG_NAME).exists()


def _log(home: Path) -> str:
    log = home / "logs" / cmdserver.LOG_NAME
    return log.read_text() if log.exists() else ""


def test_a_batch_server_goes_stale_when_a_tesseract_language_is_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The batch server knows tesseract's languages from its warm-up: a model added to
    # tesseract's folder must stop it, or a command would report the language missing.
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(tessdata))
    batch, read = cmdserver.code_fingerprint(cmdserver.BATCH), cmdserver.code_fingerprint()
    (tessdata / "vie.traineddata").write_bytes(b"model")
    later = time.time_ns() + 1_000_000_000  # past the folder's mtime whatever its clock
    os.utime(tessdata, ns=(later, later))
    assert cmdserver.code_fingerprint(cmdserver.BATCH) != batch
    assert cmdserver.code_fingerprint() == read  # read commands never run tesseract

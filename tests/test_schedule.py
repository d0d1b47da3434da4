"""Schedules: `pantau schedule` serves the batch on cron, each run reading only new files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli import app

pytestmark = pytest.mark.slow


def _docs(db: str) -> list[dict]:
    result = CliRunner().invoke(app, ["docs", "--db", db, "--json"], catch_exceptions=False)
    return json.loads(result.stdout)


def _runs(db: str) -> list[dict]:
    result = CliRunner().invoke(app, ["runs", "--db", db, "--json"], catch_exceptions=False)
    return json.loads(result.stdout)


def _wait(condition, *, seconds: float, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"pantau schedule stopped: {process.stdout.read().decode()[-3000:]}")
        try:
            if condition():
                return
        except (json.JSONDecodeError, ValueError):
            pass
        time.sleep(1)
    pytest.fail(f"timed out waiting for {what}")


def _flow_run_processes(process: subprocess.Popen) -> list[int]:
    """Processes of the command's group other than the command itself (its flow runs)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # pid (comm) state ppid pgrp ...; comm may hold spaces, so split after its ')'
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if int(fields[2]) == process.pid and pid != process.pid:
            found.append(pid)
    return found


def test_schedule_runs_on_cron_and_reads_only_new_files(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "laporan-1.txt").write_text("Laporan pengawasan orang asing di Kupang.")
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    env = {**os.environ, "PANTAU_HOME": str(tmp_path / "home")}
    env.pop("PREFECT_API_URL", None)
    env.pop("PREFECT_HOME", None)
    command = [
        sys.executable,
        "-m",
        "pantau",
        "schedule",
        str(inbox),
        "--cron",
        "* * * * *",
        "--db",
        db,
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        _wait(lambda: len(_docs(db)) == 1, seconds=240, process=process, what="the first run")
        (inbox / "laporan-2.txt").write_text("Razia gabungan menemukan dua WNA tanpa paspor.")
        _wait(
            lambda: {d["status"] for d in _docs(db)} == {"processed"} and len(_docs(db)) == 2,
            seconds=150,
            process=process,
            what="a later run to pick up the new file",
        )
        # Stop it while a flow run of its own is alive (this one ending, or the next starting):
        # the command cancels it, pauses the schedule and exits, without waiting for a kill.
        _wait(lambda: _flow_run_processes(process), seconds=75, process=process, what="a flow run")
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    runs = [run for run in _runs(db) if run["documents_seen"]]
    assert all(run["status"] == "finished" for run in runs)
    assert sum(run["processed"] for run in runs) == 2, "each file is read exactly once"
    assert any(run["unchanged"] == 1 and run["processed"] == 1 for run in runs)


def test_schedule_rejects_a_bad_cron_expression(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["schedule", str(tmp_path), "--cron", "every monday"])
    assert result.exit_code == 2
    assert "five cron fields" in result.stderr

"""Hostile and careless inputs in one batch (tools/hostile.py makes 43 kinds).

Every input is listed with a state and a reason (documents in `pantau docs`, inputs not
read on the run), nothing outside the inbox is read, the batch goes on past all of them,
and the control letter among them is stored with its foreign national.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli import app
from tools import hostile

pytestmark = pytest.mark.slow


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_one_batch_of_hostile_inputs(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    expected = hostile.make_inbox(inbox, outside)
    assert len(expected) >= 40
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    env = {**os.environ, "PANTAU_HOME": str(tmp_path / "home"), "PANTAU_MAX_PAGES": "600"}
    command = [sys.executable, "-m", "pantau", "run", str(inbox), "--db", db, "--json"]
    result = subprocess.run(command, env=env, capture_output=True, timeout=1500)
    assert result.returncode == 3, result.stderr.decode()[-3000:]  # some inputs failed
    report = json.loads(result.stdout)
    assert report["status"] == "finished"

    documents = json.loads(_cli("docs", "--db", db, "--json"))
    by_name = {Path(d["path"]).name: d for d in documents}
    problems = {Path(p["path"]).name: p for p in report["problems"]}
    refused = {name: p for name, p in problems.items() if p["status"] == "refused"}
    assert report["documents_seen"] == len(expected)

    for made, due in expected.items():
        # A name that is not UTF-8 is listed with its bytes written as \xNN.
        name = os.fsencode(made).decode("utf-8", "backslashreplace")
        if due.outcome == "refused":
            assert name in refused and name not in by_name, name
            assert refused[name]["error"], name
            if due.code:
                assert refused[name]["error_code"] == due.code, (name, refused[name])
            continue
        document = by_name[name]
        if due.outcome == "failed":
            assert document["status"] == "failed", (name, document)
            assert document["error"] and problems[name]["error_code"], (name, problems[name])
            if due.code:
                assert problems[name]["error_code"] == due.code, (name, problems[name])
        elif due.outcome == "stored":
            assert document["status"] in ("processed", "partial"), (name, document)

    # The control letter and its copy: whichever is read first is stored, the other is a
    # duplicate of it (the batch reads inputs in parallel, so either may come first).
    pair = [by_name[n] for n, due in expected.items() if due.outcome in ("good", "duplicate")]
    assert sorted(d["status"] for d in pair) == ["duplicate", "processed"], pair

    # Nothing outside the inbox was read: no page holds the secret or the password file.
    for needle in ("rahasia-yang-tidak-boleh-terbaca", "root:x:0:0"):
        assert json.loads(_cli("search", needle, "--db", db, "--json")) == []

    # The control letter is stored with its foreign national and nationality.
    control = next(d for d in pair if d["status"] == "processed")
    facts = json.loads(_cli("facts", str(control["id"]), "--db", db, "--json"))
    foreigners = [f for f in facts if f["kind"] == "foreign_national"]
    assert [(f["value"], f["attributes"].get("nationality")) for f in foreigners] == [
        (hostile.CONTROL_NAME, "SG")
    ]

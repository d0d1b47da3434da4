"""Scale-out: a Prefect server on PostgreSQL, a work pool and two workers on this machine.
One worker is killed with SIGKILL in the middle of a document; the other finishes the
inbox. Every input ends in exactly one state, nothing is stored twice, and every run's
record is right (the killed worker's runs are crashed by their lapsed leases)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import fresh_pg_schema, pg_admin_conninfo

from tools.cluster import PEOPLE, Cluster, descendants, make_inbox

pytestmark = pytest.mark.postgres


CLAIMED = (
    "SELECT path, claimed_by FROM document WHERE status = 'pending' AND claimed_by IS NOT NULL"
)


@pytest.fixture
def prefect_database():
    import psycopg

    name = f"prefect_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(pg_admin_conninfo(), autocommit=True, connect_timeout=3)
    except psycopg.Error:
        pytest.skip("PostgreSQL is not reachable")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield sa.make_url(pg_admin_conninfo()).set(database=name).render_as_string(False)
    with psycopg.connect(pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(sql)).all()]
    finally:
        engine.dispose()


def test_two_workers_one_killed_mid_document_every_input_once(
    tmp_path: Path, pg_database, prefect_database, request: pytest.FixtureRequest
) -> None:
    if pg_database is None:
        pytest.skip("PostgreSQL is not reachable")
    schemas = fresh_pg_schema(pg_database)
    url = next(schemas)
    request.addfinalizer(lambda: next(schemas, None))
    inbox = make_inbox(tmp_path / "inbox", count=40, scan_every=5)

    cluster = Cluster(
        home=tmp_path / "cluster",
        database_url=url,
        prefect_database_url=prefect_database,
        env={"PANTAU_LEASE_SECONDS": "6", "PANTAU_WORKERS": "1"},
    )
    try:
        cluster.start_server()
        cluster.deploy(inbox, chunk=8)
        doomed = cluster.start_worker(1)
        cluster.start_worker(2)
        cluster.scan_inbox()

        # Wait until the first worker is in the middle of a scan, then kill it.
        deadline = time.monotonic() + 300
        doomed_pids: set[str] = set()
        while time.monotonic() < deadline:
            doomed_pids = {str(pid) for pid in descendants(doomed.pid)}
            claimed = _rows(url, CLAIMED + " AND path LIKE '%.png'")
            if any(owner.rpartition(":")[2] in doomed_pids for _, owner in claimed):
                break
            time.sleep(0.2)
        else:
            pytest.fail("the first worker never claimed a scan")
        cluster.kill(doomed)
        # What it was reading when it died: still pending, claimed by one of its processes.
        victims = [
            path for path, owner in _rows(url, CLAIMED) if owner.rpartition(":")[2] in doomed_pids
        ]
        assert victims

        cluster.wait_done(inbox, timeout=600, rescan_every=15)
    finally:
        cluster.stop()
        logs = {p.name: p.read_text(errors="replace")[-2000:] for p in cluster.home.glob("*.log")}

    documents = _rows(url, "SELECT path, status, claimed_by FROM document ORDER BY path")
    assert len(documents) == 40, logs
    assert {status for _, status, _ in documents} == {"processed"}, documents
    assert all(owner is None for *_, owner in documents)
    duplicates = {
        "documents": "SELECT path FROM document GROUP BY path HAVING count(*) > 1",
        "pages": "SELECT document_id, number FROM page GROUP BY 1, 2 HAVING count(*) > 1",
        "facts": 'SELECT document_id, kind, page, start, "end" FROM fact '
        "GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1",
        "mentions": "SELECT document_id, key FROM mention GROUP BY 1, 2 HAVING count(*) > 1",
        "subjects": "SELECT name, nationality FROM subject s WHERE EXISTS (SELECT 1 FROM "
        "mention m WHERE m.subject_id = s.id) GROUP BY 1, 2 HAVING count(*) > 1",
    }
    for table, sql in duplicates.items():
        assert _rows(url, sql) == [], table
    assert _rows(url, "SELECT count(*) FROM page") == [(40,)]
    assert _rows(url, "SELECT count(*) FROM mention WHERE subject_id IS NULL") == [(0,)]
    people = _rows(url, "SELECT DISTINCT name FROM subject ORDER BY name")
    assert len(people) == len(PEOPLE), people
    # The killed documents were taken over, and say so in their history.
    for victim in victims:
        assert _rows(
            url,
            "SELECT e.event FROM document_event e JOIN document d ON d.id = e.document_id "
            f"WHERE d.path = '{victim}'",
        ) == [("taken_over",)]

    runs = _rows(
        url,
        "SELECT id, status, worker, documents_seen, processed, partial, failed, duplicates, "
        "unchanged, elsewhere FROM run ORDER BY id",
    )
    crashed = [run for run in runs if run[1] == "crashed"]
    assert crashed, runs  # the killed worker's run, found by its lapsed lease
    assert all(run[1] in ("finished", "crashed") for run in runs), runs
    for _, status, _, seen, *outcomes in runs:
        if status == "finished":
            assert seen == sum(outcomes), runs
    # Each document's first result is counted by exactly one run.
    assert sum(run[4] for run in runs) == 40, runs
    assert len({run[2] for run in runs}) >= 2, runs  # both workers did work

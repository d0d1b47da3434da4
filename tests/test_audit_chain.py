"""The audit log's hash chain: appending, verifying, tampering, the migration, the web role."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from models.errors import ConfigError
from pantau.cli import app
from storage import audit, migrate
from storage.engine import make_engine, session_for
from storage.grants import grant_web_role

APPEND_ONLY_SQLITE = ("audit_event_no_update", "audit_event_no_delete")
# Roles exist on PostgreSQL only: run these tests there, not on both databases.
on_postgresql = pytest.mark.parametrize("empty_db_url", ["postgresql"], indirect=True)


def record_events(engine: sa.Engine, count: int, *, user: str = "rina") -> list[int]:
    """Append `count` varied events; their ids."""
    ids = []
    with session_for(engine) as session:
        for n in range(count):
            event = audit.record(
                session,
                user=user,
                action=("login", "search", "view", "export")[n % 4],
                target=f"document:{n}",
                details={"query": f"overstay Ω ä {n}", "filters": {"b": [1, 2.5], "a": None}},
                ip="10.0.0.5" if n % 2 else None,
            )
            ids.append(event.id)
    return ids


def verify(engine: sa.Engine, **options) -> audit.AuditVerification:
    with session_for(engine) as session:
        return audit.verify(session, **options)


def behind_the_triggers(engine: sa.Engine, statement: str, **params) -> None:
    """Run `statement` as the tables' owner would to rewrite history: triggers off."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER ALL")
        else:
            for name in APPEND_ONLY_SQLITE:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        connection.execute(sa.text(statement), params)
        if postgres:
            connection.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER ALL")


def stored_hash(engine: sa.Engine, event_id: int) -> str:
    with engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT hash FROM audit_event WHERE id = :id"), {"id": event_id}
        ).scalar_one()


# --- an intact chain ----------------------------------------------------------


def test_a_chain_of_events_verifies(db_engine):
    ids = record_events(db_engine, 6)
    result = verify(db_engine)
    assert result.intact and result.first_break is None
    assert (result.rows_checked, result.head_seq) == (6, 6)
    assert result.head_hash == stored_hash(db_engine, ids[-1])
    with db_engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT seq, prev_hash, hash FROM audit_event ORDER BY seq")
        ).all()
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0].prev_hash is None
    assert all(row.prev_hash == before.hash for before, row in zip(rows, rows[1:], strict=False))
    assert all(len(row.hash) == 64 for row in rows)


def test_an_empty_log_verifies(db_engine):
    result = verify(db_engine)
    assert result.intact
    assert (result.rows_checked, result.head_seq, result.head_hash) == (0, None, None)


def test_verify_reads_the_log_in_batches(db_engine):
    ids = record_events(db_engine, 7)
    assert verify(db_engine, batch=3).rows_checked == 7
    behind_the_triggers(db_engine, "UPDATE audit_event SET target = 'x' WHERE id = :id", id=ids[6])
    broken = verify(db_engine, batch=3)
    assert broken.first_break is not None
    assert (broken.first_break.kind, broken.first_break.event_id) == ("changed", ids[6])
    assert broken.rows_checked == 6


def test_concurrent_appends_still_form_one_chain(db_engine):
    failures: list[BaseException] = []

    def append(user: str) -> None:
        try:
            for n in range(50):
                with session_for(db_engine) as session:
                    audit.record(session, user=user, action="search", details={"n": n})
        except BaseException as e:  # reported below, in the test's thread
            failures.append(e)

    threads = [threading.Thread(target=append, args=(name,)) for name in ("rina", "dewi")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    result = verify(db_engine)
    assert result.intact, result.first_break
    assert (result.rows_checked, result.head_seq) == (100, 100)


# --- tampering ------------------------------------------------------------------


def test_a_changed_row_is_detected(db_engine):
    ids = record_events(db_engine, 4)
    if db_engine.dialect.name == "sqlite":
        # What an attacker with the file would do: REPLACE deletes without firing triggers.
        with db_engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT OR REPLACE INTO audit_event "
                    "(id, at, user, action, target, details, ip, seq, prev_hash, hash) "
                    "SELECT id, at, user, 'login', 'nothing', details, ip, seq, prev_hash, hash "
                    "FROM audit_event WHERE id = :id"
                ),
                {"id": ids[1]},
            )
    else:
        behind_the_triggers(
            db_engine, "UPDATE audit_event SET target = 'nothing' WHERE id = :id", id=ids[1]
        )
    with session_for(db_engine) as session:
        assert [e.target for e in audit.list_events(session)].count("nothing") == 1
    result = verify(db_engine)
    assert not result.intact
    assert result.first_break is not None
    assert (result.first_break.kind, result.first_break.event_id) == ("changed", ids[1])
    assert result.first_break.seq == 2
    assert result.rows_checked == 1


@pytest.mark.parametrize("position", [0, 2])
def test_a_deleted_row_is_detected(db_engine, position):
    ids = record_events(db_engine, 5)
    behind_the_triggers(db_engine, "DELETE FROM audit_event WHERE id = :id", id=ids[position])
    result = verify(db_engine)
    assert result.first_break is not None
    assert result.first_break.kind == "removed"
    assert result.first_break.event_id == ids[position + 1]
    assert f"seq {position + 1}" in result.first_break.message


def test_a_rewritten_row_with_a_fresh_hash_breaks_the_link_after_it(db_engine):
    ids = record_events(db_engine, 4)
    with db_engine.connect() as connection:
        row = connection.execute(sa.select(audit.EVENTS).where(audit.EVENTS.c.id == ids[1])).one()
    forged = audit.chain_hash(
        event_id=row.id,
        seq=row.seq,
        at=row.at,
        user=row.user,
        action=row.action,
        target="nothing",
        details=row.details,
        ip=row.ip,
        prev_hash=row.prev_hash,
    )
    behind_the_triggers(
        db_engine,
        "UPDATE audit_event SET target = 'nothing', hash = :hash WHERE id = :id",
        hash=forged,
        id=ids[1],
    )
    result = verify(db_engine)
    assert result.first_break is not None
    assert (result.first_break.kind, result.first_break.event_id) == ("reordered", ids[2])


def test_a_row_written_outside_pantau_is_detected(db_engine):
    record_events(db_engine, 2)
    with db_engine.begin() as connection:
        connection.execute(
            audit.EVENTS.insert().values(
                id=99, at=audit.utc_now(), user="x", action="login", target="", details={}
            )
        )
    result = verify(db_engine)
    assert result.first_break is not None
    assert (result.first_break.kind, result.first_break.event_id) == ("unchained", 99)


def test_a_repeated_seq_is_detected(db_engine):
    ids = record_events(db_engine, 3)
    with db_engine.connect() as connection:
        copied = connection.execute(
            sa.select(audit.EVENTS).where(audit.EVENTS.c.id == ids[1])
        ).one()
    # A well-hashed copy of the second event: only its place in the chain gives it away.
    forged = copied._asdict() | {"id": 99}
    forged["hash"] = audit.chain_hash(
        event_id=99,
        seq=copied.seq,
        at=copied.at,
        user=copied.user,
        action=copied.action,
        target=copied.target,
        details=copied.details,
        ip=copied.ip,
        prev_hash=copied.prev_hash,
    )
    with db_engine.begin() as connection:
        connection.exec_driver_sql("DROP INDEX uq_audit_event_seq")  # the unique backstop
        connection.execute(audit.EVENTS.insert().values(**forged))
    result = verify(db_engine)
    assert result.first_break is not None
    assert (result.first_break.kind, result.first_break.event_id) == ("inserted", 99)
    assert result.rows_checked == 2


def test_removing_the_newest_events_is_caught_with_an_anchor(db_engine):
    ids = record_events(db_engine, 3)
    anchor = verify(db_engine).head_hash
    behind_the_triggers(db_engine, "DELETE FROM audit_event WHERE id = :id", id=ids[2])
    assert verify(db_engine).intact  # a shorter chain is still whole
    result = verify(db_engine, anchor=anchor)
    assert result.first_break is not None
    assert result.first_break.kind == "truncated"
    assert verify(db_engine, anchor=stored_hash(db_engine, ids[0])).intact


def test_the_append_only_triggers_still_refuse_changes(db_engine):
    record_events(db_engine, 1)
    with db_engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="append-only"):
        connection.exec_driver_sql("UPDATE audit_event SET hash = NULL")


# --- the migration --------------------------------------------------------------


def test_the_migration_chains_the_events_stored_before_it(empty_db_url):
    engine = make_engine(empty_db_url)
    try:
        migrate.upgrade(engine, "0007")
        with engine.begin() as connection:
            for n, at in enumerate(
                ["2026-01-02 03:04:05.123456+07:00", "2026-01-02 03:04:06+00:00", None]
            ):
                connection.execute(
                    sa.text(
                        'INSERT INTO audit_event (at, "user", action, target, details, ip) '
                        "VALUES (:at, :user, 'search', :target, :details, :ip)"
                    ),
                    {
                        "at": at or "2026-01-02 03:04:07.5",
                        "user": f"rina{n}",
                        "target": "dokumen ä",
                        "details": json.dumps({"z": 1, "a": [1.5, "Ω"]}),
                        "ip": None if n else "10.0.0.1",
                    },
                )
        migrate.upgrade(engine)
        result = verify(engine)
        assert result.intact, result.first_break
        assert result.rows_checked == 3
        record_events(engine, 2)  # new events continue the migrated chain
        assert verify(engine).rows_checked == 5
        with engine.connect() as connection:
            seqs = connection.execute(sa.text("SELECT seq FROM audit_event ORDER BY id")).all()
        assert [row.seq for row in seqs] == [1, 2, 3, 4, 5]
        migrate.downgrade(engine, "0007")
        migrate.upgrade(engine)
        assert verify(engine).rows_checked == 5
    finally:
        engine.dispose()


# --- the command line -----------------------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_audit_verify_exit_codes(db_url, db_engine):
    ids = record_events(db_engine, 3)
    intact = invoke("audit", "verify", "--db", db_url)
    assert intact.exit_code == 0
    assert "intact: 3 events" in intact.stdout
    listed = invoke("audit", "list", "--db", db_url, "--json")
    assert [e["id"] for e in json.loads(listed.stdout)] == ids[::-1]
    behind_the_triggers(
        db_engine, "UPDATE audit_event SET \"user\" = 'someone' WHERE id = :id", id=ids[2]
    )
    tampered = invoke("audit", "verify", "--db", db_url, "--json")
    assert tampered.exit_code == 6
    report = json.loads(tampered.stdout)
    assert report["intact"] is False
    assert report["first_break"]["event_id"] == ids[2]
    assert report["first_break"]["kind"] == "changed"
    assert invoke("audit", "verify", "--db", db_url).exit_code == 6


# --- the restricted web role (PostgreSQL) -----------------------------------------


def test_the_web_role_needs_postgresql(db_engine):
    if db_engine.dialect.name == "postgresql":
        with pytest.raises(ConfigError, match="superuser or owns"):
            grant_web_role(db_engine, db_engine.url.username or "postgres")
        return
    with pytest.raises(ConfigError, match="PostgreSQL"):
        grant_web_role(db_engine, "pantau_web")


@pytest.fixture
def web_role(db_engine):
    """A fresh PostgreSQL role made by `pantau db grant-web-role`; dropped afterwards."""
    role = f"pantau_web_{uuid.uuid4().hex[:10]}"
    url = db_engine.url.render_as_string(hide_password=False)
    granted = invoke("db", "grant-web-role", role, "--db", url)
    assert granted.exit_code == 0, granted.output
    restricted = make_engine(db_engine.url.set(username=role).render_as_string(False))
    try:
        yield restricted
    finally:
        restricted.dispose()
        with db_engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{role}"')
            connection.exec_driver_sql(f'DROP ROLE "{role}"')


@pytest.mark.postgres
@on_postgresql
@pytest.mark.parametrize(
    "statement, refusal",
    [
        ("UPDATE audit_event SET target = 'x'", "permission denied"),
        ("DELETE FROM audit_event", "permission denied"),
        ("TRUNCATE audit_event", "permission denied"),
        ("ALTER TABLE audit_event DISABLE TRIGGER ALL", "must be owner"),
        ("DROP TRIGGER audit_event_append_only ON audit_event", "must be owner"),
    ],
)
def test_the_web_role_can_only_add_to_the_audit_log(db_engine, web_role, statement, refusal):
    record_events(web_role, 3, user="web")
    with web_role.connect() as connection, pytest.raises(sa.exc.DBAPIError, match=refusal):
        connection.exec_driver_sql(statement)
    result = verify(web_role)
    assert result.intact and result.rows_checked == 3


@pytest.mark.postgres
@on_postgresql
def test_the_web_role_can_run_the_workbench_tables(db_engine, web_role):
    migrate.upgrade(web_role)  # what the workbench does at start: nothing to do, no error
    with web_role.begin() as connection:
        connection.exec_driver_sql("SELECT count(*) FROM document")
        connection.execute(
            sa.text(
                "INSERT INTO app_user (name, role, active, password_hash, created_at) "
                "VALUES ('web-made', 'analyst', true, 'x', now())"
            )
        )
        connection.exec_driver_sql("UPDATE app_user SET active = false WHERE name = 'web-made'")


# --- reads of personal data are audited ------------------------------------------


def test_cli_reads_of_personal_data_are_audited(db_url, db_engine, store_document, tmp_path):
    import getpass

    document = store_document("/inbox/surat-canggu.pdf", ["WNA asal Tiongkok diamankan di Canggu."])
    target = f"document:{document.id}"
    for args in (
        ["show", str(document.id)],
        ["facts", str(document.id)],
        ["search", "Canggu"],
        ["search", "--nationality", "CN"],
        ["subjects"],
        ["export", "--format", "text", "--out", str(tmp_path / "teks")],
    ):
        result = invoke(*args, "--db", db_url)
        assert result.exit_code == 0, (args, result.output)
    assert invoke("subject", "999", "--db", db_url).exit_code == 2  # nothing shown, nothing kept
    with session_for(db_engine) as session:
        events = audit.list_events(session)[::-1]
    assert [(e.action, e.target) for e in events] == [
        ("cli_show", target),
        ("cli_facts", target),
        ("cli_search", ""),
        ("cli_search", ""),
        ("cli_subjects", ""),
        ("cli_export", str(tmp_path / "teks")),
    ]
    assert {e.user for e in events} == {getpass.getuser()}
    assert events[2].details == {"query": "Canggu", "limit": 20}
    assert events[3].details["filters"] == {"nationality": "CN"}
    assert verify(db_engine).intact


def test_web_lists_and_page_images_are_audited(signed_in, workbench):
    from storage.engine import get_engine

    client = signed_in("dewi")
    image = f"/documents/{workbench.letter_id}/pages/1/image.png"
    for path in ("/documents", "/subjects?nationality=AU", "/review", image):
        assert client.get(path).status_code == 200, path
    engine = get_engine(workbench.settings.resolved_database_url)
    with session_for(engine) as session:
        events = audit.list_events(session, filters=audit.AuditFilters(user="dewi"))[::-1]
    assert [(e.action, e.target) for e in events] == [
        ("login", ""),
        ("list", "documents"),
        ("list", "subjects"),
        ("list", "review"),
        ("view", f"document:{workbench.letter_id}"),
    ]
    assert events[2].details["nationality"] == "AU"
    assert events[4].details == {"page": 1, "image": True}
    assert verify(engine).intact

"""Server-side sessions (sign-out and user changes revoke them), sign-in throttling with
an administrator's unlock, and the bound on parallel password checks."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from storage import throttle, users, web_sessions
from tests.conftest import WEB_PASSWORD, form_token, sign_in

START = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
WRONG = "bukan-sandi-ini"


def audit_rows(workbench, **filters):
    from storage import audit
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        return audit.list_events(session, filters=audit.AuditFilters(**filters))


def in_database(workbench):
    """A database session on the workbench's database (the app's shared engine)."""
    from storage.engine import get_engine, session_for

    return session_for(get_engine(workbench.settings.resolved_database_url))


def client_for(workbench, *, address: str = "testclient", **settings):
    """A TestClient over a workbench app with `settings` changed, from `address`."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    changed = workbench.settings.model_copy(update=settings)
    return TestClient(create_app(changed), follow_redirects=False, client=(address, 50000))


def set_clock(client, at: datetime) -> None:
    """Make the workbench behind `client` see `at` as the current time."""
    client.app.state.clock = lambda: at


def replay(client, cookie: str):
    """GET /search from another browser that sends a copy of `cookie`."""
    from fastapi.testclient import TestClient

    from web.app import SESSION_COOKIE

    headers = {"cookie": f"{SESSION_COOKIE}={cookie}"}
    with TestClient(client.app, follow_redirects=False, headers=headers) as other:
        return other.get("/search")


# --- sessions through the workbench ----------------------------------------------------


def test_sessions_copied_cookie_stops_working_after_logout(signed_in, workbench):
    from web.app import SESSION_COOKIE

    client = signed_in("dewi")
    copied = client.cookies.get(SESSION_COOKIE)
    assert replay(client, copied).status_code == 200  # the copy works while signed in
    token = form_token(client.get("/search").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    response = replay(client, copied)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/search"
    actions = [e.action for e in audit_rows(workbench, user="dewi") if e.action != "search"]
    assert actions == ["logout", "login"]


def test_sessions_cookie_holds_a_token_and_the_database_only_its_hash(signed_in, workbench):
    import base64
    import json

    from sqlmodel import select

    from models.tables import WebSession
    from web.app import SESSION_COOKIE

    client = signed_in("dewi")
    payload = client.cookies.get(SESSION_COOKIE).split(".")[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) <= {"sid", "csrf"} and "dewi" not in json.dumps(data)
    with in_database(workbench) as session:
        (row,) = session.exec(select(WebSession)).all()
    assert row.id == web_sessions.token_hash(data["sid"]) and row.id != data["sid"]
    assert row.user_agent == "testclient" and row.ip == "testclient"
    assert row.expires_at - row.created_at == timedelta(hours=8)


@pytest.mark.parametrize(
    "change",
    [
        lambda session: users.deactivate(session, name="dewi"),
        lambda session: users.set_role(session, name="dewi", role="analyst"),
        lambda session: users.set_password(session, name="dewi", password="sandi-baru-dewi"),
    ],
    ids=["deactivate", "set_role", "set_password"],
)
def test_sessions_a_change_to_the_user_ends_their_open_session(signed_in, workbench, change):
    client = signed_in("dewi")
    assert client.get("/search").status_code == 200
    with in_database(workbench) as session:
        change(session)
    assert client.get("/search").status_code == 303


def test_sessions_an_unchanged_role_keeps_the_session(signed_in, workbench):
    client = signed_in("dewi")
    with in_database(workbench) as session:
        users.set_role(session, name="dewi", role="investigator")
    assert client.get("/search").status_code == 200


def test_sessions_admin_disabling_a_user_ends_their_session_at_once(workbench):
    with client_for(workbench) as dewi, client_for(workbench) as ayu:
        assert sign_in(dewi, "dewi").status_code == 303
        assert sign_in(ayu, "ayu").status_code == 303
        page = ayu.get("/admin/users").text
        assert 'action="/admin/users/dewi/sessions/revoke"' in page
        token = form_token(page)
        assert ayu.post("/admin/users/dewi/disable", data={"csrf_token": token}).status_code == 303
        assert dewi.get("/search").status_code == 303
    (event,) = audit_rows(workbench, action="disable_user")
    assert event.details == {"sessions_ended": 1}


def test_sessions_admin_ends_every_session_of_a_user(workbench):
    clients = (client_for(workbench) for _ in range(3))
    with next(clients) as laptop, next(clients) as phone, next(clients) as ayu:
        for client in (laptop, phone):
            assert sign_in(client, "dewi").status_code == 303
        assert sign_in(ayu, "ayu").status_code == 303
        token = form_token(ayu.get("/admin/users").text)
        response = ayu.post("/admin/users/dewi/sessions/revoke", data={"csrf_token": token})
        assert response.status_code == 303
        assert laptop.get("/search").status_code == 303
        assert phone.get("/search").status_code == 303
        assert ayu.get("/admin/users").status_code == 200  # the admin's own stays
        missing = ayu.post("/admin/users/tono/sessions/revoke", data={"csrf_token": token})
        assert missing.status_code == 404
    (event,) = audit_rows(workbench, action="revoke_sessions")
    assert (event.user, event.target, event.details) == ("ayu", "user:dewi", {"sessions_ended": 2})


def test_sessions_signing_in_again_ends_the_browsers_previous_session(signed_in, workbench):
    from web.app import SESSION_COOKIE

    client = signed_in("dewi")
    first = client.cookies.get(SESSION_COOKIE)
    assert sign_in(client, "rina").status_code == 303
    assert replay(client, first).status_code == 303


# --- throttling through the workbench ----------------------------------------------------


def fail(client, name: str, times: int) -> None:
    """`times` sign-ins as `name` with a wrong password, each refused as such (401)."""
    for _ in range(times):
        assert sign_in(client, name, password=WRONG).status_code == 401


def test_throttle_locks_a_name_without_checking_the_password(workbench, monkeypatch):
    with client_for(workbench) as client:
        set_clock(client, START)
        fail(client, "dewi", 5)

        def no_check(*args, **kwargs):
            raise AssertionError("the password was checked while the name was locked")

        with monkeypatch.context() as patched:
            patched.setattr(users, "authenticate", no_check)
            refused = sign_in(client, "dewi")  # the right password
        assert refused.status_code == 429
        assert "Too many failed sign-ins with this name" in refused.text
        assert "09:15 UTC (in 15 minutes)" in refused.text
        assert "ask an administrator to lift the lock" in refused.text
        assert refused.headers["retry-after"] == "900"
        # A flood against the lock is refused every time but audited once.
        for _ in range(30):
            assert sign_in(client, "dewi", password=WRONG).status_code == 429
        assert client.get("/search").status_code == 303
        assert sign_in(client, "rina").status_code == 303  # another name is not locked
    (locked,) = audit_rows(workbench, action="login_locked")
    assert (locked.user, locked.details) == (
        "dewi",
        {"locked": "name", "until": "2026-12-06T09:15:00+00:00"},
    )
    assert len(audit_rows(workbench, action="login_failed")) == 5


def test_throttle_lock_ends_when_the_window_passes(workbench):
    with client_for(workbench) as client:
        set_clock(client, START)
        fail(client, "dewi", 4)
        set_clock(client, START + timedelta(minutes=10))
        fail(client, "dewi", 1)
        set_clock(client, START + timedelta(minutes=14))
        assert sign_in(client, "dewi").status_code == 429
        # The oldest failure leaves the 15-minute window: one more try is allowed.
        set_clock(client, START + timedelta(minutes=15, seconds=1))
        assert sign_in(client, "dewi").status_code == 303


def test_throttle_success_clears_the_count_of_the_name(workbench):
    with client_for(workbench) as client:
        set_clock(client, START)
        fail(client, "dewi", 4)
        assert sign_in(client, "dewi").status_code == 303
        fail(client, "dewi", 4)
        assert sign_in(client, "dewi").status_code == 303


def test_throttle_admin_lifts_the_lock_on_the_users_page(workbench):
    with client_for(workbench) as dewi, client_for(workbench, address="10.1.2.3") as ayu:
        fail(dewi, "dewi", 5)
        assert sign_in(dewi, "dewi").status_code == 429
        assert sign_in(ayu, "ayu").status_code == 303
        page = ayu.get("/admin/users").text
        assert "locked until" in page and 'name="name" value="dewi"' in page
        response = ayu.post("/admin/unlock", data={"csrf_token": form_token(page), "name": "dewi"})
        assert response.status_code == 303
        assert "locked until" not in ayu.get("/admin/users").text
        assert sign_in(dewi, "dewi").status_code == 303
    (event,) = audit_rows(workbench, action="unlock")
    assert (event.user, event.target, event.details) == (
        "ayu",
        "user:dewi",
        {"failures_cleared": 5},
    )


def test_throttle_locks_an_address_across_names(workbench):
    limits = {"login_address_failures": 3}
    with client_for(workbench, address="10.0.0.66", **limits) as guesser:
        for name in ("dewi", "rina", "bukan-pengguna"):
            fail(guesser, name, 1)
        refused = sign_in(guesser, "ayu")  # right password, fresh name, same address
        assert refused.status_code == 429
        assert "Too many failed sign-ins from this address" in refused.text
        with client_for(workbench, address="10.0.0.7", **limits) as elsewhere:
            assert sign_in(elsewhere, "ayu").status_code == 303
            page = elsewhere.get("/admin/users").text
            assert "Other locked sign-ins" in page and "10.0.0.66" in page
            data = {"csrf_token": form_token(page), "address": "10.0.0.66"}
            assert elsewhere.post("/admin/unlock", data=data).status_code == 303
            neither = {"csrf_token": form_token(page)}
            assert elsewhere.post("/admin/unlock", data=neither).status_code == 400
        assert sign_in(guesser, "ayu").status_code == 303
    (locked,) = audit_rows(workbench, action="login_locked")
    assert (locked.user, locked.ip, locked.details["locked"]) == ("ayu", "10.0.0.66", "address")


def test_throttle_parallel_guesses_get_no_more_tries_than_the_limit(workbench):
    from contextlib import ExitStack

    from fastapi.testclient import TestClient

    from web.app import create_app

    app = create_app(workbench.settings.model_copy(update={"login_user_failures": 3}))
    with ExitStack() as stack:
        clients = [stack.enter_context(TestClient(app, follow_redirects=False)) for _ in range(8)]
        tokens = [form_token(client.get("/login").text) for client in clients]
        start = threading.Barrier(len(clients))
        statuses = []

        def guess(client, token: str) -> None:
            start.wait()
            data = {"name": "dewi", "password": WRONG, "csrf_token": token}
            statuses.append(client.post("/login", data=data).status_code)

        threads = [
            threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses.count(401) <= 3 and statuses.count(429) >= 5
    assert len(audit_rows(workbench, action="login_failed")) == statuses.count(401)


def test_throttle_zero_turns_a_limit_off(workbench):
    with client_for(workbench, login_user_failures=0) as client:
        fail(client, "dewi", 6)
        assert sign_in(client, "dewi").status_code == 303


# --- the bound on parallel password checks -------------------------------------------------


def test_password_gate_busy_sign_in_gets_503_quickly(workbench):
    with client_for(workbench, password_wait_seconds=0.3) as client:
        gate = users.password_gate()
        for _ in range(gate.slots):
            assert gate.semaphore.acquire(timeout=1)
        try:
            started = time.monotonic()
            busy = sign_in(client, "dewi")
            waited = time.monotonic() - started
        finally:
            for _ in range(gate.slots):
                gate.semaphore.release()
        assert busy.status_code == 503 and "busy" in busy.text
        assert busy.headers["retry-after"] == "1"
        assert 0.25 <= waited < 3
        assert sign_in(client, "dewi").status_code == 303
    assert audit_rows(workbench, action="login_failed") == []  # busy is not a failure


def test_password_gate_bounds_parallel_checks(db_engine):
    from storage.engine import session_for

    with session_for(db_engine) as session:
        users.add_user(session, name="sari", role="analyst", password="kata-sandi-panjang")
    running, most = [0], [0]
    lock = threading.Lock()

    class SlowHasher:
        """Stands in for argon2: counts how many checks run at once."""

        def verify(self, stored: str, password: str) -> bool:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.05)
            with lock:
                running[0] -= 1
            return True

        def check_needs_rehash(self, stored: str) -> bool:
            return False

    users.configure_password_gate(slots=2, wait_seconds=10)
    found = []

    def sign_in_once() -> None:
        with session_for(db_engine) as session:
            found.append(
                users.authenticate(session, name="sari", password="x", hasher=SlowHasher())
            )

    threads = [threading.Thread(target=sign_in_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 2 and len(found) == 8 and all(u is not None for u in found)


def test_password_gate_refuses_a_caller_after_the_wait():
    from models.errors import BusyError

    gate = users.PasswordGate(slots=1, wait_seconds=0.05)
    with gate.slot(), pytest.raises(BusyError, match="try again"), gate.slot():
        pass
    with gate.slot():  # free again
        pass


# --- storage, on SQLite and PostgreSQL -----------------------------------------------------


def add_user(session, name: str = "dewi") -> int:
    created = users.add_user(session, name=name, role="investigator", password=WEB_PASSWORD)
    return created.id


def test_web_sessions_open_find_revoke(session):
    user_id = add_user(session)
    token = web_sessions.open_session(
        session, user_id=user_id, lifetime=timedelta(hours=8), now=START, user_agent="x" * 500
    )
    assert web_sessions.session_user(session, token=token, now=START).name == "dewi"
    assert web_sessions.session_user(session, token=token + "x", now=START) is None
    later = START + timedelta(hours=8)
    assert web_sessions.session_user(session, token=token, now=later) is None  # expired
    assert web_sessions.open_counts(session, now=START) == {user_id: 1}
    assert web_sessions.revoke(session, token=token, now=START)
    assert not web_sessions.revoke(session, token=token, now=START)  # already ended
    assert web_sessions.session_user(session, token=token, now=START) is None
    assert web_sessions.open_counts(session, now=START) == {}


def test_web_sessions_touch_last_seen_at_most_once_a_minute(session):
    from models.tables import WebSession

    user_id = add_user(session)
    token = web_sessions.open_session(
        session, user_id=user_id, lifetime=timedelta(hours=8), now=START
    )
    row_id = web_sessions.token_hash(token)
    web_sessions.session_user(session, token=token, now=START + timedelta(seconds=30))
    assert session.get(WebSession, row_id).last_seen_at == START
    web_sessions.session_user(session, token=token, now=START + timedelta(minutes=2))
    session.expire_all()
    assert session.get(WebSession, row_id).last_seen_at == START + timedelta(minutes=2)


def test_web_sessions_revoke_user_and_purge(session):
    dewi, rina = add_user(session, "dewi"), add_user(session, "rina")
    hours = timedelta(hours=8)
    for user_id in (dewi, dewi, rina):
        web_sessions.open_session(session, user_id=user_id, lifetime=hours, now=START)
    assert web_sessions.revoke_user(session, user_id=dewi, now=START) == 2
    assert web_sessions.open_counts(session, now=START) == {rina: 1}
    assert web_sessions.purge(session, now=START + timedelta(days=1)) == 0  # kept a while
    # A week later the revoked ones go, and the one that expired long ago.
    assert web_sessions.purge(session, now=START + timedelta(days=8)) == 3


def test_throttle_counts_per_name_and_address(session):
    limits = throttle.Limits(per_name=3, per_address=4, window=timedelta(minutes=15))
    for minute in range(3):
        at = START + timedelta(minutes=minute)
        throttle.record_failure(session, name="dewi", address="10.0.0.5", now=at)
    now = START + timedelta(minutes=2)
    until = START + timedelta(minutes=15)  # the oldest of the failures leaves the window
    lock = throttle.find_lock(session, name="dewi", address=None, limits=limits, now=now)
    assert lock == throttle.Lock("name", until)
    rina = {"name": "rina", "address": "10.0.0.5", "limits": limits, "now": now}
    assert throttle.find_lock(session, **rina) is None
    throttle.record_failure(session, name="rina\x00", address="10.0.0.5", now=now)
    assert throttle.find_lock(session, **rina) == throttle.Lock("address", until)
    names, addresses = throttle.locked(session, limits=limits, now=now)
    assert (names, addresses) == ({"dewi": until}, {"10.0.0.5": until})
    assert throttle.find_lock(session, **rina | {"now": until}) is None
    assert throttle.clear_name(session, name="dewi") == 3
    assert throttle.locked(session, limits=limits, now=now) == ({}, {})
    assert throttle.clear_address(session, address="10.0.0.5") == 1


def test_throttle_attempts_are_counted_before_the_check_and_refused_ones_are_not(session):
    from sqlmodel import func, select

    from models.tables import LoginFailure

    limits = throttle.Limits(per_name=2, per_address=0, window=timedelta(minutes=15))
    kwargs = {"name": "dewi", "address": "10.0.0.5", "limits": limits, "now": START}
    first, second = (throttle.begin_attempt(session, **kwargs) for _ in range(2))
    assert first.lock is None and second.lock is None and first.failure_id != second.failure_id
    refused = throttle.begin_attempt(session, **kwargs)
    assert refused == throttle.Attempt(lock=throttle.Lock("name", START + limits.window))
    assert session.exec(select(func.count()).select_from(LoginFailure)).one() == 2
    throttle.forget(session, failure_id=second.failure_id)
    assert throttle.begin_attempt(session, **kwargs).lock is None


def test_throttle_purge_keeps_a_day(session):
    throttle.record_failure(session, name="dewi", address=None, now=START)
    window = timedelta(minutes=15)
    assert throttle.purge(session, now=START + timedelta(hours=2), window=window) == 0
    assert throttle.purge(session, now=START + timedelta(days=2), window=window) == 1


# --- the command line ---------------------------------------------------------------------


def test_users_commands_password_revoke_unlock(tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from pantau.cli import app
    from pantau.settings import Settings
    from storage import audit
    from storage.engine import get_engine, session_for

    monkeypatch.setenv("PANTAU_HOME", str(tmp_path))
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "sari", "--role", "analyst", "--password-stdin"],
        input="sandi-sari-panjang\n",
    )
    assert added.exit_code == 0, added.output
    now = datetime.now(UTC)
    with session_for(get_engine(Settings().resolved_database_url)) as session:
        user_id = users.get_user(session, name="sari").id
        for _ in range(2):
            web_sessions.open_session(
                session, user_id=user_id, lifetime=timedelta(hours=8), now=now
            )
        for _ in range(5):
            throttle.record_failure(session, name="sari", address="10.0.0.5", now=now)
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).output)
    assert listed[0]["open_sessions"] == 2 and listed[0]["locked_until"] is not None
    revoked = runner.invoke(app, ["users", "revoke", "sari"])
    assert revoked.exit_code == 0 and "ended 2 open sessions of sari" in revoked.output
    unlocked = runner.invoke(app, ["users", "unlock", "sari"])
    assert unlocked.exit_code == 0 and "5 failed sign-ins forgotten" in unlocked.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--json"]).output)
    assert listed[0]["open_sessions"] == 0 and listed[0]["locked_until"] is None
    both = runner.invoke(app, ["users", "unlock", "sari", "--address", "10.0.0.5"])
    assert both.exit_code == 2 and "one of the two" in both.output
    assert runner.invoke(app, ["users", "unlock", "--address", "10.0.0.5"]).exit_code == 0
    changed = runner.invoke(
        app, ["users", "password", "sari", "--password-stdin"], input="sandi-baru-sari-1\n"
    )
    assert changed.exit_code == 0, changed.output
    short = runner.invoke(app, ["users", "password", "sari", "--password-stdin"], input="x\n")
    assert short.exit_code == 2 and "too short" in short.output
    assert runner.invoke(app, ["users", "revoke", "tono"]).exit_code == 2
    assert runner.invoke(app, ["users", "disable", "sari"]).exit_code == 0
    enabled = runner.invoke(app, ["users", "enable", "sari"])
    assert enabled.exit_code == 0 and "enabled sari" in enabled.output
    assert runner.invoke(app, ["users", "enable", "tono"]).exit_code == 2
    with session_for(get_engine(Settings().resolved_database_url)) as session:
        assert users.authenticate(session, name="sari", password="sandi-baru-sari-1")
        events = audit.list_events(session)
    assert [e.action for e in events] == [
        "enable_user", "disable_user", "set_password", "unlock", "unlock", "revoke_sessions"
    ]  # fmt: skip
    assert all(e.details["via"] == "cli" for e in events)


# --- PostgreSQL through the workbench ----------------------------------------------------


@pytest.mark.postgres
def test_sessions_and_throttle_work_on_postgresql(pg_workbench):
    from web.app import SESSION_COOKIE

    with client_for(pg_workbench) as client:
        assert sign_in(client, "dewi").status_code == 303
        copied = client.cookies.get(SESSION_COOKIE)
        token = form_token(client.get("/search").text)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
        assert replay(client, copied).status_code == 303
        fail(client, "dewi\x00", 5)
        assert sign_in(client, "dewi\x00").status_code == 429
        assert sign_in(client, "dewi").status_code == 303
    actions = [e.action for e in audit_rows(pg_workbench, user="dewi") if e.action != "search"]
    assert actions == ["login", "logout", "login"]


TEMPORARY = "sementara-dari-admin"
CHOSEN = "pilihan-dewi-sendiri"


def change_form(client, current: str, new: str, repeat: str | None = None):
    token = form_token(client.get("/account/password").text)
    data = {"csrf_token": token, "current": current, "new": new, "repeat": repeat or new}
    return client.post("/account/password", data=data)


def test_admin_password_reset_forces_a_new_password_at_the_next_sign_in(workbench):
    with client_for(workbench) as admin:
        assert sign_in(admin, "ayu").status_code == 303
        token = form_token(admin.get("/admin/users").text)
        short = admin.post(
            "/admin/users/dewi/password", data={"csrf_token": token, "password": "x"}
        )
        assert short.status_code == 400 and "too short" in short.text
        reset = admin.post(
            "/admin/users/dewi/password", data={"csrf_token": token, "password": TEMPORARY}
        )
        assert reset.status_code == 303
        assert "must choose a new password" in admin.get("/admin/users").text
        missing = admin.post(
            "/admin/users/tono/password", data={"csrf_token": token, "password": TEMPORARY}
        )
        assert missing.status_code == 404

    with client_for(workbench) as dewi:
        assert sign_in(dewi, "dewi").status_code == 401  # the old password no longer works
        assert sign_in(dewi, "dewi", password=TEMPORARY).status_code == 303
        for page in ("/search", "/documents/1", "/subjects"):
            sent = dewi.get(page)
            assert (sent.status_code, sent.headers["location"]) == (303, "/account/password")
        form = dewi.get("/account/password")
        assert form.status_code == 200 and "Choose your own" in form.text
        wrong = change_form(dewi, "salah-sekali-ini", CHOSEN)
        assert wrong.status_code == 400 and "current password is wrong" in wrong.text
        differ = change_form(dewi, TEMPORARY, CHOSEN, "pilihan-yang-lain")
        assert differ.status_code == 400 and "differ" in differ.text
        same = change_form(dewi, TEMPORARY, TEMPORARY)
        assert same.status_code == 400 and "other than the current" in same.text
        done = change_form(dewi, TEMPORARY, CHOSEN)
        assert (done.status_code, done.headers["location"]) == (303, "/search")
        assert dewi.get("/search").status_code == 200  # the fresh session works at once

    with client_for(workbench) as later:
        assert sign_in(later, "dewi", password=TEMPORARY).status_code == 401
        assert sign_in(later, "dewi", password=CHOSEN).status_code == 303
        assert later.get("/search").status_code == 200
    (reset_event,) = audit_rows(workbench, action="reset_password")
    assert (reset_event.user, reset_event.target) == ("ayu", "user:dewi")
    assert [e.user for e in audit_rows(workbench, action="change_password")] == ["dewi"]
    assert len(audit_rows(workbench, action="change_password_refused")) == 1

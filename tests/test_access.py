"""Users (argon2 passwords, roles, deactivation) and the append-only audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from models.errors import ConfigError
from models.tables import Role
from storage import audit, users


def test_users_authenticate_checks_password_and_hides_hash(session):
    created = users.add_user(session, name="rina", role="analyst", password="kopi-tubruk-pagi")
    assert "password_hash" not in created.model_dump()
    assert users.authenticate(session, name="rina", password="kopi-tubruk-pagi").role == "analyst"
    assert users.authenticate(session, name="rina", password="kopi-tubruk-sore") is None
    assert users.authenticate(session, name="budi", password="kopi-tubruk-pagi") is None
    stored = session.exec(sa.text("SELECT password_hash FROM app_user")).scalar_one()
    assert stored.startswith("$argon2id$") and "kopi" not in stored


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("rina", "analyst", "pendek", "too short"),
        ("rina", "superuser", "kata-sandi-panjang", "unknown role"),
        ("ri na", "analyst", "kata-sandi-panjang", "invalid user name"),
    ],
)
def test_users_add_refuses_bad_input(session, name, role, password, message):
    with pytest.raises(ConfigError, match=message):
        users.add_user(session, name=name, role=role, password=password)


def test_users_add_refuses_a_taken_name(session):
    users.add_user(session, name="rina", role="analyst", password="kata-sandi-panjang")
    with pytest.raises(ConfigError, match="exists already"):
        users.add_user(session, name="rina", role="admin", password="kata-sandi-lain-1")


def test_users_deactivated_user_cannot_sign_in(session):
    users.add_user(session, name="dewi", role="investigator", password="kata-sandi-panjang")
    users.deactivate(session, name="dewi")
    assert users.authenticate(session, name="dewi", password="kata-sandi-panjang") is None
    assert [u.active for u in users.list_users(session)] == [False]


def test_users_set_role_changes_role(session):
    users.add_user(session, name="dewi", role="investigator", password="kata-sandi-panjang")
    assert users.set_role(session, name="dewi", role="admin").role == "admin"
    with pytest.raises(ConfigError, match="no user named"):
        users.set_role(session, name="joko", role="admin")


def test_users_one_person_holds_several_roles(session):
    added = users.add_user(
        session, name="ayu", role=["admin", "investigator", "admin"], password="kata-sandi-panjang"
    )
    assert added.roles == [Role.ADMIN, Role.INVESTIGATOR]
    assert added.has_role(Role.INVESTIGATOR) and not added.has_role(Role.ANALYST)
    changed = users.set_role(session, name="ayu", role="analyst,investigator")
    assert (changed.role, changed.roles) == (Role.ANALYST, [Role.ANALYST, Role.INVESTIGATOR])
    assert users.set_role(session, name="ayu", role=["investigator"]).roles == [Role.INVESTIGATOR]
    with pytest.raises(ConfigError, match="unknown role"):
        users.set_role(session, name="ayu", role=["investigator", "superuser"])
    with pytest.raises(ConfigError, match="at least one role"):
        users.set_role(session, name="ayu", role=[])


def test_users_authenticate_rehashes_when_parameters_change(session):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    users.add_user(session, name="sari", role="analyst", password="kata-sandi-panjang")
    session.exec(
        sa.text("UPDATE app_user SET password_hash = :h"),
        params={"h": weak.hash("kata-sandi-panjang")},
    )
    session.commit()
    assert users.authenticate(session, name="sari", password="kata-sandi-panjang") is not None
    stored = session.exec(sa.text("SELECT password_hash FROM app_user")).scalar_one()
    assert not PasswordHasher().check_needs_rehash(stored)
    assert users.authenticate(session, name="sari", password="kata-sandi-panjang") is not None


def test_audit_list_events_filters_newest_first(session):
    audit.record(session, user="rina", action="login", ip="10.0.0.5")
    audit.record(session, user="rina", action="search", details={"query": "overstay"})
    audit.record(session, user="dewi", action="view", target="document:3")
    events = audit.list_events(session, filters=audit.AuditFilters(user="rina"))
    assert [e.action for e in events] == ["search", "login"]
    assert events[0].details == {"query": "overstay"}
    viewed = audit.list_events(session, filters=audit.AuditFilters(action="view"))
    assert [e.target for e in viewed] == ["document:3"]


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET action = 'nothing'", "DELETE FROM audit_event"],
)
def test_audit_log_is_append_only_in_the_database(session, statement):
    audit.record(session, user="rina", action="export", target="document:1")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        session.exec(sa.text(statement))
    session.rollback()
    assert [e.action for e in audit.list_events(session)] == ["export"]

"""The workbench over a seeded database: sign-in, CSRF, roles, audit, escaping, evidence."""

from __future__ import annotations

import io
import re
import time

import pytest
from PIL import Image

from storage import claims
from tests.conftest import HOSTILE_TEXT, WEB_PASSWORD, claim_and_save, form_token, sign_in


def audit_rows(workbench, **filters):
    from storage import audit
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        return audit.list_events(session, filters=audit.AuditFilters(**filters))


def test_web_anonymous_visitor_is_sent_to_login(web_client):
    response = web_client.get("/search?q=kafe")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/search"


def test_web_login_sets_a_protected_session_cookie_and_is_audited(web_client, workbench):
    response = sign_in(web_client, "dewi")
    assert response.status_code == 303 and response.headers["location"] == "/search"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "max-age=" in cookie
    assert [e.action for e in audit_rows(workbench, user="dewi")] == ["login"]


def test_web_wrong_password_is_refused_and_audited(web_client, workbench):
    response = sign_in(web_client, "dewi", password="bukan-sandi-ini")
    assert response.status_code == 401 and "Wrong name or password" in response.text
    assert web_client.get("/search").status_code == 303
    assert [e.action for e in audit_rows(workbench, user="dewi")] == ["login_failed"]


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_web_post_without_valid_csrf_token_is_403(web_client, token):
    web_client.get("/login")
    data = {"name": "dewi", "password": WEB_PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = web_client.post("/login", data=data)
    assert response.status_code == 403
    assert "did not come from this site" in response.text


def test_web_signed_in_post_without_token_is_403(signed_in, workbench):
    client = signed_in("rina")
    response = client.post(f"/runs/retry/{workbench.failed_id}", data={})
    assert response.status_code == 403
    assert audit_rows(workbench, action="retry") == []


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("dewi", "/admin/users"),
        ("dewi", "/admin/audit"),
        ("dewi", "/runs"),
        ("rina", "/search?q=kafe"),
        ("rina", "/documents/1"),
        ("ayu", "/search?q=kafe"),
        ("ayu", "/runs"),
    ],
)
def test_web_user_without_the_role_gets_a_403_page(signed_in, name, path):
    response = signed_in(name).get(path)
    assert response.status_code == 403
    assert "<h1>403 · Not allowed</h1>" in response.text and "Ask an administrator" in response.text


def test_web_an_administrator_given_a_second_role_can_also_search(signed_in, workbench):
    client = signed_in("ayu")
    page = client.get("/admin/users")
    response = client.post(
        "/admin/users/ayu/role",
        data={"role": "admin", "also": ["investigator"], "csrf_token": form_token(page.text)},
    )
    assert response.status_code == 303
    # Changing roles ended the session; signed in again, both roles' pages open.
    client = signed_in("ayu")
    assert client.get("/search", params={"q": "kafe"}).status_code == 200
    users_page = client.get("/admin/users")
    assert users_page.status_code == 200
    assert "(admin, investigator)" in users_page.text
    assert 'href="/search"' in users_page.text and 'href="/runs"' not in users_page.text
    assert client.get("/runs").status_code == 403
    (event,) = audit_rows(workbench, action="set_role")
    assert event.details["roles"] == ["admin", "investigator"]


def test_web_search_page_explains_its_syntax(signed_in):
    page = signed_in("dewi").get("/search").text
    assert "How to search" in page and "<code>deport*</code>" in page
    assert "dideportasi, pendeportasian" in page


def test_web_pages_send_security_headers(web_client):
    response = web_client.get("/login")
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text and " style=" not in response.text


def test_web_search_shows_highlighted_hits_and_is_audited(signed_in, workbench):
    response = signed_in("dewi").get("/search", params={"q": "kafe Canggu"})
    assert response.status_code == 200
    assert f'href="/documents/{workbench.letter_id}?page=1"' in response.text
    assert "<mark>Canggu</mark>" in response.text
    (event,) = audit_rows(workbench, action="search")
    assert (event.user, event.target, event.details) == ("dewi", "kafe Canggu", {"hits": 1})


@pytest.mark.parametrize("query", ['"', "*", "OR (", "'; DROP TABLE page; --", '"kafe', "a" * 400])
def test_web_hostile_searches_never_fail(signed_in, query):
    response = signed_in("dewi").get("/search", params={"q": query})
    assert response.status_code == 200
    assert 'class="message"' in response.text or 'class="hit"' in response.text


def test_web_search_with_sql_words_finds_the_text_not_the_database(signed_in, workbench):
    response = signed_in("dewi").get("/search", params={"q": "DROP TABLE"})
    assert f"/documents/{workbench.hostile_id}?page=1" in response.text
    assert signed_in("dewi").get("/search", params={"q": "kafe"}).text.count('class="hit"') == 1


def test_web_document_text_is_escaped(signed_in, workbench):
    response = signed_in("dewi").get(f"/documents/{workbench.hostile_id}")
    assert response.status_code == 200
    assert "<script>" not in response.text and "<b>tebal" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "&#39;; DROP TABLE document; --" in response.text
    # the fact over the script tag is marked in the text, still as text
    assert re.search(r'<mark class="span kind-identifier[^"]*"[^>]*>&lt;script&gt;', response.text)


def test_web_document_view_marks_facts_and_is_audited(signed_in, workbench):
    response = signed_in("dewi").get(f"/documents/{workbench.letter_id}")
    assert response.status_code == 200
    assert re.search(r'<mark class="span kind-location[^>]*>Canggu</mark>', response.text)
    assert "51.03.02" in response.text and "rule:uji" in response.text
    assert response.text.count('class="box kind-location"') == 1
    # the letter's own fields, each linked to where it stands; the sender also to its search
    assert re.search(
        r"<dt>Sender</dt><dd><a href=\"/documents/\d+\?page=1#fact-\d+\">"
        r"Kantor Imigrasi Kelas I Denpasar</a> <a class=\"field-search\" "
        r"href=\"/search\?sender=Kantor\+Imigrasi\+Kelas\+I\+Denpasar\"",
        response.text,
    )
    # CSP holds: no inline script or style; the one script is the workbench's own file.
    assert re.findall(r"<script[^>]*>", response.text) == [
        '<script src="/static/correct.js" defer>'
    ]
    assert " style=" not in response.text
    (event,) = audit_rows(workbench, action="view")
    assert (event.user, event.target) == ("dewi", f"document:{workbench.letter_id}")


@pytest.mark.parametrize("path", ["/documents/9999", "/documents/1?page=7"])
def test_web_unknown_document_or_page_is_a_404_page(signed_in, path):
    response = signed_in("dewi").get(path)
    assert response.status_code == 404 and "404 · Not found" in response.text


def test_web_document_view_colours_each_kind_with_a_legend_and_shows_fact_details(
    signed_in, workbench
):
    """Foreign nationals, officials, places, incidents by status... each have their own
    colour, named in a legend; the fact table shows status, nationality, age, passport."""
    from extractors.facts import extract_facts
    from storage import repository
    from storage.engine import get_engine, session_for

    text = (
        "Petugas menangkap Kim Jae-won (34), warga negara Korea Selatan, pemegang paspor "
        "M12345678, di Kota Batam karena overstay. Kepala Kantor Imigrasi Batam, Budi "
        "Santoso, menyatakan yang bersangkutan akan dideportasi."
    )
    path = workbench.settings.home.parent / "berita-batam.txt"
    path.write_text(text, "utf-8")
    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        run_id = repository.start_run(session, inputs=[str(path)]).id
        document_id = claim_and_save(session, path, [text], run_id)
        repository.save_extraction(
            session, document_id=document_id, extraction=extract_facts([(1, text)])
        )
    html = signed_in("dewi").get(f"/documents/{document_id}").text

    legend = html[
        html.index('<ul class="legend"') : html.index("</ul>", html.index('class="legend"'))
    ]
    for label in ("foreign national", "official", "place", "incident, planned", "identifier"):
        assert f"</span>{label}</li>" in legend, label
    assert re.search(r'<mark class="span kind-foreign_national[^"]*"[^>]*>Kim Jae-won</mark>', html)
    assert re.search(r'<mark class="span kind-official[^"]*"[^>]*>Budi Santoso</mark>', html)
    planned = re.search(
        r'<mark class="span kind-incident kind-incident-planned[^>]*>([^<]*)</mark>', html
    )
    assert planned and "deportasi" in planned.group(1)
    rows = {
        cells[0]: cells
        for cells in (
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
            for row in re.findall(r'<tr id="fact-\d+"[^>]*>(.*?)</tr>', html, re.S)
        )
    }
    foreigner = rows["foreign national"]
    assert foreigner[1:8] == [
        "Kim Jae-won", "Kim Jae-won", "", "KR", "34", "M12345678", "arrest, deportation, overstay"
    ]  # fmt: skip
    assert rows["official"][7] == "Kepala Kantor Imigrasi Batam"


def box_pixels(html: str, image: Image.Image, kind: str) -> tuple[int, int, int, int]:
    """The pixel rectangle of the first highlight box of `kind`, from its percentages."""
    found = re.search(
        rf'class="box kind-{kind}"[^>]* x="([\d.]+)%" y="([\d.]+)%" '
        rf'width="([\d.]+)%" height="([\d.]+)%"',
        html,
    )
    assert found, f"no {kind} box"
    x, y, w, h = (float(v) / 100 for v in found.groups())
    width, height = image.size
    return round(x * width), round(y * height), round((x + w) * width), round((y + h) * height)


def test_web_page_image_is_a_png_of_the_stored_size_with_ink_under_the_box(signed_in, workbench):
    from storage import repository
    from storage.engine import get_engine, session_for

    client = signed_in("dewi")
    response = client.get(f"/documents/{workbench.letter_id}/pages/1/image.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("L")
    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        page = repository.get_pages(session, document_id=workbench.letter_id)[0]
    assert image.size == (page.width, page.height)
    html = client.get(f"/documents/{workbench.letter_id}").text
    left, top, right, bottom = box_pixels(html, image, "location")
    assert image.crop((left, top, right, bottom)).getextrema()[0] < 100  # the word's ink
    space_before = image.crop((left - 4, top, left - 1, bottom))
    assert space_before.getextrema()[0] > 200  # the space between "di" and the word
    assert list((workbench.settings.home / "page-images").glob("*.png"))


def test_web_page_image_of_a_missing_original_is_a_404_page(signed_in, workbench, tmp_path):
    (tmp_path / "surat-canggu.pdf").unlink()
    response = signed_in("dewi").get(f"/documents/{workbench.letter_id}/pages/1/image.png")
    assert response.status_code == 404 and "no longer at" in response.text


def test_web_page_image_of_a_replaced_original_is_refused(signed_in, workbench, tmp_path):
    """Another scan saved under the same name must not be shown under the old boxes."""
    original = tmp_path / "surat-canggu.pdf"
    original.write_bytes(original.read_bytes().replace(b"%%EOF", b"%%EOF\n% disalin ulang"))
    response = signed_in("dewi").get(f"/documents/{workbench.letter_id}/pages/1/image.png")
    assert response.status_code == 409 and "has changed since" in response.text
    assert not list((workbench.settings.home / "page-images").glob("*.png"))


def test_web_export_text_is_a_download_and_audited(signed_in, workbench):
    response = signed_in("dewi").get(f"/documents/{workbench.hostile_id}/export.txt")
    assert response.status_code == 200 and response.text == HOSTILE_TEXT
    assert 'filename="catatan.txt"' in response.headers["content-disposition"]
    (event,) = audit_rows(workbench, action="export")
    assert event.target == f"document:{workbench.hostile_id}"


def test_web_runs_page_lists_failures_and_retry_reads_the_document_again(signed_in, workbench):
    client = signed_in("rina")
    page = client.get("/runs")
    assert page.status_code == 200 and "corrupt: 1" in page.text
    assert f'action="/runs/retry/{workbench.failed_id}"' in page.text
    response = client.post(
        f"/runs/retry/{workbench.failed_id}", data={"csrf_token": form_token(page.text)}
    )
    assert response.status_code == 303
    # The workbench does no batch work: a process of its own reads the document again.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        after = client.get(response.headers["location"]).text
        if f'action="/runs/retry/{workbench.failed_id}"' not in after and "Being read" not in after:
            break
        assert 'http-equiv="refresh"' in after  # the page follows the retry as it goes
        time.sleep(0.5)
    assert "Every document was read." in after
    (event,) = audit_rows(workbench, action="retry")
    assert event.target == f"document:{workbench.failed_id}"
    assert "being read again by process" in event.details["queued"]
    from storage import repository
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        newest = repository.list_runs(session, limit=1)[0]
        retried = repository.get_document(session, document_id=workbench.failed_id)
    # The run that read it again belongs to another process, and is shown with it.
    assert newest.worker != claims.worker_id() and newest.inputs == [retried.path]
    assert f"<td>{newest.worker}</td>" in client.get("/runs").text


def other_browser(workbench):
    """A second TestClient over the workbench, with its own cookies."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    return TestClient(create_app(workbench.settings), follow_redirects=False)


def test_web_admin_adds_disables_and_enables_users(signed_in, workbench):
    client = signed_in("ayu")
    token = form_token(client.get("/admin/users").text)
    response = client.post(
        "/admin/users",
        data={
            "name": "joko",
            "role": "investigator",
            "password": "sandi-baru-joko",
            "csrf_token": token,
        },
    )
    assert response.status_code == 303
    assert (
        client.post(
            "/admin/users",
            data={"name": "eko", "role": "investigator", "password": "pendek", "csrf_token": token},
        ).status_code
        == 400
    )
    client.post("/admin/users/dewi/disable", data={"csrf_token": token})
    listing = client.get("/admin/users").text
    assert "joko" in listing and "eko" not in listing and "disabled" in listing
    audit_page = client.get("/admin/audit", params={"action": "disable_user"}).text
    assert "user:dewi" in audit_page and "add_user" not in audit_page
    assert 'action="/admin/users/dewi/enable"' in listing
    with other_browser(workbench) as browser:
        assert sign_in(browser, "dewi").status_code == 401

    # Enabled again: the same password works once more, and the change is audited.
    assert client.post("/admin/users/dewi/enable", data={"csrf_token": token}).status_code == 303
    assert 'action="/admin/users/dewi/disable"' in client.get("/admin/users").text
    with other_browser(workbench) as browser:
        assert sign_in(browser, "dewi").status_code == 303
    (enabled,) = audit_rows(workbench, action="enable_user")
    assert (enabled.user, enabled.target) == ("ayu", "user:dewi")
    assert client.post("/admin/users/nobody/enable", data={"csrf_token": token}).status_code == 404


def test_web_disabled_user_loses_the_session(web_client, workbench):
    from storage import users
    from storage.engine import get_engine, session_for

    sign_in(web_client, "dewi")
    assert web_client.get("/search").status_code == 200
    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        users.deactivate(session, name="dewi")
    assert web_client.get("/search").status_code == 303


def test_web_session_expires_after_the_configured_hours(signed_in):
    from datetime import timedelta

    from models.tables import utc_now

    client = signed_in("dewi")
    assert client.get("/search").status_code == 200
    later = utc_now() + timedelta(hours=8, minutes=1)
    client.app.state.clock = lambda: later
    assert client.get("/search").status_code == 303


def test_web_secure_cookie_setting_marks_the_cookie_secure(workbench):
    from fastapi.testclient import TestClient

    from web.app import create_app

    settings = workbench.settings.model_copy(update={"secure_cookies": True})
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        response = sign_in(client, "dewi")
    assert "secure" in response.headers["set-cookie"].lower()


def test_web_logout_ends_the_session(signed_in):
    client = signed_in("dewi")
    token = form_token(client.get("/search").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/search").status_code == 303


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("", "not set"),
        ("changeme", "well-known"),
        ("kurang-panjang-sekali", "only 21 characters"),
        ("x" * 40, "well-known"),
    ],
)
def test_web_command_refuses_a_weak_secret(tmp_path, monkeypatch, secret, message):
    from typer.testing import CliRunner

    from pantau.cli import app

    monkeypatch.setenv("PANTAU_HOME", str(tmp_path))
    monkeypatch.setenv("PANTAU_SECRET_KEY", secret)
    result = CliRunner().invoke(app, ["web", "--port", "8765"])
    assert result.exit_code == 2
    assert message in result.output and "PANTAU_SECRET_KEY" in result.output


def test_users_commands_add_list_disable(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from pantau.cli import app

    monkeypatch.setenv("PANTAU_HOME", str(tmp_path))
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "sari", "--role", "analyst", "--password-stdin"],
        input="sandi-sari-panjang\n",
    )
    assert added.exit_code == 0, added.output
    prompted = runner.invoke(
        app, ["users", "add", "agus", "--role", "admin"], input="sandi-agus-1234\nlain-sandi-12\n"
    )
    assert prompted.exit_code == 2 and "passwords differ" in prompted.output
    assert runner.invoke(app, ["users", "disable", "sari"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert '"name": "sari"' in listed.output and '"active": false' in listed.output
    assert "password_hash" not in listed.output and "$argon2" not in listed.output
    assert runner.invoke(app, ["users", "disable", "tono"]).exit_code == 2


@pytest.mark.postgres
def test_web_works_on_postgresql(pg_workbench):
    from fastapi.testclient import TestClient

    from web.app import create_app

    with TestClient(create_app(pg_workbench.settings), follow_redirects=False) as client:
        assert sign_in(client, "dewi\x00").status_code == 401
        assert sign_in(client, "dewi").status_code == 303
        hits = client.get("/search", params={"q": "kafe Canggu"}).text
        assert "<mark>Canggu</mark>" in hits
        for query in ['"', "OR (", "kafe\x00"]:
            assert client.get("/search", params={"q": query}).status_code == 200
        view = client.get(f"/documents/{pg_workbench.letter_id}").text
        assert 'class="box kind-location"' in view
        assert client.get("/documents/99999999999").status_code == 404
    actions = [e.action for e in audit_rows(pg_workbench, user="dewi")]
    assert actions == ["view", "search", "search", "search", "search", "login"]
    assert [e.user for e in audit_rows(pg_workbench, action="login_failed")] == ["dewi "]


@pytest.mark.parametrize("path", ["/documents/99999999999999999999", "/documents/0"])
def test_web_out_of_range_document_id_is_a_404_page(signed_in, path):
    assert signed_in("dewi").get(path).status_code == 404


def post_paths(workbench) -> list[str]:
    """Every POST route of every workbench area, with its path parameters filled in."""
    from web.app import AREAS

    values = {"{name}": "dewi", "{document_id}": str(workbench.failed_id)}
    paths = []
    for area in AREAS:
        for route in area.router.routes:
            if "POST" in getattr(route, "methods", ()):
                path = route.path
                for placeholder, value in values.items():
                    path = path.replace(placeholder, value)
                paths.append(path)
    return paths


@pytest.mark.parametrize("name", ["ayu", "rina", "dewi"])
def test_web_every_post_route_checks_the_csrf_token(signed_in, workbench, name):
    client = signed_in(name)
    paths = post_paths(workbench)
    assert len(paths) >= 6
    for path in paths:
        response = client.post(path, data={"name": "x", "role": "admin", "password": "y" * 12})
        assert response.status_code == 403, path
        assert "did not come from this site" in response.text, path


def test_web_document_list_links_every_document(signed_in, workbench):
    listing = signed_in("dewi").get("/documents").text
    for document_id in (workbench.letter_id, workbench.hostile_id, workbench.failed_id):
        assert f'href="/documents/{document_id}"' in listing
    failed = signed_in("dewi").get("/documents", params={"status": "failed"}).text
    assert f'href="/documents/{workbench.failed_id}"' in failed
    assert f'href="/documents/{workbench.letter_id}"' not in failed


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"who": "dewi"}, "dewi", "ayu"),
        ({"action": "login", "since": "2000-01-01T00:00"}, "dewi", "search"),
        ({"since": "2999-01-01T00:00"}, "No events match.", "dewi"),
    ],
)
def test_web_audit_page_filters(signed_in, params, shown, hidden):
    signed_in("dewi").get("/search", params={"q": "kafe"})
    page = signed_in("ayu").get("/admin/audit", params=params)
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1]
    assert shown in rows and hidden not in rows

"""Bahasa Indonesia first: complete catalogues, Indonesian pages by default, each user's own
language, times in the server's zone, dates and numbers written the Indonesian way."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from models import i18n
from tests.conftest import form_token, sign_in

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*(?:[:!][^}]*)?\}|%\([a-z_]+\)[sd]|\[/?[a-z ]*\]")


def extracted_messages() -> dict[str, tuple[str, ...]]:
    """Every marked message in the sources, as `make messages` finds them: id -> plural ids."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: dict[str, tuple[str, ...]] = {}
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        ids = (message,) if isinstance(message, str) else tuple(message)
        found[ids[0]] = ids
    return found


def catalogue():
    with i18n.catalogue_path("id").open("rb") as handle:
        return read_po(handle, locale="id")


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_i18n_every_marked_message_has_an_indonesian_translation_with_its_placeholders():
    messages = extracted_messages()
    assert len(messages) > 300  # the workbench and the CLI are marked, not a handful
    stored = catalogue()
    missing, fuzzy, broken = [], [], []
    for message_id, ids in messages.items():
        entry = stored.get(message_id)
        if entry is None or not entry.string or not all(entry.string if ids[1:] else [1]):
            missing.append(message_id)
            continue
        if entry.fuzzy:
            fuzzy.append(message_id)
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translation in translations:
            if not translation or placeholders(translation) != placeholders(ids[-1]):
                broken.append((message_id, translation))
    assert missing == [], f"{len(missing)} messages have no translation; run `make messages`"
    assert fuzzy == [], "fuzzy translations are not used: check them and drop the flag"
    assert broken == [], "a translation must keep every placeholder and markup of its message"


def test_i18n_catalogue_holds_no_message_the_code_no_longer_uses():
    messages = extracted_messages()
    unused = [entry.id for entry in catalogue() if entry.id and _first(entry.id) not in messages]
    assert unused == [], "run `make messages` to drop them"


def _first(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def test_i18n_dates_times_and_numbers_the_indonesian_way_in_the_server_zone():
    moment = datetime(2026, 12, 4, 14, 9, 30, tzinfo=UTC)
    with i18n.using("id", "Asia/Jakarta"):
        assert i18n.format_datetime(moment) == "4 Des 2026 21.09 WIB"
        assert i18n.format_datetime(moment, seconds=True) == "4 Des 2026 21.09.30 WIB"
        assert i18n.format_clock(moment) == "21.09 WIB"
        assert i18n.format_date(date(2026, 8, 17)) == "17 Agu 2026"
        assert i18n.format_number(1234567) == "1.234.567"
        assert i18n.format_number(0.5, digits=2) == "0,50"
    with i18n.using("id", "Asia/Makassar"):  # a naive stored time is UTC
        assert i18n.format_clock(datetime(2026, 12, 4, 23, 30)) == "07.30 WITA"
        assert i18n.format_date(datetime(2026, 12, 4, 23, 30)) == "5 Des 2026"
    with i18n.using("en", "Asia/Jayapura"):
        assert i18n.format_datetime(moment) == "4 Dec 2026 23:09 WIT"
        assert i18n.format_number(1234567) == "1,234,567"


def test_i18n_unknown_language_or_zone_is_refused_naming_the_setting(monkeypatch):
    from pydantic import ValidationError

    from pantau.settings import Settings

    monkeypatch.setenv("PANTAU_LANGUAGE", "jv")
    with pytest.raises(ValidationError, match="language"):
        Settings()
    monkeypatch.setenv("PANTAU_LANGUAGE", "id")
    monkeypatch.setenv("PANTAU_TIME_ZONE", "Asia/Bandung")
    with pytest.raises(ValidationError, match="unknown time zone 'Asia/Bandung'"):
        Settings()
    with pytest.raises(ValueError, match="unknown language"), i18n.using("jv"):
        pass


def test_i18n_a_context_language_does_not_leak_into_the_process():
    with i18n.using("en"):
        assert i18n.current_language() == "en"
        with i18n.using("id"):
            assert i18n._("Switch") == "Ganti"
        assert i18n._("Switch") == "Switch"
    assert i18n.current_language() == i18n._process_language


# --- the workbench ---------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles, tag names or attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def indonesian_client(workbench):
    """The workbench on its defaults: Bahasa Indonesia, Asia/Jakarta."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    settings = workbench.settings.model_copy(update={"language": "id", "time_zone": "Asia/Jakarta"})
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client


def english_left_over(text: str) -> list[str]:
    """Messages of the catalogue (whole sentences and labels of 2+ words) that a page shows
    in English although they have an Indonesian translation."""
    found = []
    for entry in catalogue():
        english = _first(entry.id)
        translated = entry.string if isinstance(entry.string, str) else entry.string[0]
        plain = english.replace("{", "").replace("%(", "")
        if (
            english
            and plain == english
            and " " in english
            and len(english) >= 12
            and translated != english
            and english in text
        ):
            found.append(english)
    return found


def test_web_pages_speak_indonesian_by_default_with_times_in_jakarta(indonesian_client, workbench):
    client = indonesian_client
    login = client.get("/login")
    assert '<html lang="id">' in login.text
    assert sign_in(client, "rina").status_code == 303  # the analyst: runs and their times
    runs = client.get("/runs")
    assert runs.status_code == 200
    text = visible(runs.text)
    assert "WIB" in text and "UTC" not in text
    assert english_left_over(text) == []
    client.post("/logout", data={"csrf_token": form_token(runs.text)})
    assert sign_in(client, "dewi").status_code == 303
    for path in ("/search", "/search?q=kafe", "/documents", "/subjects", "/xref"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert english_left_over(visible(page.text)) == [], path
    document = client.get(f"/documents/{workbench.letter_id}")
    assert english_left_over(visible(document.text)) == []


def test_web_a_user_who_chooses_english_keeps_it_and_the_choice_is_audited(
    indonesian_client, workbench
):
    from storage import audit
    from storage.engine import get_engine, session_for

    client = indonesian_client
    assert sign_in(client, "dewi").status_code == 303
    page = client.get("/search")
    assert "Ganti" in page.text
    chosen = client.post(
        "/account/language",
        data={"language": "en", "next": "/search", "csrf_token": form_token(page.text)},
    )
    assert chosen.status_code == 303 and chosen.headers["location"] == "/search"
    english = client.get("/search")
    assert '<html lang="en">' in english.text and "Switch" in english.text
    client.post("/logout", data={"csrf_token": form_token(english.text)})
    client.cookies.clear()
    assert sign_in(client, "dewi").status_code == 303  # a new browser session
    assert '<html lang="en">' in client.get("/search").text
    client.post("/logout", data={"csrf_token": form_token(client.get("/search").text)})
    client.cookies.clear()
    assert sign_in(client, "rina").status_code == 303  # another user: still the default
    assert '<html lang="id">' in client.get("/runs").text
    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        events = audit.list_events(session, filters=audit.AuditFilters(action="choose_language"))
    assert [(e.user, e.details) for e in events] == [("dewi", {"language": "en"})]


def test_web_an_unknown_language_is_refused(indonesian_client):
    client = indonesian_client
    page = client.get("/login")
    response = client.post(
        "/account/language", data={"language": "xx", "csrf_token": form_token(page.text)}
    )
    assert response.status_code == 400 and "Bahasa tidak dikenal." in response.text


def test_web_an_unknown_address_gets_the_error_page_in_the_language(indonesian_client):
    response = indonesian_client.get("/tidak-ada-di-sini")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert english_left_over(visible(response.text)) == []


# --- the CLI -----------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path):
    """Run `pantau ...` in-process on its defaults (Bahasa Indonesia, Asia/Jakarta); the
    process's language is put back afterwards."""
    from typer.testing import CliRunner

    from pantau.cli import app

    environment = {
        "PANTAU_HOME": str(tmp_path / "home"),
        "PANTAU_LANGUAGE": "id",
        "PANTAU_TIME_ZONE": "Asia/Jakarta",
        "PANTAU_COMMAND_SERVER_IDLE_SECONDS": "0",
    }
    before = i18n.current_language()

    def run(*args: str, **extra: str):
        return CliRunner().invoke(app, list(args), env={**environment, **extra})

    yield run
    i18n.use(before, "UTC")


def test_cli_speaks_indonesian_by_default_and_names_a_bad_setting(cli):
    missing = cli("show", "999")
    assert missing.exit_code == 2
    assert "tidak ada dokumen dengan id 999" in missing.output
    wrong = cli("docs", PANTAU_LANGUAGE="jv")
    assert wrong.exit_code == 2 and "PANTAU_LANGUAGE" in wrong.output
    english = cli("show", "999", PANTAU_LANGUAGE="en")
    assert "no document with id 999" in english.output

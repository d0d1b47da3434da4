"""Answers an investigator can trust, in a real browser, in Bahasa Indonesia and in English:
counts equal to a hand count, a root word that finds every form, a batch search, a dossier
holding only its person's places and incidents, the viewer's legend, two roles on one user,
a deleted document gone everywhere, and throttled sign-in."""

from __future__ import annotations

import re

import pytest

from tests.conftest import WEB_PASSWORD, serve_workbench
from tests.conftest import browser_sign_in as sign_in
from tests.test_linked_counts import MINUTES, REPORT

pytestmark = pytest.mark.browser

# Two more notes: the root "deportasi" bare and with a noun's affixes.
NOTES = {
    "nota-rapat.pdf": "Rapat koordinasi membahas anggaran deportasi tahun 2026 "
    "untuk Kantor Imigrasi Kelas I Denpasar.",
    "nota-biaya.pdf": "Biaya pendeportasian ditanggung oleh penjamin sesuai "
    "ketentuan yang berlaku.",
}
# What each language shows (written here, not read from the catalogue under test).
SHOWN = {
    "id": {
        "search": "Cari",
        "foreign national": "WNA",
        "official": "pejabat",
        "no subject": "tidak ada subjek",
        "locked": "Terlalu banyak",
        "zone": "WIB",
    },
    "en": {
        "search": "Search",
        "foreign national": "foreign national",
        "official": "official",
        "no subject": "no subject",
        "locked": "Too many failed sign-ins",
        "zone": "UTC",
    },
}


@pytest.fixture
def answers(workbench, tmp_path):
    """The workbench with the invented report, minutes and notes read by the real
    extractor, people resolved, and a user who is an administrator and an investigator."""
    from extractors.facts import extract_facts
    from storage import identity, repository, users
    from storage.engine import get_engine, session_for
    from tests.conftest import claim_and_save

    ids = {}
    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        run_id = repository.start_run(session, inputs=[str(tmp_path)]).id
        texts = {"laporan.pdf": REPORT, "notulen.pdf": MINUTES, **NOTES}
        for name, text in texts.items():
            ids[name] = claim_and_save(session, tmp_path / name, [text], run_id)
            extraction = extract_facts([(1, text)])
            repository.save_extraction(session, document_id=ids[name], extraction=extraction)
        identity.resolve(session)
        users.add_user(session, name="yusuf", role=["admin", "investigator"], password=WEB_PASSWORD)
    return ids


def served(workbench, language: str):
    zone = "Asia/Jakarta" if language == "id" else "UTC"
    settings = workbench.settings.model_copy(update={"language": language, "time_zone": zone})
    return serve_workbench(settings)


def codes(cell: str) -> str:
    """ "Tiongkok (CN)" -> "CN", "Bali (51)" -> "51"."""
    found = re.search(r"\(([^()]+)\)\s*$", cell.strip())
    return found.group(1) if found else cell.strip()


def count_table(page) -> dict[tuple[str, ...], tuple[int, int]]:
    rows = {}
    for row in page.locator("table.counts tr.count-row").all():
        cells = [c.inner_text() for c in row.locator("td").all()]
        values, documents, people = cells[:-3], cells[-3], cells[-2]
        rows[tuple(codes(v) for v in values)] = (int(documents), int(people))
    return rows


def result_count(page) -> int:
    found = re.match(r"\s*(\d+)", page.locator("p.count").inner_text())
    assert found, page.locator("p.count").inner_text()
    return int(found.group(1))


@pytest.mark.parametrize("language", ["id", "en"])
def test_web_browser_answers_counts_search_dossier_roles_deletion_throttle(
    language, answers, workbench, browser_page
):
    shown = SHOWN[language]
    page = browser_page
    with served(workbench, language) as base:
        # Two roles on one user: the administrator's pages and the investigator's.
        sign_in(page, base, "yusuf")
        assert page.locator("html").get_attribute("lang") == language
        nav = page.locator("header.topbar nav a")
        paths = {nav.nth(i).get_attribute("href") for i in range(nav.count())}
        assert {"/admin/users", "/search"} <= paths
        page.goto(f"{base}/search")
        assert page.locator("form.search button[type=submit]").inner_text() == shown["search"]

        # Counts per person, by hand (tests/test_linked_counts.py explains each one):
        # Chen and Wu are Chinese in Bali, Ormond Australian in Bali, the Vietnamese group
        # (no names) and Moriyama in West Nusa Tenggara; the notes place nobody.
        page.goto(f"{base}/xref/counts?by=nationality&by=region")
        assert count_table(page) == {
            ("CN", "51"): (1, 2),
            ("AU", "51"): (1, 1),
            ("VN", "52"): (1, 0),
            ("JP", "52"): (1, 1),
        }

        # A root word finds every form: dideportasi (report, minutes), deportasi,
        # pendeportasian; so does the prefix.
        for query in ("deportasi", "deport*"):
            page.goto(f"{base}/search")
            page.fill('input[name="q"]', query)
            page.click("form.search button[type=submit]")
            assert result_count(page) == 4, query
            marked = {m.lower() for m in page.locator("mark").all_inner_texts()}
            assert {"dideportasi", "deportasi", "pendeportasian"} <= marked, marked

        # Batch search: each line with its subjects and documents, or none.
        page.goto(f"{base}/search/batch")
        page.fill('textarea[name="names"]', "Chen Guoliang\nB. Ormond\nSiapa Saja Tidak Ada")
        page.click('#batch-form button[value="html"]')
        rows = page.locator("table.batch tbody tr")
        assert rows.count() == 3
        assert "Chen Guoliang" in rows.nth(0).inner_text()
        assert "Bradley Ormond" in rows.nth(1).inner_text()
        assert shown["no subject"] in rows.nth(2).inner_text()
        report_link = f"/documents/{answers['laporan.pdf']}"
        assert rows.nth(0).locator(f'a[href="{report_link}"]').count() == 1

        # Wu's dossier: his own place (Badung), none of Chen's incidents, no Gianyar.
        page.goto(f"{base}/subjects")
        page.click("a:has-text('Wu Haoran')")
        place_codes = [c.inner_text() for c in page.locator(".dossier .code").all()]
        assert place_codes == ["51.03"], place_codes
        assert page.locator("table.incidents tbody td[class^='status-']").count() == 0
        assert page.locator("ol.timeline li:not(.event-document)").count() == 0

        # The viewer's legend names each kind of fact in the page's language.
        page.goto(f"{base}{report_link}")
        legend = page.locator("ul.legend").inner_text()
        assert shown["foreign national"] in legend and shown["official"] in legend
        assert page.locator("ul.legend li").count() >= 8

        # Delete the report: it is gone from the page, the search, the counts and the batch.
        delete_document(workbench, answers["laporan.pdf"])
        response = page.goto(f"{base}{report_link}")
        assert response is not None and response.status == 404
        page.goto(f"{base}/search?q=deportasi")
        assert result_count(page) == 3
        page.goto(f"{base}/xref/counts?by=nationality&by=region")
        assert count_table(page) == {("VN", "52"): (1, 0), ("JP", "52"): (1, 1)}
        page.goto(f"{base}/search/batch")
        page.fill('textarea[name="names"]', "Chen Guoliang")
        page.click('#batch-form button[value="html"]')
        assert shown["no subject"] in page.locator("table.batch tbody").inner_text()
        page.click("#logout")

        # Throttled sign-in: after five wrong passwords the name is locked, and the page
        # says until when, in the server's zone.
        for _attempt in range(5):
            sign_in(page, base, "ayu", "bukan-sandi-ayu")
        sign_in(page, base, "ayu")
        message = page.locator("p.message.error").inner_text()
        assert shown["locked"] in message and shown["zone"] in message
        assert "/login" in page.url


def delete_document(workbench, document_id: int) -> None:
    """`pantau delete DOC_ID`, as an administrator runs it."""
    from typer.testing import CliRunner

    from pantau.cli import app

    environment = {
        "PANTAU_HOME": str(workbench.settings.home),
        "PANTAU_DATABASE_URL": workbench.settings.resolved_database_url,
    }
    result = CliRunner().invoke(app, ["delete", str(document_id)], env=environment)
    assert result.exit_code == 0, result.output

"""The investigators' whole workflow in a real browser, checked against the audit log.

Sign in, search, open a dossier, open a document from it and see the evidence drawn on
the page image, decide a review item, download exports; a user without the role is
refused; the administrator's audit page then shows every one of those actions.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import browser_sign_in as sign_in
from tests.conftest import build_subject_workbench

pytestmark = pytest.mark.browser
FULL_NAME = "Rowan Keith Walsby"


@pytest.fixture
def workbench(tmp_path):
    """The seeded workbench with resolved subjects (the live server serves this one)."""
    return build_subject_workbench(tmp_path, f"sqlite:///{tmp_path / 'web.db'}")


def audit_table(page, base_url: str, who: str) -> list[tuple[str, str, str]]:
    """(user, action, target) of every row the audit page shows for `who`."""
    page.goto(f"{base_url}/admin/audit?who={who}")
    rows = page.locator("table.audit tbody tr")
    found = []
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td").all_inner_texts()
        found.append((cells[1], cells[2], cells[3]))
    return found


def test_web_browser_workflow_search_dossier_evidence_review_export_audit(
    live_server, browser_page, workbench
):
    page, base = browser_page, live_server
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    seminyak = workbench.reports["laporan-seminyak.pdf"]
    subject_id = workbench.subject_id(FULL_NAME)

    sign_in(page, base, "dewi")
    assert page.url.endswith("/search")
    assert page.locator('nav a[href="/review"] .count-badge').inner_text() == "1"
    page.fill('input[name="q"]', "instruktur selancar")
    page.click('form.search button[type="submit"]')
    assert page.locator("mark", has_text="selancar").count() >= 1

    page.click('nav a[href="/subjects"]')
    page.click(f'a.subject-link[href="/subjects/{subject_id}"]')
    assert page.locator("#subject-name").inner_text() == FULL_NAME
    assert page.locator("tr[id^=mention-]").count() == 2

    page.click(f'a.document-link[href="/documents/{seminyak}"]')
    page.wait_for_function(
        "() => { const i = document.querySelector('#page-image'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    image = page.locator("#page-image").bounding_box()
    rects = page.locator("svg.boxes rect.kind-foreign_national")
    assert rects.count() >= 1
    box = rects.first.bounding_box()
    assert image and box and box["width"] > 0 and box["height"] > 0
    assert image["x"] <= box["x"] and box["x"] + box["width"] <= image["x"] + image["width"]
    assert image["y"] <= box["y"] and box["y"] + box["height"] <= image["y"] + image["height"]
    assert page.locator("pre.text mark.kind-foreign_national", has_text=FULL_NAME).count() == 1

    page.click('nav a[href="/review"]')
    assert "RKW" in page.locator(".pair").inner_text()
    page.click('form.decide button[value="same"]')
    page.wait_for_load_state()
    assert "Nothing waits for review" in page.content()
    assert page.locator("nav .count-badge").count() == 0

    page.click('nav a[href="/exports"]')
    with page.expect_download() as caught:
        page.click("#export-subjects-csv")
    download = caught.value
    assert download.suggested_filename.endswith("-subjects.csv")
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    merged = next(row for row in rows if row["name"] == FULL_NAME)
    assert merged["document_count"] == "3" and "RKW" in merged["names"]

    page.goto(f"{base}/subjects/{subject_id}")
    with page.expect_download() as caught:
        page.click("#dossier-json")
    dossier = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
    assert {m["name"] for m in dossier["mentions"]} == {FULL_NAME, "RKW"}
    page.click("#logout")

    sign_in(page, base, "rina")
    for path in ("/subjects", f"/subjects/{subject_id}", "/review", "/exports"):
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 403, path
        assert "Not allowed" in page.locator("h1").inner_text()
    page.click("#logout")

    sign_in(page, base, "ayu")
    events = audit_table(page, base, "dewi")
    expected = [
        ("dewi", "login", ""),
        ("dewi", "search", "instruktur selancar"),
        ("dewi", "view", f"subject:{subject_id}"),
        ("dewi", "view", f"document:{seminyak}"),
        ("dewi", "export", "subjects-csv"),
        ("dewi", "export", f"subject:{subject_id}"),
    ]
    for event in expected:
        assert event in events, (event, events)
    reviews = [e for e in events if e[1] == "review"]
    assert len(reviews) == 1 and reviews[0][2].startswith("review:")
    assert {e[0] for e in audit_table(page, base, "rina")} == {"rina"}
    assert [e for e in audit_table(page, base, "rina") if e[1] in ("view", "export")] == []
    assert blocked == []

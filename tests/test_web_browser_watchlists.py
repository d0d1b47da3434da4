"""End to end in a real browser: an investigator watches a name and a passport number, a
new batch brings a letter naming that man under another spelling with that number, the
alerts appear with their evidence and the badge, marking them seen clears the badge, and
the audit log lists every step."""

from __future__ import annotations

import pytest

from tests.conftest import browser_sign_in
from tests.test_watchlists import MEDAN, WATCHED, deliver

pytestmark = pytest.mark.browser


def sign_in(page, base_url: str, name: str) -> None:
    browser_sign_in(page, base_url, name)
    page.wait_for_url(lambda url: "/login" not in url)


def test_web_browser_watch_a_name_and_a_number_then_a_new_letter_raises_alerts(
    live_server, browser_page, workbench
):
    page = browser_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    sign_in(page, live_server, "dewi")
    page.goto(f"{live_server}/watches")
    page.select_option('#add-watch select[name="kind"]', "name")
    page.fill('#add-watch input[name="name"]', WATCHED)
    page.fill('#add-watch input[name="note"]', "DPO Polda Sumut")
    page.click('#add-watch button[type="submit"]')
    page.select_option('#add-watch select[name="kind"]', "number")
    page.fill('#add-watch input[name="number"]', "BK 447 1902")
    page.check('#add-watch input[name="shared"]')
    page.click('#add-watch button[type="submit"]')
    assert page.locator("table.watches td.watch-label").all_inner_texts() == [
        "BK4471902",
        WATCHED,
    ]
    # A new batch: the letter is read by the real extractor, resolved and screened.
    letter = deliver(workbench, "/masuk/surat-medan.pdf", MEDAN)
    page.goto(f"{live_server}/alerts")
    assert page.locator('nav a[href="/alerts"] .count-badge').inner_text() == "2"
    assert page.locator("li.alert.unseen").count() == 2
    assert page.locator("blockquote.evidence mark", has_text="Muhammad Rizwan Khan").count() == 2
    assert page.locator("blockquote.evidence mark", has_text="BK4471902").count() == 1
    assert page.locator(f'a[href="/documents/{letter}?page=1"]').count() == 2
    for _ in range(2):
        page.locator("button.mark-seen").first.click()
    assert page.locator('nav a[href="/alerts"] .count-badge').count() == 0
    assert page.locator("li.alert.unseen").count() == 0
    page.click("#logout")
    sign_in(page, live_server, "ayu")
    page.goto(f"{live_server}/admin/audit?user=dewi")
    actions = page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert {"watch_add", "view", "alert_seen"} <= set(actions)
    assert actions.count("watch_add") == 2 and actions.count("alert_seen") == 2
    assert blocked == []

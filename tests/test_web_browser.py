"""End to end in a real browser (Debian chromium via Playwright) against a live server."""

from __future__ import annotations

import pytest

from tests.conftest import browser_sign_in as sign_in

pytestmark = pytest.mark.browser


def test_web_browser_search_open_document_highlight_lines_up_and_logout(
    live_server, browser_page, workbench
):
    page = browser_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    sign_in(page, live_server, "dewi")
    assert page.url.endswith("/search")
    page.fill('input[name="q"]', "kafe Canggu")
    page.click('form.search button[type="submit"]')
    assert page.locator("mark", has_text="Canggu").count() == 1
    page.click(f'a[href="/documents/{workbench.letter_id}?page=1"]')
    page.wait_for_function(
        "() => { const i = document.querySelector('#page-image'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator("pre.text mark.kind-location", has_text="Canggu").count() == 1
    image = page.locator("#page-image").bounding_box()
    box = page.locator("rect.kind-location").first.bounding_box()
    assert image and box and box["width"] > 0 and box["height"] > 0
    natural = page.evaluate(
        "() => { const i = document.querySelector('#page-image'); "
        "return [i.naturalWidth, i.naturalHeight]; }"
    )
    # The rectangle sits where the stored word box is on the image as displayed.
    expected = expected_box(workbench, "Canggu", natural, image)
    for key in ("x", "y", "width", "height"):
        assert abs(box[key] - expected[key]) <= 1.5, (key, box, expected)
    page.click("#logout")
    assert "/login" in page.url
    page.goto(f"{live_server}/search")
    assert "/login" in page.url
    assert blocked == []


def expected_box(workbench, word: str, natural: list[int], image: dict) -> dict:
    """Where `word`'s stored box should appear, scaled from image pixels to the page."""
    from storage import repository
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        stored = repository.get_pages(session, document_id=workbench.letter_id)[0]
    found = next(w for w in stored.words if w["text"].startswith(word))
    scale_x, scale_y = image["width"] / natural[0], image["height"] / natural[1]
    return {
        "x": image["x"] + found["left"] * scale_x,
        "y": image["y"] + found["top"] * scale_y,
        "width": found["width"] * scale_x,
        "height": found["height"] * scale_y,
    }


def test_web_browser_user_without_the_role_gets_403(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "rina")
    response = page.goto(f"{live_server}/search?q=kafe")
    assert response is not None and response.status == 403
    assert "Not allowed" in page.locator("h1").inner_text()


def test_web_browser_facet_click_filters_and_chip_removes_it(
    xref_seed, live_server, browser_page, workbench
):
    page = browser_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    sign_in(page, live_server, "dewi")
    page.fill('input[name="q"]', "izin")
    page.click('form.search button[type="submit"]')
    assert page.locator("li.hit").count() == 4
    page.click('a.facet-value:has-text("Tiongkok (CN)")')
    assert page.locator("li.hit").count() == 2
    assert page.locator("a.chip", has_text="Nationality: Tiongkok (CN)").count() == 1
    # the filter controls beside the results belong to the query form
    page.select_option('select[name="kind"]', "minutes")
    page.click("button.apply")
    assert page.locator("li.hit").count() == 1
    assert "q=izin" in page.url and "nationality=CN" in page.url and "kind=minutes" in page.url
    page.click('a.chip:has-text("Nationality")')
    page.click('a.chip:has-text("Kind")')
    assert page.locator("li.hit").count() == 4
    page.goto(f"{live_server}/xref/counts?by=region&level=province")
    bars = page.locator("svg.bar rect.bar-fill")
    widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
    assert len(widths) == 3 and widths[2] > 0
    # Bali counts two documents, the other provinces one: half the bar
    assert abs(widths[0] - 2 * widths[1]) < 1 and abs(widths[1] - widths[2]) < 1
    assert blocked == []

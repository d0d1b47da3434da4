"""End to end in a real browser: an investigator watches a name and a passport number; a new
batch brings a letter that names the man under another spelling, taken by the rules for an
official (a factory head), with a copy of his passport on its second page; the alerts
appear with their evidence; she corrects his role to foreign national of Pakistan and adds
a missed place (the mother factory's city) by selecting its words; the corrections survive
`pantau extract --stale`, show in the exported annotations, and every step is audited."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from extractors.facts import extract_facts
from models.tables import Document
from pantau.cli import app
from storage import identity, repository, screening
from tests.conftest import browser_sign_in, document_result
from tests.test_watchlists import WATCHED, audit_actions, workbench_session
from tools.passport import passport_zone

pytestmark = pytest.mark.browser

# Own letter (invented). The rules read "Kepala Bagian Produksi" before the name as an
# official's title; the passport copy says who he is.
BELAWAN = """KANTOR IMIGRASI KELAS I TPI BELAWAN

Nomor    : W2.IMI.5-GR.04-3318
Hal      : Pemeriksaan perusahaan penanaman modal asing

Pada tanggal 8 Desember 2026 Tim Pengawasan Orang Asing memeriksa PT Sumber Jaya Plastindo \
di Jalan Pulau Batam Nomor 12, Kawasan Industri Medan. Kepala Bagian Produksi Mohammad \
Rizwan Khan menjelaskan bahwa perusahaan mempekerjakan 14 tenaga kerja lokal dan bahwa mesin \
dikirim dari pabrik induk di Faisalabad. Petugas \
menemukan bahwa izin tinggal terbatas yang bersangkutan telah berakhir sejak 2 November \
2026. Salinan paspor terlampir.
"""
MAN = "Mohammad Rizwan Khan"
PLACE = "Faisalabad"


def appendix() -> str:
    zone = passport_zone(
        country="PAK",
        surname="Khan",
        given_names="Muhammad Rizwan",
        number="BK4471902",
        birth="850214",
        sex="M",
        expiry="310101",
    )
    return "LAMPIRAN: SALINAN PASPOR\n\n" + "\n".join(zone) + "\n"


def deliver_pages(workbench, path: str, pages: list[str]) -> int:
    """A new two-page letter stored, extracted, resolved and screened as a batch does."""
    with workbench_session(workbench) as session:
        run_id = repository.start_run(session, inputs=[path]).id
        document, _ = repository.claim_document(
            session,
            path=path,
            sha256=hashlib.sha256("\f".join(pages).encode()).hexdigest(),
            size=sum(map(len, pages)),
            media_type="application/pdf",
            run_id=run_id,
        )
        result = document_result(path, document.sha256, list(pages))
        repository.save_result(session, document_id=document.id, result=result)
        texts = list(enumerate(pages, start=1))
        extraction = extract_facts(texts, document_date="2026-12-10")
        repository.save_extraction(session, document_id=document.id, extraction=extraction)
        identity.resolve(session)
        screening.screen(session)
        return document.id


def role_of(page, words: str) -> str:
    row = page.locator(
        "section.facts tbody tr", has=page.locator("td:nth-child(2)", has_text=words)
    )
    return row.first.get_attribute("class") or ""


def test_web_browser_alert_then_a_correction_that_survives_re_extraction_and_export(
    live_server, browser_page, workbench, tmp_path
):
    page = browser_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    browser_sign_in(page, live_server, "dewi")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/watches")
    page.select_option('#add-watch select[name="kind"]', "name")
    page.fill('#add-watch input[name="name"]', WATCHED)
    page.click('#add-watch button[type="submit"]')
    page.select_option('#add-watch select[name="kind"]', "number")
    page.fill('#add-watch input[name="number"]', "BK4471902")
    page.click('#add-watch button[type="submit"]')

    letter = deliver_pages(workbench, "/masuk/belawan.pdf", [BELAWAN, appendix()])
    page.goto(f"{live_server}/alerts")
    assert page.locator('nav a[href="/alerts"] .count-badge').inner_text() == "2"
    evidence = page.locator("blockquote.evidence").all_inner_texts()
    assert any("BK4471902" in text for text in evidence)

    # The letter's first page: the rules took him for an official.
    page.goto(f"{live_server}/documents/{letter}?page=1")
    assert "kind-official" in role_of(page, MAN)
    row = page.locator("section.facts tbody tr.kind-official", has_text=MAN)
    row.locator("td.correct summary").click()
    form = row.locator("form.role-form")
    form.locator('select[name="kind"]').select_option("foreign_national")
    form.locator('input[name="nationality"]').fill("Pakistan")
    form.locator('input[name="reason"]').fill("Paspor Pakistan terlampir di halaman 2")
    form.locator('button[type="submit"]').click()
    page.wait_for_url(lambda url: "corrected=" in url)
    assert "kind-foreign_national" in role_of(page, MAN)
    made = page.locator("section.corrections tr.correction").first
    assert "(PK)" in made.inner_text() and "Paspor Pakistan" in made.inner_text()

    # A missed place, added by selecting its words in the page text.
    places = page.locator("section.facts tbody tr.kind-location td:nth-child(2)")
    assert PLACE not in places.all_inner_texts()
    page.evaluate(
        """(words) => {
            for (const piece of document.querySelectorAll('.text-blocks [data-at]')) {
                const node = piece.firstChild;
                const at = node && node.textContent.indexOf(words);
                if (node && at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    const selection = document.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
        }""",
        PLACE,
    )
    page.wait_for_function("document.getElementById('add-start').value !== ''")
    offset = BELAWAN.index(PLACE)
    assert page.input_value("#add-start") == str(offset)
    assert page.input_value("#add-end") == str(offset + len(PLACE))
    assert page.input_value("#add-words") == PLACE
    page.select_option("#add-kind", "location")
    page.fill("#add-reason", "Lokasi pemeriksaan")
    page.click('#add-fact button[type="submit"]')
    page.wait_for_url(lambda url: "corrected=" in url)
    assert PLACE in places.all_inner_texts()

    # A new pipeline version extracts the letter again: the corrections hold.
    with workbench_session(workbench) as session:
        stored = session.get(Document, letter)
        stored.extractor = "older-pipeline"
        session.add(stored)
        session.commit()
    runner = CliRunner()
    url = workbench.settings.resolved_database_url
    result = runner.invoke(app, ["extract", "--stale", "--db", url])
    assert result.exit_code == 0, result.output
    assert f"#{letter}:" in result.output
    page.reload()
    assert "kind-foreign_national" in role_of(page, MAN)
    assert PLACE in places.all_inner_texts()

    # The corrected letter is exported as a gold file with its corrections.
    out = tmp_path / "gold"
    result = runner.invoke(
        app, ["export", "--format", "annotations", "--corrected", "--out", str(out), "--db", url]
    )
    assert result.exit_code == 0, result.output
    (gold,) = out.glob("*.json")
    data = json.loads(gold.read_text())
    assert {f["name"]: f["nationality"] for f in data["foreigners"]}.get(MAN) == "PK"
    assert MAN not in data["officials"]
    assert [c["author"] for c in data["corrections"]] == ["dewi", "dewi"]

    actions = audit_actions(workbench, "dewi")
    assert actions.count("watch_add") == 2 and actions.count("correct") == 2
    assert "view" in actions
    page.click("#logout")
    browser_sign_in(page, live_server, "ayu")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}/admin/audit")
    shown = page.locator("table tbody tr td:nth-child(3)").all_inner_texts()
    assert {"correct", "extract", "cli_export", "watch_add"} <= set(shown)
    assert blocked == []

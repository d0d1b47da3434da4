"""The paperwork set holds together: sources, answer key, gold files, renderings, photo scans.

What is checked here does not depend on how well Pantau extracts: the builder is
deterministic, every document has its answer key and gold file and they agree with each
other and with the source text, tables are real tables, and the phone-photo profile of the
scan simulator is reproducible and changes the page's geometry. How well Pantau reads the
set is measured by `benchmarks/paperwork.py`.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import docx
import numpy as np
import pdfplumber
import pytesseract
import pytest

from extractors.nlp.incidents import LABELS
from extractors.textdocs import read_html
from tools import make_paperwork, scansim
from tools.make_paperwork import PAPERS, Paper

EXPECTED = make_paperwork.read_expected()
BY_STEM = {paper.stem: paper for paper in PAPERS}
LETTER = "^ KANTOR CONTOH\n---\n\nNomor : 1/2/2026\n\nIsi surat singkat tentang orang asing.\n"


def source_text(stem: str) -> str:
    return make_paperwork.plain_text(make_paperwork.read_source(stem))


def paper(stem: str) -> Paper:
    return BY_STEM[stem]


def test_paperwork_every_document_has_source_answer_key_and_gold() -> None:
    gold = {p.stem for p in make_paperwork.GOLD_DIR.glob("*.json")}
    assert len(PAPERS) >= 10
    assert set(make_paperwork.source_stems()) == set(BY_STEM) == set(EXPECTED) == gold


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_paperwork_gold_file_is_the_answer_key_in_the_gold_schema(stem: str) -> None:
    path = make_paperwork.GOLD_DIR / f"{stem}.json"
    assert path.read_text(encoding="utf-8") == make_paperwork.gold_json(EXPECTED[stem])
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert gold["doc_id"] == stem
    assert set(gold) <= set(make_paperwork.GOLD_FIELDS)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_paperwork_names_and_passports_of_the_answer_key_occur_in_the_source(stem: str) -> None:
    text = source_text(stem)
    entry = EXPECTED[stem]
    for person in entry["foreigners"]:
        for written in [person.get("name"), *person.get("aliases", []), person.get("passport")]:
            assert written is None or written in text, (stem, written)
    for name in entry["officials"] + entry["other_persons"]:
        assert name in text, (stem, name)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_paperwork_answer_key_is_consistent(stem: str) -> None:
    entry = EXPECTED[stem]
    people = entry["foreigners"]
    assert entry["doc_id"] == stem
    assert entry["kind"] == entry["document"]["kind"] == paper(stem).kind
    assert set(entry["incidents"]) <= set(LABELS)
    for person in people:
        assert set(person["incidents"]) <= set(entry["incidents"]), (stem, person)
        assert person["name"] is None or person["count"] == 1
        assert person["name"] is None or "passport" not in person or person["passport"]
    assert set(entry["nationalities"]) == {p["nationality"] for p in people} - {None}
    assert not {n.casefold() for n in entry["officials"]} & {
        p["name"].casefold() for p in people if p["name"]
    }


def test_paperwork_set_covers_the_document_kinds_and_formats() -> None:
    kinds = {p.kind for p in PAPERS}
    assert {"report", "letter", "bap", "minutes", "warrant", "memo", "attachment"} <= kinds
    assert {p.native for p in PAPERS} == {"pdf", "docx", "html"}
    warrant = next(EXPECTED[p.stem] for p in PAPERS if p.kind == "warrant")
    assert warrant["foreigners"] == [] and warrant["officials"]
    attachment = next(EXPECTED[p.stem] for p in PAPERS if p.kind == "attachment")
    assert attachment["foreigners"] and all(p["name"] is None for p in attachment["foreigners"])


def test_paperwork_builder_is_deterministic(tmp_path: Path) -> None:
    first = make_paperwork.build(tmp_path / "a", ["text", "digital"])
    second = make_paperwork.build(tmp_path / "b", ["text", "digital"])
    assert len(first) == 2 * len(PAPERS)
    for one, two in zip(first, second, strict=True):
        assert one.name == two.name
        assert one.read_bytes() == two.read_bytes(), one.name


def test_paperwork_operation_report_table_runs_over_two_pages() -> None:
    report = next(p for p in PAPERS if p.kind == "report")
    data = make_paperwork.digital_pdf_bytes(report)
    names = [p["name"] for p in EXPECTED[report.stem]["foreigners"] if p["name"]]
    assert 10 <= len(names) <= 14
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 2
        tables = [page.extract_tables() for page in pdf.pages]
    rows = [row for page in tables for table in page for row in table]
    cells = [" ".join((cell or "").split()) for row in rows for cell in row]
    assert all(tables), "a ruled table on each page"
    assert cells.count("Kewarganegaraan") == 2, "the heading repeats on the second page"
    assert all(name in cells for name in names)


def test_paperwork_docx_letter_holds_a_word_table() -> None:
    letter = next(p for p in PAPERS if p.native == "docx")
    document = docx.Document(io.BytesIO(make_paperwork.docx_bytes(letter)))
    assert len(document.tables) == 1
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    passports = [p["passport"] for p in EXPECTED[letter.stem]["foreigners"]]
    assert [row[3] for row in rows[1:]] == passports


def test_paperwork_html_page_holds_a_table(tmp_path: Path) -> None:
    page = next(p for p in PAPERS if p.native == "html")
    path = tmp_path / f"{page.stem}.html"
    path.write_text(make_paperwork.html_text(page), encoding="utf-8")
    markup = path.read_text(encoding="utf-8")
    assert markup.count("<table") == 1 and markup.count("<tr>") == 6
    text = read_html(path)[0]
    assert all(p["name"] in text for p in EXPECTED[page.stem]["foreigners"])
    assert "Beranda" not in text  # the site's navigation is not part of the document


def test_paperwork_plain_text_keeps_table_rows_as_cells() -> None:
    marked = "^ JUDUL\n---\n| No | Nama |\n| 1 | LI WEI |\n\nPenutup.\n"
    assert make_paperwork.plain_text(marked) == "JUDUL\nNo | Nama\n1 | LI WEI\n\nPenutup.\n"
    items = make_paperwork.split_items(marked)
    assert [getattr(i, "kind", None) for i in items] == ["title", "rule", "table", "blank", "para"]


def test_scansim_photo_profile_is_deterministic_and_changes_geometry() -> None:
    page = scansim.render_pages(LETTER, dpi=100)[0]
    first = np.asarray(scansim.degrade(page, "photo", seed=3))
    again = np.asarray(scansim.degrade(page, "photo", seed=3))
    other = np.asarray(scansim.degrade(page, "photo", seed=4))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)
    # The page no longer fills the picture: the desk shows in every corner.
    h, w = first.shape[:2]
    for y, x in ((1, 1), (1, w - 2), (h - 2, 1), (h - 2, w - 2)):
        assert first[y, x].mean() < 150, (y, x)
    assert first[h // 2, w // 2].mean() > 150  # the middle is still paper
    # Without any skew the letterhead rule is still tilted: the page is seen in perspective.
    level = dataclasses.replace(scansim.PROFILES["photo"], skew_max=0.0)
    gray = np.asarray(scansim.degrade(page, level, seed=3)).mean(axis=2)
    ends = [int(np.argmin(gray[h // 20 : h // 3, x])) for x in (w // 4, 3 * w // 4)]
    assert abs(ends[0] - ends[1]) >= 3, ends


def test_scansim_photo_profile_leaves_the_other_profiles_alone() -> None:
    for name, profile in scansim.PROFILES.items():
        if name != "photo":
            assert profile.perspective == 0 and profile.lighting == 0, name


@pytest.mark.slow
def test_paperwork_scans_are_deterministic_and_photos_still_read(tmp_path: Path) -> None:
    """One single-page document through every scan profile, twice; the photo is OCR'd."""
    attachment = next(p for p in PAPERS if p.kind == "attachment")
    first = make_paperwork.build(tmp_path / "a", make_paperwork.SCAN_FORMATS, [attachment])
    second = make_paperwork.build(tmp_path / "b", make_paperwork.SCAN_FORMATS, [attachment])
    for one, two in zip(first, second, strict=True):
        assert one.read_bytes() == two.read_bytes(), one
    photo = next(p for p in first if p.parent.name == "photo")
    with pdfplumber.open(photo) as pdf:
        assert pdf.pages[0].extract_text() == ""  # image only
    image = make_paperwork.render_pdf(photo.read_bytes(), dpi=200)[0]
    text = pytesseract.image_to_string(image, lang="ind+eng")
    for word in ("REKAPITULASI", "Bangladesh", "Teuku Rizky Ananda", "Dumai"):
        assert word in text, word


HELDOUT = make_paperwork.read_expected(make_paperwork.HELDOUT_DIR)


def test_heldout_set_has_source_answer_key_gold_and_metadata_for_every_document() -> None:
    folder = make_paperwork.HELDOUT_DIR
    sources = {p.stem for p in folder.glob("*.txt")}
    gold = {p.stem for p in (folder / "gold").glob("*.json")}
    papers = {p.stem for p in make_paperwork.heldout_papers()}
    assert len(sources) >= 20
    assert sources == set(HELDOUT) == gold == papers


@pytest.mark.parametrize("stem", sorted(HELDOUT))
def test_heldout_gold_is_its_answer_key_and_names_occur_in_the_source(stem: str) -> None:
    gold = make_paperwork.HELDOUT_DIR / "gold" / f"{stem}.json"
    assert gold.read_text(encoding="utf-8") == make_paperwork.gold_json(HELDOUT[stem])
    text = " ".join(make_paperwork.plain_text(make_paperwork.read_source(stem)).split())
    entry = HELDOUT[stem]
    for person in entry["foreigners"]:
        for written in [person.get("name"), *person.get("aliases", []), person.get("passport")]:
            assert written is None or written in text, (stem, written)
        assert set(person["incidents"]) <= set(entry["incidents"]), stem
    for name in entry["officials"] + entry["other_persons"]:
        assert name in text, (stem, name)

"""Facts from page text: every fact on the right page, at the right characters, with evidence."""

from __future__ import annotations

import pytest

from extractors.facts import chunk_pages, document_kind, extract_facts, extractor_version
from models.records import FactKind

SURAT_HAL_1 = (
    "KANTOR IMIGRASI KELAS II TPI MAUMERE\n"
    "Nomor   : W27.IMI.3-GR.01.01-0912\n"
    "Perihal : Laporan pengawasan orang asing\n\n"
    "Maumere, 4 Februari 2026\n\n"
    "Pada hari Senin, 2 Februari 2026, petugas mengamankan seorang warga negara Filipina "
    "bernama Ramon Dela Cruz (41) di Kecamatan Alok, Kabupaten Sikka."
)
SURAT_HAL_2 = (
    "Yang bersangkutan tinggal melebihi izin tinggal sejak Desember 2025 dan akan "
    "dideportasi ke Manila.\n\n"
    "Kepala Kantor Imigrasi Kelas II TPI Maumere,\n\nYohanes Bata Lamak\nNIP 19750310 200003 1 001"
)


@pytest.fixture(scope="module")
def extraction():
    return extract_facts([(1, SURAT_HAL_1), (2, SURAT_HAL_2)])


def of_kind(extraction, kind: FactKind):
    return [fact for fact in extraction.facts if fact.kind is kind]


def test_facts_point_at_their_page_and_characters(extraction) -> None:
    pages = {1: SURAT_HAL_1, 2: SURAT_HAL_2}
    assert extraction.facts
    for fact in extraction.facts:
        written = pages[fact.page][fact.start : fact.end]
        assert " ".join(written.split()) == fact.text, fact
        assert fact.text in fact.sentence or fact.kind is FactKind.NATIONALITY


def test_facts_name_the_foreigner_and_the_official_apart(extraction) -> None:
    foreigners = of_kind(extraction, FactKind.FOREIGN_NATIONAL)
    ramon = next(f for f in foreigners if f.value == "Ramon Dela Cruz")
    assert (ramon.page, ramon.attributes["nationality"], ramon.attributes["age"]) == (1, "PH", 41)
    assert "Filipina" in ramon.sentence and ramon.method == "rule:people"
    officials = [f.value for f in of_kind(extraction, FactKind.OFFICIAL)]
    assert "Yohanes Bata Lamak" in officials
    assert "Yohanes Bata Lamak" not in [f.value for f in foreigners]


def test_facts_on_the_second_page_use_the_first_pages_date(extraction) -> None:
    assert extraction.document_date == "2026-02-04"
    incidents = {
        (f.value, f.attributes["status"], f.page) for f in of_kind(extraction, FactKind.INCIDENT)
    }
    assert ("arrest", "reported", 1) in incidents
    assert ("deportation", "planned", 2) in incidents
    assert ("overstay", "reported", 2) in incidents
    dates = {f.value for f in of_kind(extraction, FactKind.DATE)}
    assert {"2026-02-02", "2026-02-04"} <= dates


def test_facts_keep_region_codes_and_document_metadata(extraction) -> None:
    places = {f.text: f for f in of_kind(extraction, FactKind.LOCATION)}
    sikka = places["Kabupaten Sikka"]
    assert sikka.method == "gazetteer:wilayah" and sikka.value.startswith("53.")
    assert sikka.attributes["province"] == "Nusa Tenggara Timur"
    assert "Maumere" not in {f.text for f in of_kind(extraction, FactKind.LOCATION) if f.start < 40}
    assert extraction.kind == "letter"
    assert extraction.extractor == extractor_version() and extraction.words > 50


def test_facts_carry_the_ocr_boxes_of_their_words() -> None:
    text = "Petugas mengamankan dua WNA asal Laos."
    words, offset = [], 0
    for i, word in enumerate(text.split()):
        offset = text.index(word, offset)
        words.append(
            {"text": word, "left": 100 * i, "top": 50, "width": 90, "height": 30, "start": offset}
        )
        offset += len(word)
    extraction = extract_facts([(1, text)], words={1: words})
    incident = next(f for f in extraction.facts if f.kind is FactKind.INCIDENT)
    assert incident.boxes == [[100, 50, 90, 30]]  # "mengamankan", the second word
    group = next(f for f in extraction.facts if f.kind is FactKind.FOREIGN_NATIONAL)
    assert [box[0] for box in group.boxes] == [200, 300, 400, 500][: len(group.boxes)]


def test_facts_from_pages_read_in_chunks_keep_their_offsets() -> None:
    pages = [(n, f"Halaman {n}: WNA asal Jepang diamankan di Kota Kupang.") for n in (1, 2, 3)]
    chunks = list(chunk_pages(pages, limit=60))
    assert [c.numbers for c in chunks] == [[1], [2], [3]]
    joined = list(chunk_pages(pages))
    assert len(joined) == 1 and joined[0].locate(60, 65)[0] == 2


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Nomor : B-12/KSB/2026\nLampiran : -\nPerihal : Undangan rapat\n\nYth. Bupati", "letter"),
        ("NOTULEN RAPAT TIMPORA\nHari/Tanggal : Selasa\nPimpinan Rapat : Kakanim", "minutes"),
        ("KUPANG, Warta Flores - Petugas imigrasi mendeportasi dua WNA.", "news"),
        ("   \n", None),
    ],
)
def test_facts_document_kind_from_its_layout(text: str, kind: str | None) -> None:
    assert document_kind(text) == kind


def test_facts_of_an_empty_document_are_none() -> None:
    extraction = extract_facts([(1, ""), (2, "  \n")])
    assert extraction.facts == [] and extraction.kind is None


PROSA = (
    "Petugas Kantor Imigrasi Kelas II TPI Maumere mengamankan seorang warga negara\n"
    "Filipina bernama Ramon Dela Cruz di sebuah penginapan di Kecamatan Alok pada pagi\n"
    "hari.\n"
)


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        (PROSA, ["negara Filipina", "pagi hari"]),
        (
            "KANTOR IMIGRASI KELAS II TPI MAUMERE DAN PEMASYARAKATAN WILAYAH NTT\n" + PROSA,
            ["negara Filipina"],
        ),
        (
            "Nomor    : W27.IMI.3-GR.01.01-0912 tentang pengawasan orang asing di Sikka:\n" + PROSA,
            ["negara Filipina"],
        ),
    ],
)
def test_facts_reflow_joins_wrapped_prose_and_keeps_offsets(text: str, joined: list[str]) -> None:
    from extractors.facts import reflow

    flowed = reflow(text)
    assert len(flowed) == len(text)
    for phrase in joined:
        assert phrase in flowed
    first_line = text.split("\n")[0]
    if first_line.isupper() or first_line.endswith(":"):
        assert flowed.startswith(first_line + "\n"), "headers and field labels keep their line"


def test_facts_reflow_keeps_lists_and_short_lines() -> None:
    from extractors.facts import reflow

    text = (
        "Hadir dalam rapat koordinasi tersebut perwakilan dari instansi berikut ini, yaitu:\n"
        "1. Kantor Imigrasi Kelas II TPI Maumere yang diwakili oleh Kepala Seksi Inteldakim\n"
        "2. Polres Sikka\n"
        "Pimpinan Rapat : Yohanes Bata Lamak, Kepala Kantor Imigrasi Kelas II TPI Maumere\n"
        "Notulis        : Maria Florentina Dua\n"
        "Maumere, 4 Februari 2026\n"
        "Yohanes Bata Lamak\n"
    )
    assert reflow(text) == text


def test_facts_reflow_keeps_a_letters_own_lines_apart() -> None:
    from extractors.facts import reflow

    text = (
        "Bersama ini kami sampaikan laporan pemeriksaan terhadap seorang warga negara asing.\n"
        "Hal : Laporan Pelanggaran Izin Tinggal WN Belanda a.n. Pieter Janssen van Dijk\n"
        "Singaraja, 27 November 2026\n"
        "Yth. Kepala Kantor Wilayah Direktorat Jenderal Imigrasi Bali di Denpasar yang baru\n"
        "Dengan hormat,\n"
        "Kami laporkan bahwa pada hari Senin telah datang seorang orang asing ke kantor kami.\n"
    )
    assert reflow(text) == text


def test_facts_reflow_a_paragraph_after_a_blank_line_stays_apart() -> None:
    from extractors.facts import reflow

    address = "Kepala Kantor Wilayah Kementerian Imigrasi dan Pemasyarakatan Kepulauan Riau"
    body = (
        "Sehubungan dengan hasil pengawasan orang asing pada tanggal 2 November 2026, kami\n"
        "sampaikan bahwa seorang warga negara Singapura telah dideportasi melalui Batam.\n"
    )
    text = "Kepada Yth.\n" + address + "\n\n" + body
    assert reflow(text).startswith("Kepada Yth.\n" + address + "\n\nSehubungan")
    # A sentence broken by a blank line (a hanging indent read as a new block) is joined.
    broken = (
        "Petugas imigrasi memeriksa dokumen perjalanan milik seorang warga negara Filipina\n\n"
        "bernama Ramon Dela Cruz di sebuah penginapan di Kecamatan Alok pada pagi hari ini.\n"
        "Ia kemudian dibawa ke kantor imigrasi untuk diperiksa lebih lanjut oleh petugas.\n"
    )
    assert "Filipina  bernama" in reflow(broken)

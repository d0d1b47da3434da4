"""People from tables and forms: one person per row or block (records, then people)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FakeOcr, blank_pipeline, write_table_docx, write_table_html, write_table_pdf

from extractors import intake
from extractors.annotations import build_annotation
from extractors.facts import extract_facts
from extractors.nlp import records
from extractors.nlp.gazetteer import data_path
from extractors.pipeline import read_document
from models.records import ExtractionResult, FactKind

OPENING = (
    "KANTOR IMIGRASI KELAS I TPI NGURAH RAI\n"
    "Nomor : W20.IMI.1-GR.02.03-1187\n"
    "Perihal : Laporan Hasil Operasi Pengawasan Orang Asing\n\n"
    "Denpasar, 12 Januari 2026\n\n"
    "Pada hari Kamis, 8 Januari 2026, Tim Pengawasan Orang Asing melaksanakan operasi "
    "gabungan di wilayah Kabupaten Badung. Dari hasil operasi tersebut ditemukan orang asing "
    "sebagai berikut:"
)
CLOSING = (
    "Terhadap keempat orang asing tersebut telah dilakukan pemeriksaan lebih lanjut.\n\n"
    "Kepala Seksi Intelijen dan Penindakan Keimigrasian,\n\n"
    "Gede Arya Wiratama\n"
    "NIP 19800412 200312 1 002"
)
TABLE = [
    ["No", "Nama", "Kewarganegaraan", "No. Paspor", "Pelanggaran"],
    ["1", "KOWALSKI PIOTR ANDRZEJ", "Polandia", "E1234567", "Overstay"],
    [
        "2",
        "Ahmed bin Rashid Al Mansouri",
        "Uni Emirat Arab",
        "P7730415",
        "Penyalahgunaan izin tinggal",
    ],
    ["3", "Nguyen Van Thanh", "Vietnam", "C4471920", "Bekerja tanpa izin"],
    ["4", "Marisol Quintero Ruiz", "Kolombia", "AT9928174", "Overstay"],
]
FOUR = {
    "KOWALSKI PIOTR ANDRZEJ": ("PL", "E1234567", ["overstay"]),
    "Ahmed bin Rashid Al Mansouri": ("AE", "P7730415", ["permit_misuse"]),
    "Nguyen Van Thanh": ("VN", "C4471920", ["illegal_work"]),
    "Marisol Quintero Ruiz": ("CO", "AT9928174", ["overstay"]),
}


def rows(table: list[list[str]], joiner: str = " | ") -> list[str]:
    return [joiner.join(cells) for cells in table]


def report_pages(name: str) -> list[tuple[int, str]]:
    """The operation report written as one kind of table."""
    pipes = rows(TABLE)
    if name == "pipes":
        return [(1, "\n".join([OPENING, *pipes, "", CLOSING]))]
    if name == "tabs":
        return [(1, "\n".join([OPENING, *rows(TABLE, "\t"), "", CLOSING]))]
    if name == "bordered":
        bordered = [f"| {line} |" for line in pipes]
        return [
            (
                1,
                "\n".join(
                    [OPENING, bordered[0], "|---|---|---|---|---|", *bordered[1:], "", CLOSING]
                ),
            )
        ]
    if name == "aligned":  # columns set with spaces, as a text layer or a typed report
        widths = [max(len(row[c]) for row in TABLE) + 2 for c in range(len(TABLE[0]))]
        lines = [
            "   " + "".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            for row in TABLE
        ]
        return [(1, "\n".join([OPENING, "", *lines, "", CLOSING]))]
    if name == "two-pages":
        return [
            (1, "\n".join([OPENING, *pipes[:3]])),
            (2, "\n".join(["- 2 -", *pipes[3:], "", CLOSING])),
        ]
    if name == "two-pages-header-repeated":
        return [
            (1, "\n".join([OPENING, *pipes[:2]])),
            (2, "\n".join([pipes[0], *pipes[2:], "", CLOSING])),
        ]
    raise ValueError(name)


def foreigners(extraction: ExtractionResult) -> dict[str, tuple]:
    """Foreign nationals by name: nationality, passport, incidents."""
    return {
        f.value: (
            f.attributes.get("nationality"),
            f.attributes.get("passport"),
            f.attributes.get("incidents", []),
        )
        for f in extraction.facts
        if f.kind is FactKind.FOREIGN_NATIONAL
    }


def names(extraction: ExtractionResult, kind: FactKind) -> list[str]:
    return [f.value for f in extraction.facts if f.kind is kind and f.value]


@pytest.mark.parametrize(
    "layout", ["pipes", "tabs", "bordered", "aligned", "two-pages", "two-pages-header-repeated"]
)
def test_nlp_records_table_gives_one_foreigner_per_row(layout: str) -> None:
    extraction = extract_facts(report_pages(layout))
    assert foreigners(extraction) == FOUR
    assert names(extraction, FactKind.OTHER_PERSON) == []
    assert names(extraction, FactKind.OFFICIAL) == ["Gede Arya Wiratama"]
    passports = {f.value for f in extraction.facts if f.kind is FactKind.IDENTIFIER}
    assert {p for _, p, _ in FOUR.values()} <= passports
    annotation = build_annotation("laporan", extraction.facts)
    assert sorted(f["name"] for f in annotation["foreigners"]) == sorted(FOUR)
    assert annotation["nationalities"] == ["AE", "CO", "PL", "VN"]


@pytest.mark.parametrize("layout", ["pipes", "aligned", "two-pages"])
def test_nlp_records_rows_keep_their_cells(layout: str) -> None:
    nlp = blank_pipeline("sentencizer", "records")
    doc = nlp("\n\n".join(text for _, text in report_pages(layout)))
    records = doc._.records
    assert [r.kind for r in records] == ["row"] * 4
    assert len({r.group for r in records}) == 1
    cells = [{k: doc.text[s:e] for k, (s, e) in r.fields.items()} for r in records]
    assert cells[1] == dict(
        zip(["number", "name", "nationality", "passport", "violation"], TABLE[2], strict=True)
    )
    assert {s.label_ for s in doc.spans["record_field"]} == {
        "number",
        "name",
        "nationality",
        "passport",
        "violation",
    }


def test_nlp_records_aligned_columns_hold_a_tight_cell_and_an_empty_one() -> None:
    nlp = blank_pipeline("sentencizer", "records")
    text = (
        "Daftar orang asing yang didata:\n\n"
        "No  Nama                Kebangsaan  No. Paspor  Keterangan\n"
        "1   MARIA ELENA VARGAS  Meksiko     G41288571   overstay 20 hari\n"
        "2   TOMASZ NOWAK       Polandia    EK7718230\n"
        "3   ANDERSSON ERIK JOHAN Swedia    91822741    bekerja tanpa izin\n\n"
        "Demikian laporan ini   dibuat   dengan  sebenarnya.\n"
    )
    doc = nlp(text)
    rows = [{k: doc.text[s:e] for k, (s, e) in r.fields.items()} for r in doc._.records]
    names = ["MARIA ELENA VARGAS", "TOMASZ NOWAK", "ANDERSSON ERIK JOHAN"]
    assert [r["name"] for r in rows] == names  # the prose after the table is no row
    assert rows[1]["passport"] == "EK7718230" and "action" not in rows[1]
    # The third row's cells run over their column edges; each cut moves to a word's end.
    assert (rows[2]["nationality"], rows[2]["passport"]) == ("Swedia", "91822741")
    assert rows[2]["action"] == "bekerja tanpa izin"


def test_nlp_records_fields_joined_by_semicolons_make_one_block_per_item() -> None:
    nlp = blank_pipeline("sentencizer", "records")
    text = (
        "Tenaga kerja asing yang diperiksa, yaitu:\n"
        "a. Nama: WONG KAR FAI; Kewarganegaraan: Hong Kong; Nomor Paspor: K77120934;\n"
        "b. Nama: LIM SWEE HOCK; Kewarganegaraan: Singapura; Jabatan: manajer gudang.\n"
    )
    doc = nlp(text)
    blocks = [{k: doc.text[s:e] for k, (s, e) in r.fields.items()} for r in doc._.records]
    assert [(b["name"], b["nationality"]) for b in blocks] == [
        ("WONG KAR FAI", "Hong Kong"),
        ("LIM SWEE HOCK", "Singapura"),
    ]
    assert blocks[0]["passport"] == "K77120934"


def test_nlp_records_indonesian_row_is_not_a_foreign_national() -> None:
    text = (
        "Hasil pemeriksaan di sebuah vila di Kecamatan Kuta Utara:\n"
        "No | Nama | L/P | Umur | Kewarganegaraan | Keterangan\n"
        "1 | HASSAN Omar Farouk | L | 38 | Mesir | Overstay 40 hari\n"
        "2 | Siti Rahmawati | P | 31 | Indonesia | Istri, penjamin\n"
        "3 | Wayan Sudarsana | L | 45 | WNI | Pemilik vila\n"
        "| Jumlah | | | | 3 orang\n"
    )
    extraction = extract_facts([(1, text)])
    assert foreigners(extraction) == {"HASSAN Omar Farouk": ("EG", None, ["overstay"])}
    hassan = next(f for f in extraction.facts if f.value == "HASSAN Omar Farouk")
    assert (hassan.attributes["age"], hassan.attributes["sex"]) == (38, "L")
    assert sorted(names(extraction, FactKind.OTHER_PERSON)) == ["Siti Rahmawati", "Wayan Sudarsana"]


LETTER = (
    "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA\n"
    "KANTOR IMIGRASI KELAS I TPI DENPASAR\n"
    "Nomor : W20.IMI.2-GR.04.01-0455\n"
    "Sifat : Segera\n"
    "Perihal : Pemberitahuan Pendeportasian Orang Asing\n\n"
    "Denpasar, 20 Februari 2026\n\n"
    "Dengan hormat, bersama ini kami sampaikan bahwa telah dilakukan Tindakan Administratif "
    "Keimigrasian berupa pendeportasian terhadap orang asing dengan identitas sebagai berikut:\n\n"
    "1. Nama lengkap : Friedrich Wilhelm Brandt\n"
    "2. Tempat/Tgl lahir : Hamburg, 14-03-1979\n"
    "3. Kewarganegaraan : Jerman\n"
    "4. Nomor paspor : C7KL29M4X\n"
    "5. Pekerjaan : Konsultan\n"
    "6. Sponsor : PT Bumi Lestari Nusantara\n\n"
    "Yang bersangkutan terbukti melakukan penyalahgunaan izin tinggal dan telah dideportasi "
    "pada tanggal 18 Februari 2026 melalui Bandara I Gusti Ngurah Rai. {director}\n\n"
    "Kepala Kantor Imigrasi Kelas I TPI Denpasar,\n\n"
    "Ratna Dewi Anggraini\n"
    "NIP 19760821 199803 2 001"
)
DIRECTORS = {
    "prose": (
        "Penjamin orang asing tersebut, Direktur PT Bumi Lestari Nusantara, Hendra "
        "Kusumawardana, telah dipanggil untuk dimintai keterangan."
    ),
    "form": (
        "Penjamin yang dipanggil untuk dimintai keterangan:\n"
        "Nama Penjamin : Hendra Kusumawardana\n"
        "Jabatan : Direktur PT Bumi Lestari Nusantara\n"
        "Alamat : Jalan Teuku Umar Nomor 17, Denpasar"
    ),
}


@pytest.mark.parametrize("director", sorted(DIRECTORS))
def test_nlp_records_form_block_gives_the_foreigner_not_the_birthplace(director: str) -> None:
    extraction = extract_facts([(1, LETTER.format(director=DIRECTORS[director]))])
    assert foreigners(extraction) == {
        "Friedrich Wilhelm Brandt": ("DE", "C7KL29M4X", ["deportation", "permit_misuse"])
    }
    brandt = next(f for f in extraction.facts if f.value == "Friedrich Wilhelm Brandt")
    assert (brandt.attributes["occupation"], brandt.attributes["sponsor"]) == (
        "Konsultan",
        "PT Bumi Lestari Nusantara",
    )
    everyone = [
        f.text
        for f in extraction.facts
        if f.kind in (FactKind.FOREIGN_NATIONAL, FactKind.OFFICIAL, FactKind.OTHER_PERSON)
    ]
    assert not any("Hamburg" in name for name in everyone)
    assert "Hamburg" not in [f.text for f in extraction.facts if f.kind is FactKind.LOCATION]
    birth = next(f for f in extraction.facts if f.kind is FactKind.DATE and f.value == "1979-03-14")
    assert birth.attributes["date_kind"] == "birth"
    annotation = build_annotation("surat", extraction.facts)
    assert "1979-03-14" not in annotation["event_dates"]
    assert "2026-02-18" in annotation["event_dates"]
    assert "Hendra Kusumawardana" not in [f["name"] for f in annotation["foreigners"]]
    if director == "form":
        assert "Hendra Kusumawardana" in annotation["other_persons"]


@pytest.mark.parametrize(
    "write",
    [
        lambda path: write_table_html(path / "laporan.html", OPENING, TABLE, CLOSING),
        lambda path: write_table_docx(path / "laporan.docx", OPENING, TABLE, CLOSING),
        lambda path: write_table_pdf(path / "laporan.pdf", [(OPENING, TABLE, CLOSING)], size=8),
        lambda path: write_table_pdf(
            path / "laporan.pdf", [(OPENING, TABLE[:3], ""), ("", TABLE[3:], CLOSING)], size=8
        ),
        lambda path: write_table_pdf(
            path / "laporan.pdf", [(OPENING, TABLE, CLOSING)], size=8, ruled=False
        ),
    ],
    ids=["html", "docx", "pdf", "pdf-two-pages", "pdf-unruled"],
)
def test_nlp_records_report_files_give_the_same_four_people(
    tmp_path: Path, fake_ocr: FakeOcr, write
) -> None:
    path = write(tmp_path)
    result = read_document(intake.inspect(path), ocr=fake_ocr)
    assert not fake_ocr.calls
    pages = [(page.number, page.text.text) for page in result.pages if page.text]
    assert foreigners(extract_facts(pages)) == FOUR


@pytest.fixture(scope="module")
def records_nlp():
    return blank_pipeline("sentencizer", "records")


def fields_of(doc) -> list[dict[str, str]]:
    return [{k: doc.text[s:e] for k, (s, e) in r.fields.items()} for r in doc._.records]


def test_nlp_records_form_blocks_one_per_person(records_nlp) -> None:
    doc = records_nlp(
        "Orang asing yang diamankan:\n"
        "a. Nama : OKAFOR Chukwuemeka\n"
        "   Kewarganegaraan : Nigeria\n"
        "   NIK : -\n"
        "   Alamat : Jalan Raya Canggu Nomor 4,\n"
        "   Kecamatan Kuta Utara\n"
        "   Umur : 29 tahun\n"
        "b. Nama : ADEYEMI Tunde\n"
        "   Kewarganegaraan : Nigeria\n"
        "Keduanya ditempatkan di ruang detensi.\n"
        "Nama Penjamin : Hendra Kusumawardana\n"
    )
    assert fields_of(doc) == [
        {
            "name": "OKAFOR Chukwuemeka",
            "nationality": "Nigeria",
            "address": "Jalan Raya Canggu Nomor 4,\n   Kecamatan Kuta Utara",
            "age": "29 tahun",
        },
        {"name": "ADEYEMI Tunde", "nationality": "Nigeria"},
        {"related_name": "Hendra Kusumawardana"},
    ]
    assert [(r.kind, r.foreign, r.role) for r in doc._.records] == [
        ("block", True, None),
        ("block", True, None),
        ("block", False, "other"),
    ]


@pytest.mark.parametrize(
    ("header", "foreign"),
    [
        ("No | Nama WNA | Umur | Alamat", True),
        ("No | Nama | No. Paspor/ITAS | Alamat", True),
        ("No | Nama | Jabatan | Instansi", False),
    ],
)
def test_nlp_records_table_about_foreigners_by_its_header(records_nlp, header, foreign) -> None:
    doc = records_nlp(f"{header}\n1 | SATO Haruki | 41 | Jalan Bypass Ngurah Rai\n")
    [record] = doc._.records
    assert (record.foreign, doc.text[slice(*record.fields["name"])]) == (foreign, "SATO Haruki")


def test_nlp_records_birthplace_in_any_form_is_no_person() -> None:
    text = (
        "Pemeriksaan dilakukan terhadap orang asing dengan identitas:\n"
        "Nama : Friedrich Wilhelm Brandt\n"
        "Tempat/Tgl lahir : Hamburg, 14-03-1979\n"
        "Pekerjaan : Konsultan\n\n"
        "Yang bersangkutan adalah warga negara Jerman."
    )
    extraction = extract_facts([(1, text)])
    people = [f.text for f in extraction.facts if f.kind.value.endswith(("national", "person"))]
    assert "Hamburg" not in " ".join(people)
    assert [f.attributes.get("date_kind") for f in extraction.facts if f.kind is FactKind.DATE] == [
        "birth"
    ]


def test_nlp_records_each_block_keeps_its_own_incidents() -> None:
    text = (
        "Dalam pengawasan di Kecamatan Kuta Utara ditemukan dua orang asing, yaitu:\n"
        "1. Nama : OKAFOR Chukwuemeka\n"
        "   Kewarganegaraan : Nigeria\n"
        "   No. Paspor : A09871234\n"
        "   Pelanggaran : Overstay\n"
        "2. Nama : SATO Haruki\n"
        "   Kewarganegaraan : Jepang\n"
        "   No. Paspor : TK5512873\n"
        "   Pelanggaran : Bekerja tanpa izin\n"
    )
    assert foreigners(extract_facts([(1, text)])) == {
        "OKAFOR Chukwuemeka": ("NG", "A09871234", ["overstay"]),
        "SATO Haruki": ("JP", "TK5512873", ["illegal_work"]),
    }


def test_nlp_records_table_goes_on_in_the_next_part_of_a_long_document(monkeypatch) -> None:
    from functools import partial

    from extractors import facts

    pages = report_pages("two-pages")
    monkeypatch.setattr(facts, "chunk_pages", partial(facts.chunk_pages, limit=len(pages[0][1])))
    assert foreigners(extract_facts(pages)) == FOUR


def test_nlp_records_table_of_counts_by_nationality_gives_groups() -> None:
    text = "\n".join(
        [
            "REKAPITULASI ORANG ASING YANG DIDEPORTASI TAHUN 2026",
            "",
            "No | Kewarganegaraan | Jumlah",
            "1 | Filipina | 14",
            "2 | Korea Selatan | 3",
            "3 | Timor Leste | 1",
            " | Jumlah | 18",
            "",
            "Seluruh orang asing tersebut telah dideportasi.",
        ]
    )
    extraction = extract_facts([(1, text)])
    groups = {
        f.attributes.get("nationality"): f.attributes.get("count")
        for f in extraction.facts
        if f.kind is FactKind.FOREIGN_NATIONAL
    }
    assert groups == {"PH": 14, "KR": 3, "TL": 1}
    annotation = build_annotation("rekap", extraction.facts)
    assert annotation["nationalities"] == ["KR", "PH", "TL"]
    assert [f["name"] for f in annotation["foreigners"]] == [None, None, None]


def test_nlp_records_row_with_an_empty_first_cell_keeps_its_cells() -> None:
    text = "No | Nama | Kewarganegaraan\n | BORIS KALENOV | Rusia\n2 | ANNA MEIER | Jerman"
    names = records.FieldNames(data_path("record_fields.jsonl"))
    found = [{k: text[s:e] for k, (s, e) in r.fields.items()}
             for r in records.find_records(text, names)]
    assert [r["name"] for r in found] == ["BORIS KALENOV", "ANNA MEIER"]
    assert found[0]["nationality"] == "Rusia"


# -- tables read from scans and tables of officers ----------------------------------------------

SCANNED = [
    # the name label misread, stray marks at the cells' edges, a nationality's words joined
    "NO | Nsma Lgkp | Kewarganegaraari | No. Paspor | 7 Pelanggaran",
    "1 | :Wanjiru Akinyi | Kenya a | AK5521873 | Overstay 40 hari",
    " | Tomasz Nowicki (ee | Polandia | EP3308871 3 | Bekerja tanpa izin",
    " | Kalolaine Taufa | Tonga | T0771254 | Overstay 12 hari",
    " | Bunlay Chanthavong | LaosRepublik | LA0092311 | Bekerja tanpa izin",
    "NO | Nsma Lgkp | Kewarganegaraari | No. Paspor | 7 Pelanggaran",
    " | Reza Farahani | Iran | R92004417 | Overstay 3 hari",
]


def test_nlp_records_scanned_table_with_misread_header_gives_its_people() -> None:
    text = "\n".join([OPENING, *SCANNED, "", CLOSING])
    found = foreigners(extract_facts([(1, text)]))
    assert {name: nat for name, (nat, _, _) in found.items()} == {
        "Wanjiru Akinyi": "KE",
        "Tomasz Nowicki": "PL",
        "Kalolaine Taufa": "TO",
        "Bunlay Chanthavong": None,  # "LaosRepublik" names no country as written
        "Reza Farahani": "IR",
    }
    assert found["Tomasz Nowicki"][2] == ["illegal_work"]
    assert found["Wanjiru Akinyi"][1] == "AK5521873"


def test_nlp_records_misread_header_needs_a_column_of_names(records_nlp) -> None:
    # Foreigner fields under a misread header, but no column of names: no records.
    doc = records_nlp(
        "Nsma | Kewarganegaraari | Jumlah Kasus | Pelanggaran\n"
        "12 | Malaysia | 3 | overstay\n"
        "40 | Tiongkok | 7 | bekerja tanpa izin\n"
    )
    assert doc._.records == []


def test_nlp_records_joined_country_words_in_a_cell() -> None:
    table = ["No | Nama | Kewarganegaraan", "1 | Vaiana Kauhalalalo | PapuaNugini"]
    text = "\n".join([OPENING, *table, "", CLOSING])
    assert foreigners(extract_facts([(1, text)])) == {"Vaiana Kauhalalalo": ("PG", None, [])}


OFFICERS = "\n".join(
    [
        "SURAT PERINTAH",
        "Nomor: IMI.7-GR.01.01-0412",
        "Memerintahkan kepada:",
        "No | Nama | Pangkat/Gol. | NIP | Jabatan dalam Tim",
        "1 | Stefanus Bria Seran | Penata (III/c) | 19850312 200912 1 004 | Ketua Tim",
        "2 | Maria Goreti Nahak | Penata Muda (III/a) | 19930721 201801 2 002 | Anggota",
        "3 | Yohanes Berek | Pengatur (II/c) | 19970105 202012 1 003 | Pengemudi",
        "Untuk melaksanakan pengawasan orang asing di Kabupaten Malaka.",
    ]
)


def test_nlp_records_table_of_officers_gives_officials() -> None:
    extraction = extract_facts([(1, OFFICERS)])
    assert names(extraction, FactKind.FOREIGN_NATIONAL) == []
    assert names(extraction, FactKind.OTHER_PERSON) == []
    officials = {
        f.value: f.attributes.get("title")
        for f in extraction.facts
        if f.kind is FactKind.OFFICIAL
    }
    assert officials == {
        "Stefanus Bria Seran": "Ketua Tim",
        "Maria Goreti Nahak": "Anggota",
        "Yohanes Berek": "Pengemudi",
    }


def test_nlp_records_form_block_of_an_officer_is_an_official(records_nlp) -> None:
    doc = records_nlp(
        "Pemeriksa:\n"
        "Nama : Antonius Lelo\n"
        "Pangkat/Gol : Penata Tk. I (III/d)\n"
        "NIP : 19790514 200501 1 002\n"
        "Jabatan : Kepala Subseksi Penindakan\n\n"
        "Yang diperiksa:\n"
        "Nama lengkap : Rustam Jalilov\n"
        "Kewarganegaraan : Uzbekistan\n"
        "Nomor paspor : FA4410982\n"
    )
    assert [(r.kind, r.foreign, r.role) for r in doc._.records] == [
        ("block", False, "official"),
        ("block", True, None),
    ]


def test_nlp_records_label_qualifier_and_passport_wording_of_nationality() -> None:
    """A header label with a bracketed qualifier names its field, and a nationality copied
    from the passport in English capitals is read, Taiwan's official name included."""
    text = (
        "Hasil pemeriksaan tenaga kerja asing pada PT Sinar Logam Utama:\n\n"
        "No | Nama TKA | Kebangsaan (sesuai paspor) | No. Paspor | Jabatan | Keterangan\n"
        "1 | Huang Jiahao | CHINESE | EG4410927 | Operator tanur | Sesuai\n"
        "2 | Chen Yu-ting | REPUBLIC OF CHINA (TAIWAN) | 302918475 | Konsultan | Sesuai\n"
        "3 | Arjun Mehta Kumar | INDIAN | Z7702918 | Ahli kimia | Sesuai\n"
    )
    found = foreigners(extract_facts([(1, text)]))
    assert {name: (code, passport) for name, (code, passport, _) in found.items()} == {
        "Huang Jiahao": ("CN", "EG4410927"),
        "Chen Yu-ting": ("TW", "302918475"),
        "Arjun Mehta Kumar": ("IN", "Z7702918"),
    }


def test_nlp_records_a_negation_in_one_cell_does_not_reach_the_next() -> None:
    """"Tidak ada" under RPTKA says the permit is missing; it does not deny the work stated
    in the row's last cell."""
    text = (
        "Daftar tenaga kerja asing yang diperiksa:\n\n"
        "No | Nama | Kewarganegaraan | No. Paspor | RPTKA | Izin Tinggal | Temuan\n"
        "1 | Gao Ming | RRT | EK5520913 | Tidak ada | Visa kunjungan | Bekerja tanpa izin\n"
        "2 | Xu Lan | RRT | EK5520977 | Ada | ITAS | Sesuai\n"
    )
    found = foreigners(extract_facts([(1, text)]))
    assert "illegal_work" in found["Gao Ming"][2]
    assert "illegal_work" not in found["Xu Lan"][2]


def test_nlp_records_table_of_counts_by_region_names_nobody() -> None:
    """A statistics table with a column of regencies and columns of permit types: the
    regencies are places, not foreign nationals, and ITK is a permit, not initials."""
    text = (
        "Rekapitulasi orang asing pemegang izin tinggal per kabupaten/kota:\n\n"
        "No | Kabupaten/Kota | ITK | ITAS | ITAP | Jumlah\n"
        "1 | Kota Pangkalpinang | 40 | 81 | 10 | 131\n"
        "2 | Kabupaten Bangka Tengah | 15 | 38 | 4 | 57\n"
        "3 | Kabupaten Belitung | 22 | 19 | 2 | 43\n\n"
        "Sebanyak 3 (tiga) orang pemegang ITK asal Thailand melebihi izin tinggal.\n"
    )
    assert foreigners(extract_facts([(1, text)])) == {}


def test_nlp_records_misread_nationality_label_over_a_column_of_countries() -> None:
    """A scan misreads the label ("Kewarganepardati"): the column of country names under it
    is still the nationality column of a table of counts, and no country is a person."""
    text = (
        "Rekapitulasi orang asing menurut kewarganegaraan:\n\n"
        "Na | Kewarganepardati | ITK | ITAS | Jumlah\n"
        "1 | RRT | 12 | 40 | 52\n"
        "2 | Malaysia | 9 | 11 | 20\n"
        "3 | Korea Selatan | 4 | 7 | 11\n"
    )
    extraction = extract_facts([(1, text)])
    groups = {
        f.attributes.get("nationality"): f.attributes.get("count")
        for f in extraction.facts
        if f.kind is FactKind.FOREIGN_NATIONAL
    }
    assert groups == {"CN": 52, "MY": 20, "KR": 11}

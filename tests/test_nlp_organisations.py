"""Organisations (pantau_organisations)."""

from __future__ import annotations

import pytest


def found(nlp, text: str) -> list[tuple[str, str]]:
    """(text, kind) of every organisation span, whitespace folded."""
    doc = nlp(text)
    return [(" ".join(s.text.split()), s._.org_kind) for s in doc.spans["org"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Polres Lombok Utara Gelar Razia di Tanjung.", [("Polres Lombok Utara", "police")]),
        ("Anggota Polres Bima Kota AKBP Sutrisno hadir.", [("Polres Bima Kota", "police")]),
        (
            "Kantor Imigrasi Kelas I TPI Denpasar memeriksa paspor.",
            [("Kantor Imigrasi Kelas I TPI Denpasar", "immigration")],
        ),
        (
            "Kantor Imigrasi Kelas II Non TPI\nTanjung Balai Karimun menerima laporan.",
            [("Kantor Imigrasi Kelas II Non TPI Tanjung Balai Karimun", "immigration")],
        ),
        (
            "KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN\nKANTOR IMIGRASI KELAS I TPI MATARAM\n"
            "JALAN UDAYANA NO. 2",
            [
                ("KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN", "immigration"),
                ("KANTOR IMIGRASI KELAS I TPI MATARAM", "immigration"),
            ],
        ),
        (
            "Kanim Ambon dan Kanwil Kemenkumham Maluku menggelar rapat.",
            [("Kanim Ambon", "immigration"), ("Kanwil Kemenkumham Maluku", "immigration")],
        ),
        (
            "Dua WNA dipindahkan ke Rudenim Denpasar oleh Ditjen Imigrasi.",
            [("Rudenim Denpasar", "immigration"), ("Ditjen Imigrasi", "immigration")],
        ),
        (
            "Rapat Timpora Kota Bitung dihadiri Kodim 1310/Bitung, Lanal Bitung dan Binda Sulut.",
            [
                ("Timpora Kota Bitung", "immigration"),
                ("Kodim 1310/Bitung", "military"),
                ("Lanal Bitung", "military"),
                ("Binda Sulut", "intelligence"),
            ],
        ),
        (
            "Hadir pula BIN, Kejari Bitung, Kejaksaan Tinggi Sulawesi Utara dan Kesbangpol.",
            [
                ("BIN", "intelligence"),
                ("Kejari Bitung", "prosecutor"),
                ("Kejaksaan Tinggi Sulawesi Utara", "prosecutor"),
                ("Kesbangpol", "regional_government"),
            ],
        ),
        (
            "Disnakertrans, DPMPTSP, Bea Cukai dan Satpol PP ikut operasi.",
            [
                ("Disnakertrans", "manpower"),
                ("DPMPTSP", "regional_government"),
                ("Bea Cukai", "customs"),
                ("Satpol PP", "regional_government"),
            ],
        ),
        (
            "Pengungsi didampingi UNHCR dan IOM di Pekanbaru.",
            [("UNHCR", "un_agency"), ("IOM", "un_agency")],
        ),
        (
            "TKA bekerja di PT Sinar Laut Abadi dan PT. Maju Jaya Tbk. di Morowali.",
            [("PT Sinar Laut Abadi", "company"), ("PT. Maju Jaya Tbk", "company")],
        ),
        (
            "Pemkab Badung dan Pemerintah Kota Denpasar mendukung Tim Pora.",
            [
                ("Pemkab Badung", "regional_government"),
                ("Pemerintah Kota Denpasar", "regional_government"),
                ("Tim Pora", "immigration"),
            ],
        ),
        (
            "Polda NTB menerima laporan dari Polsek Pemenang.",
            [("Polda NTB", "police"), ("Polsek Pemenang", "police")],
        ),
        (
            "Mataram (ANTARA) - Menurut Kabarlombok.com, razia berlanjut.",
            [("ANTARA", "media"), ("Kabarlombok.com", "media")],
        ),
    ],
)
def test_organisations_finds_agencies(organisations_nlp, text, expected):
    assert found(organisations_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expansion"),
    [
        ("Polres Lombok Utara", "Kepolisian Resor Lombok Utara"),
        ("Kanim Ambon", "Kantor Imigrasi Ambon"),
        ("Satpol PP Kota Mataram", "Satuan Polisi Pamong Praja Kota Mataram"),
        ("Rudenim Denpasar", "Rumah Detensi Imigrasi Denpasar"),
        ("Kantor Imigrasi Kelas I TPI Denpasar", None),
    ],
)
def test_organisations_expands_abbreviations(organisations_nlp, text, expansion):
    doc = organisations_nlp(text)
    (span,) = doc.spans["org"]
    assert span._.expansion == expansion


def test_organisations_keeps_place_spans_inside(organisations_nlp):
    doc = organisations_nlp("Kantor Imigrasi Kelas I TPI Denpasar")
    assert [s.text for s in doc.spans["place"]] == ["Denpasar"]
    assert doc.spans["org"][0].text == "Kantor Imigrasi Kelas I TPI Denpasar"


@pytest.mark.parametrize("text", ["tidak ada nama di sini.", "", "123 456"])
def test_nlp_organisations_text_without_capitalised_words(organisations_nlp, text) -> None:
    assert list(organisations_nlp(text).spans["org"]) == []


def test_organisations_an_acronym_inside_a_persons_name_is_no_agency() -> None:
    from extractors.facts import extract_facts
    from models.records import FactKind

    text = (
        "Petugas Kantor Imigrasi Medan mengamankan WN Malaysia bernama SAIFUL AZMI BIN "
        "OTHMAN di Deli Serdang. Data pelintas dicocokkan dengan Badan Intelijen Negara (BIN)."
    )
    facts = extract_facts([(1, text)]).facts
    agencies = {f.value for f in facts if f.kind is FactKind.ORGANISATION}
    people = {f.value for f in facts if f.kind is FactKind.FOREIGN_NATIONAL}
    assert "SAIFUL AZMI BIN OTHMAN" in people
    assert "BIN" not in agencies
    assert any("Intelijen" in a for a in agencies)


def test_organisations_an_office_name_stops_before_the_person_heading_it():
    from extractors.nlp.pipeline import load_pipeline

    doc = load_pipeline()(
        "Sementara itu Kepala Kantor Imigrasi Sampit Rudy Hartono Siregar menuturkan "
        "pemeriksaan masih berlangsung."
    )
    assert [s.text for s in doc.spans["org"]] == ["Kantor Imigrasi Sampit"]
    assert [(s.text, s._.person_role) for s in doc.spans["person"]] == [
        ("Rudy Hartono Siregar", "official")
    ]

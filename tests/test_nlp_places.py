"""Indonesian places (pantau_places)."""

from __future__ import annotations

import pytest


def found(nlp, text: str) -> list[tuple[str, str, str, str]]:
    """(text, code, level, province) of every place span, whitespace folded."""
    doc = nlp(text)
    return [
        (" ".join(s.text.split()), s._.region_code, s._.region_level, s._.province)
        for s in doc.spans["place"]
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rapat digelar di Kota Bogor.", [("Kota Bogor", "32.71", "city", "Jawa Barat")]),
        (
            "Rapat digelar di Kabupaten Bogor.",
            [("Kabupaten Bogor", "32.01", "regency", "Jawa Barat")],
        ),
        (
            "Petugas dari Kab. Lombok Utara hadir.",
            [("Kab. Lombok Utara", "52.08", "regency", "Nusa Tenggara Barat")],
        ),
        (
            "Kunjungan ke Provinsi Bali dan Denpasar.",
            [("Provinsi Bali", "51", "province", "Bali"), ("Denpasar", "51.71", "city", "Bali")],
        ),
        (
            "Timpora NTB dan Kanwil Sulut berkoordinasi dengan Kepri.",
            [
                ("NTB", "52", "province", "Nusa Tenggara Barat"),
                ("Sulut", "71", "province", "Sulawesi Utara"),
                ("Kepri", "21", "province", "Kepulauan Riau"),
            ],
        ),
        (
            "Data dari Sumut, Jatim, Jabar, Jateng, Kaltim dan Sultra.",
            [
                ("Sumut", "12", "province", "Sumatera Utara"),
                ("Jatim", "35", "province", "Jawa Timur"),
                ("Jabar", "32", "province", "Jawa Barat"),
                ("Jateng", "33", "province", "Jawa Tengah"),
                ("Kaltim", "64", "province", "Kalimantan Timur"),
                ("Sultra", "74", "province", "Sulawesi Tenggara"),
            ],
        ),
        ("Warga Papua bertemu nelayan dari Papua Nugini.", [("Papua", "91", "province", "Papua")]),
        ("Kantor di DKI Jakarta.", [("DKI Jakarta", "31", "province", "DKI Jakarta")]),
        (
            "PEMERINTAH KABUPATEN LOMBOK UTARA",
            [("KABUPATEN LOMBOK UTARA", "52.08", "regency", "Nusa Tenggara Barat")],
        ),
        (
            "Tim menyisir Kabupaten Lombok\nTimur pada malam hari.",
            [("Kabupaten Lombok Timur", "52.03", "regency", "Nusa Tenggara Barat")],
        ),
        (
            "Kedua warga tinggal di Kecamatan Matuari.",
            [("Kecamatan Matuari", "71.72.05", "district", "Sulawesi Utara")],
        ),
        ("Batang pohon tumbang dan kota tua ramai; warga makan di kedai.", []),
    ],
)
def test_places_finds_regions(places_nlp, text, expected):
    assert found(places_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "village"),
    [
        ("Razia di Desa Sukamaju, Kecamatan Cibungbulang.", "Desa Sukamaju"),
        ("Pemeriksaan di Kelurahan Sukamaju, Kec. Cibungbulang.", "Kelurahan Sukamaju"),
    ],
)
def test_places_matches_villages_only_with_prefix(places_nlp, text, village):
    doc = places_nlp(text)
    spans = doc.spans["place"]
    assert spans[0].text == village
    assert spans[0]._.region_level == "village"
    assert spans[0]._.region_code.startswith("32.01.16.")
    assert len(spans[0]._.candidates) > 10
    assert found(places_nlp, "Warga sukamaju. Sukamaju ramai di Kecamatan.") == []


def test_places_keeps_every_candidate_of_a_shared_name(places_nlp):
    doc = places_nlp("Operasi berlangsung di Bogor.")
    (span,) = doc.spans["place"]
    assert span._.region_code == "32.71"
    assert span._.candidates == ["32.71", "32.01"]


@pytest.mark.parametrize(
    ("text", "province"),
    [
        ("Warga Kecamatan Kota Baru di Provinsi Jambi.", "15"),
        ("Warga Kecamatan Kota Baru di Provinsi Jawa Barat.", "32"),
    ],
)
def test_places_prefers_a_region_in_a_province_named_nearby(places_nlp, text, province):
    doc = places_nlp(text)
    span = doc.spans["place"][0]
    assert span._.region_level == "district"
    assert span._.region_code.startswith(province + ".")
    assert len(span._.candidates) > 1


def test_places_finds_places_inside_organisation_names(places_nlp):
    doc = places_nlp("KANTOR IMIGRASI KELAS I TPI DENPASAR")
    assert [(s.text, s._.region_code) for s in doc.spans["place"]] == [("DENPASAR", "51.71")]

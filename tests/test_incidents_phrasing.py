"""Incidents and places in phrasings beyond the first cue lists: law articles, TAK, returns,
lapsed permits, and places written with hamlet, shop and linking words."""

from __future__ import annotations

import pytest
import spacy

import extractors.nlp.nationality  # noqa: F401  (registers the factories)
import extractors.nlp.place_mentions  # noqa: F401
import extractors.nlp.places  # noqa: F401


def found(nlp, text: str) -> set[tuple[str, str]]:
    """(label, status) of every incident span."""
    doc = nlp(text)
    return {(s._.incident, s._.status) for s in doc.spans["incident"]}


@pytest.fixture(scope="module")
def mentions_nlp():
    nlp = spacy.blank("id")
    for name in ("pantau_nationality", "pantau_places", "pantau_place_mentions"):
        nlp.add_pipe(name)
    return nlp


def places(nlp, text: str) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Place text (whitespace folded) -> (level, province, region code)."""
    doc = nlp(text)
    return {
        " ".join(s.text.split()): (s._.region_level, s._.province, s._.region_code)
        for s in doc.spans["place"]
    }


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Berdasarkan hasil pemeriksaan, KT (41) terbukti melanggar Pasal 78 ayat (3) UU "
            "Nomor 6 Tahun 2011 tentang Keimigrasian.",
            "overstay",
        ),
        ("Yang bersangkutan dikenakan Pasal 78 ayat (2) Undang-Undang Keimigrasian.", "overstay"),
        (
            "Perbuatan Sdr. Omar Haddad melanggar Pasal 113 Undang-Undang Nomor 6 Tahun 2011.",
            "illegal_entry",
        ),
        ("Nakhoda kapal itu dijerat Pasal 120 UU Keimigrasian.", "illegal_entry"),
        (
            "Terhadap yang bersangkutan disangkakan Pasal 126 huruf c UU No. 6 Tahun 2011.",
            "document_fraud",
        ),
        ("Ia didakwa dengan Pasal 123 UU Keimigrasian.", "document_fraud"),
    ],
)
def test_incidents_phrasing_law_articles_charged(incidents_nlp, text, label):
    assert (label, "reported") in found(incidents_nlp, text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        (
            "Narasumber menjelaskan ketentuan Pasal 78 UU Keimigrasian tentang izin tinggal.",
            "overstay",
        ),
        ("Pasal 78 KUHP mengatur daluwarsa penuntutan.", "overstay"),
        (
            "Sosialisasi kepada pengelola hotel menjelaskan sanksi pelanggaran Pasal 113.",
            "illegal_entry",
        ),
        ("Setiap orang asing yang melanggar Pasal 78 ayat (3) dikenakan deportasi.", "overstay"),
        ("Apabila terbukti melanggar Pasal 126, WNA tersebut dapat dideportasi.", "document_fraud"),
        ("Empat WNA itu diduga melanggar Pasal 119 UU Keimigrasian.", "illegal_entry"),
    ],
)
def test_incidents_phrasing_law_articles_not_reported(incidents_nlp, text, label):
    assert (label, "reported") not in found(incidents_nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Yang bersangkutan dikenakan TAK berupa deportasi dan dimasukkan dalam daftar "
            "penangkalan.",
            {("deportation", "reported"), ("blacklist", "reported")},
        ),
        ("WNA itu dikenakan TAK berupa pendeportasian.", {("deportation", "reported")}),
        (
            "Pria itu tak dideportasi karena masih menjalani proses hukum.",
            {("deportation", "negated")},
        ),
        ("WNA ITU TIDAK DIDEPORTASI.", {("deportation", "negated")}),
    ],
)
def test_incidents_phrasing_tak_is_a_measure_not_a_negation(incidents_nlp, text, expected):
    assert found(incidents_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "Pada tanggal 4 Maret 2026 telah dilakukan pemulangan terhadap dua WN Malaysia "
            "melalui Pelabuhan Dumai.",
            "reported",
        ),
        ("Ketiga WNA asal Bangladesh dipulangkan ke negara asalnya.", "reported"),
        ("Kedua WNA tersebut telah dipulangkan ke negaranya.", "reported"),
        ("Saat ini yang bersangkutan dalam proses pemulangan ke negara asal.", "planned"),
        ("Keduanya akan dipulangkan ke negara asal setelah tiket tersedia.", "planned"),
        ("Pria asal Ukraina itu diusir keluar dari wilayah Indonesia.", "reported"),
        ("Warga Kamboja itu telah dikeluarkan dari wilayah Indonesia.", "reported"),
        ("Apabila terbukti, mereka dapat dipulangkan ke negara asal.", "hypothetical"),
        ("WNA itu tidak dipulangkan ke negara asalnya karena sakit.", "negated"),
    ],
)
def test_incidents_phrasing_return_to_home_country(incidents_nlp, text, status):
    assert ("deportation", status) in found(incidents_nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "Pemulangan sukarela pengungsi ke negara asal difasilitasi IOM.",
        "Petugas memulangkan warga ke rumah masing-masing.",
        "Pasien itu dipulangkan dari rumah sakit pada hari Senin.",
    ],
)
def test_incidents_phrasing_other_returns_are_not_deportation(incidents_nlp, text):
    assert "deportation" not in {label for label, _ in found(incidents_nlp, text)}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ITAS-nya telah kedaluwarsa sejak Januari 2026.", "reported"),
        ("KITAS yang bersangkutan sudah habis.", "reported"),
        ("KITAS warga Korea itu telah berakhir pada bulan Mei.", "reported"),
        ("Izin tinggal kunjungan WNA itu sudah tidak berlaku sejak 12 Februari 2026.", "reported"),
        ("ITAS pria tersebut sudah tidak berlaku lagi.", "reported"),
        ("KITAS milik WN Korea itu habis masa berlakunya pada 1 Mei 2026.", "reported"),
        ("Masa berlaku izin tinggal yang bersangkutan telah habis sejak 2 Juni 2026.", "reported"),
        ("Ia tinggal di Indonesia melebihi masa berlaku izin tinggal selama 120 hari.", "reported"),
        ("Apabila ITAS-nya telah habis, ia dapat dideportasi.", "hypothetical"),
    ],
)
def test_incidents_phrasing_lapsed_permits(incidents_nlp, text, status):
    assert ("overstay", status) in found(incidents_nlp, text)


@pytest.mark.parametrize(
    "text",
    [
        "KITAS yang bersangkutan masih berlaku hingga Desember 2026.",
        "ITAS-nya berakhir pada 3 Mei 2026 dan telah diperpanjang.",
        "Izin tinggalnya berakhir pada 3 Mei 2026 dan sudah diperpanjang.",
    ],
)
def test_incidents_phrasing_valid_or_extended_permits_are_no_overstay(incidents_nlp, text):
    assert "overstay" not in {label for label, _ in found(incidents_nlp, text)}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "Dari hasil pemeriksaan, WNA tersebut tidak memiliki izin kerja namun bekerja sebagai "
            "mandor.",
            "reported",
        ),
        ("Kedua juru masak itu belum mengantongi izin kerja.", "reported"),
        ("Petugas tidak menemukan WNA yang tidak memiliki izin kerja.", "negated"),
        ("Setiap TKA yang tidak memiliki izin kerja akan dideportasi.", "hypothetical"),
    ],
)
def test_incidents_phrasing_no_work_permit(incidents_nlp, text, status):
    assert ("illegal_work", status) in found(incidents_nlp, text)


@pytest.mark.parametrize(
    ("text", "place", "province"),
    [
        (
            "Petugas mendatangi sebuah vila di Banjar Tegal, Desa Pererenan, Kecamatan Mengwi.",
            "Banjar Tegal",
            "Bali",
        ),
        (
            "Ia tinggal di Br. Tegal Gundul, Desa Pererenan, Kec. Mengwi, Kab. Badung.",
            "Br. Tegal Gundul",
            "Bali",
        ),
        (
            "Mereka tinggal di Lingkungan Taman Sari, Kelurahan Ampenan Tengah, Kota Mataram.",
            "Lingkungan Taman Sari",
            "Nusa Tenggara Barat",
        ),
        (
            "Mereka bekerja di Restoran Laut Biru, Kecamatan Nongsa, Kota Batam.",
            "Restoran Laut Biru",
            "Kepulauan Riau",
        ),
        (
            "Pemeriksaan di Kafe Sunset Corner di Desa Gili Indah, Kec. Pemenang.",
            "Kafe Sunset Corner",
            "Nusa Tenggara Barat",
        ),
        (
            "WNA itu tinggal di Villa Anggrek Putih yang berlokasi di Desa Canggu, Kecamatan "
            "Kuta Utara.",
            "Villa Anggrek Putih",
            "Bali",
        ),
        (
            "Penginapan Melati Sari di Kelurahan Legian, Kecamatan Kuta.",
            "Penginapan Melati Sari",
            "Bali",
        ),
        (
            "Mereka tinggal di Ruko Mitra Raya Blok B, Batam.",
            "Ruko Mitra Raya Blok B",
            "Kepulauan Riau",
        ),
    ],
)
def test_incidents_phrasing_places_with_the_region_they_sit_in(mentions_nlp, text, place, province):
    assert places(mentions_nlp, text)[place] == ("place", province, None)


@pytest.mark.parametrize(
    ("text", "region", "code"),
    [
        (
            "Petugas mendatangi sebuah vila di Banjar Tegal, Desa Pererenan, Kecamatan Mengwi.",
            "Desa Pererenan",
            "51.03.02.2018",
        ),
        (
            "Alamat: Kel. Jimbaran, Kec. Kuta Selatan, Kab. Badung, Prov. Bali.",
            "Kec. Kuta Selatan",
            "51.03.05",
        ),
        ("Kegiatan di Kabupaten Banjar, Kalimantan Selatan.", "Kabupaten Banjar", "63.03"),
        ("Rapat Dinas Lingkungan Hidup digelar di Kota Mataram.", "Kota Mataram", "52.71"),
    ],
)
def test_incidents_phrasing_regions_keep_their_codes(mentions_nlp, text, region, code):
    found_places = places(mentions_nlp, text)
    assert found_places[region][2] == code
    assert not any(
        name.startswith(("Banjar ", "Lingkungan ")) and name != "Banjar Tegal"
        for name in found_places
    )

"""Place mentions beyond bare region names (pantau_place_mentions after pantau_places)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

import extractors.nlp.nationality  # noqa: F401  (registers the factories)
import extractors.nlp.place_mentions  # noqa: F401
import extractors.nlp.places  # noqa: F401
from extractors.nlp.place_mentions import PlaceMentions
from extractors.nlp.places import PlaceMatcher


@pytest.fixture(scope="module")
def mentions_nlp():
    nlp = spacy.blank("id")
    for name in ("pantau_nationality", "pantau_places", "pantau_place_mentions"):
        nlp.add_pipe(name)
    return nlp


def found(nlp, text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """(text, level, province, code) of every place span, whitespace folded."""
    doc = nlp(text)
    return [
        (" ".join(s.text.split()), s._.region_level, s._.province, s._.region_code)
        for s in doc.spans["place"]
    ]


def with_locations(
    nlp, text: str, locations: list[str]
) -> list[tuple[str, str | None, str | None]]:
    """Run the pipeline on ``text`` with the given phrases marked as NER LOC entities."""
    doc = nlp.make_doc(text)
    ents = []
    for phrase in locations:
        start = text.index(phrase)
        ents.append(doc.char_span(start, start + len(phrase), label="LOC"))
    doc.ents = ents
    for _, component in nlp.pipeline:
        doc = component(doc)
    return [(" ".join(s.text.split()), s._.region_level, s._.province) for s in doc.spans["place"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kapal bersandar di Pelabuhan Tenau, Kupang.",
            [
                ("Pelabuhan Tenau", "place", "Nusa Tenggara Timur", None),
                ("Kupang", "city", "Nusa Tenggara Timur", "53.71"),
            ],
        ),
        (
            "Tamu menginap di Hotel Melati Indah Kupang sejak Senin.",
            [("Hotel Melati Indah Kupang", "place", "Nusa Tenggara Timur", None)],
        ),
        (
            "Kantor itu berada di Jl. Ahmad Yani No. 5 dan dekat Gang Mawar.",
            [("Jl. Ahmad Yani", "place", None, None), ("Gang Mawar", "place", None, None)],
        ),
        (
            "Mereka mendarat di Bandara Internasional Sultan Hasanuddin pagi tadi.",
            [("Bandara Internasional Sultan Hasanuddin", "place", None, None)],
        ),
        (
            "Truk melintas di Jalan Raya Cimahi-Padalarang setiap malam.",
            [("Jalan Raya Cimahi-Padalarang", "place", "Jawa Barat", None)],
        ),
        (
            "Mereka dipulangkan lewat Pos Lintas Batas Negara (PLBN) Motaain kemarin.",
            [("Pos Lintas Batas Negara (PLBN) Motaain", "place", None, None)],
        ),
        (
            "Kapal patroli menyisir Perairan Teluk Kupang Nusa Tenggara Timur.",
            [
                ("Perairan Teluk Kupang", "place", "Nusa Tenggara Timur", None),
                ("Nusa Tenggara Timur", "province", "Nusa Tenggara Timur", "53"),
            ],
        ),
        (
            "Rapat digelar di Gedung Serbaguna\nWisma Bahari lantai dua.",
            [("Gedung Serbaguna Wisma Bahari", "place", None, None)],
        ),
    ],
)
def test_place_mentions_finds_named_places_after_head_words(mentions_nlp, text, expected):
    assert found(mentions_nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "KEPOLISIAN NEGARA REPUBLIK INDONESIA\nRESOR MANGGARAI BARAT SEKTOR LEMBOR",
        "Surat dari Kepolisian Resor Metro Pusat sudah diterima.",
        "Mereka menginap di hotel murah dan berjalan di jalan kampung.",
        "Jalan ditutup karena banjir. Pulau itu kosong.",
        "Penerbangan dari Tokyo transit di Asia Tenggara sebelum tiba.",
        "Kapal melintas di Laut Jawa; pekerja berbahasa Jawa.",
        "Ia pernah berlibur ke Pulau Sentosa di Singapura.",
        "Balai Besar Karantina dan Balai Pemasyarakatan hadir; Pasar Modal sedang lesu.",
    ],
)
def test_place_mentions_ignores_headers_lower_case_words_and_places_abroad(mentions_nlp, text):
    assert [row for row in found(mentions_nlp, text) if row[1] == "place"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Tim Pora Kabupaten Badung memeriksa vila di Mengwi dan Kuta Utara.",
            [("Mengwi", "51.03.02"), ("Kuta Utara", "51.03.06")],
        ),
        (
            "Kabupaten Badung hadir. Camat Kuta Selatan dan Camat Budi Santoso membuka rapat.",
            [("Kuta Selatan", "51.03.05")],
        ),
        (
            "Data Kota Jakarta Selatan per kecamatan:\nPasar Minggu : 12 orang",
            [("Pasar Minggu", "31.74.04")],
        ),
        ("Alamat: Jalan Kaliurang, Tridadi, Sleman.", [("Tridadi", "34.04.13.2003")]),
    ],
)
def test_place_mentions_finds_districts_and_villages_named_under_a_known_region(
    mentions_nlp, text, expected
):
    doc = mentions_nlp(text)
    regions = [(s.text, s._.region_code) for s in doc.spans["place"]]
    for row in expected:
        assert row in regions


@pytest.mark.parametrize(
    "text",
    [
        "Warga Mengwi dan Kuta Utara menonton pertunjukan.",
        "Lurah Siti dan Camat Dedi membuka acara di Kabupaten Badung.",
        "Pemenang lomba diumumkan kemarin di Kabupaten Lombok Utara.",
    ],
)
def test_place_mentions_needs_a_named_parent_for_bare_districts(mentions_nlp, text):
    doc = mentions_nlp(text)
    levels = [s._.region_level for s in doc.spans["place"]]
    assert "district" not in levels and "village" not in levels


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PALU, Kabar Sulteng – Petugas memeriksa dua WNA.", ("PALU", "city", "72.71")),
        ("kabarmaluku.id, AMBON – Petugas memeriksa dua WNA.", ("AMBON", "city", "81.71")),
        (
            "Judul Berita\nSenin, 3 Maret 2026\n\nSULA, Kabar Timur – Isi berita.",
            ("SULA", "regency", "82.05"),
        ),
        ("ZAMRUDPURA, Warta Desa – Isi berita.", ("ZAMRUDPURA", None, None)),
        (
            "Kabupaten Badung\n\nMengwi, 3 Maret 2026\nKepala Badan",
            ("Mengwi", "district", "51.03.02"),
        ),
    ],
)
def test_place_mentions_reads_datelines_and_place_date_lines(mentions_nlp, text, expected):
    doc = mentions_nlp(text)
    rows = [(s.text, s._.region_level, s._.region_code) for s in doc.spans["place"]]
    name, level, code = expected
    if level is None:
        assert (name, "place", None) in rows
    else:
        assert (name, level, code) in rows


@pytest.mark.parametrize(
    "text",
    [
        "Senin, 3 Maret 2026 – Rapat dibuka.",
        "Nomor: 12/2026, Perihal: Undangan",
        "Kominfo Daerah (30/05) - Rapat dibuka.",
        "Kamis, 12 Maret 2026\nRapat dibuka.",
        "WARTAKOTANEWS-Petugas imigrasi memeriksa dua WNA.",
        "SERAMBIONLINE, Kabar - Petugas imigrasi memeriksa dua WNA.",
    ],
)
def test_place_mentions_does_not_take_dates_or_headers_for_datelines(mentions_nlp, text):
    assert found(mentions_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kedua turis itu pergi ke Lombok lalu ke Bali.",
            ("Lombok", "place", "Nusa Tenggara Barat"),
        ),
        ("Nelayan dari Flores tiba pagi ini.", ("Flores", "place", "Nusa Tenggara Timur")),
    ],
)
def test_place_mentions_finds_islands_shared_by_several_regions(mentions_nlp, text, expected):
    doc = mentions_nlp(text)
    assert expected in [(s.text, s._.region_level, s._.province) for s in doc.spans["place"]]


@pytest.mark.parametrize(
    ("text", "locations", "expected"),
    [
        (
            "Tim Kabupaten Badung memeriksa vila di Kuta pada malam hari.",
            ["Kuta"],
            ("Kuta", "district", "Bali"),
        ),
        (
            "Kota Jakarta Selatan melapor: razia digelar di Pasarminggu.",
            ["Pasarminggu"],
            ("Pasarminggu", "district", "DKI Jakarta"),
        ),
        (
            "Pertemuan diadakan di Ambon Beach bersama petugas.",
            ["Ambon Beach"],
            ("Ambon Beach", "place", "Maluku"),
        ),
        (
            "Petugas mendatangi Kampung Zamrud Biru di pinggir kota.",
            ["Kampung Zamrud Biru"],
            ("Kampung Zamrud Biru", "place", None),
        ),
    ],
)
def test_place_mentions_takes_ner_locations_as_regions_or_places(
    mentions_nlp, text, locations, expected
):
    assert expected in with_locations(mentions_nlp, text, locations)


@pytest.mark.parametrize(
    ("text", "locations"),
    [
        ("Ia lama tinggal di Tokyo sebelum pindah.", ["Tokyo"]),
        ("Warga negara Malaysia itu diperiksa.", ["Malaysia"]),
        ("Petugas bernama Bendo Sutisna melapor.", ["Bendo"]),
        ("Tim menyusuri Batang sungai itu.", ["Batang"]),
        ("Warga Kuta tidak terdampak.", ["Kuta"]),
    ],
)
def test_place_mentions_drops_ner_locations_that_are_not_indonesian_places(
    mentions_nlp, text, locations
):
    assert with_locations(mentions_nlp, text, locations) == []


def test_place_mentions_keeps_region_spans_and_never_overlaps(mentions_nlp):
    doc = mentions_nlp("Rapat di Hotel Sentosa Kabupaten Bogor dan di Kota Bogor, Jawa Barat.")
    spans = sorted(doc.spans["place"], key=lambda s: s.start)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    regions = {s.text: (s._.region_code, s._.candidates) for s in spans if s._.region_code}
    assert regions["Kota Bogor"] == ("32.71", ["32.71"])
    assert regions["Jawa Barat"] == ("32", ["32"])


def test_place_mentions_shares_the_region_table(mentions_nlp):
    places = mentions_nlp.get_pipe("pantau_places")
    mentions = mentions_nlp.get_pipe("pantau_place_mentions")
    assert isinstance(places, PlaceMatcher) and isinstance(mentions, PlaceMentions)
    assert places.regions is mentions.regions
    assert mentions.regions.lookup_any("seribu") == ["31.01"]
    assert mentions.regions.lookup_any("pasarminggu", ("district",)) == ["31.74.04"]


def test_place_mentions_places_have_no_code(mentions_nlp):
    doc = mentions_nlp("Di Pantai Pasir Putih ramai.")
    (span,) = doc.spans["place"]
    assert isinstance(span, Span)
    assert (span._.region_level, span._.region_code, span._.candidates) == ("place", None, [])
    assert span._.region_name == "Pantai Pasir Putih"


def test_place_mentions_keeps_an_unknown_place_written_before_its_region(mentions_nlp):
    text = "Ia menyewakan vila di Lovinasari, Bali."
    doc = mentions_nlp.make_doc(text)
    doc.ents = [
        doc.char_span(text.index(word), text.index(word) + len(word), label="LOC")
        for word in ("Lovinasari", "Bali")
    ]
    for _, component in mentions_nlp.pipeline:
        doc = component(doc)
    rows = {(s.text, s._.region_level, s._.province) for s in doc.spans["place"]}
    assert ("Lovinasari", "place", "Bali") in rows

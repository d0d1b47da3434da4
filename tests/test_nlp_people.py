"""Foreign nationals, officials and other people (the pantau_people_* components)."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

import extractors.nlp.identifiers  # noqa: F401  (registers pantau_identifiers)
import extractors.nlp.nationality  # noqa: F401  (registers pantau_nationality)
from extractors.nlp.gazetteer import data_path, read_jsonl
from extractors.nlp.people import COMPONENTS, parse_number


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("id")
    for name in ("sentencizer", "pantau_nationality", "pantau_identifiers", *COMPONENTS):
        pipeline.add_pipe(name)
    return pipeline


def people(doc) -> dict[str, Span]:
    """Person spans by their text (groups by their text too), whitespace folded."""
    return {" ".join(s.text.split()): s for s in doc.spans["person"]}


def run_with_names(nlp, text: str, names: list[str]):
    """Run the pipeline with PERSON entities set as an NER would, for the given names."""
    doc = nlp.make_doc(text)
    ents = []
    for name in names:
        start = text.index(name)
        ents.append(doc.char_span(start, start + len(name), label="PERSON"))
    doc.ents = ents
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


@pytest.mark.parametrize(
    ("text", "official", "title", "group", "nationality", "count"),
    [
        (
            "Kepala Kantor Imigrasi Mataram, Rudi Hartono, mengatakan tiga WNA asal Rusia "
            "telah dideportasi.",
            "Rudi Hartono",
            "Kepala Kantor Imigrasi Mataram",
            "tiga WNA",
            "RU",
            3,
        ),
        (
            "Menurut Kasi Inteldakim, Mustar, dua orang TKA asal Tiongkok bekerja tanpa izin.",
            "Mustar",
            "Kasi Inteldakim",
            "dua orang TKA",
            "CN",
            2,
        ),
        (
            "Kapolres Lombok Timur AKBP Hendra Gunawan menyebut sebelas warga negara Filipina "
            "ditahan di Rudenim.",
            "Hendra Gunawan",
            "Kapolres Lombok Timur",
            "sebelas warga negara",
            "PH",
            11,
        ),
    ],
)
def test_nlp_people_official_quoted_about_foreigners(
    nlp, text, official, title, group, nationality, count
):
    found = people(nlp(text))
    assert found[official]._.person_role == "official"
    assert found[official]._.title == title
    assert found[official]._.nationality is None
    assert found[group]._.person_role == "foreign_national"
    assert found[group]._.name_kind == "group"
    assert (found[group]._.nationality, found[group]._.count) == (nationality, count)


@pytest.mark.parametrize(
    ("text", "name", "age", "nationality"),
    [
        ("Tim Pora mengamankan IN (34), WN Nigeria, di sebuah vila.", "IN", 34, "NG"),
        ("Petugas memeriksa VN (29) asal Vietnam dan SA (41) asal Jepang.", "VN", 29, "VN"),
        ("Petugas memeriksa VN (29) asal Vietnam dan SA (41) asal Jepang.", "SA", 41, "JP"),
        (
            "Seorang anak berinisial ITA (4) ikut dipulangkan bersama ibunya, WNA asal Kenya.",
            "ITA",
            4,
            "KE",
        ),
        ("AGr (27), warga negara Turki, tinggal melebihi izin.", "AGr", 27, "TR"),
        ("ZL (35), Tiongkok, kemudian dideportasi ke Malaysia.", "ZL", 35, "CN"),
    ],
)
def test_nlp_people_initials_that_look_like_country_codes(nlp, text, name, age, nationality):
    span = people(nlp(text))[name]
    assert span._.name_kind == "initials"
    assert span._.person_role == "foreign_national"
    assert (span._.age, span._.nationality) == (age, nationality)


@pytest.mark.parametrize(
    ("text", "name", "nationality", "passport"),
    [
        (
            "Petugas menahan IN (34), WN Nigeria pemegang paspor Afrika Selatan nomor A12345678.",
            "IN",
            "NG",
            "A12345678",
        ),
        (
            "Seorang pria bernama Omar Haddad berkewarganegaraan Yordania menggunakan paspor "
            "Inggris nomor 551234987.",
            "Omar Haddad",
            "JO",
            "551234987",
        ),
        (
            "Keluarga itu berpaspor Uni Emirat Arab, namun diduga warga negara Irak bernama "
            "Salim Jaber.",
            "Salim Jaber",
            None,
            None,
        ),
    ],
)
def test_nlp_people_passport_issuer_is_not_nationality(nlp, text, name, nationality, passport):
    span = people(nlp(text))[name]
    assert span._.person_role == "foreign_national"
    assert span._.nationality == nationality
    assert span._.passport == passport


def test_nlp_people_destination_is_not_nationality(nlp):
    span = people(nlp("Seorang WNA berinisial KR (40) dideportasi ke China lewat Batam."))["KR"]
    assert span._.person_role == "foreign_national"
    assert span._.nationality is None


@pytest.mark.parametrize(
    ("text", "group", "count", "nationality"),
    [
        (
            "Sebanyak dua puluh tiga WNA asal Bangladesh terjaring razia.",
            "dua puluh tiga WNA",
            23,
            "BD",
        ),
        (
            "Petugas menemukan 12 orang warga negara Myanmar di kapal.",
            "12 orang warga negara",
            12,
            "MM",
        ),
        (
            "Seratus lima belas pengungsi asal Afghanistan berunjuk rasa.",
            "Seratus lima belas pengungsi",
            115,
            "AF",
        ),
        ("Puluhan WNA terjaring operasi gabungan di Kuta.", "Puluhan WNA", None, None),
        ("Ratusan turis asal Australia memadati bandara.", "Ratusan turis", None, "AU"),
        (
            "Pelanggar terbanyak berasal dari Malaysia sebanyak 11 orang.",
            "Malaysia sebanyak 11 orang",
            11,
            "MY",
        ),
    ],
)
def test_nlp_people_groups_with_counts(nlp, text, group, count, nationality):
    span = people(nlp(text))[group]
    assert span._.name_kind == "group"
    assert span._.person_role == "foreign_national"
    assert (span._.count, span._.nationality) == (count, nationality)
    assert span._.clean_name is None


def test_nlp_people_group_not_repeated_when_members_are_named(nlp):
    found = people(nlp("Dua WNA asal Rusia, yakni AV (31) dan PK (28), diamankan petugas."))
    assert set(found) == {"AV", "PK"}
    assert {s._.nationality for s in found.values()} == {"RU"}


def test_nlp_people_counted_staff_are_not_a_group(nlp):
    assert people(nlp("Tiga orang petugas memeriksa dokumen penumpang.")) == {}


def test_nlp_people_byline_is_other(nlp):
    text = (
        "Lima WNA asal Korea Selatan dideportasi.\nPewarta: Ahmad Subaidi\nEditor: Rina Wulandari"
    )
    found = people(nlp(text))
    for name, label in (("Ahmad Subaidi", "Pewarta"), ("Rina Wulandari", "Editor")):
        assert found[name]._.person_role == "other"
        assert found[name]._.evidence == label


@pytest.mark.parametrize(
    ("text", "name", "clean"),
    [
        ("Kasubsi Penindakan, Suparjo, memimpin pemeriksaan.", "Suparjo", "Suparjo"),
        (
            "Kombes Pol Agus Salim Nainggolan menjelaskan kronologi penangkapan.",
            "Agus Salim Nainggolan",
            "Agus Salim Nainggolan",
        ),
        (
            "Rapat dipimpin Bambang Sutrisno, S.E., M.H., Kepala Subseksi Pengawasan.",
            "Bambang Sutrisno",
            "Bambang Sutrisno",
        ),
    ],
)
def test_nlp_people_official_names_after_titles(nlp, text, name, clean):
    span = people(nlp(text))[name]
    assert span._.person_role == "official"
    assert span._.clean_name == clean


def test_nlp_people_letter_header_in_capitals(nlp):
    text = (
        "KANTOR IMIGRASI KELAS I TPI MATARAM\n"
        "Nama : NGUYEN VAN THANH\n"
        "Kewarganegaraan : VIETNAM\n"
        "No. Paspor : C7654321\n"
        "\n"
        "KEPALA KANTOR,\n"
        "\n"
        "BUDI SANTOSO, S.H., M.H.\n"
        "NIP 19700101 199503 1 001\n"
    )
    found = people(nlp(text))
    foreigner = found["NGUYEN VAN THANH"]
    assert foreigner._.person_role == "foreign_national"
    assert foreigner._.name_kind == "full_name"
    assert (foreigner._.nationality, foreigner._.passport) == ("VN", "C7654321")
    signatory = found["BUDI SANTOSO"]
    assert signatory._.person_role == "official"
    assert signatory._.title == "KEPALA KANTOR"


def test_nlp_people_ner_names_get_roles(nlp):
    text = (
        "Dalam rapat itu Ahmad Fauzi selaku Kepala Seksi Intelijen melaporkan bahwa "
        "Li Wei, warga negara Tiongkok, bekerja pada Hendra Wijaya, WNI pemilik gudang."
    )
    found = people(run_with_names(nlp, text, ["Ahmad Fauzi", "Li Wei", "Hendra Wijaya"]))
    assert found["Ahmad Fauzi"]._.person_role == "official"
    assert (found["Li Wei"]._.person_role, found["Li Wei"]._.nationality) == (
        "foreign_national",
        "CN",
    )
    assert found["Hendra Wijaya"]._.person_role == "other"


def test_nlp_people_short_reference_to_an_official(nlp):
    text = (
        "Kepala Kantor Imigrasi Bima, Sigit Pranoto, hadir. "
        '"Kami akan tegas," kata Pranoto saat jumpa pers.'
    )
    doc = nlp(text)
    found = [s for s in doc.spans["person"] if s.text == "Pranoto"]
    assert found and found[0]._.person_role == "official"


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("tiga", 3),
        ("sebelas", 11),
        ("dua belas", 12),
        ("dua puluh tiga", 23),
        ("seratus", 100),
        ("seratus dua puluh lima", 125),
        ("dua ratus", 200),
        ("seribu dua ratus", 1200),
        ("40", 40),
    ],
)
def test_nlp_people_number_words(words, value):
    table = {r["word"]: r for r in read_jsonl(data_path("numbers_id.jsonl"))}
    assert parse_number(words.split(), table) == value


def test_nlp_people_named_list_takes_previous_sentence_nationality(nlp):
    text = (
        "Petugas mengamankan enam TKA asal Tiongkok di smelter itu. "
        "Mereka adalah Wang Lei (40), Zhao Min (22), dan Sun Hao."
    )
    found = people(nlp(text))
    for name in ("Wang Lei", "Zhao Min", "Sun Hao"):
        assert found[name]._.person_role == "foreign_national"
        assert found[name]._.nationality == "CN"
    assert found["Zhao Min"]._.age == 22


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Kedua belas WN Bangladesh tersebut dideportasi.", "belas WN"),
        ("Rapat digelar Rabu, 20 dan 21 Oktober 2026 di kantor camat.", "Rabu"),
        ("Hubungi Kepala Subbidang Ketahanan Ekonomi, Sosial dan Budaya.", "Sosial"),
    ],
)
def test_nlp_people_words_that_are_not_people(nlp, text, absent):
    assert absent not in people(nlp(text))


def test_nlp_people_count_with_thousands_separator(nlp):
    span = people(nlp("Tercatat 2.318 TKA asal India bekerja di kawasan industri."))["2.318 TKA"]
    assert (span._.count, span._.nationality) == (2318, "IN")


def test_nlp_people_title_with_rank_word_inside(nlp):
    text = "Kepala Kantor Wilayah Direktorat Jenderal Imigrasi Riau, Hotma Sitorus, hadir."
    span = people(nlp(text))["Hotma Sitorus"]
    assert span._.person_role == "official"
    assert span._.title == "Kepala Kantor Wilayah Direktorat Jenderal Imigrasi Riau"


@pytest.fixture(scope="module")
def full_nlp():
    from extractors.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        (
            "Ketua Asosiasi Pemandu Wisata Bunaken, Hendrik Lumowa, meminta kepastian.",
            "Hendrik Lumowa",
            "other",
        ),
        (
            "Direktur PT Samudra Jaya Makmur, Lukas Wibowo, hadir dalam rapat.",
            "Lukas Wibowo",
            "other",
        ),
        (
            "Kepala Seksi Inteldakim Kantor Imigrasi Kupang, Yohana Seran, menjelaskan.",
            "Yohana Seran",
            "official",
        ),
        (
            "2. Paparan Kejaksaan Negeri Sikka, Kasi Intelijen Bernadus Lewo Tukan:\n",
            "Bernadus Lewo Tukan",
            "official",
        ),
    ],
)
def test_nlp_people_titles_in_associations_and_companies_are_not_officials(
    full_nlp, text, name, role
) -> None:
    found = people(full_nlp(text))
    assert found[name]._.person_role == role


@pytest.mark.parametrize(
    "text",
    [
        "Rapat dihadiri Camat Simpang Tiga dan Keuchik Gampong Lhok Bayu.",
        "Undangan disampaikan kepada Kepala Desa Batu Putih dan Camat Kuta Selatan.",
    ],
)
def test_nlp_people_a_place_after_a_title_is_not_a_name(full_nlp, text) -> None:
    spans = full_nlp(text).spans["person"]
    assert all(s._.person_role != "official" for s in spans), [s.text for s in spans]


@pytest.mark.parametrize(
    ("text", "name", "role", "nationality"),
    [
        # where a foreigner lives does not make them Indonesian
        (
            "Kami laporkan bahwa warga negara Nigeria bernama Okafor Chiamaka Grace "
            "tinggal di Medan sejak Maret 2026.",
            "Okafor Chiamaka Grace",
            "foreign_national",
            "NG",
        ),
        (
            "Seorang WN Kolombia bernama Mateo Rojas Pardo berdomisili di Kota Batam.",
            "Mateo Rojas Pardo",
            "foreign_national",
            "CO",
        ),
        # where an Indonesian comes from, or lives, makes them local
        ("Saksi Rudi Hartono tinggal di Kota Medan.", "Rudi Hartono", "other", None),
        ("Pelapor, Made Sudarsana asal Gianyar, datang.", "Made Sudarsana", "other", None),
    ],
)
def test_nlp_people_residence_against_stated_citizenship(text, name, role, nationality):
    from extractors.nlp.pipeline import load_pipeline  # places and the NER are needed here

    span = people(load_pipeline()(text))[name]
    assert (span._.person_role, span._.nationality) == (role, nationality)


def test_nlp_people_each_item_of_an_enumeration_takes_the_cue_written_after_it():
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "Petugas mendata lima WNA, masing-masing berinisial KA (27) asal Nepal, TB (33) asal "
        "Sri Lanka, RD (41) dan PS (38) asal Myanmar, serta JM (25) asal Kamboja.\n"
        "Sopir Mobil Sewaan Ikut Diperiksa\n"
    )
    found = people(load_pipeline()(text))
    nationalities = {n: s._.nationality for n, s in found.items() if s._.name_kind != "group"}
    assert nationalities == {"KA": "NP", "TB": "LK", "RD": "MM", "PS": "MM", "JM": "KH"}
    assert "Sopir" not in found  # a role noun in a title-case line is no name


def test_nlp_people_a_sentence_opening_is_no_official():
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "Rapat dibuka oleh Kepala Divisi Keimigrasian Kanwil Kemenkumham NTT. Mengusung tema "
        "kebersamaan, rapat itu dihadiri unsur Timpora.\n"
        "Terpisah, Kepala Kantor Imigrasi Kendari Rusdi Hartono mengatakan pengawasan terus "
        "dilakukan.\n"
    )
    roles = {n: s._.person_role for n, s in people(load_pipeline()(text)).items()}
    assert roles == {"Rusdi Hartono": "official"}


def test_nlp_people_officers_listed_with_their_nip_are_officials():
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "SURAT PERINTAH TUGAS\n"
        "Nomor: W.9.IMI.2-GR.04.01-0117\n\n"
        "Kepada  : 1. Dimas Aryo Wicaksono, Penata Muda (III/a), NIP 19950412 201902 1 001;\n"
        "          2. Ni Luh Putu Ayu Lestari, Pengatur (II/c),\n"
        "             NIP 19980617 202112 2 004.\n"
        "Untuk   : memeriksa seorang WN Belanda bernama Pieter van Dijk di Kecamatan Ubud.\n"
    )
    found = people(load_pipeline()(text))
    roles = {n: s._.person_role for n, s in found.items()}
    assert roles["Dimas Aryo Wicaksono"] == "official"
    assert roles["Ni Luh Putu Ayu Lestari"] == "official"  # the NIP on the wrapped line
    assert roles["Pieter van Dijk"] == "foreign_national"
    assert not any(any(c.isdigit() for c in name) for name in found if "WN" not in name)


def test_nlp_people_participants_listed_with_their_agency_are_officials():
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "NOTULA RAPAT TIMPORA KABUPATEN SAMBAS\n\n"
        "Peserta:\n"
        "1. Yulianti, Dinas Tenaga Kerja Kabupaten Sambas\n"
        "2. Rahmat Hidayatullah (Polres Sambas)\n"
        "3. Andreas Lim, PT Borneo Sawit Lestari\n\n"
        "Dibahas keberadaan WN Malaysia bernama Tan Boon Huat di Kecamatan Teluk Keramat.\n"
    )
    roles = {n: s._.person_role for n, s in people(load_pipeline()(text)).items()}
    assert roles["Yulianti"] == "official"
    assert roles["Rahmat Hidayatullah"] == "official"
    assert roles["Andreas Lim"] != "official"  # a company is no agency
    assert roles["Tan Boon Huat"] == "foreign_national"


@pytest.mark.parametrize("indent", ["                   ", ""])
def test_nlp_people_team_members_listed_in_a_field_are_officials(indent):
    # A reader may drop the indentation of the lines that carry the list on.
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "SUSUNAN TIM\n"
        "   Ketua Tim     : Ratna Kusumawati, Kepala Seksi Inteldakim\n"
        "   Anggota       : Iptu Gilang Ramadhan (Polres Ketapang),\n"
        f"{indent}Yosef Lamabelawa (Dinas Tenaga Kerja Kabupaten Ketapang),\n"
        f"{indent}Siti Aminah\n"
        f"{indent}dan 6 (enam) petugas imigrasi.\n"
        "\n"
        "Tim memeriksa WN Vietnam bernama Pham Van Duc di Kecamatan Delta Pawan.\n"
    )
    found = people(load_pipeline()(text))
    roles = {n: s._.person_role for n, s in found.items()}
    assert roles == {
        "Ratna Kusumawati": "official",
        "Gilang Ramadhan": "official",  # the rank before the name is not part of it
        "Yosef Lamabelawa": "official",
        "Siti Aminah": "official",
        "Pham Van Duc": "foreign_national",
    }
    assert found["Yosef Lamabelawa"]._.title == "Anggota"
    assert not any(name.startswith("6") for name in found)  # a count of officers is no name


def test_nlp_people_attendance_table_with_an_agency_column_lists_officials():
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "NOTULEN RAPAT TIMPORA KECAMATAN SEBATIK\n\n"
        "Tempat : Aula Kantor Camat Sebatik, Tanjung Karang\n\n"
        "No | Nama | Instansi | Jabatan\n"
        "1 | Hermanus Tandi, S.Sos. | Kecamatan Sebatik | Camat\n"
        "2 | Dewi Anggraini Lubis | Kantor Imigrasi Kelas II TPI Nunukan | Kepala Seksi\n"
        "3 | Yakobus Pare | Pemerintah Desa Tanjung Karang | Kepala Desa\n\n"
        "Dibahas keberadaan WN Malaysia bernama Rosli bin Awang di Desa Tanjung Karang.\n"
    )
    found = people(load_pipeline()(text)).values()
    roles = {s._.clean_name: s._.person_role for s in found if s._.person_role != "other"}
    assert roles == {
        "Hermanus Tandi": "official",
        "Dewi Anggraini Lubis": "official",
        "Yakobus Pare": "official",
        "Rosli bin Awang": "foreign_national",
    }


def test_nlp_people_two_signatures_side_by_side_each_under_its_column():
    from extractors.nlp.pipeline import load_pipeline

    text = (
        "Demikian laporan ini dibuat dengan sebenarnya.\n\n"
        "Mengetahui,                             Yang melaporkan,\n"
        "KA SPKT\n\n"
        "IPDA ROBERT KALANGI, S.H.               YOSIA PANGEMANAN\n"
        "NRP 81020455                            BRIPTU NRP 95110312\n"
    )
    roles = {n: s._.person_role for n, s in people(load_pipeline()(text)).items()}
    assert roles == {"ROBERT KALANGI": "official", "YOSIA PANGEMANAN": "official"}

"""Lists of foreigners, non-persons, officials with long titles and document nationalities."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Span

import extractors.nlp.identifiers  # noqa: F401  (registers the factories)
import extractors.nlp.nationality  # noqa: F401
import extractors.nlp.organisations  # noqa: F401
import extractors.nlp.places  # noqa: F401
from extractors.nlp.people import COMPONENTS as PEOPLE

COMPONENTS = (
    "sentencizer",
    "pantau_nationality",
    "pantau_places",
    "pantau_organisations",
    "pantau_identifiers",
    *PEOPLE,
)


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("id")
    for name in COMPONENTS:
        pipeline.add_pipe(name)
    return pipeline


def run(nlp, text: str, names: tuple[str, ...] = ()):
    """Run the pipeline with PERSON entities set, as the NER would, on the given names."""
    doc = nlp.make_doc(text)
    ents, pos = [], 0
    for name in names:
        start = text.index(name, pos)
        ents.append(doc.char_span(start, start + len(name), label="PERSON"))
        pos = start + len(name)
    doc.ents = ents
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def named(doc) -> dict[str, Span]:
    """Named person spans by clean name (the last mention wins)."""
    return {s._.clean_name: s for s in doc.spans["person"] if s._.name_kind != "group"}


def foreigners(doc) -> dict[str, str | None]:
    """Clean name -> nationality of every named foreign national."""
    return {
        name: s._.nationality
        for name, s in named(doc).items()
        if s._.person_role == "foreign_national"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Lima WNA asal Nigeria itu AB, CD, EF, GH dan IJ diamankan petugas.",
            {"AB": "NG", "CD": "NG", "EF": "NG", "GH": "NG", "IJ": "NG"},
        ),
        (
            "Empat warga negara Vietnam, yakni IN, VN, TQ, dan HL, ditahan di ruang detensi.",
            {"IN": "VN", "VN": "VN", "TQ": "VN", "HL": "VN"},
        ),
    ],
)
def test_nlp_people_initials_listed_after_a_cue_share_its_nationality(nlp, text, expected):
    assert foreigners(nlp(text)) == expected


def test_nlp_people_agency_acronyms_in_a_sentence_about_foreigners_are_not_people(nlp):
    doc = nlp("Rapat pengawasan WNA di Bitung dihadiri BIN, BAIS, TNI dan BNN.")
    assert foreigners(doc) == {}


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        (
            "Tiga turis asal Tiongkok, yakni Li Wei (30), Zhang Min (28) dan Chen Hao (35), "
            "diamankan di sebuah vila.",
            ("Li Wei", "Zhang Min", "Chen Hao"),
            {"Li Wei": "CN", "Zhang Min": "CN", "Chen Hao": "CN"},
        ),
        (
            "Mereka adalah Kofi Mensah (40), Yaw Boateng (33) dan Kwame Asante (29), warga "
            "negara Ghana. Selain itu ada juga Ama Owusu, Kojo Addo dan Esi Appiah.",
            ("Kofi Mensah", "Yaw Boateng", "Kwame Asante", "Ama Owusu", "Kojo Addo", "Esi Appiah"),
            {
                "Kofi Mensah": "GH",
                "Yaw Boateng": "GH",
                "Kwame Asante": "GH",
                "Ama Owusu": "GH",
                "Kojo Addo": "GH",
                "Esi Appiah": "GH",
            },
        ),
    ],
)
def test_nlp_people_names_in_a_list_and_its_continuation_share_a_nationality(
    nlp, text, names, expected
):
    assert foreigners(run(nlp, text, names)) == expected


def test_nlp_people_list_after_a_suspected_nationality_has_none(nlp):
    text = (
        "Satu keluarga WNA yang diduga berkewarganegaraan Irak menggunakan paspor palsu. "
        "Mereka akan terbang dari Bandara Ngurah Rai. Keempatnya bernama Ahmad Karim Saleh, "
        "Fatima Karim Saleh, Omar Karim Saleh, dan Lina Karim Saleh."
    )
    names = ("Ahmad Karim Saleh", "Fatima Karim Saleh", "Omar Karim Saleh", "Lina Karim Saleh")
    found = foreigners(run(nlp, text, names))
    assert found == dict.fromkeys(names)


@pytest.mark.parametrize(
    ("text", "names", "official"),
    [
        (
            "Kepala Seksi Informasi dan Sarana Komunikasi Keimigrasian Kantor Imigrasi Kelas I "
            "TPI Denpasar Budi Santoso, mengatakan tiga WNA asal Australia telah dideportasi.",
            ("Budi Santoso",),
            "Budi Santoso",
        ),
        (
            "Kepala Bidang Intelijen, Penindakan, Informasi, dan Sarana Komunikasi Keimigrasian "
            "pada Kantor Wilayah Kaltara Suharto mengatakan dua TKA asal India bekerja tanpa izin.",
            ("Suharto",),
            "Suharto",
        ),
    ],
)
def test_nlp_people_long_title_before_a_name_makes_an_official(nlp, text, names, official):
    doc = run(nlp, text, names)
    assert named(doc)[official]._.person_role == "official"
    assert foreigners(doc) == {}
    assert "Penindakan" not in named(doc)


@pytest.mark.parametrize(
    "text",
    [
        '"Kami masih memeriksa dua warga negara Jepang itu," ujar Hartono di kantornya.',
        "Deportasi, kata Hartono, sudah dilakukan bagi WNA yang berasal dari Taiwan.",
    ],
)
def test_nlp_people_one_word_speaker_is_never_a_foreigner(nlp, text):
    doc = run(nlp, text, ("Hartono",))
    assert named(doc)["Hartono"]._.person_role != "foreign_national"


def test_nlp_people_speaker_introduced_as_a_foreigner_is_one(nlp):
    text = (
        "Sebanyak 30 pengungsi asal Afghanistan berunjuk rasa. "
        '"Kami sudah lama menunggu," kata seorang pengungsi, Karim, di lokasi.'
    )
    assert foreigners(run(nlp, text, ("Karim",))) == {"Karim": "AF"}


def test_nlp_people_official_title_wins_over_a_nearby_country(nlp):
    text = (
        "Kepala Kantor Wilayah Kementerian Imigrasi Provinsi Riau Darmawan mengatakan "
        "sepuluh WNA asal Malaysia dideportasi. Deportasi, kata Darmawan, sudah berlangsung."
    )
    doc = run(nlp, text, ("Darmawan", "Darmawan"))
    roles = {s._.person_role for s in doc.spans["person"] if s._.clean_name == "Darmawan"}
    assert roles == {"official"}


@pytest.mark.parametrize(
    ("text", "names", "not_people"),
    [
        (
            "Tim memeriksa kapal asing bernama MV Ocean Star yang memuat 12 ABK asal Myanmar.",
            ("MV Ocean Star",),
            {"MV Ocean Star", "Ocean Star"},
        ),
        (
            "Petugas juga memeriksa kapal yang memuat LPG/Sea Horse dengan awak warga negara "
            "Filipina.",
            ("Sea Horse",),
            {"Sea Horse"},
        ),
        (
            "Ratusan pengungsi Etnis Rohingya asal Myanmar mendarat di pantai.",
            ("Etnis Rohingya",),
            {"Etnis Rohingya", "Rohingya"},
        ),
        (
            "MEDAN, Warta Sumut - Kantor Imigrasi Medan mendeportasi seorang WNA asal India.",
            ("Warta Sumut",),
            {"Warta Sumut"},
        ),
        (
            "Petugas Kantor Imigrasi mendeportasi tiga WNA asal Vietnam. Vietnam menanggung "
            "biaya pemulangan.",
            ("Vietnam",),
            {"Vietnam"},
        ),
        (
            "Kantor Imigrasi Kelas II TPI Bitung mengamankan dua WNA asal Filipina.",
            ("TPI Bitung",),
            {"TPI Bitung", "Bitung"},
        ),
        (
            "Pendalaman laporan mengenai turis asal Belanda di Gili Meno dilakukan Polsek.",
            ("Pendalaman",),
            {"Pendalaman"},
        ),
        (
            "Seorang WNA asal Jepang melanggar Pasal 78 Ayat (3) Undang-Undang Keimigrasian.",
            (),
            {"Ayat"},
        ),
    ],
)
def test_nlp_people_ships_outlets_peoples_and_places_are_not_people(nlp, text, names, not_people):
    doc = run(nlp, text, names)
    assert not_people.isdisjoint(named(doc))


def test_nlp_people_statistic_item_is_not_a_person(nlp):
    text = (
        "Orang asing yang dipulangkan tahun ini berasal dari Thailand sebanyak 9 orang, "
        "Kanada (4 orang), Filipnia (2), Jerman (3) dan Irlandia (1)."
    )
    doc = run(nlp, text, ("Filipnia",))
    assert "Filipnia" not in named(doc)
    assert doc._.nationalities == ["CA", "DE", "IE", "TH"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Sepanjang tahun ini WNA terbanyak berasal dari Tiongkok 12 orang, Jepang 5 orang "
            "dan Korea Selatan 3 orang.",
            ["CN", "JP", "KR"],
        ),
        (
            "Sebanyak 40 orang asing tinggal di Jakarta Timur, didominasi 3 negara antara lain; "
            "Negara Tiongkok, Yaman dan India.",
            ["CN", "IN", "YE"],
        ),
        (
            "Yang dideportasi antara lain Belgia, Jepang, Kanada serta Turki masing-masing satu "
            "orang.",
            ["BE", "CA", "JP", "TR"],
        ),
        (
            "Dua WNA berpaspor Uni Emirat Arab itu dideportasi ke Malaysia dan Singapura melalui "
            "Bandara Soekarno-Hatta.",
            [],
        ),
        ("Kapal berbendera Panama itu membawa 12 ABK asal Myanmar.", ["MM"]),
        ("Seorang pria yang diduga warga negara Irak diamankan polisi.", []),
        ("Delegasi Malaysia dan Singapura menghadiri rapat kerja sama perbatasan.", []),
        ("Sebanyak 18 orang WNA Tiongkok dan 14 warga negara Taiwan dideportasi.", ["CN", "TW"]),
    ],
)
def test_nlp_people_document_nationalities(nlp, text, expected):
    assert nlp(text)._.nationalities == expected


def test_nlp_people_named_foreigner_takes_the_only_nationality_of_the_document(nlp):
    text = (
        "Tim mengamankan 16 TKA asal Tiongkok di lokasi tambang. Salah satu TKA, Wanglei, "
        "mengaku baru dua bulan bekerja."
    )
    assert foreigners(run(nlp, text, ("Wanglei",))) == {"Wanglei": "CN"}


def test_nlp_people_no_document_nationality_when_the_text_doubts_it(nlp):
    text = (
        "Petugas memeriksa seorang WNA asal Malaysia. Seorang pengungsi lain, Yusuf, belum "
        "diketahui kewarganegaraannya."
    )
    found = foreigners(run(nlp, text, ("Yusuf",)))
    assert found.get("Yusuf") is None


def test_nlp_people_later_mentions_keep_the_nationality_and_link_as_aliases(nlp):
    text = (
        "Dua warga negara Rusia, Ivan Petrovich Sokolov dan AK (33), bekerja tanpa izin. "
        "Deportasi terhadap Sokolov dan AK sedang disiapkan."
    )
    doc = run(nlp, text, ("Petrovich Sokolov", "Sokolov"))
    spans = [s for s in doc.spans["person"] if s._.name_kind != "group"]
    assert {(s._.clean_name, s._.nationality) for s in spans} == {
        ("Ivan Petrovich Sokolov", "RU"),
        ("Sokolov", "RU"),
        ("AK", "RU"),
    }
    short = next(s for s in spans if s._.clean_name == "Sokolov")
    assert short._.aliases == ["Ivan Petrovich Sokolov"]


def test_nlp_people_short_form_of_an_official_is_an_alias(nlp):
    text = (
        "Kepala Kantor Imigrasi Kelas II Sambas, Antonius Wiryawan, membuka rapat. "
        '"Koordinasi harus berjalan," kata Wiryawan.'
    )
    doc = run(nlp, text, ("Antonius Wiryawan", "Wiryawan"))
    full, short = (s for s in doc.spans["person"] if s._.person_role == "official")
    assert full._.aliases == ["Wiryawan"]
    assert short._.aliases == ["Antonius Wiryawan"]


@pytest.mark.parametrize(
    ("text", "ner", "expected"),
    [
        (
            "Kepala Seksi Informasi Kantor Imigrasi Kelas I Khusus Denpasar I Made Wirawan "
            "menerangkan seorang WNA asal Maroko diamankan.",
            "Made Wirawan",
            "I Made Wirawan",
        ),
        (
            "Kepala Kantor Wilayah Kaltara Antonius Wiryawan S.H., M.H. membuka rapat.",
            "Antonius Wiryawan S.H.",
            "Antonius Wiryawan",
        ),
    ],
)
def test_nlp_people_official_names_are_cleaned(nlp, text, ner, expected):
    doc = run(nlp, text, (ner,))
    officials = [s._.clean_name for s in doc.spans["person"] if s._.person_role == "official"]
    assert officials == [expected]


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("Pimpinan Rapat   : Hendro Wibisono\nNotulis          : Sri Wulandari\n", "Sri Wulandari"),
        ("Notulis : Ratna Sari Dewi, Badan Kesbangpol Kabupaten Sumbawa\n", "Ratna Sari Dewi"),
        (
            "Narahubung: Pengawas Ketenagakerjaan Ahli Muda, Yohana Pasaribu, telepon 0812.\n",
            "Yohana Pasaribu",
        ),
    ],
)
def test_nlp_people_meeting_and_contact_fields_name_officials(nlp, text, official):
    doc = nlp(text)
    roles = {s._.clean_name: s._.person_role for s in doc.spans["person"]}
    assert roles[official] == "official"


def test_nlp_people_signatory_above_a_rank_line_with_its_staff_number(nlp):
    text = (
        "Demikian kami sampaikan.\n\nKepala Kepolisian Resor Sumbawa,\n\n\n"
        "Gunawan Tri Prasetyo, S.I.K.\nAJUN KOMISARIS BESAR POLISI NRP 79051123\n"
    )
    doc = nlp(text)
    roles = {s._.clean_name: s._.person_role for s in doc.spans["person"]}
    assert roles["Gunawan Tri Prasetyo"] == "official"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"Saya sudah lama tinggal di sini," ujar Tanaka, warga negara Jepang itu.', "JP"),
        ('"Kami hanya berlibur," kata Tanaka (WN Jepang) kepada petugas.', "JP"),
    ],
)
def test_nlp_people_speaker_with_a_citizenship_cue_after_the_name(nlp, text, expected):
    assert foreigners(run(nlp, text, ("Tanaka",))) == {"Tanaka": expected}


def test_nlp_people_names_in_a_headline_are_not_extended(nlp):
    doc = run(nlp, "WNA Asal Tiongkok Li Wei Ditangkap Polisi Di Batam\nIsi berita.", ("Li Wei",))
    assert "Li Wei" in named(doc)


def test_nlp_people_meeting_chair_after_a_verb_is_an_official(nlp):
    text = "Diskusi tentang pengawasan WNA asal Filipina dipandu Rahmat Hidayat dari Kesbangpol."
    doc = run(nlp, text, ("Rahmat Hidayat",))
    assert named(doc)["Rahmat Hidayat"]._.person_role == "official"


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        # a comma before each bracketed age, and "(45 th)"
        (
            "Ketujuh warga negara Nigeria yang diamankan yakni Emeka Obi (41), Chidi Okoro (38), "
            "Tunde Bello, (29), Ifeanyi Eze, (33), dan Kelechi Nwosu, (45 th).",
            (),
            {n: "NG" for n in ("Emeka Obi", "Chidi Okoro", "Tunde Bello", "Ifeanyi Eze",
                               "Kelechi Nwosu")},
        ),
        # a couple is not a spouse of someone else
        (
            "Dua WNA asal Ukraina itu merupakan pasangan suami istri berinisial OK (41) dan "
            "TM (39). Keduanya dideportasi pada Senin (3/6).",
            (),
            {"OK": "UA", "TM": "UA"},
        ),
        # a pronoun right after a pair of initials is not part of a name
        (
            "Petugas mengamankan dua WNA asal Vietnam berinisial NV dan TH. Keduanya ditangkap.",
            (),
            {"NV": "VN", "TH": "VN"},
        ),
        # a name in apposition after a citizenship
        (
            "Seorang warga negara Korea Selatan, JH, dideportasi Kanim Batam pada Jumat (6/1).",
            (),
            {"JH": "KR"},
        ),
        # one-word names listed first, their citizenship stated for them afterwards
        (
            "Mereka adalah Yusuf Karimi, Habib, Nasir dan Farid Rahimi yang ditangkap petugas. "
            "Nasir dan Farid Rahimi memakai paspor Pakistan palsu, padahal mereka adalah warga "
            "negara Afghanistan.",
            ("Yusuf Karimi", "Habib", "Nasir", "Farid Rahimi"),
            {"Yusuf Karimi": "AF", "Habib": "AF", "Nasir": "AF", "Farid Rahimi": "AF"},
        ),
        # names in capitals in a numbered list, each with its own citizenship
        (
            "Adapun identitas para WNA tersebut sebagai berikut:\n"
            "1. CHEN QIANG, WN RRT, paspor EJ4412093, overstay 45 hari;\n"
            "2. ZHANG HUA, WN RRT, paspor EK1029384, bekerja tanpa izin;\n"
            "3. NGUYEN VAN LOC, WN Vietnam, paspor C2231987.",
            (),
            {"CHEN QIANG": "CN", "ZHANG HUA": "CN", "NGUYEN VAN LOC": "VN"},
        ),
        # initials that spell a country code or a cue word
        (
            "Tim menangkap dua warga Malaysia berinisial MM (40) dan MY (33) di Dumai. Seorang "
            "pria berinisial WN (29), warga negara Filipina, diamankan di Bitung.",
            (),
            {"MM": "MY", "MY": "MY", "WN": "PH"},
        ),
        # a month word ending a name
        (
            "Keempat WNA berkewarganegaraan Republik Rakyat Tiongkok tersebut yaitu Li Wei, "
            "Wang Fang, Zhao Lei dan Sun Mei.",
            ("Li Wei", "Wang Fang", "Zhao Lei"),
            {"Li Wei": "CN", "Wang Fang": "CN", "Zhao Lei": "CN", "Sun Mei": "CN"},
        ),
    ],
)
def test_people_lists_carry_one_citizenship_over_list_shapes(nlp, text, names, expected):
    assert foreigners(run(nlp, text, names)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Petugas memeriksa Budi Santoso, Ahmad Yani dan Rudi Hartono di lokasi. Ketiganya "
        "merupakan warga negara Indonesia.",
        "Ia menikah dengan warga negara Indonesia, Siti Aminah, pada 2019.",
    ],
)
def test_people_lists_indonesians_stated_as_such_are_not_foreigners(nlp, text):
    names = tuple(n for n in ("Budi Santoso", "Ahmad Yani", "Rudi Hartono", "Siti Aminah")
                  if n in text)
    assert foreigners(run(nlp, text, names)) == {}


@pytest.mark.parametrize(
    ("text", "names", "foreign", "local"),
    [
        (
            "Kapal ikan berbendera Filipina itu dinakhodai Ramon Santos (50), warga negara "
            "Filipina, dengan ABK Jefri Lamba (22) asal Bitung.",
            ("Ramon Santos", "Jefri Lamba"),
            {"Ramon Santos": "PH"},
            "Jefri Lamba",
        ),
        (
            "WNA asal Jepang berinisial TK (61) tinggal di rumah milik Nyoman Sudarta, warga "
            "Desa Pererenan.",
            ("Nyoman Sudarta",),
            {"TK": "JP"},
            "Nyoman Sudarta",
        ),
        (
            "Dua WNA asal Bangladesh, Rahim Uddin (33) dan Karim Mia (29), dijemput oleh seorang "
            "sopir bernama Asep Saepudin di Bandara Kualanamu.",
            ("Rahim Uddin", "Karim Mia", "Asep Saepudin"),
            {"Rahim Uddin": "BD", "Karim Mia": "BD"},
            "Asep Saepudin",
        ),
    ],
)
def test_people_lists_local_people_beside_foreigners_are_not_foreigners(
    nlp, text, names, foreign, local
):
    doc = run(nlp, text, names)
    assert foreigners(doc) == foreign
    assert named(doc)[local]._.person_role == "other"


def _foreign_facts(text: str) -> dict[str, str | None]:
    """Named foreign nationals found by the whole pipeline: name -> nationality."""
    from extractors.facts import extract_facts
    from models.records import FactKind

    return {
        f.value: f.attributes.get("nationality")
        for f in extract_facts([(1, text)]).facts
        if f.kind is FactKind.FOREIGN_NATIONAL and f.attributes.get("name_kind") != "group"
    }


@pytest.mark.parametrize("blank", ["", "\n"])
def test_nlp_people_numbered_list_one_name_per_line_shares_the_groups_nationality(blank):
    """A group's citizenship stated once, its members one per numbered line with an age (a
    web page puts each item in its own paragraph: a blank line between items)."""
    items = [
        "1. Md. Kamrul Hasan (33);",
        "2. Jahangir Alam (27);",
        "3. Nurul Amin (41); dan",
        "4. Rafiqul (25).",
    ]
    text = (
        "Petugas Polres Asahan mengamankan empat warga negara Bangladesh yang hendak "
        "menyeberang ke Malaysia, masing-masing:\n\n" + ("\n" + blank).join(items) + "\n\n"
        "Keempatnya kini ditempatkan di ruang detensi Kantor Imigrasi Tanjung Balai Asahan.\n"
    )
    assert _foreign_facts(text) == {
        "Md. Kamrul Hasan": "BD",
        "Jahangir Alam": "BD",
        "Nurul Amin": "BD",
        "Rafiqul": "BD",
    }


def test_nlp_people_numbered_list_of_initials_with_sex_shares_the_nationality():
    text = (
        "Tim gabungan menangkap lima WN RRT yang menjalankan penipuan daring di sebuah ruko, "
        "yakni:\n"
        "1. QW (26), laki-laki;\n"
        "2. LF (30), perempuan;\n"
        "3. HZY (35), laki-laki; dan\n"
        "4. TR (22), perempuan.\n"
    )
    assert _foreign_facts(text) == {"QW": "CN", "LF": "CN", "HZY": "CN", "TR": "CN"}


def test_nlp_people_lettered_items_name_then_citizenship_abbreviation():
    """Items that open with a name and then the citizenship, written as an abbreviation, a
    bare country or "WN X"; one-word names and an alias included."""
    text = (
        "Hasil pengawasan orang asing di wilayah kerja kami sebagai berikut:\n\n"
        "a. PARK JI-HOON, Korsel, paspor M44102938, nakhoda kapal ikan di Pelabuhan Tual.\n"
        "b. Waiko alias Wai, PNG, tanpa dokumen perjalanan, bekerja di kebun warga.\n"
        "c. ZHOU YANG, WN RRT, paspor EE1029384, pemegang ITAS kerja.\n"
        "d. Laura Benedetti, Italia, pemegang ITAS penyatuan keluarga.\n"
    )
    assert _foreign_facts(text) == {
        "PARK JI-HOON": "KR",
        "Waiko": "PG",
        "ZHOU YANG": "CN",
        "Laura Benedetti": "IT",
    }


def test_nlp_people_indonesians_listed_beside_foreigners_are_not_foreign():
    """Indonesian crew written like the foreign crew before them, said to be WNI by a
    pronoun without a verb; a resident of an Indonesian village named before the name."""
    text = (
        "Petugas mengamankan lima nelayan warga negara Filipina, yakni Rodel Santos (40), "
        "Arnel Cruz (35) dan Jomar Reyes (29). Kapal itu juga membawa dua ABK, yakni "
        "Rusdi (33) dan Baso Tang (41). Keduanya warga negara Indonesia dan hanya menjadi "
        "saksi. Polisi juga memeriksa seorang warga Kecamatan Sebatik berinisial HK (52) "
        "yang menampung para nelayan itu.\n"
    )
    found = _foreign_facts(text)
    assert found == {"Rodel Santos": "PH", "Arnel Cruz": "PH", "Jomar Reyes": "PH"}


def test_nlp_people_cue_after_serta_seorang_belongs_to_the_next_person():
    text = (
        "Petugas mengamankan empat orang, yakni dua WN Pakistan, yakni Imran Qadir dan "
        "Faisal Mahmood, serta seorang pencari suaka asal Somalia, Abdirahman Warsame.\n"
    )
    assert _foreign_facts(text) == {
        "Imran Qadir": "PK",
        "Faisal Mahmood": "PK",
        "Abdirahman Warsame": "SO",
    }


def test_nlp_people_list_of_some_of_a_counted_group_takes_its_nationality():
    """"Dua di antaranya, yaitu A dan B": members of the group counted earlier."""
    text = (
        "Petugas menemukan tujuh pekerja asing asal Vietnam di sebuah galangan kapal tanpa "
        "izin kerja.\n\n"
        "Kepala seksi menyebut pemeriksaan masih berjalan. \"Dua di antaranya sudah bekerja "
        "sejak Maret, yaitu Pham Van Hieu (36) dan Do Minh Tuan (29),\" katanya.\n"
    )
    assert _foreign_facts(text) == {"Pham Van Hieu": "VN", "Do Minh Tuan": "VN"}


def test_nlp_people_numbered_list_read_from_a_scan_with_colons_for_semicolons():
    text = (
        "Polisi merilis identitas ketiga WN Nepal tersebut, yaitu:\n"
        "1. Bikash Thapa (28),\n"
        "2. Sunil Gurung (31):\n"
        "3. Ramesh Karki (25).\n"
    )
    assert _foreign_facts(text) == {
        "Bikash Thapa": "NP",
        "Sunil Gurung": "NP",
        "Ramesh Karki": "NP",
    }

"""Links between incidents and foreign nationals (full pipeline): who each incident concerns."""

from __future__ import annotations

import pytest

from extractors.nlp.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def person_incidents(doc) -> dict[str, list[str]]:
    """Incident labels of every foreign national, by clean name (groups by their text)."""
    out: dict[str, list[str]] = {}
    for span in doc.spans["person"]:
        if span._.person_role == "foreign_national":
            key = span._.clean_name or span.text
            out[key] = sorted(set(out.get(key, [])) | set(span._.incidents))
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Petugas Imigrasi memeriksa dua turis, Hans Müller (41) asal Jerman dan Pierre "
            "Dubois (38) asal Prancis, di sebuah vila di Ubud. Hans Müller diamankan karena izin "
            "tinggalnya habis, sedangkan Pierre Dubois dinyatakan tidak melanggar aturan.",
            {"Hans Müller": ["arrest", "overstay"], "Pierre Dubois": []},
            id="two-foreigners-one-arrested",
        ),
        pytest.param(
            "Dua WNA asal Filipina, RS (30) dan MJ (28), ditangkap di Bitung. Keduanya masuk "
            "melalui jalur tikus. Sementara itu, warga negara Jepang bernama Kenji Sato hanya "
            "dimintai keterangan sebagai saksi.",
            {
                "RS": ["arrest", "illegal_entry"],
                "MJ": ["arrest", "illegal_entry"],
                "Kenji Sato": [],
            },
            id="keduanya-and-a-witness",
        ),
        pytest.param(
            "Kantor Imigrasi Kelas I Kupang mengamankan seorang warga negara Australia bernama "
            "Jack Thompson di Kota Kupang. Yang bersangkutan diketahui telah overstay selama 60 "
            "hari dan akan dideportasi pekan depan.",
            {"Jack Thompson": ["arrest", "deportation", "overstay"]},
            id="yang-bersangkutan-next-sentence",
        ),
        pytest.param(
            "Pria asal India bernama Rajesh Kumar (45) ditangkap di Medan. Izin tinggalnya sudah "
            "habis sejak Maret.",
            {"Rajesh Kumar": ["arrest", "overstay"]},
            id="possessive-next-sentence",
        ),
        pytest.param(
            "Tiga WNA asal Vietnam, yakni Nguyen Van An, Tran Van Binh dan Le Van Cuong, "
            "diamankan petugas di Pelabuhan Batam.",
            {"Nguyen Van An": ["arrest"], "Tran Van Binh": ["arrest"], "Le Van Cuong": ["arrest"]},
            id="group-with-named-members",
        ),
        pytest.param(
            "Polisi menangkap empat WNA asal Tiongkok di Batam. Mereka adalah Wang Lei, Zhao "
            "Gang, Sun Hao dan Liu Bo.",
            {
                "Wang Lei": ["arrest"],
                "Zhao Gang": ["arrest"],
                "Sun Hao": ["arrest"],
                "Liu Bo": ["arrest"],
            },
            id="mereka-adalah-list",
        ),
        pytest.param(
            "Petugas memeriksa paspor milik Carlos Mendoza (33), warga negara Meksiko. Jika "
            "terbukti melanggar, ia akan dideportasi.",
            {"Carlos Mendoza": []},
            id="conditional-deportation",
        ),
        pytest.param(
            "Timpora menggelar operasi gabungan di sebuah hotel di Senggigi. Dua WNA asal "
            "Inggris, John Smith dan Peter Brown, diperiksa dan tidak ditemukan pelanggaran.",
            {"John Smith": [], "Peter Brown": []},
            id="compliant-in-an-operation",
        ),
        pytest.param(
            "Seorang WNA asal Rusia, Ivan Petrov, diperiksa petugas di Kuta. Kepala Kantor "
            "Imigrasi Denpasar, Made Wirawan, memimpin pemeriksaan itu. Menurut dia, pekan lalu "
            "kantornya mendeportasi seorang warga negara Ukraina.",
            {"Ivan Petrov": []},
            id="pronoun-after-an-official",
        ),
    ],
)
def test_nlp_incident_links_person_incidents(nlp, text, expected):
    found = person_incidents(nlp(text))
    assert {name: found.get(name) for name in expected} == expected


def test_nlp_incident_links_official_quoted_gets_nothing(nlp):
    doc = nlp(
        "Kepala Seksi Inteldakim, Budi Santoso, mengatakan bahwa WNA asal Korea Selatan "
        "berinisial KJH (29) telah dideportasi."
    )
    roles = {s._.clean_name: (s._.person_role, s._.incidents) for s in doc.spans["person"]}
    assert roles["Budi Santoso"] == ("official", [])
    assert roles["KJH"] == ("foreign_national", ["deportation"])


def test_nlp_incident_links_concerns_point_at_person_spans(nlp):
    text = (
        "Dua WNA asal Filipina, RS (30) dan MJ (28), ditangkap di Bitung. Sementara itu, "
        "warga negara Jepang bernama Kenji Sato hanya dimintai keterangan."
    )
    doc = nlp(text)
    arrest = next(s for s in doc.spans["incident"] if s._.incident == "arrest")
    assert sorted(text[a:b] for a, b in arrest._.concerns) == ["MJ", "RS"]


def test_nlp_incident_links_hypothetical_concerns_nobody(nlp):
    doc = nlp(
        "Petugas memeriksa paspor milik Carlos Mendoza (33), warga negara Meksiko. Jika "
        "terbukti melanggar, ia akan dideportasi."
    )
    deportation = next(s for s in doc.spans["incident"] if s._.incident == "deportation")
    assert deportation._.status == "hypothetical"
    assert deportation._.concerns == []


def test_nlp_incident_links_operation_concerns_those_found(nlp):
    text = (
        "Timpora menggelar operasi gabungan di Batam. Dalam operasi itu petugas mengamankan "
        "warga negara Nigeria berinisial OKE (30) yang overstay. Dua WNA asal Inggris, John "
        "Smith dan Peter Brown, juga diperiksa dan tidak ditemukan pelanggaran."
    )
    doc = nlp(text)
    operation = next(s for s in doc.spans["incident"] if s._.incident == "joint_operation")
    assert [text[a:b] for a, b in operation._.concerns] == ["OKE"]
    found = person_incidents(doc)
    assert found["OKE"] == ["arrest", "overstay"]  # the operation is context, not an incident
    assert found["John Smith"] == [] and found["Peter Brown"] == []


def test_nlp_incident_links_without_people_component(incidents_nlp):
    doc = incidents_nlp("Tiga WNA asal Vietnam diamankan petugas di Pelabuhan Batam.")
    assert [s._.concerns for s in doc.spans["incident"]] == [[]]


def test_incident_links_each_numbered_item_keeps_its_own_incidents(nlp):
    doc = nlp(
        "Orang asing yang dikenai tindakan:\n"
        "1. IVAN PETROVICH SOKOLOV, WN Rusia, paspor 751234567, tinggal melebihi izin tinggal;\n"
        "   diamankan di sebuah vila di Canggu dan kini didetensi di Rudenim Denpasar.\n"
        "2. ANNA MARIA KELLER, WN Swiss, paspor X1234567, bekerja dengan visa kunjungan;\n"
        "   telah dideportasi pada 18 November 2026.\n"
    )
    found = person_incidents(doc)
    assert set(found["IVAN PETROVICH SOKOLOV"]) == {"overstay", "arrest", "detention"}
    assert "deportation" in found["ANNA MARIA KELLER"]
    assert not {"arrest", "detention"} & set(found["ANNA MARIA KELLER"])


def test_incident_links_rows_named_by_their_number(nlp):
    doc = nlp(
        "No | Nama | Kewarganegaraan | No. Paspor | Pelanggaran\n"
        "1 | LI QIANG | RRT | EA1234567 | Overstay\n"
        "2 | PARK SOO JIN | Korea Selatan | M12345678 | Overstay\n"
        "3 | ARJUN MEHTA | India | Z7654321 | Overstay\n"
        "\n"
        "WNA nomor urut 1 dan 3 dijadwalkan dideportasi pada 30 November 2026. "
        "WNA nomor urut 2 masih diperiksa.\n"
    )
    found = person_incidents(doc)
    assert "deportation" in found["LI QIANG"] and "deportation" in found["ARJUN MEHTA"]
    assert "deportation" not in found["PARK SOO JIN"]


BAP = """BERITA ACARA PEMERIKSAAN

Pada hari ini Senin tanggal 9 November 2026, saya:
Nama              : Dewi Kartika Sembiring
Pangkat/Golongan  : Penata Muda (III/a)
NIP               : 19920817 201801 2 003
telah melakukan pemeriksaan terhadap seorang perempuan yang mengaku:
Nama lengkap      : OKAFOR CHIAMAKA GRACE
Kewarganegaraan   : Nigeria
Nomor paspor      : A09912384

Pertanyaan 1 : Apakah Saudara bersedia memberikan keterangan?
Jawaban      : Ya, saya bersedia.

Pertanyaan 2 : Apakah Saudara tahu bahwa izin tinggal Saudara sudah habis sejak Juni 2026?
Jawaban      : Ya, saya tahu.

Pertanyaan 3 : Di mana Saudara diamankan petugas?
Jawaban      : Saya diamankan di rumah kos di Jalan Kenanga, Medan.

Yang diperiksa,                  Pemeriksa,
"""


def test_incident_links_examination_questions_and_answers_concern_the_examinee(nlp):
    doc = nlp(BAP)
    assert person_incidents(doc) == {"OKAFOR CHIAMAKA GRACE": ["arrest", "overstay"]}
    roles = {s.text: s._.person_role for s in doc.spans["person"]}
    assert roles["Dewi Kartika Sembiring"] == "official"


def test_incident_links_saya_outside_questions_and_answers_is_nobody(nlp):
    # "saya" in a letter is its writer, not the foreigner named in it.
    doc = nlp(
        "Dengan ini saya laporkan bahwa warga negara Nigeria bernama Okafor Chiamaka Grace "
        "ditemukan di Medan. Kemarin saya diamankan oleh warga karena salah paham."
    )
    assert person_incidents(doc) == {"Okafor Chiamaka Grace": []}


def test_incident_links_a_sentence_announcing_the_identity_block_concerns_its_person(nlp):
    doc = nlp(
        "Menimbang bahwa orang asing dengan identitas sebagai berikut terbukti menyalahgunakan "
        "izin tinggal yang diberikan kepadanya:\n\n"
        "Nama             : NGUYEN THANH HAI\n"
        "Kewarganegaraan  : Vietnam\n"
        "Nomor paspor     : C4471920\n\n"
        "Memutuskan untuk mengenakan tindakan administratif keimigrasian.\n"
    )
    assert person_incidents(doc) == {"NGUYEN THANH HAI": ["permit_misuse"]}


def test_incident_links_an_unannounced_block_does_not_take_the_incident_before_it(nlp):
    doc = nlp(
        "Dalam rapat dibahas penyalahgunaan izin tinggal oleh orang asing di wilayah itu.\n\n"
        "Nama             : NGUYEN THANH HAI\n"
        "Kewarganegaraan  : Vietnam\n"
    )
    assert person_incidents(doc) == {"NGUYEN THANH HAI": []}


def test_incident_links_a_smaller_group_inside_a_list_of_names_keeps_the_list_going(nlp):
    doc = nlp(
        "Petugas mengamankan lima warga negara asing di Pelabuhan Dumai. Kelimanya "
        "masing-masing berinisial AK (30) asal India, RS (26) asal Nepal, serta tiga warga "
        "Tiongkok yakni Hu Jun, Ma Lei dan Xu Fang. Kelimanya kini didetensi."
    )
    found = person_incidents(doc)
    for name in ("AK", "RS", "Hu Jun", "Ma Lei", "Xu Fang"):
        assert found[name] == ["arrest", "detention"], name


def test_incident_links_an_announced_list_of_blocks_shares_the_incident(nlp):
    doc = nlp(
        "Dari pemeriksaan ditemukan dua orang asing yang menyalahgunakan izin tinggal, yaitu:\n"
        "a. Nama: WONG KAR FAI; Kewarganegaraan: Hong Kong; Nomor Paspor: K77120934;\n"
        "b. Nama: LIM SWEE HOCK; Kewarganegaraan: Singapura; Nomor Paspor: E3318820K.\n\n"
        "Nama: TAN AH KOW\n"
        "Kewarganegaraan: Malaysia\n"
    )
    found = person_incidents(doc)
    assert found["WONG KAR FAI"] == found["LIM SWEE HOCK"] == ["permit_misuse"]
    assert found["TAN AH KOW"] == []  # after a blank line: not in the announced list


def test_nlp_incident_links_a_list_one_item_per_line_shares_what_is_said_of_them():
    """Members listed one per line after their group, then a pronoun for all of them: each
    member gets the incidents stated for the group and the pronoun; a deportation that
    "could not yet be carried out" is nobody's."""
    from extractors.facts import extract_facts
    from models.records import FactKind

    text = (
        "Polres Batu Bara menangkap empat warga negara Pakistan di Pelabuhan Tanjung Tiram, "
        "yaitu:\n"
        "1. Adnan Rauf (31);\n"
        "2. Bilal Sheikh (27);\n"
        "3. Kamran Iqbal (35); dan\n"
        "4. Tariq Mehmood (29).\n\n"
        "Keempatnya telah melebihi izin tinggal sejak Juli 2026. Kepala Kantor Imigrasi "
        "mengatakan deportasi belum dapat dilakukan karena paspor mereka masih disita.\n"
    )
    incidents = {
        f.value: set(f.attributes.get("incidents", []))
        for f in extract_facts([(1, text)]).facts
        if f.kind is FactKind.FOREIGN_NATIONAL and f.value
    }
    assert set(incidents) == {"Adnan Rauf", "Bilal Sheikh", "Kamran Iqbal", "Tariq Mehmood"}
    for name, labels in incidents.items():
        assert "overstay" in labels, name
        assert "deportation" not in labels, name

"""Incidents (pantau_incidents): labels, statuses and the document-level list."""

from __future__ import annotations

import pytest

from extractors.nlp.incidents import LABELS, document_incidents


def found(nlp, text: str) -> set[tuple[str, str]]:
    """(label, status) of every incident span."""
    doc = nlp(text)
    return {(s._.incident, s._.status) for s in doc.spans["incident"]}


def labels(nlp, text: str) -> list[str]:
    """The document-level incident list of ``text``."""
    return document_incidents(nlp(text))


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Seorang turis asal Jerman diketahui overstay selama 40 hari.", "overstay"),
        ("WNA itu tinggal melebihi izin tinggal yang diberikan kepadanya.", "overstay"),
        ("Izin tinggalnya telah habis sejak bulan Mei lalu.", "overstay"),
        ("Izin tinggal Thomas Eriksen Dahl telah berakhir sejak 3 Mei 2026.", "overstay"),
        ("Izin tinggal WN Norwegia tersebut sudah habis.", "overstay"),
        ("Ia terbukti menyalahgunakan izin tinggal untuk membuka usaha.", "permit_misuse"),
        ("Kegiatan pria itu tidak sesuai dengan izin tinggal yang dimilikinya.", "permit_misuse"),
        ("Mereka memakai visa kunjungan namun bekerja di sebuah restoran.", "permit_misuse"),
        ("Ia mengelola sebuah vila di Canggu, padahal memegang visa kunjungan.", "permit_misuse"),
        ("Keduanya bekerja pada perusahaan lain selain sponsornya.", "permit_misuse"),
        ("Tiga pria asal Vietnam bekerja di tambang tanpa izin kerja.", "illegal_work"),
        ("Polisi menemukan TKA ilegal di lokasi proyek smelter.", "illegal_work"),
        ("Perusahaan itu mempekerjakan orang asing tanpa RPTKA.", "illegal_work"),
        ("Keduanya kedapatan bekerja sebagai pemandu selam.", "illegal_work"),
        ("Kelompok itu masuk ke Indonesia secara ilegal lewat laut.", "illegal_entry"),
        ("Mereka tiba tidak melalui TPI di Pelabuhan Dumai.", "illegal_entry"),
        ("Perahu itu berlabuh di pelabuhan tikus dekat Tanjung Balai.", "illegal_entry"),
        ("Sebelas orang menjadi korban penyelundupan manusia ke Australia.", "illegal_entry"),
        ("Petugas menemukan paspor palsu di dalam koper pria itu.", "document_fraud"),
        ("Ia diduga melakukan pemalsuan visa kerja.", "document_fraud"),
        ("WNA itu memegang KTP Kabupaten Badung atas nama orang lain.", "document_fraud"),
        ("Polisi menangkap dua pria asal Kamerun di sebuah kos.", "arrest"),
        ("Pria asal Iran itu diringkus di Kuta.", "arrest"),
        ("Tim gabungan membekuk empat WNA di sebuah vila.", "arrest"),
        ("Lima warga Filipina terjaring di perairan Talaud.", "arrest"),
        ("Dua WNA asal India diamankan petugas beserta barang bukti.", "arrest"),
        ("Ia ditahan di Kantor Imigrasi Ambon sejak Senin.", "arrest"),
        ("Keduanya didetensi sambil menunggu tiket pulang.", "detention"),
        ("WNA itu ditempatkan di ruang detensi kantor imigrasi.", "detention"),
        ("Ia dipindahkan ke Rudenim Kupang pekan lalu.", "detention"),
        ("Tujuh WNA asal Tiongkok dideportasi melalui Bandara Soekarno-Hatta.", "deportation"),
        ("Kantor imigrasi telah mendeportasi pria asal Rusia tersebut.", "deportation"),
        ("Pendeportasian dilakukan pada hari Kamis.", "deportation"),
        ("Namanya juga dimasukkan ke dalam daftar\nhitam imigrasi.", "blacklist"),
        ("Imigrasi mengusulkan penangkalan terhadap pria asal Nigeria itu.", "blacklist"),
        ("Pria itu dicekal selama enam bulan.", "blacklist"),
        ("Ia tertangkap membawa narkoba di bandara.", "criminal"),
        ("Jaringan itu menjalankan judi online dari sebuah apartemen.", "criminal"),
        ("Komplotan asing itu terlibat penipuan dan pemerasan daring.", "criminal"),
        ("Demonstrasi itu berakhir ricuh di depan kantor gubernur.", "public_order"),
        ("Massa aksi dibubarkan paksa oleh aparat.", "public_order"),
        ("Turis itu mengganggu ketertiban warga desa.", "public_order"),
        ("Sebanyak 120 pengungsi Rohingya mendarat di pantai Pidie.", "refugee"),
        ("Keluarga itu terdaftar sebagai pencari suaka di UNHCR.", "refugee"),
        ("Timpora menggelar operasi gabungan di Kecamatan Kuta.", "joint_operation"),
        ("Petugas melakukan razia di sejumlah penginapan.", "joint_operation"),
        ("Kakanim memimpin sidak ke pabrik tekstil.", "joint_operation"),
        ("Tim melaksanakan pengawasan ke lokasi perusahaan tambang.", "joint_operation"),
        ("Hasil opgab pekan lalu sudah dilaporkan.", "joint_operation"),
    ],
)
def test_nlp_incidents_finds_reported_label(incidents_nlp, text, label):
    assert (label, "reported") in found(incidents_nlp, text)


def test_nlp_incidents_every_label_is_tested():
    tested = {
        label
        for mark in test_nlp_incidents_finds_reported_label.pytestmark
        for _, label in mark.args[1]
    }
    assert tested == set(LABELS)


@pytest.mark.parametrize(
    ("text", "label", "status"),
    [
        ("Apabila terbukti, WNA tersebut akan dideportasi.", "deportation", "hypothetical"),
        ("Kalau izin tinggalnya habis, ia bisa dideportasi.", "deportation", "hypothetical"),
        ("WNA yang overstay dapat dikenakan sanksi deportasi.", "overstay", "hypothetical"),
        ("Warga asing diimbau tidak bekerja tanpa izin.", "illegal_work", "hypothetical"),
        ("Ada ancaman hukuman bagi WNA yang masuk secara ilegal.", "illegal_entry", "hypothetical"),
        ("Li Wei dan Zhang Min rencananya akan dideportasi besok.", "deportation", "planned"),
        ("Pria asal Ghana itu segera dideportasi ke negaranya.", "deportation", "planned"),
        ("Ketiganya masih dalam proses deportasi.", "deportation", "planned"),
        ("Tidak ada WNA yang overstay di wilayah itu.", "overstay", "negated"),
        ("Pria itu belum pernah ditangkap sebelumnya.", "arrest", "negated"),
        (
            "Dalam pemeriksaan tidak ditemukan penyalahgunaan izin tinggal.",
            "permit_misuse",
            "negated",
        ),
        ("Ia bukan pengungsi.", "refugee", "negated"),
        (
            "Kedepannya akan dilaksanakan operasi gabungan secara rutin.",
            "joint_operation",
            "hypothetical",
        ),
    ],
)
def test_nlp_incidents_decides_status(incidents_nlp, text, label, status):
    assert (label, status) in found(incidents_nlp, text)


def test_nlp_incidents_inspection_without_violation(incidents_nlp):
    text = (
        "Tim Timpora melaksanakan operasi gabungan di tiga hotel di Senggigi. "
        "Dari pemeriksaan dokumen, tidak ditemukan pelanggaran izin tinggal maupun WNA yang "
        "overstay."
    )
    assert labels(incidents_nlp, text) == ["joint_operation"]


def test_nlp_incidents_nothing_found_in_an_operation_still_reports_the_operation(incidents_nlp):
    text = (
        "Tidak ditemukan pelanggaran keimigrasian dalam razia di Kecamatan Sungai Raya "
        "pada 4 November 2026, dan tidak ada WNA yang overstay."
    )
    statuses = found(incidents_nlp, text)
    assert ("joint_operation", "reported") in statuses
    assert ("overstay", "negated") in statuses
    assert labels(incidents_nlp, text) == ["joint_operation"]


def test_nlp_incidents_meeting_plans_operation(incidents_nlp):
    text = (
        "Rapat koordinasi Timpora dibuka oleh Kepala Kantor Imigrasi. "
        "Peserta sepakat melaksanakan operasi gabungan di wilayah pesisir pada bulan depan."
    )
    doc = incidents_nlp(text)
    assert [s._.status for s in doc.spans["incident"]] == ["hypothetical"]
    assert document_incidents(doc) == []


@pytest.mark.parametrize(
    "text",
    [
        "Seorang WNA asal Nigeria ditolak masuk di Bandara Kualanamu dan diamankan di ruang "
        "tunggu sebelum dipulangkan.",
        "Dua penumpang asal Pakistan tidak diizinkan masuk sehingga diamankan sementara lalu "
        "dideportasi dengan pesawat yang sama.",
    ],
)
def test_nlp_incidents_refusal_of_entry_is_not_arrest(incidents_nlp, text):
    assert not {"arrest", "deportation"} & set(labels(incidents_nlp, text))


@pytest.mark.parametrize(
    "text",
    [
        "Petugas mengamankan dokumen perjalanan milik WNA tersebut.",
        "Paspor milik pria asal Korea itu diamankan petugas.",
        "Imigrasi menahan paspor WNA itu selama pemeriksaan.",
        "Kepala Kantor, Budi Santoso, menekankan kerja sama dalam mengamankan pesta demokrasi.",
        "Polres dan Kodim bersiap mengamankan jalannya pilkada di kabupaten itu.",
    ],
)
def test_nlp_incidents_securing_goods_is_not_arrest(incidents_nlp, text):
    assert "arrest" not in labels(incidents_nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kepala Rudenim Makassar hadir dalam rapat itu.", []),
        ("Rumah Detensi Imigrasi Jakarta mengirim undangan.", []),
        ("Pengawasan orang asing adalah tugas Timpora.", []),
        ("Dakwaan menyebut tindak pidana keimigrasian.", []),
        ("Ia dideportasi melalui Rudenim Surabaya.", ["deportation", "detention"]),
        ("Perkaranya disidangkan sebagai tindak pidana ringan.", []),
        ("Nama keduanya masuk daftar penangkalan selama enam bulan ke depan.", ["blacklist"]),
        (
            "Tim mengamankan Tenaga Kerja Asing (TKA) ilegal di kebun sawit.",
            ["arrest", "illegal_work"],
        ),
        ("Daerah wisata itu rawan penyelundupan manusia dan narkoba.", []),
    ],
)
def test_nlp_incidents_names_and_mission_statements(incidents_nlp, text, expected):
    assert labels(incidents_nlp, text) == expected


def test_nlp_incidents_span_data(incidents_nlp):
    text = "Rapat dibuka pukul 09.00. Dua WNA asal Cina\ndideportasi kemarin."
    doc = incidents_nlp(text)
    (span,) = doc.spans["incident"]
    assert (span.text, span._.sentence_index) == ("dideportasi", 1)
    assert text[span.start_char : span.end_char] == "dideportasi"
    assert span._.status_cue is None


def test_nlp_incidents_status_cue_words(incidents_nlp):
    doc = incidents_nlp("Jika terbukti, ia akan dideportasi.")
    (span,) = doc.spans["incident"]
    assert span._.status_cue == "Jika"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Mereka masuk dengan visa kunjungan, tetapi bekerja di sebuah kafe.", "permit_misuse"),
        (
            "Ia datang dengan bebas visa kunjungan. Selama dua bulan ia berjualan perhiasan di "
            "pasar seni.",
            "permit_misuse",
        ),
        (
            "Pria itu menerima bayaran sebagai pemandu wisata dengan visa on arrival.",
            "permit_misuse",
        ),
        ("Turis itu menyalah gunakan visa untuk membuka sekolah selancar.", "permit_misuse"),
        ("Imigrasi menemukan wisatawan yang menyalahgunakan visanya.", "permit_misuse"),
        ("WNA asal Korea itu sudah over stay selama tiga bulan.", "overstay"),
        ("Petugas menemukan KTP dan KK dengan nama berbeda di kamarnya.", "document_fraud"),
        ("Dalam penggeledahan ditemukan dokumen penyamaran identitas.", "document_fraud"),
        ("Tim gabungan mengamankan lima WNA di sebuah apartemen.", "joint_operation"),
        ("Shen Li diamankan oleh tim gabungan di sebuah gudang.", "joint_operation"),
        (
            "Kantor Imigrasi bersama Polres Badung melakukan pemeriksaan di sejumlah vila.",
            "joint_operation",
        ),
        ("Keduanya diamankan dalam pemeriksaan bersama Polsek Kuta Utara.", "joint_operation"),
        (
            "Keduanya dideportasi karena bekerja sebagai pemandu selam di sebuah resor di Gili "
            "Trawangan secara ilegal.",
            "illegal_work",
        ),
    ],
)
def test_nlp_incidents_more_cue_forms(incidents_nlp, text, label):
    assert label in labels(incidents_nlp, text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Pemegang visa kunjungan dilarang bekerja di Indonesia.", "permit_misuse"),
        ('"Visa kunjungan tidak boleh dipakai untuk bekerja," katanya.', "permit_misuse"),
        ("Ia masuk dengan visa kunjungan dan tidak bekerja selama di Bali.", "permit_misuse"),
        ("Ia masuk dengan visa kunjungan pada bulan Mei lalu.", "permit_misuse"),
        ("Kepala kantor menduga keluarga itu merupakan pengungsi dari Suriah.", "refugee"),
        ("Rapat membahas rencana tim gabungan mengamankan WNA bermasalah.", "joint_operation"),
        ("Kami akan melakukan pengawasan bersama Polres di kawasan wisata.", "joint_operation"),
        ("Salah satu kasus yang mencuri perhatian melibatkan dua WNA asal Korea.", "criminal"),
        ("Sanksinya bisa berupa penahanan di ruang detensi, deportasi, hingga penangkalan.",
         "deportation"),
        ("Sanksinya bisa berupa penahanan di ruang detensi, deportasi, hingga penangkalan.",
         "blacklist"),
        ("Ia tidak bekerja di resor itu secara ilegal.", "illegal_work"),
    ],
)
def test_nlp_incidents_more_cues_not_counted(incidents_nlp, text, label):
    assert label not in labels(incidents_nlp, text)


@pytest.mark.parametrize(
    ("text", "label", "status"),
    [
        (
            "Sesuai rencana kerja triwulan ini, Tim Timpora telah melaksanakan pemeriksaan di "
            "dua perusahaan tambang.",
            "joint_operation",
            "reported",
        ),
        (
            "Rapat merencanakan agar Tim Timpora melaksanakan pemeriksaan ke lokasi perusahaan.",
            "joint_operation",
            "hypothetical",
        ),
        (
            "Ditegaskan bahwa perusahaan yang terbukti mempekerjakan orang asing tanpa izin akan "
            "dilaporkan.",
            "illegal_work",
            "hypothetical",
        ),
        (
            "Tiga WNA yang terbukti bekerja tanpa izin diamankan petugas.",
            "illegal_work",
            "reported",
        ),
        (
            "Izin tinggal terbatasnya berakhir pada 2 Mei 2026 dan tidak diperpanjang.",
            "overstay",
            "reported",
        ),
    ],
)
def test_nlp_incidents_done_general_and_possessive_statements(text, label, status) -> None:
    from extractors.nlp.pipeline import load_pipeline

    doc = load_pipeline()(text)
    found = {(s._.incident, s._.status) for s in doc.spans["incident"]}
    assert (label, status) in found, found


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Ia mengajar bahasa Inggris di sebuah lembaga kursus tanpa izin.", "illegal_work"),
        ("Kedua mekanik itu dipekerjakan di bengkel, tanpa pengesahan RPTKA.", "illegal_work"),
        ("Warga Jepang itu membuka praktik pijat tanpa izin kerja.", "illegal_work"),
        (
            "Mereka berada di lokasi tambang tanpa izin tinggal terbatas untuk bekerja.",
            "illegal_work",
        ),
        ("Perbuatannya melanggar Pasal 122 huruf a Undang-Undang Keimigrasian.", "permit_misuse"),
        (
            "Ia masuk dengan visa on arrival. Setiap pagi ia memandu tamu resor dengan "
            "komisi dari pemilik kapal.",
            "permit_misuse",
        ),
        ("ITAS warga Korea itu berakhir pada 3 Mei 2026 dan tidak diperpanjang.", "overstay"),
        (
            "Tiga pria itu masuk melalui hutan di perbatasan tanpa melalui PLBN Skouw.",
            "illegal_entry",
        ),
        ("Kelimanya diamankan personel Satgas Pamtas di sekitar pasar.", "arrest"),
    ],
)
def test_nlp_incidents_paid_work_lapsed_permits_and_checkpoints(incidents_nlp, text, label):
    assert label in labels(incidents_nlp, text)


def test_nlp_incidents_an_extended_permit_is_no_overstay(incidents_nlp):
    assert "overstay" not in labels(
        incidents_nlp, "ITAS warga Korea itu berakhir pada 3 Mei 2026 dan telah diperpanjang."
    )

"""Country and nationality mentions (pantau_nationality)."""

from __future__ import annotations

import pytest


def found(nlp, text: str) -> list[tuple[str, str, str]]:
    """(text, code, form) of every country span, whitespace folded."""
    doc = nlp(text)
    return [(" ".join(s.text.split()), s._.country, s._.form) for s in doc.spans["country"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Petugas mengamankan IN (34), WN Nigeria, dan VN (29) asal Vietnam.",
            [("Nigeria", "NG", "country"), ("Vietnam", "VN", "country")],
        ),
        ("Pemohon SA, 41, berkewarganegaraan Jepang.", [("Jepang", "JP", "country")]),
        (
            "Tiga WNA asal Tiongkok dan dua warga Cina diperiksa.",
            [("Tiongkok", "CN", "country"), ("Cina", "CN", "country")],
        ),
        (
            "Dua TKA asal RRT dan seorang turis AS ditemukan.",
            [("RRT", "CN", "abbreviation"), ("AS", "US", "abbreviation")],
        ),
        ("Tersangka AS (40) bekerja tanpa izin.", []),
        (
            "Warga Korsel dan Korut, serta turis dari Korea Selatan.",
            [
                ("Korsel", "KR", "abbreviation"),
                ("Korut", "KP", "abbreviation"),
                ("Korea Selatan", "KR", "country"),
            ],
        ),
        ("Nelayan PNG masuk lewat perairan Papua.", [("PNG", "PG", "abbreviation")]),
        (
            "Dua turis asal Perancis belajar bahasa Perancis di Ubud.",
            [("Perancis", "FR", "country")],
        ),
        ("Sembilan warga Papua Nugini menyeberang ke Papua.", [("Papua Nugini", "PG", "country")]),
        (
            "Pekerja dari Guinea Khatulistiwa tiba di Jakarta.",
            [("Guinea Khatulistiwa", "GQ", "country")],
        ),
        (
            "WN Timor Leste dan warga Timor-Leste lainnya dipulangkan.",
            [("Timor Leste", "TL", "country"), ("Timor-Leste", "TL", "country")],
        ),
        (
            "Wisatawan dari Negeri Panda dan Negeri Sungai berdatangan.",
            [("Negeri Panda", "CN", "nickname"), ("Negeri Sungai", "BD", "nickname")],
        ),
        ("Jordan menjadi penerjemah bagi warga negara Jordan.", [("Jordan", "JO", "country")]),
        (
            "Pak Chad bertemu pengusaha asal Amerika Serikat.",
            [("Amerika Serikat", "US", "country")],
        ),
        ("Ia fasih berbahasa Inggris dan pernah tinggal di Amerika Latin.", []),
        (
            "Two Chinese nationals and a Nigerian man were detained.",
            [("Chinese", "CN", "demonym"), ("Nigerian", "NG", "demonym")],
        ),
        (
            "DAFTAR WNA ASAL FILIPINA, MALAYSIA DAN BANGLADESH",
            [
                ("FILIPINA", "PH", "country"),
                ("MALAYSIA", "MY", "country"),
                ("BANGLADESH", "BD", "country"),
            ],
        ),
        (
            "Rombongan warga negara Korea\nSelatan tiba pagi ini.",
            [("Korea Selatan", "KR", "country")],
        ),
    ],
)
def test_nationality_finds_countries(nationality_nlp, text, expected):
    assert found(nationality_nlp, text) == expected


@pytest.mark.parametrize("initials", ["IN", "VN", "SA", "CN", "MY", "PH", "AU", "ID"])
def test_nationality_never_reads_initials_as_iso_codes(nationality_nlp, initials):
    assert found(nationality_nlp, f"Tersangka {initials} (27), WN Ghana, diperiksa.") == [
        ("Ghana", "GH", "country")
    ]


def test_nationality_ignores_lower_case_abbreviations(nationality_nlp):
    assert found(nationality_nlp, "as roda dan png gambar") == []


def test_nationality_gazetteer_holds_only_countries():
    from tools.build_gazetteers import country_rows

    codes = {row["code"] for row in country_rows() if row["code"]}
    assert {"CN", "PG", "TL", "KR", "US"} <= codes
    assert all(len(code) == 2 and code.isalpha() for code in codes)
    assert not codes & {"EU", "UN", "ZZ", "QO", "EZ"}

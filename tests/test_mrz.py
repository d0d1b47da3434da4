"""Machine-readable zones: found in page text, cleaned of what OCR makes of them, checked
digit by digit, and turned into a passport fact and its holder."""

from __future__ import annotations

import pytest
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td2 import TD2CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator

from extractors.facts import extract_facts
from extractors.identity import gather_mentions
from extractors.mrz import alpha2, check_digit, find_zones
from models.records import FactKind
from tools.passport import passport_zone, render_passport_page

CHEN = str(TD3CodeGenerator("P", "CHN", "Chen", "Guoliang", "E12345678", "CHN", "880301", "M",
                            "300101", ""))  # fmt: skip


def test_a_generated_passport_zone_is_read_field_by_field():
    [zone] = find_zones(f"Salinan paspor yang bersangkutan:\n{CHEN}\nHalaman 2")
    assert (zone.format, zone.document_type, zone.issuing_state) == ("TD3", "P", "CHN")
    assert (zone.surname, zone.given_names, zone.name) == ("CHEN", "GUOLIANG", "Guoliang Chen")
    assert (zone.number, zone.nationality, zone.sex) == ("E12345678", "CN", "M")
    assert (zone.birth_date, zone.expiry_date) == ("1988-03-01", "2030-01-01")
    assert zone.valid and set(zone.checks) == {
        "number", "birth_date", "expiry_date", "optional", "composite"
    }  # fmt: skip


def test_cards_of_three_and_two_lines():
    td1 = str(TD1CodeGenerator("ID", "Germany", "T22000129", "640812", "F", "271031",
                               "Germany", "Mustermann", "Erika"))  # fmt: skip
    td2 = str(TD2CodeGenerator("I", "Japan", "Moriyama", "Kenji", "TK4471209", "Japan",
                               "810416", "M", "290302"))  # fmt: skip
    [card] = find_zones(td1)
    assert (card.format, card.name, card.nationality, card.number, card.valid) == (
        "TD1",
        "Erika Mustermann",
        "DE",
        "T22000129",
        True,
    )
    [visa] = find_zones(td2)
    assert (visa.format, visa.name, visa.nationality, visa.birth_date, visa.valid) == (
        "TD2",
        "Kenji Moriyama",
        "JP",
        "1981-04-16",
        True,
    )


def test_check_digits_and_state_codes():
    assert check_digit("E12345678") == "2"  # as the generator computed it above
    assert check_digit("880301") == "2"
    assert (alpha2("CHN"), alpha2("D<<"), alpha2("GBR"), alpha2("XQZ")) == ("CN", "DE", "GB", None)


def test_what_ocr_makes_of_a_zone_is_cleaned_but_a_number_is_never_guessed():
    name, data = CHEN.splitlines()
    # Fillers read as « and a stray K inside a run of them, the name line's fillers cut
    # short, a birth date with the letter O for a zero: all read back, every check valid.
    misread = data.replace("880301", "88O301").replace("<<<<", "<<K<<", 1)
    scanned = "\n".join([name.replace("<", "«", 2)[:30], misread])
    [zone] = find_zones(scanned)
    assert (zone.number, zone.birth_date, zone.valid) == ("E12345678", "1988-03-01", True)
    # A digit of the number misread: the number stays as read and the zone is doubtful.
    [doubtful] = find_zones(CHEN.replace("E12345678", "E12845678"))
    assert doubtful.number == "E12845678"
    assert not doubtful.checks["number"] and not doubtful.valid


LETTER = """Pada tanggal 3 Maret 2026 petugas memeriksa warga negara Tiongkok bernama Chen \
Guoliang yang bekerja tanpa izin kerja di Kabupaten Badung. Salinan paspornya terlampir.

{zone}
"""


def test_a_passport_copy_gives_its_holder_and_joins_the_person_named_in_the_letter():
    result = extract_facts([(1, LETTER.format(zone=CHEN))], document_date="2026-03-05")
    [passport] = [f for f in result.facts if f.method == "rule:mrz" and f.kind == "identifier"]
    assert passport.value == "E12345678"
    assert passport.attributes["valid"] is True
    assert passport.attributes["birth_date"] == "1988-03-01"
    assert passport.attributes["nationality"] == "CN"
    # The holder as printed in the zone ("Guoliang Chen") is the letter's Chen Guoliang.
    [chen] = gather_mentions(result.facts)
    assert chen.name in ("Chen Guoliang", "Guoliang Chen")
    assert (chen.nationality, chen.passports, chen.age, chen.sex) == ("CN", ["E12345678"], 38, "M")
    assert "illegal_work" in chen.incidents


def test_a_doubtful_number_never_identifies_anyone():
    bad = CHEN.replace("E12345678", "E12845678")
    result = extract_facts([(1, LETTER.format(zone=bad))], document_date="2026-03-05")
    [passport] = [f for f in result.facts if f.method == "rule:mrz" and f.kind == "identifier"]
    assert passport.attributes["valid"] is False
    [chen] = gather_mentions(result.facts)
    assert chen.passports == []


def test_an_indonesian_passport_is_no_foreign_national():
    own = str(TD3CodeGenerator("P", "IDN", "Wibawa", "Made Surya", "C4481920", "IDN", "780512",
                               "M", "310101", ""))  # fmt: skip
    result = extract_facts([(1, f"Paspor petugas:\n{own}\n")], document_date="2026-03-05")
    kinds = [f.kind for f in result.facts if f.method == "rule:mrz"]
    assert kinds == [FactKind.IDENTIFIER]


@pytest.mark.slow
def test_a_scanned_passport_page_is_read_again_in_the_zone_alphabet():
    from extractors.ocr import ocr_image

    lines = passport_zone(country="CHN", surname="Chen", given_names="Guoliang",
                          number="E12345678", birth="880301", sex="M", expiry="300101")  # fmt: skip
    page = ocr_image(render_passport_page(lines, {"Surname": "CHEN"}), dpi=300)
    assert any(step.startswith("mrz:") for step in page.steps)
    [zone] = find_zones(page.text)
    assert (zone.number, zone.nationality, zone.valid) == ("E12345678", "CN", True)


# --- reading a zone by the shapes of its characters ------------------------------------


def zone_band(lines: list[str], profile: str | None = None, seed: int = 0):
    """The zone's band of a made-up data page, as grey levels (optionally scanned)."""
    import numpy as np

    from tools.scansim import degrade

    page = render_passport_page(lines, {"Surname": "X"})
    image = page if profile is None else degrade(page, profile, seed=seed)
    gray = np.asarray(image.convert("L"))
    scale = gray.shape[0] / page.height
    return gray[int(1270 * scale) : int(1530 * scale), :]


@pytest.mark.parametrize("profile", [None, "office"])
def test_shapes_read_every_character_of_a_passport_zone(profile):
    from extractors.mrz_glyphs import read_band

    people = [
        ("VNM", "Nguyen", "Thi Mai", "C0S8B1O5Z"),  # letters and digits that look alike
        ("POL", "Kowalski", "Piotr Adam", "EA0912345"),
        ("NGA", "Okafor", "Chinedu", "A09M3ZR68"),
    ]
    for seed, (state, surname, given, number) in enumerate(people):
        lines = passport_zone(country=state, surname=surname, given_names=given, number=number,
                              birth="850214", sex="F", expiry="310101")  # fmt: skip
        read = [line.text for line in read_band(zone_band(lines, profile, seed))]
        assert read == lines
        [zone] = find_zones("\n".join(read))
        assert zone.valid and zone.number == number


def test_shapes_follow_the_grammar_of_each_position():
    from extractors.mrz_glyphs import GRAMMAR, allowed_mask

    line = GRAMMAR["TD3"][1]
    mask = allowed_mask(line)
    digit = ALPHABET_INDEX["0"]
    letter_o = ALPHABET_INDEX["O"]
    # The birth date (13-18) and its check digit (19) take digits only; the nationality
    # (10-12) letters and fillers only; the number (0-8) any character.
    assert all(mask[p, digit] and not mask[p, letter_o] for p in range(13, 20))
    assert all(mask[p, letter_o] and not mask[p, digit] for p in range(10, 13))
    assert all(mask[p, digit] and mask[p, letter_o] for p in range(9))
    assert [len(p) for p in GRAMMAR["TD1"]] == [30, 30, 30]
    assert [len(p) for p in GRAMMAR["TD2"]] == [36, 36]


def test_shapes_read_a_card_of_three_lines():
    from extractors.mrz_glyphs import read_band

    td1 = str(TD1CodeGenerator("ID", "Germany", "T22000129", "640812", "F", "271031",
                               "Germany", "Mustermann", "Erika")).splitlines()  # fmt: skip
    read = [line.text for line in read_band(zone_band(td1, "office", seed=3))]
    assert read == td1


def test_a_band_of_ordinary_words_gives_no_zone_line():
    from extractors.mrz_glyphs import read_band

    band = zone_band(["Pada tanggal 5 Oktober 2026 petugas memeriksa dokumen"], None)
    assert read_band(band) == []


ALPHABET_INDEX = {char: n for n, char in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")}

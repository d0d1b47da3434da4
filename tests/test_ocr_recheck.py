"""The second reading of unknown capitalised words that restores q and Q."""

from __future__ import annotations

import pytest

from extractors.ocr_recheck import accepts, is_suspect
from extractors.tesseract import TessWord


def word(text: str) -> TessWord:
    return TessWord(
        text=text, left=0, top=0, width=10, height=10, conf=90.0, block=1, par=1, line=1
    )


@pytest.mark.parametrize(
    ("first", "second", "taken"),
    [
        ("Rafigul", "Rafiqul", True),
        ("Oasim", "Qasim", True),
        ("OUDDUS", "QUDDUS", True),
        ("Tarig,", "Tariq,", True),
        ("Segiri", "Segiri", False),  # same reading: nothing to change
        ("Bagas", "Bapas", False),  # another letter: never touched
        ("Oalt", "Qalt.", False),  # length changes: offsets would move
        ("Imigrasi", "Irnigrasi", False),
        ("Gita", "Qita", True),
    ],
)
def test_ocr_recheck_accepts_only_the_q_confusions(first, second, taken):
    assert accepts(first, second) is taken


@pytest.mark.parametrize(
    ("text", "suspect"),
    [
        ("Rafigul", True),  # unknown name with g
        ("Oalt", True),  # unknown capitalised word starting with O
        ("(Shafigul,", True),
        ("Imigrasi", False),  # a known Indonesian word
        ("Bangladesh,", False),  # a known country name
        ("Gorontalo", False),  # a known region name
        ("yang", False),  # not capitalised
        ("Haque", False),  # no g, no O: nothing the first reading may have swapped
        ("Og", False),  # too short to judge
    ],
)
def test_ocr_recheck_picks_unknown_capitalised_words(text, suspect):
    assert is_suspect(word(text)) is suspect


@pytest.mark.slow
def test_ocr_recheck_restores_q_in_a_scanned_name():
    from extractors.ocr import ocr_image
    from tools import scansim

    text = (
        "Petugas Kantor Imigrasi Kelas I Makassar memeriksa tiga warga negara asing di "
        "Gowa. Mereka adalah Qadir Rafiq Chaudhry asal Pakistan, Shafiqul Haque asal "
        "Bangladesh, dan Tariq Qureshi yang mengaku bekerja sebagai pedagang di Pasar "
        "Segiri Samarinda."
    )
    page = scansim.degrade(scansim.render_pages(text)[0], "office", seed=7)
    read = ocr_image(page, dpi=300)
    for name in ("Qadir", "Rafiq", "Shafiqul", "Tariq", "Qureshi"):
        assert name in read.text
    for box in read.words:  # offsets still point at their words
        assert read.text[box.start : box.start + len(box.text)] == box.text

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


def model_parts(path):
    """{index: bytes} of the parts of a traineddata file."""
    import struct

    data = path.read_bytes()
    (count,) = struct.unpack_from("<i", data)
    offsets = struct.unpack_from(f"<{count}q", data, 4)
    present = sorted((offset, index) for index, offset in enumerate(offsets) if offset >= 0)
    ends = [offset for offset, _ in present[1:]] + [len(data)]
    return {index: data[offset:end] for (offset, index), end in zip(present, ends, strict=True)}


@pytest.mark.parametrize("lang", ["eng", "Latin"])
def test_ocr_recheck_model_without_word_lists_keeps_every_other_part(lang):
    from extractors import tesseract

    if not tesseract.has_language(lang):
        pytest.skip(f"tesseract has no {lang} model")
    folder = tesseract.without_word_lists(lang)
    assert folder is not None
    installed = model_parts(tesseract.model_folder() / f"{lang}.traineddata")
    lite = model_parts(folder / f"{lang}.traineddata")
    assert 19 in installed  # the LSTM model's word list
    assert lite == {i: part for i, part in installed.items() if i not in (7, 9, 19)}
    assert (folder / "configs" / "tsv").is_file()


def test_ocr_recheck_model_without_word_lists_reads_names_as_the_installed_one():
    from PIL import Image, ImageDraw, ImageFont

    from extractors import tesseract

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 40)
    names = ["Rafiqul", "Qasim", "Siddiqui", "Quoc", "Ishaq"]
    strip = Image.new("L", (400, 60 * len(names) + 20), 255)
    draw = ImageDraw.Draw(strip)
    for i, name in enumerate(names):
        draw.text((12, 12 + 60 * i), name, font=font, fill=0)
    lang = next(lang for lang in ("Latin", "eng") if tesseract.has_language(lang))
    lite = tesseract.without_word_lists(lang)
    read = [w.text for w in tesseract.image_to_data(strip, lang=lang, psm=6, models=lite)]
    assert read == [w.text for w in tesseract.image_to_data(strip, lang=lang, psm=6)] == names


def test_ocr_recheck_model_folder_must_be_the_users_own(tmp_path, monkeypatch):
    import os
    import tempfile

    from extractors import tesseract

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"pantau-tessdata-{os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # another user could replace the model
    tesseract.without_word_lists.cache_clear()
    try:
        assert tesseract.without_word_lists("eng") is None
        shared.chmod(0o700)
        tesseract.without_word_lists.cache_clear()
        assert tesseract.without_word_lists("eng") == next(shared.glob("eng-*"))
    finally:
        tesseract.without_word_lists.cache_clear()

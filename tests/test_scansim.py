"""Scan simulator: typesetting, markup, damage profiles, output files and the CLI."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from tools import scansim
from tools.cer import cer, edit_distance, normalize_whitespace

LETTER = "^ KANTOR CONTOH\n---\n\nNomor : 1/2/2024\n\nIsi surat singkat.\n"


def ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    return scansim.ink_bounds(np.asarray(image.convert("L")))


def test_scansim_renders_a4_pages_at_dpi() -> None:
    pages = scansim.render_pages(LETTER, dpi=150)
    assert len(pages) == 1
    assert pages[0].size == (1240, 1754)
    assert pages[0].mode == "RGB"
    assert pages[0].info["dpi"] == (150, 150)


def test_scansim_wraps_and_paginates_long_text() -> None:
    paragraph = " ".join(["pengawasan orang asing di wilayah kabupaten"] * 40)
    pages = scansim.render_pages("\n\n".join([paragraph] * 8))
    assert len(pages) >= 2
    margin = round(scansim.MARGIN_INCHES * 300)
    for page in pages:
        left, top, right, bottom = ink_box(page)
        assert left >= margin - 5 and right <= page.width - margin + 5
        assert bottom <= page.height - margin + 5


def test_scansim_plain_text_drops_markup() -> None:
    assert scansim.plain_text(LETTER) == "KANTOR CONTOH\n\nNomor : 1/2/2024\n\nIsi surat singkat.\n"


def test_scansim_title_is_centred_and_rule_spans_the_text_width() -> None:
    page = np.asarray(scansim.render_pages("^ JUDUL\n---\n")[0].convert("L"))
    title_rows = page[:400]
    cols = np.flatnonzero((title_rows < 128).any(axis=0))
    rule_row = int(np.argmax((page < 128).sum(axis=1)))
    assert abs((cols[0] + cols[-1]) / 2 - page.shape[1] / 2) < 300  # rule + title centred
    assert (page[rule_row] < 128).sum() > page.shape[1] * 0.7


def test_scansim_degrade_is_deterministic_per_seed() -> None:
    page = scansim.render_pages(LETTER)[0]
    first = np.asarray(scansim.degrade(page, "hard", seed=5))
    again = np.asarray(scansim.degrade(page, "hard", seed=5))
    other = np.asarray(scansim.degrade(page, "hard", seed=6))
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    ("profile", "mode", "size", "dpi"),
    [("clean", "RGB", (2481, 3507), 300), ("office", "RGB", (2481, 3507), 300),
     ("fax", "L", (1240, 1754), 150), ("hard", "RGB", (2481, 3507), 300)],
)
def test_scansim_profiles_set_mode_and_resolution(profile: str, mode: str,
                                                  size: tuple[int, int], dpi: int) -> None:
    out = scansim.degrade(scansim.render_pages(LETTER)[0], profile, seed=1)
    assert out.mode == mode
    assert out.size == size
    assert out.info["dpi"] == (dpi, dpi)


def test_scansim_fax_is_bilevel() -> None:
    out = scansim.degrade(scansim.render_pages(LETTER)[0], "fax", seed=1)
    assert set(np.unique(np.asarray(out))) <= {0, 255}


def test_scansim_hard_profile_adds_coloured_stamp_and_signature() -> None:
    out = np.asarray(scansim.degrade(scansim.render_pages(LETTER)[0], "hard", seed=1))
    chroma = out.max(axis=2).astype(int) - out.min(axis=2)
    assert (chroma > 60).sum() > 5000


def test_scansim_clean_profile_leaves_page_untouched() -> None:
    page = scansim.render_pages(LETTER)[0]
    assert np.array_equal(np.asarray(scansim.degrade(page, "clean")), np.asarray(page))


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_scansim_rotation_turns_the_page_clockwise(rotate: int) -> None:
    page = scansim.render_pages(LETTER)[0]
    turned = scansim.degrade(page, "clean", rotate=rotate)
    back = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_270}[rotate]
    assert np.array_equal(np.asarray(turned.transpose(back)), np.asarray(page))


def test_scansim_rejects_unknown_profile_and_rotation() -> None:
    page = scansim.new_page(100)
    with pytest.raises(ValueError, match="office"):
        scansim.degrade(page, "photocopy")
    with pytest.raises(ValueError, match="rotate"):
        scansim.degrade(page, "clean", rotate=45)


def test_scansim_saves_multipage_pdf_and_tiff(tmp_path) -> None:
    pages = [scansim.degrade(p, "fax", seed=1) for p in
             scansim.render_pages(LETTER + "\n".join(["baris"] * 120))]
    assert len(pages) >= 2
    pdf = scansim.save_pdf(pages, tmp_path / "scan.pdf", dpi=150)
    document = pdfium.PdfDocument(pdf)
    assert len(document) == len(pages)
    assert document[0].get_width() == pytest.approx(8.27 * 72, abs=1)
    tiff = scansim.save_tiff(pages, tmp_path / "scan.tif", dpi=150)
    with Image.open(tiff) as image:
        assert image.n_frames == len(pages)
        assert image.info["dpi"][0] == pytest.approx(150)


def test_scansim_cli_converts_a_folder(tmp_path, capsys) -> None:
    src = tmp_path / "teks"
    src.mkdir()
    (src / "surat.txt").write_text(LETTER, encoding="utf-8")
    (src / "berita.txt").write_text("Berita singkat hari ini.\n", encoding="utf-8")
    out = tmp_path / "scan"
    assert scansim.main([str(src), str(out), "--profile", "fax", "--format", "png",
                         "--rotate", "180", "--seed", "3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["berita.png", "surat.png"]
    with Image.open(out / "surat.png") as image:
        assert image.size == (1240, 1754)
    assert "surat.png" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("Pebruari", "Februari", 1),
     ("warga", "warga", 0), ("ab", "ba", 2)],
)
def test_cer_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_cer_ignores_whitespace_layout() -> None:
    assert normalize_whitespace("  Nomor  :\n 12\t") == "Nomor : 12"
    assert cer("Nomor :\n\n12", "Nomor     : 12") == 0.0
    assert cer("Nomer : 12", "Nomor : 12") == pytest.approx(0.1)
    assert cer("", "") == 0.0 and cer("x", "") == 1.0

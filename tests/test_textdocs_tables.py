"""Tables in the page text of every reader: one row per line, cells joined by " | "."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_table_docx, write_table_html, write_table_pdf

from extractors.facts import reflow
from extractors.pdf import read_text_layers
from extractors.textdocs import read_docx, read_html, read_plain_text

ROWS = [
    ["No", "Nama", "Kewarganegaraan", "No. Paspor"],
    ["1", "SVENSSON LARS ERIK", "Swedia", "S8812345"],
    ["2", "Tariq bin Yusuf", "Malaysia", "A40918273"],
]
LINES = [
    "No | Nama | Kewarganegaraan | No. Paspor",
    "1 | SVENSSON LARS ERIK | Swedia | S8812345",
    "2 | Tariq bin Yusuf | Malaysia | A40918273",
]
BEFORE = "Hasil pemeriksaan dokumen orang asing:"
AFTER = "Demikian laporan ini dibuat."


@pytest.mark.parametrize(
    "write",
    [
        lambda path: write_table_html(path / "laporan.html", BEFORE, ROWS, AFTER),
        lambda path: write_table_docx(path / "laporan.docx", BEFORE, ROWS, AFTER),
    ],
    ids=["html", "docx"],
)
def test_textdocs_tables_become_rows_between_the_text(tmp_path: Path, write) -> None:
    path = write(tmp_path)
    reader = read_html if path.suffix == ".html" else read_docx
    [text] = reader(path)
    assert "\n".join([BEFORE, *LINES, AFTER]) in text.replace("\n\n", "\n")


@pytest.mark.parametrize(
    "content",
    [
        "\n".join(
            ["No\tNama\tKewarganegaraan\tNo. Paspor", *(r.replace(" | ", "\t") for r in LINES[1:])]
        ),
        "\n".join(
            ["| " + line + " |" for line in LINES[:1]]
            + ["|---|---|---|---|"]
            + ["| " + line + " |" for line in LINES[1:]]
        ),
        "\n".join(LINES),
    ],
    ids=["tabs", "bordered-pipes", "pipes"],
)
def test_textdocs_plain_text_tables_become_rows(tmp_path: Path, content: str) -> None:
    path = tmp_path / "laporan.txt"
    path.write_text(f"{BEFORE}\n{content}\n{AFTER}", encoding="utf-8")
    assert read_plain_text(path) == ["\n".join([BEFORE, *LINES, AFTER])]


def test_textdocs_tab_aligned_form_lines_stay_fields(tmp_path: Path) -> None:
    path = tmp_path / "surat.txt"
    path.write_text("Nama\t: SVENSSON LARS ERIK\nKewarganegaraan\t: Swedia\n", encoding="utf-8")
    assert read_plain_text(path) == ["Nama : SVENSSON LARS ERIK\nKewarganegaraan : Swedia"]


def test_pdf_ruled_table_reads_as_rows_where_it_stands(tmp_path: Path) -> None:
    path = write_table_pdf(tmp_path / "laporan.pdf", [(BEFORE, ROWS, AFTER)])
    [page] = list(read_text_layers(path, dpi=150))
    assert not isinstance(page, Exception) and page.text is not None
    text = page.text.text
    assert text.split("\n") == [BEFORE, *LINES, AFTER]
    for word in page.text.words:
        assert text[word.start : word.start + len(word.text)] == word.text
    rows = {w.line for w in page.text.words if w.text in ("Tariq", "A40918273")}
    assert rows == {3}


def test_pdf_page_without_table_reads_as_before(tmp_path: Path) -> None:
    path = write_table_pdf(tmp_path / "surat.pdf", [(BEFORE + "\n" + AFTER, [], "")])
    [page] = list(read_text_layers(path, dpi=150))
    assert not isinstance(page, Exception) and page.text is not None
    assert page.text.text == f"{BEFORE}\n{AFTER}"


def test_reflow_keeps_table_rows_apart() -> None:
    text = "\n".join([BEFORE, *LINES, AFTER])
    assert reflow(text) == text


def test_textdocs_html_layout_table_reads_as_paragraphs(tmp_path: Path) -> None:
    story = "Petugas gabungan memeriksa sejumlah vila di kawasan Canggu. " * 8
    path = tmp_path / "berita.html"
    path.write_text(
        f"<html><body><table><tr><td><p>{story}</p><p>{AFTER}</p></td><td>Iklan</td></tr>"
        "</table></body></html>",
        encoding="utf-8",
    )
    [text] = read_html(path)
    assert f"{story.strip()}\n\n{AFTER}" in text
    assert " | " not in text


def test_pdf_ruled_frame_around_paragraphs_reads_as_text(tmp_path: Path) -> None:
    story = "Petugas gabungan memeriksa sejumlah vila di kawasan Canggu. " * 6
    frame = [[story, story], [story, "Catatan"]]
    path = write_table_pdf(tmp_path / "berita.pdf", [(BEFORE, frame, AFTER)])
    [page] = list(read_text_layers(path, dpi=150))
    assert not isinstance(page, Exception) and page.text is not None
    assert " | " not in page.text.text

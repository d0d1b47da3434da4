"""Pathological input never hangs: patterns run in linear time and every stage has a limit.

The texts are invented here (tables of made-up foreign nationals, a megabyte on one line,
thousands of titles and names, a page of commas). Tests assert what a document ends as
(processed, or partial with stage nlp and a reason), never how fast this machine is;
`pytest.mark.timeout` only turns a hang into a failure.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytesseract
import pytest
from PIL import Image
from typer.testing import CliRunner

from extractors import intake, tesseract
from extractors.facts import MAX_LINE_CHARS, bound_lines, chunk_pages, extract_facts
from extractors.nlp.pipeline import load_pipeline
from extractors.pipeline import ReadOptions, read_document
from models.errors import TimeLimitError
from models.records import PageSource, PageText
from pantau.cli import app

NAMES = [
    "ZHANG WEI", "Li Xiaoming", "RAJESH KUMAR SHARMA", "Priya Nair", "NGUYEN VAN HUNG",
    "Tran Thi Mai", "MOHAMMED AL FARSI", "Ahmad bin Yusof", "WANG FANG", "Sergei Ivanov",
    "KIM MIN JUN", "Abdul Rahman Karimi",
]
NATIONS = ["Tiongkok", "Tiongkok", "India", "India", "Vietnam", "Vietnam", "Yaman", "Malaysia",
           "Tiongkok", "Rusia", "Korea Selatan", "Afganistan"]
VIOLATIONS = ["Overstay", "Penyalahgunaan izin tinggal", "Bekerja tanpa izin"]
HEADER = ("No", "Nama", "Kewarganegaraan", "No. Paspor", "Pelanggaran")
INTRO = (
    "LAPORAN HASIL OPERASI GABUNGAN TIMPORA\n\n"
    "Pada hari Selasa tanggal 12 Maret 2024 Tim Pengawasan Orang Asing Kabupaten Badung "
    "melaksanakan operasi gabungan di wilayah Kecamatan Kuta. Diamankan warga negara asing "
    "dengan rincian sebagai berikut:\n\n"
)
OUTRO = "\n\nTerhadap orang asing tersebut akan dilakukan deportasi.\n"


def table_rows(count: int) -> list[tuple[str, ...]]:
    """`count` rows of the operation table, the invented names over and over."""
    return [
        (
            str(i),
            NAMES[i % len(NAMES)],
            NATIONS[i % len(NATIONS)],
            f"E{10_000_000 + i}",
            VIOLATIONS[i % len(VIOLATIONS)],
        )
        for i in range(1, count + 1)
    ]


def table(count: int, *, gap: int | None = None, sep: str = " | ", upper: bool = False) -> str:
    """The report with its table: cells split by `sep`, or padded by `gap` spaces as a PDF
    text layer gives them."""
    rows = [HEADER, *table_rows(count)]
    if upper:
        rows = [tuple(cell.upper() for cell in row) for row in rows]
    if gap is None:
        lines = [sep.join(row) for row in rows]
    else:
        widths = [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]
        lines = [
            (" " * gap).join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
    return INTRO + "\n".join(lines) + OUTRO


def one_line(size: int) -> str:
    """`size` characters of sentences on one line, as a PDF without line ends gives them."""
    unit = (
        "Petugas memeriksa WNA asal Tiongkok bernama Zhang Wei (35) dan Kepala Seksi "
        "Intelijen, Budi Santoso, menyatakan ia melanggar izin tinggal. "
    )
    return (unit * (size // len(unit) + 1))[:size]


def titles_and_names(count: int) -> str:
    """`count` lines of an official's title and name, then a foreigner."""
    line = (
        "Kepala Seksi Intelijen dan Penindakan Keimigrasian, Budi Santoso, S.H., M.H., "
        "menyatakan WNA asal India bernama Rajesh Kumar ditangkap karena overstay."
    )
    return "\n".join([line] * count)


def commas(size: int) -> str:
    """A page of commas, 80 to a line."""
    return ("," * 79 + "\n") * (size // 80)


def assert_processed_or_stopped_in_nlp(result) -> None:  # noqa: ANN001
    if result.stopped is not None:
        assert result.stopped.startswith("nlp stage stopped")
        assert "PANTAU_NLP_SECONDS" in result.stopped


@pytest.mark.parametrize(
    "text",
    [
        table(12, gap=120, upper=True),
        table(12, gap=120),
        table(12, sep="\t", upper=True),
        table(12, sep="   "),
    ],
    ids=["wide-capitals", "wide", "tabs-capitals", "spaces"],
)
@pytest.mark.timeout(120)
def test_people_table_of_foreign_nationals_finishes(text: str) -> None:
    # These tables used to keep the apposition pattern busy for minutes (runs of blanks
    # between capitalised cells); now the whole pipeline reads them at once.
    doc = load_pipeline()(text)
    assert any(span.text in NAMES for span in doc.spans["person"])


ADVERSARIAL = [
    "S." + "KEWARGANEGARAAN" * 3 + "1",  # a degree shape over a word in capitals
    "Budi " + "A. " * 300 + "1",  # initials read as degrees
    "Budi " + "AB. " * 300 + "1",
    "ZHANG" + " " * 3000 + "WEI 1",  # a long run of blanks between capitalised cells
    "ZHANG\t" * 500 + "1",
    "Kelas " * 200 + "1",  # words that are both a name word and a title connector
    "Kepala Seksi " * 500,
    ", " * 3000,
    "(WNA) " * 500,
    "warga negara Tiongkok diduga " * 200,
]


@pytest.mark.timeout(120)
def test_people_cue_patterns_are_linear_on_adversarial_text() -> None:
    cues = load_pipeline().get_pipe("pantau_people_candidates").cues
    patterns = [p for p in vars(cues).values() if isinstance(p, re.Pattern)]
    assert len(patterns) > 30
    for text in ADVERSARIAL:
        for pattern in patterns:
            for _ in pattern.finditer(text):
                pass
            pattern.match(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (one_line(1_000_000), 10),
        (titles_and_names(3000), 20),
        (commas(50_000), 10),
    ],
    ids=["one-megabyte-line", "3000-titles-and-names", "page-of-commas"],
)
@pytest.mark.timeout(600)
def test_facts_pathological_text_ends_processed_or_stopped(text: str, seconds: float) -> None:
    result = extract_facts([(1, text), (2, "Operasi gabungan di Kuta.")], seconds=seconds)
    assert_processed_or_stopped_in_nlp(result)
    assert all(0 <= fact.start <= fact.end for fact in result.facts)


@pytest.mark.timeout(120)
def test_facts_table_of_2000_rows_keeps_its_people() -> None:
    result = extract_facts([(1, table(2000))], seconds=300)
    assert result.stopped is None
    people = ("foreign_national", "official", "other_person")
    names = {fact.value for fact in result.facts if fact.kind in people}
    assert len(names & set(NAMES)) >= 6


@pytest.mark.timeout(60)
def test_facts_stop_at_the_deadline_with_a_reason() -> None:
    result = extract_facts([(1, titles_and_names(5)), (2, titles_and_names(5))], seconds=0)
    assert result.facts == []
    assert result.stopped is not None
    assert result.stopped.startswith("nlp stage stopped")
    assert "PANTAU_NLP_SECONDS" in result.stopped and "pantau extract" in result.stopped


def test_facts_long_page_is_cut_into_chunks_with_page_offsets() -> None:
    text = "\n".join(f"Baris {i} tentang WNA asal Tiongkok." for i in range(400))
    chunks = list(chunk_pages([(1, "Halaman pertama."), (2, text)], limit=1000))
    assert len(chunks) > 5
    assert all(len(chunk.text) <= 1000 for chunk in chunks)
    for chunk in chunks:
        for start in chunk.starts:
            page, local, _ = chunk.locate(start, start + 5)
            page_text = "Halaman pertama." if page == 1 else text
            assert chunk.text[start : start + 5] == page_text[local : local + 5]


def test_facts_bound_lines_keeps_offsets_and_normal_text() -> None:
    prose = "Petugas memeriksa paspor WNA asal India. " * 40
    assert bound_lines(prose) == prose
    long = one_line(200_000) + "\n" + "X" * 5000 + " akhir"
    bounded = bound_lines(long)
    assert len(bounded) == len(long)
    assert max(len(line) for line in bounded.split("\n")) <= MAX_LINE_CHARS
    assert "X" * 1001 not in bounded and bounded.endswith(" akhir")


def test_tesseract_timeout_is_an_ocr_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*_: object, **__: object) -> None:
        raise RuntimeError("Tesseract process timeout")  # what pytesseract raises

    monkeypatch.setattr(pytesseract, "image_to_data", slow)
    with pytest.raises(TimeLimitError, match="PANTAU_OCR_PAGE_SECONDS") as info:
        tesseract.image_to_data(Image.new("L", (50, 50), 255), timeout=5)
    assert info.value.code == "ocr_timeout" and info.value.stage == "ocr"


def test_pipeline_pages_past_the_read_limit_end_read_timeout(tmp_path: Path) -> None:
    path = tmp_path / "tiga-halaman.tiff"
    frames = [Image.new("L", (200, 200), 255) for _ in range(3)]
    frames[0].save(path, save_all=True, append_images=frames[1:])

    def slow_ocr(image: Image.Image, *, dpi: int | None = None, **_: object) -> PageText:
        time.sleep(0.3)
        return PageText(text="Teks halaman.", source=PageSource.OCR)

    result = read_document(
        intake.inspect(path), options=ReadOptions(read_seconds=0.1), ocr=slow_ocr
    )
    assert result.status == "partial"
    assert [page.error_code for page in result.pages] == [None, "read_timeout", "read_timeout"]
    assert result.error_code == "read_timeout" and "PANTAU_READ_SECONDS" in (result.error or "")


@pytest.mark.timeout(900)
def test_batch_pathological_document_ends_partial_others_processed(
    tmp_path: Path, prefect_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "laporan-panjang.txt").write_text(one_line(1_000_000))
    (inbox / "surat.txt").write_text(
        "Kantor Imigrasi Denpasar mendeportasi WNA asal Rusia bernama Ivan Petrov (41) "
        "karena overstay."
    )
    (inbox / "berita.txt").write_text(
        "Petugas menangkap seorang WNA asal Tiongkok bernama Li Xiaoming (29) di Kuta."
    )
    monkeypatch.setenv("PANTAU_NLP_SECONDS", "2")
    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    runner = CliRunner()
    run = runner.invoke(app, ["run", str(inbox), "--db", db, "--json"], catch_exceptions=False)
    assert run.exit_code == 3, run.stdout  # the run finished; one input is only partly read
    docs = runner.invoke(app, ["docs", "--db", db, "--json"], catch_exceptions=False)
    by_name = {Path(record["path"]).name: record for record in json.loads(docs.stdout)}
    long = by_name["laporan-panjang.txt"]
    assert long["status"] == "partial"
    assert long["error"].startswith("nlp stage stopped") and "PANTAU_NLP_SECONDS" in long["error"]
    for name, person in (("surat.txt", "Ivan Petrov"), ("berita.txt", "Li Xiaoming")):
        assert by_name[name]["status"] == "processed", by_name[name]
        facts = runner.invoke(
            app, ["facts", str(by_name[name]["id"]), "--db", db, "--json"], catch_exceptions=False
        )
        rows = json.loads(facts.stdout)
        assert any(r["kind"] == "foreign_national" and r["value"] == person for r in rows), rows

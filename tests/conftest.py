"""Shared fixtures: sample inputs made on the fly, fake OCR engines, private Prefect homes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from models.errors import BlankPageError
from models.records import PageSource, PageText, WordBox

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)

SURAT_TEXT = (
    "Sehubungan dengan hasil pengawasan Tim Pora Kabupaten Badung pada tanggal "
    "3 Maret 2026, bersama ini kami sampaikan bahwa dua orang warga negara asing "
    "kedapatan bekerja di sebuah kafe di Canggu tanpa izin kerja yang sah."
)
NOTULEN_TEXT = (
    "Rapat koordinasi Tim Pengawasan Orang Asing dibuka oleh Kepala Kantor Imigrasi. "
    "Peserta sepakat melaksanakan operasi gabungan di wilayah pesisir pada bulan depan."
)


def font_path() -> str:
    """A TrueType font from Debian's font packages (installed by `make setup`)."""
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    pytest.skip("no DejaVu or Liberation font installed (apt-get install fonts-dejavu-core)")


def write_text_pdf(path: Path, pages: list[str]) -> Path:
    """A born-digital PDF with one text page per entry ('' makes a blank page)."""
    from fpdf import FPDF

    document = FPDF(format="A4")
    document.add_font("body", fname=font_path())
    document.set_font("body", size=11)
    for text in pages:
        document.add_page()
        if text:
            document.multi_cell(0, 6, text)
    document.output(str(path))
    return path


def fake_page(text: str = "Teks hasil OCR halaman uji.") -> PageText:
    words = [
        WordBox(text=word, left=10 * i, top=10, width=8, height=10, conf=90.0, line=0, start=0)
        for i, word in enumerate(text.split())
    ]
    return PageText(text=text, source=PageSource.OCR, confidence=90.0, words=words)


class FakeOcr:
    """Stands in for tesseract: white pages are blank, anything else reads as fixed text."""

    def __init__(self, text: str = "Teks hasil OCR halaman uji.") -> None:
        self.text = text
        self.calls: list[tuple[tuple[int, int], int | None]] = []

    def __call__(self, image: Image.Image, *, dpi: int | None = None, **_: object) -> PageText:
        self.calls.append((image.size, dpi))
        if image.convert("L").getextrema()[0] > 200:
            raise BlankPageError("page is blank (no ink found).")
        return fake_page(self.text)


@pytest.fixture
def fake_ocr() -> FakeOcr:
    return FakeOcr()


@pytest.fixture
def make_pdf(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, pages: list[str]) -> Path:
        return write_text_pdf(tmp_path / name, pages)

    return make


@pytest.fixture
def inked_image() -> Image.Image:
    """A page-sized image with a black bar: not blank, cheap to create."""
    image = Image.new("RGB", (1240, 1754), "white")
    image.paste((0, 0, 0), (100, 100, 1100, 160))
    return image


@pytest.fixture
def prefect_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A private Prefect home and Pantau home, so tests never touch the user's data."""
    home = tmp_path_factory.mktemp("pantau-home")
    monkeypatch.setenv("PANTAU_HOME", str(home))
    monkeypatch.setenv("PREFECT_HOME", str(home / "prefect"))
    return home


def merge_pdfs(parts: list[Path], target: Path) -> Path:
    """Concatenate PDFs (e.g. a born-digital page and a scanned page into a mixed PDF)."""
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    for part in parts:
        merged.import_pages(pdfium.PdfDocument(part))
    merged.save(target)
    return target


# --- storage: one SQLite and (when reachable) one PostgreSQL database per test ---

PG_TEST_URL = os.environ.get("PANTAU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pg_skip_reason() -> str:
    import sqlalchemy as sa

    url = sa.make_url(PG_TEST_URL)
    return (
        f"PostgreSQL not reachable at {url.host}:{url.port or 5432}; "
        "set PANTAU_TEST_PG_URL to run the PostgreSQL storage tests"
    )


def pg_admin_conninfo() -> str:
    """PANTAU_TEST_PG_URL as a libpq URI (without a SQLAlchemy driver suffix)."""
    import sqlalchemy as sa

    url = sa.make_url(PG_TEST_URL).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_database():
    """A uniquely named PostgreSQL database for this test session (dropped afterwards).

    Yields its URL, or None when the server cannot be reached.
    """
    import uuid

    import psycopg
    import sqlalchemy as sa

    try:
        admin = psycopg.connect(pg_admin_conninfo(), autocommit=True, connect_timeout=3)
    except psycopg.Error:
        yield None
        return
    name = f"pantau_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(pg_admin_conninfo()).set(database=name).render_as_string(False)
    finally:
        with psycopg.connect(pg_admin_conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """The URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'pantau.db'}"
        return
    database = request.getfixturevalue("pg_database")
    if database is None:
        pytest.skip(pg_skip_reason())
    yield from fresh_pg_schema(database)


def fresh_pg_schema(database: str):
    """Create a schema, yield a URL whose search_path is that schema, then drop it."""
    import uuid

    import psycopg
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = sa.make_url(database).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(database, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """The URL of a database migrated to the newest schema."""
    from storage.engine import make_engine
    from storage.migrate import upgrade

    engine = make_engine(empty_db_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return empty_db_url


@pytest.fixture
def db_engine(db_url: str):
    from storage.engine import make_engine

    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(db_engine):
    from storage.engine import session_for

    with session_for(db_engine) as opened:
        yield opened


def document_result(
    path: str,
    sha256: str,
    pages: list[str | None],
    *,
    status: str = "processed",
    source: str = "text_layer",
    error_code: str | None = None,
):
    """A DocumentResult whose pages hold `pages` (None makes a blank page with an error)."""
    from models.records import DocumentResult, PageResult

    results = []
    for number, text in enumerate(pages, start=1):
        if text is None:
            results.append(
                PageResult(number=number, error="page is blank", error_code="blank_page")
            )
            continue
        page = fake_page(text).model_copy(update={"source": PageSource(source)})
        results.append(PageResult(number=number, text=page))
    return DocumentResult(
        path=path,
        sha256=sha256,
        size=1000,
        media_type="application/pdf",
        status=status,
        pages=results,
        error="cannot be read" if status == "failed" else None,
        error_code=error_code,
    )


@pytest.fixture
def store_document(session):
    """Claim and save a document in one step: `store(path, pages, run_id=None, ...)`."""
    import hashlib

    from storage import repository

    def store(path: str, pages: list[str | None], run_id: int | None = None, **result_options):
        if run_id is None:
            run_id = repository.start_run(session, inputs=[path]).id
        sha256 = hashlib.sha256("\n".join(map(str, pages)).encode()).hexdigest()
        document, _ = repository.claim_document(
            session,
            path=path,
            sha256=sha256,
            size=1000,
            media_type="application/pdf",
            run_id=run_id,
        )
        result = document_result(path, sha256, pages, **result_options)
        return repository.save_result(session, document_id=document.id, result=result)

    return store


# --- OCR: own Indonesian documents rendered and damaged with tools.scansim ---

OCR_TEXT_DIR = Path(__file__).parent / "data" / "ocr"


@pytest.fixture(scope="session")
def ocr_texts() -> dict[str, str]:
    """The marked-up test documents (letter, minutes, news) by name."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(OCR_TEXT_DIR.glob("*.txt"))}


@pytest.fixture(scope="session")
def scan_page(ocr_texts: dict[str, str]):
    """`scan_page(name, profile, rotate=0, seed=7)` -> (damaged one-page scan, ground truth).

    Cached for the session: several tests read the same page.
    """
    from tools import scansim

    cache: dict[tuple, tuple[Image.Image, str]] = {}

    def make(name: str, profile, rotate: int = 0, seed: int = 7) -> tuple[Image.Image, str]:
        key = (name, profile, rotate, seed)
        if key not in cache:
            pages = scansim.render_pages(ocr_texts[name])
            assert len(pages) == 1, f"{name} should fit on one page"
            image = scansim.degrade(pages[0], profile, rotate=rotate, seed=seed)
            cache[key] = (image, scansim.plain_text(ocr_texts[name]))
        return cache[key]

    return make


def blank_pipeline(*components: str):
    """`spacy.blank("id")` with the named Pantau components (module names), in order."""
    import importlib

    import spacy

    nlp = spacy.blank("id")
    for name in components:
        if name != "sentencizer":
            importlib.import_module(f"extractors.nlp.{name}")  # registers the factory
        nlp.add_pipe(name if name == "sentencizer" else f"pantau_{name}")
    return nlp


@pytest.fixture(scope="module")
def dates_nlp():
    return blank_pipeline("dates")


@pytest.fixture(scope="module")
def identifiers_nlp():
    return blank_pipeline("identifiers")


@pytest.fixture(scope="module")
def nationality_nlp():
    return blank_pipeline("nationality")


@pytest.fixture(scope="module")
def places_nlp():
    return blank_pipeline("places")


@pytest.fixture(scope="module")
def organisations_nlp():
    """Places run first, so an organisation's tail ends at the place."""
    return blank_pipeline("places", "organisations")


@pytest.fixture(scope="session")
def ner_nlp():
    """The shipped Indonesian NER model (tokenizer, tok2vec, ner), loaded once."""
    from extractors.nlp.ner import load_ner

    return load_ner()


@pytest.fixture(scope="module")
def incidents_nlp():
    return blank_pipeline("sentencizer", "incidents")

"""Shared fixtures: sample inputs made on the fly, fake OCR engines, private Prefect homes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from models.errors import BlankPageError
from models.records import PageSource, PageText, WordBox

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
# Each test has its own home: a Prefect server kept for the next command would only idle.
# tests/test_prefect_shared_server.py exercises the shared one.
os.environ.setdefault("PANTAU_PREFECT_IDLE_SECONDS", "0")
# Nor a command server (tests/test_command_server.py exercises it).
os.environ.setdefault("PANTAU_COMMAND_SERVER_IDLE_SECONDS", "0")
# The suite reads messages and times in the source language and UTC; tests/test_i18n.py and
# the browser tests check the defaults (Bahasa Indonesia, Asia/Jakarta) explicitly.
os.environ.setdefault("PANTAU_LANGUAGE", "en")
os.environ.setdefault("PANTAU_TIME_ZONE", "UTC")

from models import i18n  # noqa: E402 - after the environment it reads

i18n.use(os.environ["PANTAU_LANGUAGE"], os.environ["PANTAU_TIME_ZONE"])  # storage used directly

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


def write_table_pdf(
    path: Path, pages: list[tuple[str, list[list[str]], str]], *, size: int = 9, ruled: bool = True
) -> Path:
    """A born-digital PDF whose pages hold text, a table (fpdf2; ruled, or set in columns
    without rules) and text again."""
    from fpdf import FPDF, FontFace

    document = FPDF(format="A4")
    document.add_font("body", fname=font_path())
    document.set_font("body", size=size)
    for before, rows, after in pages:
        document.add_page()
        if before:
            document.multi_cell(0, 6, before)
            document.ln(3)
        if rows:
            borders = "ALL" if ruled else "NONE"
            with document.table(
                headings_style=FontFace(), first_row_as_headings=False, borders_layout=borders
            ) as table:
                for cells in rows:
                    row = table.row()
                    for cell in cells:
                        row.cell(cell)
            document.ln(3)
        if after:
            document.multi_cell(0, 6, after)
    document.output(str(path))
    return path


def write_table_docx(path: Path, before: str, rows: list[list[str]], after: str) -> Path:
    """A DOCX with paragraphs, a table and paragraphs again."""
    from docx import Document

    document = Document()
    for line in before.split("\n"):
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, cell in enumerate(cells):
            table.rows[r].cells[c].text = cell
    for line in after.split("\n"):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_table_html(path: Path, before: str, rows: list[list[str]], after: str) -> Path:
    """An HTML page with paragraphs, a table (first row as th) and paragraphs again."""
    head = "".join(f"<th>{cell}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>" for cells in rows[1:]
    )
    paragraphs = [
        "".join(f"<p>{line}</p>" for line in part.split("\n")) for part in (before, after)
    ]
    path.write_text(
        f"<html><body>{paragraphs[0]}<table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>{paragraphs[1]}</body></html>",
        encoding="utf-8",
    )
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


# --- workbench: a seeded SQLite database, an app, signed-in clients, a live server ---

WEB_SECRET = "uji-workbench-" + "k9Qz-r7Tm-" * 4  # only for tests; long and not a known value
WEB_PASSWORD = "kata-sandi-uji-1"
WEB_USERS = {"ayu": "admin", "rina": "analyst", "dewi": "investigator"}
WEB_DPI = 150
LETTER_PAGES = [
    "Kantor Imigrasi Kelas I Denpasar menerima laporan bahwa dua warga negara asing "
    "bekerja di sebuah kafe di Canggu, Kabupaten Badung, tanpa izin kerja yang sah.",
    "Pemeriksaan lanjutan dijadwalkan pada minggu berikutnya di Kuta Selatan.",
]
HOSTILE_TEXT = (
    "Catatan rapat <script>alert(1)</script> dan <b>tebal</b> serta "
    "'; DROP TABLE document; -- juga \" OR 1=1 -- tentang penginapan di Sanur."
)


class Workbench:
    """A seeded workbench database: settings, the users, and the stored documents' ids."""

    def __init__(self, settings, letter_id: int, hostile_id: int, failed_id: int) -> None:
        self.settings = settings
        self.letter_id = letter_id
        self.hostile_id = hostile_id
        self.failed_id = failed_id


def web_fact(text: str, page: int, words: str, kind: str, value: str | None = None):
    """A fact over the first occurrence of `words` in page text `text`."""
    from models.records import Fact

    start = text.index(words)
    return Fact(
        kind=kind,
        page=page,
        start=start,
        end=start + len(words),
        text=words,
        value=value or words,
        sentence=text.split(".")[0],
        method="rule:uji",
        confidence=0.9,
    )


def seed_workbench(session, folder: Path) -> tuple[int, int, int]:
    """Store a real born-digital letter (with facts), a hostile note and a failed PDF."""
    from extractors import intake
    from extractors.pipeline import ReadOptions, read_document
    from models.records import ExtractionResult
    from storage import repository, users

    for name, role in WEB_USERS.items():
        users.add_user(session, name=name, role=role, password=WEB_PASSWORD)
    run_id = repository.start_run(session, inputs=[str(folder)]).id
    letter = write_text_pdf(folder / "surat-canggu.pdf", LETTER_PAGES)
    item = intake.inspect(letter)
    result = read_document(item, options=ReadOptions(dpi=WEB_DPI))
    claimed, _ = repository.claim_document(
        session,
        path=str(letter),
        sha256=item.sha256,
        size=item.size,
        media_type=item.media_type.value,
        run_id=run_id,
    )
    text = result.pages[0].text.text
    extraction = ExtractionResult(
        facts=[
            web_fact(text, 1, "Canggu", "location", "51.03.02"),
            web_fact(text, 1, "Kantor Imigrasi Kelas I Denpasar", "organisation"),
            web_fact(text, 1, "Kantor Imigrasi Kelas I Denpasar", "document_field").model_copy(
                update={"attributes": {"field": "sender"}}
            ),
        ],
        extractor="uji",
    )
    repository.save_result(session, document_id=claimed.id, result=result, extraction=extraction)
    hostile = claim_and_save(session, folder / "catatan.pdf", [HOSTILE_TEXT], run_id)
    failed_file = write_text_pdf(folder / "gagal.pdf", ["Surat yang sebelumnya gagal dibaca " * 3])
    failed = claim_and_save(
        session, failed_file, ["x"], run_id, status="failed", error_code="corrupt"
    )
    repository.save_extraction(
        session,
        document_id=hostile,
        extraction=ExtractionResult(
            facts=[web_fact(HOSTILE_TEXT, 1, "<script>alert(1)</script>", "identifier")],
            extractor="uji",
        ),
    )
    repository.finish_run(session, run=repository.get_run(session, run_id=run_id))
    return claimed.id, hostile, failed


def claim_and_save(session, path: Path, pages: list[str], run_id: int, **options) -> int:
    """Claim `path` (its real hash when it exists) and save made-up pages for it."""
    import hashlib

    from storage import repository

    content = path.read_bytes() if path.exists() else "\n".join(pages).encode()
    sha256 = hashlib.sha256(content).hexdigest()
    document, _ = repository.claim_document(
        session,
        path=str(path),
        sha256=sha256,
        size=len(content),
        media_type="application/pdf",
        run_id=run_id,
    )
    result = document_result(str(path), sha256, pages, **options)
    repository.save_result(session, document_id=document.id, result=result)
    return document.id


def build_workbench(folder: Path, database_url: str) -> Workbench:
    """Migrate and seed the database at `database_url`; files and home go in `folder`."""
    from pantau.settings import Settings
    from storage.engine import make_engine, session_for
    from storage.migrate import upgrade

    settings = Settings(
        home=folder / "home",
        database_url=database_url,
        secret_key=WEB_SECRET,
        dpi=WEB_DPI,
        workers=1,
    )
    engine = make_engine(settings.resolved_database_url)
    try:
        upgrade(engine)
        with session_for(engine) as session:
            ids = seed_workbench(session, folder)
    finally:
        engine.dispose()
    return Workbench(settings, *ids)


@pytest.fixture
def workbench(tmp_path: Path) -> Workbench:
    """A migrated SQLite database with three users and three documents, and its settings."""
    return build_workbench(tmp_path, f"sqlite:///{tmp_path / 'web.db'}")


@pytest.fixture
def pg_workbench(tmp_path: Path, pg_database):
    """The same seeded workbench on a fresh PostgreSQL schema (skipped when unreachable)."""
    from storage.engine import get_engine

    if pg_database is None:
        pytest.skip(pg_skip_reason())
    for url in fresh_pg_schema(pg_database):
        yield build_workbench(tmp_path, url)
        get_engine(url).dispose()  # the app's pooled connections, before the schema goes


@pytest.fixture
def web_client(workbench: Workbench):
    """A TestClient over the workbench app (not signed in)."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    with TestClient(create_app(workbench.settings), follow_redirects=False) as client:
        yield client


def form_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client, name: str, password: str = WEB_PASSWORD):
    """Sign `client` in as `name`; returns the login response."""
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


@pytest.fixture
def signed_in(web_client):
    """`signed_in(name)` -> the client, signed in as that user."""

    def login(name: str):
        response = sign_in(web_client, name)
        assert response.status_code == 303, response.text
        return web_client

    return login


@pytest.fixture
def live_server(workbench: Workbench):
    """The workbench served by uvicorn in a background thread; yields its base URL."""
    with serve_workbench(workbench.settings) as base_url:
        yield base_url


@contextlib.contextmanager
def serve_workbench(settings):
    """Serve the workbench for `settings` with uvicorn in a background thread."""
    import socket
    import threading
    import time

    import uvicorn

    from web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the workbench server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# --- workbench cross-reference: facets, subjects and mentions over three more documents ---

XREF_PAGES = {
    "laporan-kuta.pdf": (
        "Petugas imigrasi memeriksa seorang warga negara Australia di sebuah penginapan "
        "di Kuta Selatan karena izin tinggalnya sudah lewat dua bulan."
    ),
    "surat-lombok.pdf": (
        "Kantor Imigrasi Kelas I Mataram merencanakan pemulangan warga negara Australia dan "
        "warga negara Tiongkok dari Lombok Barat setelah izin tinggalnya dicabut."
    ),
    "notulen-sleman.pdf": (
        "Rapat tim pengawasan orang asing di Sleman membahas warga negara Tiongkok yang "
        "bekerja di bengkel <script>alert('izin')</script> tanpa izin kerja."
    ),
}


class XrefSeed:
    """Ids of the cross-reference documents and subjects added to a workbench."""

    def __init__(self, documents: dict[str, int], subjects: dict[str, int]) -> None:
        self.documents = documents
        self.subjects = subjects


def xref_fact(text: str, words: str, kind: str, value: str, **attributes):
    """A fact over `words` of page 1 with a normalised value and attributes."""
    found = web_fact(text, 1, words, kind, value)
    return found.model_copy(update={"attributes": attributes})


def seed_xref(session, folder: Path) -> XrefSeed:
    """Three extracted documents (Badung, Lombok Barat, Sleman) and three subjects in them."""
    from models.records import ExtractionResult
    from models.tables import Mention, Subject
    from storage import repository

    run_id = repository.start_run(session, inputs=[str(folder)]).id
    kuta, lombok, sleman = XREF_PAGES.values()
    extractions = {
        "laporan-kuta.pdf": (
            "news",
            "2024-05-10",
            [
                xref_fact(kuta, "Australia", "nationality", "AU"),
                xref_fact(kuta, "Kuta Selatan", "location", "51.03.05"),
                xref_fact(
                    kuta, "izin tinggalnya sudah lewat", "incident", "overstay", status="reported"
                ),
            ],
        ),
        "surat-lombok.pdf": (
            "letter",
            "2024-06-03",
            [
                xref_fact(lombok, "Australia", "nationality", "AU"),
                xref_fact(lombok, "Tiongkok", "nationality", "CN"),
                xref_fact(lombok, "Lombok Barat", "location", "52.01"),
                xref_fact(
                    lombok, "merencanakan pemulangan", "incident", "deportation", status="planned"
                ),
                xref_fact(
                    lombok,
                    "Kantor Imigrasi Kelas I Mataram",
                    "organisation",
                    "Kantor Imigrasi Kelas I Mataram",
                ),
            ],
        ),
        "notulen-sleman.pdf": (
            "minutes",
            "2024-06-21",
            [
                xref_fact(sleman, "Tiongkok", "nationality", "CN"),
                xref_fact(sleman, "Sleman", "location", "34.04"),
                xref_fact(
                    sleman,
                    "tanpa izin kerja",
                    "incident",
                    "illegal_work",
                    status="reported",
                ),
            ],
        ),
    }
    documents = {}
    for name, (kind, day, facts) in extractions.items():
        document_id = claim_and_save(session, folder / name, [XREF_PAGES[name]], run_id)
        extraction = ExtractionResult(extractor="uji", kind=kind, document_date=day, facts=facts)
        repository.save_extraction(session, document_id=document_id, extraction=extraction)
        documents[name.split("-")[1].removesuffix(".pdf")] = document_id
    people = {
        "brandt": Subject(name="Oliver Brandt", names=["Oliver Brandt"], nationality="AU"),
        "guo": Subject(name="Guo Lianfeng", names=["Guo Lianfeng"], nationality="CN"),
        "tse": Subject(name="Tse Mei Lan", names=["Tse Mei Lan"], nationality="CN"),
    }
    session.add_all(people.values())
    session.flush()
    mentions = [
        ("brandt", "kuta", ["51.03.05"]),
        ("brandt", "lombok", ["52.01"]),
        ("guo", "lombok", ["52.01"]),
        ("brandt", "sleman", ["34.04"]),
        ("guo", "sleman", ["34.04"]),
        ("tse", "sleman", ["34.04"]),
    ]
    for person, document, places in mentions:
        subject = people[person]
        session.add(
            Mention(
                document_id=documents[document],
                subject_id=subject.id,
                key=f"uji-{person}",
                name=subject.name,
                nationality=subject.nationality,
                place_codes=places,
            )
        )
    from storage.summaries import rebuild

    rebuild(session)  # mentions stored directly, as a bulk load does
    session.commit()
    repository.finish_run(session, run=repository.get_run(session, run_id=run_id))
    return XrefSeed(documents, {name: subject.id for name, subject in people.items()})


def add_xref_seed(workbench: Workbench, folder: Path) -> XrefSeed:
    """Add the cross-reference documents and subjects to the workbench database."""
    from storage.engine import make_engine, session_for

    engine = make_engine(workbench.settings.resolved_database_url)
    try:
        with session_for(engine) as session:
            return seed_xref(session, folder)
    finally:
        engine.dispose()


@pytest.fixture
def xref_seed(workbench: Workbench, tmp_path: Path) -> XrefSeed:
    """The SQLite workbench with the cross-reference documents and subjects added."""
    return add_xref_seed(workbench, tmp_path)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_sign_in(page, base_url: str, name: str, password: str = WEB_PASSWORD) -> None:
    """Sign in through the sign-in form as a person would (the top bar has its own form)."""
    page.goto(f"{base_url}/login")
    page.fill('input[name="name"]', name)
    page.fill('input[name="password"]', password)
    page.click('form[action="/login"] button[type="submit"]')
    page.wait_for_load_state()


@pytest.fixture
def browser_page():
    """A Playwright page in Debian's chromium (skipped when /usr/bin/chromium is absent)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (`make test-deps` installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


# --- workbench with subjects: invented reports read by the real pipeline, then resolved ---

SUBJECT_REPORTS = {
    "laporan-seminyak.pdf": (
        "Denpasar, 12 Agustus 2026\nNomor: IMI.1-GR.01.01-0917\n"
        "Perihal: Laporan pengawasan orang asing\n\n"
        "Pada tanggal 10 Agustus 2026 petugas Kantor Imigrasi Kelas I Denpasar mengamankan "
        "seorang warga negara Australia bernama Rowan Keith Walsby (41), pemegang paspor "
        "nomor PA4417290, di sebuah vila di Seminyak, Kabupaten Badung. Yang bersangkutan "
        "diduga bekerja sebagai instruktur selancar tanpa izin kerja. Bersama yang "
        "bersangkutan juga diperiksa warga negara Jerman bernama Lotte Brennecke."
    ),
    "bap-senggigi.pdf": (
        "Mataram, 3 September 2026\nBerita Acara Pemeriksaan\n\n"
        "Tim Pora Kota Mataram memeriksa WNA asal Australia berinisial RKW (41) yang tinggal "
        "melampaui izin tinggal (overstay) di Senggigi, Kabupaten Lombok Barat. Yang "
        "bersangkutan akan dideportasi."
    ),
    "deportasi-kupang.pdf": (
        "Kupang, 20 September 2026\nLaporan\n\n"
        "Petugas Kantor Imigrasi Kupang mendeportasi seorang warga negara Australia bernama "
        "Rowan Keith Walsby (41), pemegang paspor nomor PA4417290, melalui Bandara El Tari "
        "Kupang. Dalam penerbangan yang sama juga diperiksa warga negara Jerman bernama "
        "Lotte Brennecke."
    ),
}
HOSTILE_NAME = "Marco <b>Bellini</b><script>alert(2)</script>"
HOSTILE_REPORT = f"Warga negara Italia bernama {HOSTILE_NAME} diperiksa di Ubud."


class SubjectWorkbench(Workbench):
    """The seeded workbench plus reports about foreign nationals, resolved into subjects.

    `reports` maps each report's file name to its document id; resolution leaves one
    open review item (the initials "RKW (41)" against the full name).
    """

    def __init__(self, base: Workbench, reports: dict[str, int], hostile_report: int) -> None:
        super().__init__(base.settings, base.letter_id, base.hostile_id, base.failed_id)
        self.reports = reports
        self.hostile_report = hostile_report

    def subject_id(self, name: str) -> int:
        """The id of the subject whose name is `name`."""
        from sqlmodel import select

        from models.tables import Subject
        from storage.engine import get_engine, session_for

        with session_for(get_engine(self.settings.resolved_database_url)) as session:
            found = session.exec(select(Subject.id).where(Subject.name == name)).first()
        assert found is not None, f"no subject named {name!r}"
        return found


def seed_subjects(session, folder: Path) -> tuple[dict[str, int], int]:
    """Read, extract and store the reports and a hostile note; resolve their people."""
    from extractors import intake
    from extractors.facts import extract_facts
    from extractors.pipeline import ReadOptions, read_document
    from models.records import ExtractionResult
    from storage import identity, repository

    run_id = repository.start_run(session, inputs=[str(folder)]).id
    reports = {}
    for name, text in SUBJECT_REPORTS.items():
        item = intake.inspect(write_text_pdf(folder / name, [text]))
        result = read_document(item, options=ReadOptions(dpi=WEB_DPI))
        read = {page.number: page.text for page in result.pages if page.text is not None}
        extraction = extract_facts(
            [(number, page.text) for number, page in read.items()],
            words={number: [w.model_dump() for w in page.words] for number, page in read.items()},
        )
        claimed, _ = repository.claim_document(
            session,
            path=str(item.path),
            sha256=item.sha256,
            size=item.size,
            media_type=item.media_type.value,
            run_id=run_id,
        )
        repository.save_result(
            session, document_id=claimed.id, result=result, extraction=extraction
        )
        reports[name] = claimed.id
    hostile = claim_and_save(session, folder / "catatan-ubud.pdf", [HOSTILE_REPORT], run_id)
    fact = web_fact(HOSTILE_REPORT, 1, HOSTILE_NAME, "foreign_national")
    fact.attributes = {"nationality": "IT"}
    repository.save_extraction(
        session,
        document_id=hostile,
        extraction=ExtractionResult(facts=[fact], extractor="uji"),
    )
    repository.finish_run(session, run=repository.get_run(session, run_id=run_id))
    identity.resolve(session)
    return reports, hostile


def build_subject_workbench(folder: Path, database_url: str) -> SubjectWorkbench:
    """`build_workbench`, then the reports about foreign nationals on top."""
    from storage.engine import make_engine, session_for

    base = build_workbench(folder, database_url)
    engine = make_engine(base.settings.resolved_database_url)
    try:
        with session_for(engine) as session:
            reports, hostile = seed_subjects(session, folder)
    finally:
        engine.dispose()
    return SubjectWorkbench(base, reports, hostile)

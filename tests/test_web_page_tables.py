"""A table read from a page is shown as a table in the document view, its facts marked."""

from __future__ import annotations

from types import SimpleNamespace

from web.deps import make_templates
from web.routes.documents import EMPTY_FORM, page_blocks

PAGE = (
    "Berikut data orang asing yang diamankan:\n"
    "No | Nama | Kewarganegaraan | No. Paspor\n"
    "1 | Wanjiru Akinyi | Kenya | AK5521873\n"
    "2 | Tomasz Nowicki | Polandia | EP3308871\n"
    "Keduanya didetensi di Rudenim Denpasar."
)


def fact(words: str, kind: str, n: int = 1) -> SimpleNamespace:
    start = PAGE.index(words)
    return SimpleNamespace(id=n, kind=kind, start=start, end=start + len(words))


def texts(segments) -> str:
    return "".join(s.text for s in segments)


def test_page_blocks_split_text_and_table_with_facts_in_cells() -> None:
    facts = [fact("Wanjiru Akinyi", "foreign_national", 1), fact("Denpasar", "location", 2)]
    before, table, after = page_blocks(PAGE, facts)
    assert texts(before.segments) == "Berikut data orang asing yang diamankan:\n"
    assert [[texts(c) for c in row] for row in table.rows] == [
        ["No", "Nama", "Kewarganegaraan", "No. Paspor"],
        ["1", "Wanjiru Akinyi", "Kenya", "AK5521873"],
        ["2", "Tomasz Nowicki", "Polandia", "EP3308871"],
    ]
    (name,) = table.rows[1][1]
    assert (name.text, name.fact_ids, name.kinds) == ("Wanjiru Akinyi", [1], ["foreign_national"])
    assert texts(after.segments) == "\nKeduanya didetensi di Rudenim Denpasar."
    assert [s.text for s in after.segments if s.fact_ids] == ["Denpasar"]


def test_page_blocks_one_line_with_a_bar_is_text() -> None:
    text = "Hal : Laporan | Lampiran : 1 berkas\nSelesai."
    (block,) = page_blocks(text, [])
    assert block.rows == [] and texts(block.segments) == text


def test_page_blocks_bordered_table_with_a_rule_line() -> None:
    text = "| No | Nama |\n|---|---|\n| 1 | Reza Farahani |\n"
    blocks = page_blocks(text, [])
    assert [[texts(c) for c in row] for row in blocks[0].rows] == [
        ["No", "Nama"],
        ["1", "Reza Farahani"],
    ]


def test_document_template_renders_the_table_with_marks() -> None:
    template = make_templates().env.get_template("document.html")
    blocks = page_blocks(PAGE, [fact("Wanjiru Akinyi", "foreign_national", 7)])
    html = template.render(
        request=SimpleNamespace(url=SimpleNamespace(path="/documents/1")),
        user=None,
        document=SimpleNamespace(
            id=1,
            name="laporan",
            status=SimpleNamespace(value="done"),
            page_count=1,
            kind=None,
            document_date=None,
            error=None,
            warnings=[],
            copy_of=None,
        ),
        pages=[],
        page=SimpleNamespace(
            number=1,
            error=None,
            source=SimpleNamespace(value="text"),
            confidence=None,
            rotation=None,
            skew=None,
        ),
        facts=[],
        fact_count=1,
        document_fields=[],
        blocks=blocks,
        boxes=[],
        has_image=False,
        csrf_token="token",
        correction_form=EMPTY_FORM,
        addable_kinds=["location"],
        person_kinds=[],
        corrections=[],
        correction_error=None,
    )
    assert '<table class="page-table">' in html
    # Each piece of text carries its offset in the page text (for selecting words).
    at = PAGE.index("Wanjiru Akinyi")
    assert (
        '<td><mark class="span kind-foreign_national " data-facts="7" '
        f'data-at="{at}">Wanjiru Akinyi</mark></td>' in html
    )
    assert f'<td><span data-at="{PAGE.index("Polandia")}">Polandia</span></td>' in html

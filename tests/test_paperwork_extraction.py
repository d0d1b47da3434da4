"""What Pantau reads from the paperwork set, checked against the hand-written answer key.

Every document is read as plain text and as the file its sender made (born-digital PDF with
ruled tables, DOCX with a Word table, HTML with a table). Each named foreign national of the
answer key must come out with the stated nationality and passport number, nobody else may
come out as a foreign national, and no person may get an incident the key does not give.
The scans of the same documents are measured by `benchmarks/paperwork.py`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import intake
from extractors.annotations import build_annotation
from extractors.evaluation import name_key
from extractors.facts import extract_facts
from extractors.pipeline import read_document
from tools import make_paperwork

EXPECTED = make_paperwork.read_expected()
STEMS = sorted(EXPECTED)
FORMATS = ("text", "digital")


@pytest.fixture(scope="module")
def annotations(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], dict]:
    """The annotation Pantau makes of every document in every format, keyed (format, stem)."""
    out = tmp_path_factory.mktemp("paperwork")
    make_paperwork.build(out, FORMATS)
    found = {}
    for fmt in FORMATS:
        for path in sorted((out / fmt).iterdir()):
            found[(fmt, path.stem)] = annotate(path)
    return found


def annotate(path: Path) -> dict:
    result = read_document(intake.inspect(path))
    pages = [(page.number, page.text.text) for page in result.pages if page.text]
    return build_annotation(path.stem, extract_facts(pages).facts)


def named(entries: list[dict]) -> dict[str, dict]:
    """Named foreigner entries by comparison key (name and aliases)."""
    found = {}
    for entry in entries:
        if entry.get("name"):
            for name in [entry["name"], *entry.get("aliases", [])]:
                found[name_key(name)] = entry
    return found


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_paperwork_extraction_every_foreigner_with_nationality_and_passport(
    annotations, stem: str, fmt: str
) -> None:
    predicted = annotations[(fmt, stem)]
    got = named(predicted["foreigners"])
    for person in (p for p in EXPECTED[stem]["foreigners"] if p.get("name")):
        entry = got.get(name_key(person["name"]))
        assert entry is not None, f"{person['name']} not found"
        assert entry["nationality"] == person["nationality"], person["name"]
        assert entry.get("passport") == person.get("passport"), person["name"]
        wrong = set(entry["incidents"]) - set(person["incidents"])
        assert not wrong, f"{person['name']}: incidents the key does not give: {wrong}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_paperwork_extraction_nobody_else_is_a_foreign_national(
    annotations, stem: str, fmt: str
) -> None:
    expected = {
        name_key(n)
        for p in EXPECTED[stem]["foreigners"]
        if p.get("name")
        for n in [p["name"], *p.get("aliases", [])]
    }
    predicted = annotations[(fmt, stem)]
    extra = [e["name"] for e in predicted["foreigners"] if e.get("name")]
    assert [n for n in extra if name_key(n) not in expected] == []
    assert sorted(predicted["nationalities"]) == sorted(EXPECTED[stem]["nationalities"])

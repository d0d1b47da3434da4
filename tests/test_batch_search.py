"""Batch search: a pasted list of names and passport numbers matched against subjects."""

from __future__ import annotations

import csv
import io

import pytest

from storage import batch_search
from tests.conftest import seed_subjects


@pytest.fixture
def seeded(session, tmp_path):
    return seed_subjects(session, tmp_path)


def test_batch_search_finds_variants_numbers_and_misses(session, seeded):
    reports, _ = seeded
    lines = batch_search.read_lines(
        "walsby rowan keith\n\n  PA 4417290 \nLotte Brennecke\nNama Tidak Dikenal\n"
        "walsby rowan keith\n"
    )
    assert lines == ["walsby rowan keith", "PA 4417290", "Lotte Brennecke", "Nama Tidak Dikenal"]
    found = batch_search.batch_search(session, lines=lines)
    by_query = {line.query: line for line in found}

    # Word order does not matter; the initials RKW of another report come after, weaker.
    walsby, *weaker = by_query["walsby rowan keith"].matches
    assert walsby.name == "Rowan Keith Walsby" and walsby.nationality == "AU"
    assert [m.name for m in weaker] == ["RKW"] and weaker[0].score < walsby.score
    assert set(walsby.document_ids) >= {
        reports["laporan-seminyak.pdf"],
        reports["deportasi-kupang.pdf"],
    }
    (number,) = by_query["PA 4417290"].matches
    assert by_query["PA 4417290"].kind == "number"
    assert number.subject_id == walsby.subject_id and number.score == 1.0
    (lotte,) = by_query["Lotte Brennecke"].matches
    assert lotte.nationality == "DE" and len(lotte.document_ids) == 2
    assert by_query["Nama Tidak Dikenal"].matches == []

    rows = list(csv.DictReader(io.StringIO(batch_search.as_csv(found))))
    assert [row["query"] for row in rows] == [
        "walsby rowan keith",
        "walsby rowan keith",
        "PA 4417290",
        "Lotte Brennecke",
        "Nama Tidak Dikenal",
    ]
    assert rows[0]["name"] == "Rowan Keith Walsby" and rows[4]["documents"] == "0"
    assert rows[0]["document_ids"].split() == [str(i) for i in walsby.document_ids]


def test_batch_search_cells_never_become_formulas(session, seeded):
    found = batch_search.batch_search(session, lines=["=HYPERLINK(1)"])
    assert batch_search.as_csv(found).splitlines()[1].startswith("'=HYPERLINK(1)")

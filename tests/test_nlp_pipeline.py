"""The assembled Indonesian pipeline (from pipeline.cfg) on a news-style text of our own."""

from __future__ import annotations

import pytest

from extractors.nlp.incidents import document_incidents
from extractors.nlp.pipeline import load_pipeline

BERITA = (
    "SUMBAWA - Kepala Kantor Imigrasi Kelas II TPI Sumbawa Besar, Hendra Wijaya, mengatakan "
    "dua WNA asal Ukraina diamankan petugas di Kecamatan Moyo Hilir, Kabupaten Sumbawa, "
    "Kamis (8/10/2026). Salah satunya, OK (29), kedapatan bekerja sebagai pemandu selam. "
    "Jika terbukti melanggar, keduanya dapat dideportasi."
)


@pytest.fixture(scope="module")
def doc():
    return load_pipeline()(BERITA)


def test_nlp_pipeline_is_built_from_its_config() -> None:
    assert load_pipeline().pipe_names == [
        "tok2vec",
        "ner",
        "sentencizer",
        "pantau_nationality",
        "pantau_places",
        "pantau_place_mentions",
        "pantau_organisations",
        "pantau_identifiers",
        "pantau_dates",
        "pantau_records",
        "pantau_people_candidates",
        "pantau_people_roles",
        "pantau_people_spans",
        "pantau_incidents",
        "pantau_letter",
    ]


def test_nlp_pipeline_tells_the_official_from_the_foreigners(doc) -> None:
    people = {" ".join(span.text.split()): span for span in doc.spans["person"]}
    assert people["Hendra Wijaya"]._.person_role == "official"
    assert people["OK"]._.person_role == "foreign_national"
    assert (people["OK"]._.nationality, people["OK"]._.age) == ("UA", 29)
    group = next(span for span in doc.spans["person"] if span._.name_kind == "group")
    assert (group._.nationality, group._.count) == ("UA", 2)


def test_nlp_pipeline_counts_only_incidents_that_happened(doc) -> None:
    statuses = {(span._.incident, span._.status) for span in doc.spans["incident"]}
    assert ("arrest", "reported") in statuses
    assert ("deportation", "hypothetical") in statuses
    assert "deportation" not in document_incidents(doc)
    assert {"arrest", "illegal_work"} <= set(document_incidents(doc))


def test_nlp_pipeline_resolves_places_and_dates(doc) -> None:
    places = {span.text: span for span in doc.spans["place"]}
    assert places["Kabupaten Sumbawa"]._.region_level == "regency"
    assert places["Kecamatan Moyo Hilir"]._.region_level == "district"
    assert [span._.date for span in doc.spans["date"]] == ["2026-10-08"]

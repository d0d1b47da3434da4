"""Annotations from facts: people merged, regions merged by code, only real incidents listed."""

from __future__ import annotations

from extractors.annotations import build_annotation
from models.records import Fact


def fact(kind: str, text: str, value: str | None = None, start: int = 0, **attributes) -> Fact:
    return Fact(
        kind=kind,
        page=1,
        start=start,
        end=start + len(text),
        text=text,
        value=value if value is not None else (None if kind == "foreign_national" else text),
        method="rule:test",
        confidence=0.9,
        attributes=attributes,
    )


FACTS = [
    fact(
        "foreign_national",
        "Tn. Kenji Watanabe",
        "Kenji Watanabe",
        10,
        nationality="JP",
        incidents=["arrest"],
        age=52,
    ),
    fact("foreign_national", "Watanabe", "Watanabe", 200, incidents=["deportation"]),
    fact("foreign_national", "KT", "KT", 300, nationality="JP"),
    fact("foreign_national", "tiga WNA asal Jepang", None, 400, nationality="JP", count=3),
    fact("foreign_national", "ketiga WNA asal Jepang", None, 500, nationality="JP", count=3),
    fact("official", "Kasi Inteldakim Ni Luh Sari", "Ni Luh Sari", 20),
    fact("official", "Sari", "Sari", 600),
    fact("nationality", "Korea Selatan", "KR", 700),
    fact("location", "Kabupaten Buleleng", "51.08", 30, level="regency", province="Bali"),
    fact("location", "Buleleng", "51.08", 800, level="regency", province="Bali"),
    fact("location", "Pelabuhan Celukan Bawang", "Pelabuhan Celukan Bawang", 900, level="place"),
    fact("incident", "diamankan", "arrest", 40, status="reported", counted=True),
    fact("incident", "akan dideportasi", "deportation", 50, status="planned", counted=True),
    fact("incident", "jika ... ditangkal", "blacklist", 60, status="hypothetical", counted=False),
    fact("date", "Rabu (4/3)", "2026-03-04", 70, precision="day"),
    fact("date", "Maret 2026", "2026-03-01", 80, precision="month"),
    fact("organisation", "Kantor Imigrasi Singaraja", "Kantor Imigrasi Singaraja", 90),
]


def test_annotations_merge_the_mentions_of_one_person() -> None:
    annotation = build_annotation("berita-buleleng", FACTS)
    named = [f for f in annotation["foreigners"] if f["name"]]
    assert named[0] == {
        "name": "Kenji Watanabe",
        "nationality": "JP",
        "count": 1,
        "incidents": ["arrest", "deportation"],
        "aliases": ["Watanabe"],
        "age": 52,
    }
    assert named[1]["name"] == "KT" and "aliases" not in named[1]
    groups = [f for f in annotation["foreigners"] if f["name"] is None]
    assert groups == [{"name": None, "nationality": "JP", "count": 3, "incidents": []}]
    assert annotation["officials"] == ["Ni Luh Sari"]


def test_annotations_list_nationalities_places_and_only_counted_incidents() -> None:
    annotation = build_annotation("berita-buleleng", FACTS, extra={"kind": "news"})
    assert annotation["nationalities"] == ["JP", "KR"]
    assert annotation["incidents"] == ["arrest", "deportation"]
    assert annotation["event_dates"] == ["2026-03-04"]
    assert annotation["locations"] == [
        {
            "text": "Kabupaten Buleleng",
            "kind": "regency",
            "aliases": ["Buleleng"],
            "province": "Bali",
            "code": "51.08",
        },
        {"text": "Pelabuhan Celukan Bawang", "kind": "place"},
    ]
    assert annotation["organizations"] == ["Kantor Imigrasi Singaraja"]
    assert (annotation["doc_id"], annotation["kind"]) == ("berita-buleleng", "news")


def test_annotations_of_a_document_without_facts_are_empty_lists() -> None:
    annotation = build_annotation("kosong", [])
    assert all(annotation[key] == [] for key in annotation if key != "doc_id")


def test_annotations_a_full_name_after_its_short_form_names_the_person() -> None:
    facts = [
        fact("foreign_national", "Okafor", "Okafor", 0, nationality="NG"),
        fact("foreign_national", "Chinedu Okafor", "Chinedu Okafor", 40, nationality="NG"),
    ]
    (entry,) = build_annotation("d", facts)["foreigners"]
    assert entry["name"] == "Chinedu Okafor" and entry["aliases"] == ["Okafor"]


def test_annotations_people_of_different_ages_are_not_merged() -> None:
    facts = [
        fact("foreign_national", "Wang", "Wang", 0, nationality="CN", age=53),
        fact("foreign_national", "Wang Lei", "Wang Lei", 20, nationality="CN", age=35),
    ]
    names = [e["name"] for e in build_annotation("d", facts)["foreigners"]]
    assert names == ["Wang", "Wang Lei"]

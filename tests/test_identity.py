"""Identity scoring: names written differently, namesakes kept apart, blocking keys."""

from __future__ import annotations

import pytest

from extractors.identity import (
    HIGH,
    LOW,
    blocking_keys,
    gather_mentions,
    mention_key,
    name_tokens,
    score_pair,
)
from models.records import Fact, FactKind, MentionFeatures


def m(name: str, nationality: str | None = None, age: int | None = None, **more) -> MentionFeatures:
    return MentionFeatures(name=name, nationality=nationality, age=age, **{"year": 2026, **more})


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (m("Dmitry Alexandrovich Sokolov", "RU"), m("SOKOLOV Dmitry Alexandrovich", "RU")),
        (m("Mr. Mohammed Yousef", "EG"), m("Muhammad Yusuf", "EG")),
        (m("Nguyễn Văn Hải", "VN", 30), m("NGUYEN VAN HAI", "VN", 30)),
        (
            m("DAS", "RU", 36, passports=["751234567"]),
            m("Dmitry A. Sokolov", "RU", passports=["751234567"]),
        ),
        (m("Aleksandr Volkov", "RU", 52, year=2024), m("Alexander Volkov", "RU", 54)),
        (m("Mehmet Yılmaz", "TR"), m("Mehmet Yilmaz", "TR")),
    ],
)
def test_identity_same_person_written_differently_merges(a, b) -> None:
    assert score_pair(a, b).value >= HIGH
    assert blocking_keys(a) & blocking_keys(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (m("DAS", "RU", 36), m("Dmitry Alexandrovich Sokolov", "RU")),
        (m("Sokolov", "RU"), m("Dmitry Alexandrovich Sokolov", "RU")),
        (m("TKL", "SG", 52), m("Tan Kok Leong", "SG", 52)),
    ],
)
def test_identity_weak_evidence_goes_to_review(a, b) -> None:
    assert LOW <= score_pair(a, b).value < HIGH


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        (m("Dmitry Sokolov", "RU"), m("Alexei Sokolov", "RU"), "name words differ"),
        (m("Dmitry Sokolov", "RU"), m("Dmitry Sokolova", "RU"), "name words differ"),
        (m("Zhang Wei", "CN", 35), m("Zhang Wei", "CN", 58), "ages disagree"),
        (m("Ivan Petrenko", "UA"), m("Ivan Petrenko", "RU"), "nationality differs"),
        (
            m("Jan de Vries", "NL", passports=["NX12AB345"]),
            m("Jan de Vries", "NL", passports=["NX98CD765"]),
            "different passport numbers",
        ),
        (m("AK", "RU", 33), m("AK", "CN", 33), "nationality differs"),
    ],
)
def test_identity_different_people_with_similar_names_stay_apart(a, b, reason) -> None:
    score = score_pair(a, b)
    assert score.value < LOW
    assert any(reason in r for r in score.reasons)


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Tn. Abdul Rahman", ["abdul", "rahman"]),
        ("Sdri. Ayesha Rahman", ["aisha", "rahman"]),
        ("Dmitri Aleksandrovich", ["dmitry", "aleksandrovich"]),
    ],
)
def test_identity_name_tokens_drop_honorifics_and_map_variants(name, tokens) -> None:
    assert name_tokens(name) == tokens


def test_identity_gather_mentions_merges_a_document_and_skips_groups() -> None:
    def fact(value: str | None, **attributes) -> Fact:
        return Fact(
            kind=FactKind.FOREIGN_NATIONAL,
            page=1,
            start=0,
            end=3,
            text=value or "tiga WNA",
            value=value,
            method="rule:people",
            confidence=0.9,
            attributes=attributes,
        )

    drafts = gather_mentions(
        [
            fact("Sokolov", nationality="RU"),
            fact("Dmitry Alexandrovich Sokolov", passport="751234567"),
            fact(None, count=3),
            fact("D.A.S.", age=36),
        ]
    )
    assert [(d.key, d.name, d.aliases, d.passports) for d in drafts] == [
        (
            "dmitry alexandrovich sokolov",
            "Dmitry Alexandrovich Sokolov",
            ["Sokolov"],
            ["751234567"],
        ),
        ("DAS", "D.A.S.", [], []),
    ]
    assert mention_key("D.A.S.") == mention_key("DAS")

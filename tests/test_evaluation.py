"""Evaluation against gold annotations, following the gold conventions field by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.evaluation import evaluate, evaluate_by_kind, format_kinds, read_annotations
from models.errors import ConfigError

GOLD = {
    "surat-1": {
        "foreigners": [
            {"name": "Oleksandr Bondar", "nationality": "UA", "aliases": ["Alexander Bondar"]},
            {"name": "KLM", "nationality": "UA"},
            {"name": None, "nationality": "RU", "count": 4},
        ],
        "officials": ["Made Wirawan"],
        "other_persons": ["Sinta Dewi"],
        "nationalities": ["UA", "RU"],
        "locations": [
            {"text": "Gianyar", "kind": "regency", "aliases": ["Kabupaten Gianyar"]},
            {"text": "Ubud", "kind": "district"},
        ],
        "locations_ignore": ["Kyiv"],
        "organizations": ["Kantor Imigrasi Singaraja"],
        "incidents": ["overstay", "deportation"],
        "event_dates": ["2026-05-12"],
    }
}


def scores(prediction: dict) -> dict:
    result = evaluate(GOLD, {"surat-1": prediction})
    return {name: (s.tp, s.fp, s.fn) for name, s in result.fields.items()} | {
        "official_as_foreigner": result.official_as_foreigner
    }


def test_evaluation_of_the_gold_itself_is_perfect() -> None:
    result = evaluate(GOLD, GOLD)
    assert all(s.f1 == 1.0 for s in result.fields.values())
    assert result.official_as_foreigner == 0 and result.errors == {}


def test_evaluation_of_nothing_scores_zero() -> None:
    result = evaluate(GOLD, {})
    assert result.predicted == 0
    assert all(s.f1 == 0.0 for s in result.fields.values())


@pytest.mark.parametrize(
    ("name", "nationality", "pair"),
    [
        ("Alexander Bondar (37)", "UA", (1, 0, 1)),  # alias, age stripped
        ("oleksandr  BONDAR", "UA", (1, 0, 1)),  # full names fold case and spacing
        ("Oleksandr Bondar, 37", "RU", (0, 1, 2)),  # wrong nationality
        ("Klm", "UA", (0, 1, 2)),  # initials are case-sensitive
    ],
)
def test_evaluation_of_foreigner_names(name: str, nationality: str, pair: tuple) -> None:
    assert (
        scores({"foreigners": [{"name": name, "nationality": nationality}]})["foreigner_pair"]
        == pair
    )


def test_evaluation_of_places_counts_aliases_once_and_ignores_neutral_places() -> None:
    prediction = {
        "locations": [
            {"text": "Kabupaten Gianyar"},
            {"text": "Gianyar"},
            {"text": "Kyiv"},  # ignored by the gold
            {"text": "Indonesia"},
            {"text": "Singaraja"},  # inside a gold organisation name
            {"text": "Denpasar"},
        ]
    }
    assert scores(prediction)["location"] == (1, 1, 1)


def test_evaluation_counts_officials_reported_as_foreigners() -> None:
    prediction = {
        "foreigners": [{"name": "Wirawan"}, {"name": "Sinta Dewi"}, {"name": "KLM"}],
        "officials": ["Made Wirawan", "Sinta Dewi"],
    }
    result = scores(prediction)
    assert result["official_as_foreigner"] == 2
    assert result["official"] == (1, 0, 0)  # other persons are neutral


def test_evaluation_per_incident_label() -> None:
    result = evaluate(GOLD, {"surat-1": {"incidents": ["overstay", "arrest"]}})
    assert (result.labels["overstay"].tp, result.labels["arrest"].fp) == (1, 1)
    assert result.labels["deportation"].fn == 1
    assert result.errors["surat-1"]["incident"] == {
        "missed": ["deportation"],
        "spurious": ["arrest"],
    }


def test_evaluation_reads_a_folder_and_refuses_bad_files(tmp_path: Path) -> None:
    (tmp_path / "surat-1.json").write_text(json.dumps(GOLD["surat-1"]))
    assert read_annotations(tmp_path) == GOLD
    (tmp_path / "rusak.json").write_text("{not json")
    with pytest.raises(ConfigError, match="rusak.json"):
        read_annotations(tmp_path)
    (tmp_path / "kosong").mkdir()
    with pytest.raises(ConfigError, match="no \\*.json"):
        read_annotations(tmp_path / "kosong")


def test_evaluation_by_kind_scores_each_kind_on_its_own_documents() -> None:
    def person(name: str, code: str) -> dict:
        return {"name": name, "nationality": code, "count": 1, "incidents": []}

    gold = {
        "a": {"kind": "letter", "foreigners": [person("Lukas Brandt", "DE"), person("AB", "CN")]},
        "b": {"foreigners": [person("Chen Wei", "CN")]},
        "c": {"kind": "minutes", "foreigners": []},
    }
    predicted = {
        "a": {"foreigners": [person("Lukas Brandt", "DE")]},  # one of two found
        "b": {"kind": "news", "foreigners": [person("Chen Wei", "CN"), person("XY", "VN")]},
    }
    by_kind = evaluate_by_kind(gold, predicted)
    assert list(by_kind) == ["letter", "minutes", "news"]
    letter = by_kind["letter"].fields["foreigner_pair"]
    news = by_kind["news"].fields["foreigner_pair"]
    assert (letter.tp, letter.fp, letter.fn) == (1, 0, 1)
    assert (news.tp, news.fp, news.fn) == (1, 1, 0)
    assert by_kind["minutes"].documents == 1 and by_kind["minutes"].predicted == 0
    lines = format_kinds(by_kind)
    assert lines[1].split()[:3] == ["letter", "1", "0.667"]

"""The sample corpus: its answer key agrees with the source texts, and the build is reproducible."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from tools import make_samples, scansim

LABELS = {
    "overstay", "permit_misuse", "illegal_work", "illegal_entry", "document_fraud", "arrest",
    "detention", "deportation", "blacklist", "criminal", "public_order", "refugee",
    "joint_operation",
}
KINDS = {"province", "regency", "city", "district", "village", "place"}
EXPECTED = json.loads((make_samples.SOURCE_DIR / "expected.json").read_text(encoding="utf-8"))
STEMS = make_samples.source_stems()


def plain(stem: str) -> str:
    """The source text as a reader sees it, whitespace folded."""
    return " ".join(scansim.plain_text(make_samples.read_source(stem)).split())


def contains_words(text: str, phrase: str, *, case: bool = True) -> bool:
    """Whether `phrase` occurs in `text` as whole words."""
    flags = 0 if case else re.IGNORECASE
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, flags) is not None


def test_make_samples_expected_covers_every_text() -> None:
    assert sorted(EXPECTED) == STEMS
    assert len(STEMS) >= 13
    assert all(EXPECTED[stem]["doc_id"] == stem for stem in STEMS)


@pytest.mark.parametrize("stem", STEMS)
def test_make_samples_expected_names_occur_in_text(stem: str) -> None:
    gold, text = EXPECTED[stem], plain(stem)
    names = [f["name"] for f in gold["foreigners"] if f["name"]]
    names += [a for f in gold["foreigners"] for a in f.get("aliases", [])]
    names += gold["officials"] + gold.get("other_persons", []) + gold["organizations"]
    names += gold.get("locations_ignore", [])
    missing = [name for name in names if not contains_words(text, name)]
    assert not missing


@pytest.mark.parametrize("stem", STEMS)
def test_make_samples_expected_locations_occur_in_text(stem: str) -> None:
    text = plain(stem)
    # Aliases may be forms a normaliser produces ("Kota Denpasar"); the canonical form is printed.
    for place in EXPECTED[stem]["locations"]:
        assert place["kind"] in KINDS
        assert contains_words(text, place["text"], case=False), place["text"]


@pytest.mark.parametrize("stem", STEMS)
def test_make_samples_expected_labels_are_consistent(stem: str) -> None:
    gold = EXPECTED[stem]
    person_labels = {label for f in gold["foreigners"] for label in f["incidents"]}
    assert person_labels <= set(gold["incidents"]) <= LABELS
    stated = {f["nationality"] for f in gold["foreigners"] if f["nationality"]}
    assert stated == set(gold["nationalities"])
    for entry in gold["foreigners"]:
        assert (entry["count"] == 1) if entry["name"] else (entry["count"] is None
                                                            or entry["count"] > 0)


@pytest.mark.parametrize("stem", STEMS)
def test_make_samples_expected_dates_are_written_in_text(stem: str) -> None:
    text = plain(stem)
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]
    for iso in EXPECTED[stem]["event_dates"]:
        year, month, day = (int(part) for part in iso.split("-"))
        name = months[month - 1]
        forms = [f"{day} {name} {year}", f"{day:02d}-{month:02d}-{year}", f"{day}-{month}-{year}",
                 f"({day}/{month})", f"{day} {name} lalu", f"{day} dan {day + 1} {name} {year}"]
        # A weekday alone ("kata Ratna ..., Jumat") resolves to the publication date.
        assert any(form in text for form in forms) or iso == EXPECTED[stem]["document"]["date"]


@pytest.mark.slow
def test_make_samples_build_is_complete_and_reproducible(tmp_path: Path) -> None:
    first = make_samples.build_samples(tmp_path / "a")
    second = make_samples.build_samples(tmp_path / "b")
    assert set(first) == {sample.name for sample in make_samples.SAMPLES}

    def digest(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert first["rusak-kosong.pdf"] == 0
    assert sum(second.values()) < 8 * 1024 * 1024
    assert (tmp_path / "a" / "sebenarnya-png.pdf").read_bytes().startswith(b"\x89PNG")
    assert not (tmp_path / "a" / "rusak-terpotong.pdf").read_bytes().rstrip().endswith(b"%%EOF")

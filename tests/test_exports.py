"""Exports of subjects and mentions: CSV and JSON Lines round-trip, FollowTheMoney validates."""

from __future__ import annotations

import csv
import io
import json

import pytest
from followthemoney import model

from models.tables import Mention, Subject
from storage import exports

SUBJECTS = [
    {
        "name": "Zhou Peng",
        "names": ["Zhou Peng", "ZP"],
        "nationality": "CN",
        "passports": ["E1234567", "KITAS 2C11AB0012"],
        "mention_count": 2,
        "document_count": 2,
        "first_date": "2024-03-15",
        "last_date": "2024-04-20",
    },
    {
        "name": 'Tran Thi Lan, alias "Lan"',
        "names": ['Tran Thi Lan, alias "Lan"'],
        "nationality": None,
        "passports": [],
        "mention_count": 1,
        "document_count": 1,
        "first_date": None,
        "last_date": None,
    },
]


@pytest.fixture
def records(session, store_document):
    """Two subjects, three mentions in two documents (one mention not yet resolved)."""
    badung = store_document("/arsip/berita badung.pdf", ["WNA asal Tiongkok ZP (41) diamankan."])
    sikka = store_document("/arsip/surat-sikka.pdf", ["Zhou Peng dan Tran Thi Lan dideportasi."])
    subjects = [Subject(**values) for values in SUBJECTS]
    session.add_all(subjects)
    session.flush()
    mentions = [
        Mention(
            document_id=badung.id,
            subject_id=subjects[0].id,
            key="zp",
            name="ZP",
            name_kind="initials",
            nationality="CN",
            age=41,
            place_codes=["51.03"],
            incidents=["arrest"],
            passports=["E1234567"],
        ),  # fmt: skip
        Mention(
            document_id=sikka.id,
            subject_id=subjects[0].id,
            key="zhou peng",
            name="Zhou Peng",
            nationality="CN",
            place_codes=["53.10", "53.10.02"],
            incidents=["deportation", "overstay"],
        ),  # fmt: skip
        Mention(document_id=sikka.id, subject_id=None, key="tran thi lan", name="Tran Thi Lan"),
    ]
    session.add_all(mentions)
    from storage.summaries import rebuild

    rebuild(session)  # mentions stored directly, as a bulk load does
    session.commit()
    return {"subjects": subjects, "mentions": mentions, "documents": [badung, sikka]}


def written(write, session) -> str:
    out = io.StringIO()
    write(session, out=out)
    return out.getvalue()


def test_exports_subjects_csv_round_trip(session, records):
    rows = list(csv.DictReader(io.StringIO(written(exports.write_subjects_csv, session))))
    assert [row["name"] for row in rows] == [s["name"] for s in SUBJECTS]
    assert rows[0]["names"].split(exports.LIST_SEPARATOR) == ["Zhou Peng", "ZP"]
    assert rows[0]["passports"].split(exports.LIST_SEPARATOR) == SUBJECTS[0]["passports"]
    assert (rows[1]["nationality"], rows[1]["passports"], rows[1]["first_date"]) == ("", "", "")
    assert int(rows[0]["id"]) == records["subjects"][0].id


def test_exports_mentions_csv_has_document_and_facts(session, records):
    rows = list(csv.DictReader(io.StringIO(written(exports.write_mentions_csv, session))))
    assert len(rows) == 3
    first = rows[0]
    assert (first["document_path"], first["document_name"]) == (
        "/arsip/berita badung.pdf",
        "berita badung.pdf",
    )
    assert (first["name"], first["name_kind"], first["age"], first["nationality"]) == (
        "ZP",
        "initials",
        "41",
        "CN",
    )
    assert rows[1]["place_codes"].split(exports.LIST_SEPARATOR) == ["53.10", "53.10.02"]
    assert rows[1]["incidents"].split(exports.LIST_SEPARATOR) == ["deportation", "overstay"]
    assert rows[2]["subject_id"] == ""


@pytest.mark.parametrize(
    ("write", "fields"),
    [
        (exports.write_subjects_jsonl, exports.SUBJECT_FIELDS),
        (exports.write_mentions_jsonl, exports.MENTION_FIELDS),
    ],
)
def test_exports_jsonl_round_trip(session, records, write, fields):
    lines = [json.loads(line) for line in written(write, session).splitlines()]
    assert all(tuple(line) == fields for line in lines)
    if write is exports.write_subjects_jsonl:
        assert [{k: v for k, v in line.items() if k != "id"} for line in lines] == SUBJECTS
    else:
        assert [line["place_codes"] for line in lines] == [["51.03"], ["53.10", "53.10.02"], []]
        assert lines[0]["passports"] == ["E1234567"]


def test_exports_ftm_entities_validate_and_link(session, records):
    lines = [json.loads(line) for line in written(exports.write_ftm, session).splitlines()]
    proxies = [model.get_proxy(line) for line in lines]
    for line, proxy in zip(lines, proxies, strict=True):
        assert proxy.to_dict() == line
        missing = [p for p in proxy.schema.required if not proxy.get(p)]
        assert missing == [], (proxy.schema.name, missing)
    by_schema: dict[str, list] = {}
    for proxy in proxies:
        by_schema.setdefault(proxy.schema.name, []).append(proxy)
    assert {name: len(found) for name, found in by_schema.items()} == {
        "Person": 2,
        "Document": 2,
        "Mention": 3,
    }
    ids = {proxy.id for proxy in proxies}
    zhou = by_schema["Person"][0]
    assert zhou.id == f"pantau-subject-{records['subjects'][0].id}"
    assert zhou.get("nationality") == ["cn"]
    assert sorted(zhou.get("passportNumber")) == sorted(SUBJECTS[0]["passports"])
    assert zhou.get("alias") == ["ZP"]
    assert by_schema["Document"][0].get("fileName") == ["berita badung.pdf"]
    for mention in by_schema["Mention"]:
        assert set(mention.get("document")) | set(mention.get("resolved")) <= ids
    assert [m.get("resolved") for m in by_schema["Mention"]] == [[zhou.id], [zhou.id], []]


def test_exports_ftm_ids_are_stable(session, records):
    assert written(exports.write_ftm, session) == written(exports.write_ftm, session)


@pytest.mark.parametrize(
    ("format", "write"),
    [
        ("subjects-csv", exports.write_subjects_csv),
        ("mentions-csv", exports.write_mentions_csv),
        ("subjects-jsonl", exports.write_subjects_jsonl),
        ("mentions-jsonl", exports.write_mentions_jsonl),
        ("ftm", exports.write_ftm),
    ],
)
def test_exports_streamed_lines_match_the_file(session, records, format, write):
    assert "".join(exports.export_lines(session, format=format)) == written(write, session)

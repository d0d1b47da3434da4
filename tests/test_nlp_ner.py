"""The shipped Indonesian NER model: loads offline, finds PERSON / LOC / ORG, stays small."""

from __future__ import annotations

import json
import socket

import pytest

from extractors.nlp import ner
from models.errors import SetupError

SPLITS = ("idner-news-2k", "nerui-indolem", "nergrit-indonlu")
MAX_MODEL_BYTES = 30 * 1024 * 1024

IMMIGRATION_QUOTE = (
    "Kepala Kantor Imigrasi Kelas I Denpasar, Budi Santoso, mengatakan petugas telah "
    "memeriksa dokumen para pekerja di Kabupaten Badung."
)


@pytest.fixture
def reload_ner():
    """Forget the cached model before and after the test, so the test sees a fresh load."""
    ner.load_ner.cache_clear()
    yield ner.load_ner
    ner.load_ner.cache_clear()


def refuse_network(*args, **kwargs):
    raise OSError("network access during model loading")


def test_ner_loads_without_network(reload_ner, monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", refuse_network)
    monkeypatch.setattr(socket, "create_connection", refuse_network)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_network)
    nlp = reload_ner()
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == set(ner.NER_LABELS)
    assert nlp("Budi Santoso tiba di Jakarta.").ents


def test_ner_missing_model_raises_setup_error(reload_ner, monkeypatch, tmp_path):
    monkeypatch.setattr(ner, "NER_MODEL_PATH", tmp_path / "ner-id")
    with pytest.raises(SetupError, match="tools.train_ner"):
        reload_ner()


@pytest.mark.parametrize(
    ("text", "entity", "label"),
    [
        (IMMIGRATION_QUOTE, "Budi Santoso", "PERSON"),
        (IMMIGRATION_QUOTE, "Kabupaten Badung", "LOC"),
        (
            "Kasi Inteldakim Kantor Imigrasi Jakarta Barat, Andi Wijaya, menjelaskan bahwa "
            "operasi dilakukan di Tangerang.",
            "Andi Wijaya",
            "PERSON",
        ),
        (
            "Kasi Inteldakim Kantor Imigrasi Jakarta Barat, Andi Wijaya, menjelaskan bahwa "
            "operasi dilakukan di Tangerang.",
            "Tangerang",
            "LOC",
        ),
        (
            "Siti Rahmawati, juru bicara Kementerian Luar Negeri, menyampaikan keterangan "
            "kepada wartawan di Jakarta, Rabu.",
            "Siti Rahmawati",
            "PERSON",
        ),
        (
            "Siti Rahmawati, juru bicara Kementerian Luar Negeri, menyampaikan keterangan "
            "kepada wartawan di Jakarta, Rabu.",
            "Kementerian Luar Negeri",
            "ORG",
        ),
        (
            "Pemerintah Kabupaten Sleman bekerja sama dengan Universitas Gadjah Mada untuk "
            "memetakan daerah rawan longsor.",
            "Universitas Gadjah Mada",
            "ORG",
        ),
        (
            "Bank Indonesia memperkirakan inflasi tahun depan tetap terkendali, kata seorang "
            "pejabat di Jakarta.",
            "Bank Indonesia",
            "ORG",
        ),
        (
            "Wali Kota Makassar Danny Pomanto membuka festival kuliner di Pantai Losari, "
            "Sabtu malam.",
            "Danny Pomanto",
            "PERSON",
        ),
    ],
)
def test_ner_finds_entity(ner_nlp, text, entity, label):
    found = {(ent.text, ent.label_) for ent in ner_nlp(text).ents}
    assert (entity, label) in found


@pytest.mark.parametrize(
    ("text", "field_labels"),
    [
        ("NAMA: JOHN SMITH KEWARGANEGARAAN: AUSTRALIA", ("NAMA", "KEWARGANEGARAAN")),
        ("KEPALA KANTOR IMIGRASI KELAS I DENPASAR", ("KEPALA", "KELAS")),
        ("PERIHAL : LAPORAN HASIL PENGAWASAN ORANG ASING", ("PERIHAL", "LAPORAN")),
    ],
)
def test_ner_leaves_capitalised_field_labels_alone(ner_nlp, text, field_labels):
    tagged = {token.text for ent in ner_nlp(text).ents for token in ent}
    assert not tagged & set(field_labels)


def test_ner_metrics_cover_each_test_split():
    metrics = json.loads((ner.NER_MODEL_PATH / "METRICS.json").read_text(encoding="utf-8"))
    assert "tools.train_ner" in metrics["command"]
    assert set(metrics["test"]) == set(SPLITS)
    for split in SPLITS:
        scores = metrics["test"][split]
        assert 0.5 < scores["f1"] <= 1.0, split
        assert set(scores["per_label"]) == set(ner.NER_LABELS)
    assert metrics["test"]["idner-news-2k"]["f1"] > 0.8


def test_ner_model_folder_is_small():
    size = sum(p.stat().st_size for p in ner.NER_MODEL_PATH.rglob("*") if p.is_file())
    assert 0 < size < MAX_MODEL_BYTES

"""The model folder's tokenizer as Pantau reads it makes the tokens spaCy's own reading of
the folder makes: text, offsets, spaces and norms."""

from __future__ import annotations

import hashlib
import re
import shutil

import pytest
import spacy
import srsly
from spacy.attrs import IDX, NORM, ORTH, SHAPE, SPACY

from extractors.nlp.ner import NER_MODEL_PATH, open_model
from extractors.nlp.tokens import (
    FORMS_FILE,
    _written_forms,
    one_token_forms,
    read_tokenizer,
    split_infixes,
)

ATTRS = [ORTH, NORM, SPACY, IDX, SHAPE]

LETTERS = [
    "Petugas memeriksa laki-laki dan perempuan WNA (laki-laki/perempuan) di kamar-kamar "
    "hotel; anak-anaknya tidak ikut.",
    "Sdr. LIU YANG, laki-laki, lahir 3 Jan. 1988, bekerja di pabrik-pabrik kayu-kayuan "
    "di Kab. Morowali.",
    "Tim Pora mendata orang-orang asing: Tn. Omar (WN Mesir), Ny. Rina, S.Pd., dan dr. Kevin-Lee.",
    "Kegiatan pengawasan pada hari Jum'at, 5 Okt. 2026 — sebagaimana surat No. B-12/IMI/2026.",
    '"Kami sudah ma\'af-kan," ujar petugas, sambil menunjuk rumah-rumah (sewa-sewaan) itu.',
    "ANAK-ANAK, KAMAR-KAMAR dan Kupu-Kupu; kira-kira 30 orang... bolak-balik ke Batam.",
    "Lihat https://imigrasi.go.id/berita-terkini atau kirim ke humas@imigrasi.go.id.",
    "Masing-masing-nya, laki-laki-laki, (anak-anak), [rumah-rumah], anak-anak!",
]


@pytest.fixture(scope="module")
def tokenizers():
    """spaCy's own reading of the folder's tokenizer, and Pantau's."""
    return spacy.load(NER_MODEL_PATH).tokenizer, open_model().tokenizer


def same_tokens(tokenizers, text: str) -> bool:
    spacys, pantaus = tokenizers
    a, b = spacys(text), pantaus(text)
    return len(a) == len(b) and (a.to_array(ATTRS) == b.to_array(ATTRS)).all()


@pytest.mark.parametrize("text", LETTERS)
def test_tokens_of_letters_are_spacys(tokenizers, text):
    assert same_tokens(tokenizers, text)


@pytest.mark.parametrize(
    "form",
    ["{w}", "({w})", "{w}/{w}", "{w}.", "{w},", "x-{w}", "{w}-nya", '"{w}"', "{w}/x", "({w}/x)"],
)
def test_tokens_of_every_special_form_are_spacys(tokenizers, form):
    spacys, pantaus = tokenizers
    forms = sorted(spacys.rules)
    for start in range(0, len(forms), 200):
        text = " ".join(form.format(w=w) for w in forms[start : start + 200])
        assert same_tokens(tokenizers, text), text[:200]


def test_tokens_keep_norms_and_reduplications(tokenizers):
    _, pantaus = tokenizers
    doc = pantaus("Tanggal 3 Jan. 2026, laki-laki/perempuan dan anak-anaknya.")
    assert [t.text for t in doc][:9] == [
        "Tanggal",
        "3",
        "Jan.",
        "2026",
        ",",
        "laki-laki",
        "/",
        "perempuan",
        "dan",
    ]
    assert doc[2].norm_ == "Januari"
    assert "laki-laki" in pantaus.wholes and "Jan." not in pantaus.wholes


def test_tokens_shipped_forms_are_those_of_the_shipped_tokenizer():
    raw = (NER_MODEL_PATH / "tokenizer").read_bytes()
    data = srsly.msgpack_loads(raw)
    forms = one_token_forms(
        data["exceptions"],
        re.compile(data["prefix_search"]).search,
        re.compile(data["suffix_search"]).search,
    )
    written = _written_forms(NER_MODEL_PATH / FORMS_FILE, hashlib.sha256(raw).hexdigest())
    assert written is not None and written.keys() == forms  # else: `write_forms` again
    infixes = re.compile(data["infix_finditer"]).finditer
    urls = re.compile(data["url_match"]).match
    assert all(split == split_infixes(form, infixes, urls) for form, split in written.items())
    assert written["laki-laki"] == ("laki", "-", "laki") and len(forms) > 15_000


def test_tokens_forms_written_for_another_tokenizer_are_worked_out_again(tmp_path, tokenizers):
    shutil.copy(NER_MODEL_PATH / "tokenizer", tmp_path / "tokenizer")
    stale = (NER_MODEL_PATH / FORMS_FILE).read_text(encoding="utf-8").splitlines()
    (tmp_path / FORMS_FILE).write_text(
        "\n".join([stale[0].replace(stale[0][-8:], "00000000"), "tahu-tahu", "rumah"]) + "\n"
    )
    _, shipped = tokenizers
    read = read_tokenizer(shipped.vocab, tmp_path / "tokenizer")
    assert read.wholes == shipped.wholes
    assert "rumah" not in read.wholes
    assert {k: sorted(v) for k, v in read.pieces.items()} == {
        k: sorted(v) for k, v in shipped.pieces.items()
    }


def test_tokens_forms_file_of_an_older_layout_is_worked_out_again(tmp_path, tokenizers):
    """A file that lists the forms without their pieces names the same tokenizer under an
    older header; its forms are not taken as one piece each."""
    shutil.copy(NER_MODEL_PATH / "tokenizer", tmp_path / "tokenizer")
    sha = hashlib.sha256((NER_MODEL_PATH / "tokenizer").read_bytes()).hexdigest()
    (tmp_path / FORMS_FILE).write_text(
        f"# one-token forms of the tokenizer file with sha256 {sha}\nlaki-laki\n"
    )
    _, shipped = tokenizers
    read = read_tokenizer(shipped.vocab, tmp_path / "tokenizer")
    assert read.wholes == shipped.wholes
    doc = read("laki-laki/perempuan")
    assert [t.text for t in doc] == ["laki-laki", "/", "perempuan"]

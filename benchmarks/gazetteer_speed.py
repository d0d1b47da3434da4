"""Words per second of the nationality, place and organisation components on one core.

The place components are ``pantau_places`` and ``pantau_place_mentions`` (without the NER, so
its entity step is idle here).

Run with ``uv run python -m benchmarks.gazetteer_speed [--pages N]``. The text is synthetic
Indonesian report prose written for this benchmark (about 330 words a page).
"""

from __future__ import annotations

import argparse
import os
import time

import spacy

import extractors.nlp.nationality  # noqa: F401  (registers the factories)
import extractors.nlp.organisations  # noqa: F401
import extractors.nlp.place_mentions  # noqa: F401
import extractors.nlp.places  # noqa: F401

PAGE = """KEMENTERIAN IMIGRASI DAN PEMASYARAKATAN REPUBLIK INDONESIA
KANTOR IMIGRASI KELAS I TPI MATARAM
Jalan Udayana Nomor 2, Mataram, Nusa Tenggara Barat

Pada hari Selasa tanggal {day} Maret 2026 Tim Pengawasan Orang Asing Kabupaten Lombok Utara
melaksanakan operasi gabungan bersama Polres Lombok Utara, Kodim 1606/Mataram, Kesbangpol,
Disnakertrans Provinsi NTB dan Satpol PP di Desa Gili Indah, Kecamatan Pemenang. Petugas
memeriksa dokumen perjalanan dan izin tinggal dua puluh tiga warga negara asing yang menginap
di beberapa penginapan. Dari hasil pemeriksaan ditemukan seorang WN Nigeria berinisial IN (34)
yang izin tinggalnya telah berakhir sejak bulan Januari, serta dua warga Tiongkok yang bekerja
sebagai juru masak di PT Samudra Biru Lestari tanpa izin kerja. Seorang warga Korsel dan tiga
turis asal Australia dinyatakan tertib administrasi. Kepala Kantor Imigrasi menyampaikan bahwa
para pelanggar dibawa ke kantor untuk pemeriksaan lebih lanjut dan akan dikenakan tindakan
administratif keimigrasian berupa deportasi dan penangkalan.

Sementara itu di Kota Denpasar, Rudenim Denpasar menampung empat pencari suaka asal Afganistan
yang didampingi UNHCR dan IOM. Kanwil Kemenkumham Bali mencatat bahwa selama triwulan pertama
terdapat lebih dari seratus warga negara asing dari Rusia, Amerika Serikat, Inggris, Jepang dan
India yang melanggar ketentuan izin tinggal. Polda Bali bersama Bea Cukai memperketat pengawasan
di Pelabuhan Benoa dan Bandara I Gusti Ngurah Rai. Kepala Bidang menegaskan bahwa koordinasi
dengan Pemkab Badung, Pemkot Denpasar dan Kejaksaan Negeri Denpasar akan terus ditingkatkan.

Di wilayah timur, Kantor Imigrasi Kelas II TPI Jayapura mengamankan sembilan nelayan PNG yang
masuk melalui jalur tidak resmi di Distrik Muara Tami, Kota Jayapura, Papua. Para nelayan
tersebut diserahkan ke Rudenim Jayapura sambil menunggu pemulangan ke Papua Nugini. Dalam rapat
evaluasi di Kabupaten Merauke, Papua Selatan, perwakilan BIN, Binda Papua, Lantamal X dan
Kejati Papua sepakat memperkuat pertukaran data. Warga Kampung Sota dan Kelurahan Samkai diminta
melaporkan keberadaan orang asing yang mencurigakan kepada aparat setempat. Operasi berikutnya
direncanakan pada bulan depan di Kabupaten Boven Digoel dan Kabupaten Mappi.
"""


def build_pipeline():
    """A blank Indonesian pipeline with the gazetteer components."""
    nlp = spacy.blank("id")
    for name in (
        "pantau_nationality",
        "pantau_places",
        "pantau_place_mentions",
        "pantau_organisations",
    ):
        nlp.add_pipe(name)
    return nlp


def main() -> None:
    """Process N pages one by one and print words per second."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})  # one core, as the target is stated per core
    started = time.perf_counter()
    nlp = build_pipeline()
    print(f"load: {time.perf_counter() - started:.2f} s")
    pages = [PAGE.format(day=1 + i % 28) for i in range(args.pages)]
    words = sum(len(p.split()) for p in pages)
    tokenize_only = spacy.blank("id")
    for label, pipeline in (("tokenizer only", tokenize_only), ("gazetteer components", nlp)):
        best = min(timed(pipeline, pages) for _ in range(args.rounds))
        print(f"{label}: {words:,} words in {best:.2f} s = {words / best:,.0f} words/s")


def timed(nlp, pages: list[str]) -> float:
    """Seconds to run ``nlp`` over every page."""
    started = time.perf_counter()
    for page in pages:
        nlp(page)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()

"""Build extractors/data/ocr_known_words.txt: words the OCR name recheck can skip.

The recheck (extractors/ocr_recheck.py) reads again capitalised words that hold a "g" or
an "O", in case they are a q or Q the Indonesian model misread. Words known to be spelled
with that letter need no second reading: the word lists inside tesseract's own `ind` and
`eng` models (read with tesseract's `combine_tessdata` and `dawg2wordlist`), words and names
seen at least MIN_COUNT times in the training splits of the NER corpora, and the names of the
shipped Kemendagri gazetteer and country lists. Only words with "g" or a leading "o" are kept,
folded to lower case.

    uv run python -m tools.build_ocr_lexicon [--data ../shared/data/ner-id]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from tools.train_ner import CORPORA, read_conll

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "extractors" / "data" / "ocr_known_words.txt"
NLP_DATA = ROOT / "extractors" / "nlp" / "data"
GAZETTEER = NLP_DATA / "wilayah.csv.gz"
COUNTRIES = (NLP_DATA / "countries.jsonl", NLP_DATA / "countries_extra.jsonl")
MIN_COUNT = 2
TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
TESSERACT_LANGS = ("ind", "eng")
WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
HEADER = (
    "# Words spelled with g or a leading o that the OCR name recheck skips; built by\n"
    "# tools/build_ocr_lexicon.py from the word lists of tesseract's ind and eng models\n"
    "# (Apache License 2.0), the NER corpora (see extractors/nlp/model/NOTICE.md),\n"
    "# the Kemendagri gazetteer (extractors/nlp/data/WILAYAH-LICENSE) and country names.\n"
)


def wanted(word: str) -> bool:
    """Words the recheck would look at: a g anywhere or an o first."""
    return "g" in word or word.startswith("o")


def corpus_words(data: Path) -> Counter[str]:
    """Lower-cased words of the training splits, counted."""
    counts: Counter[str] = Counter()
    for corpus in CORPORA:
        for sentence in read_conll(data / corpus.folder / corpus.train):
            for token, _ in sentence:
                counts.update(w.lower() for w in WORD.findall(token))
    return counts


def gazetteer_words() -> set[str]:
    """Every word of every region name in the shipped gazetteer."""
    with gzip.open(GAZETTEER, "rt", encoding="utf-8") as handle:
        text = handle.read()
    words: set[str] = set()
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            words.update(w.lower() for w in WORD.findall(field))
    return words


def country_words() -> set[str]:
    """Every word of every country name and demonym Pantau recognises."""
    words: set[str] = set()
    for path in COUNTRIES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                words.update(w.lower() for w in WORD.findall(json.loads(line)["name"]))
    return words


def tesseract_words(lang: str) -> set[str]:
    """The dictionary inside the installed tesseract model `lang`, lower-cased."""
    model = TESSDATA / f"{lang}.traineddata"
    with tempfile.TemporaryDirectory() as folder:
        prefix = str(Path(folder) / f"{lang}.")
        subprocess.run(
            ["combine_tessdata", "-u", str(model), prefix], check=True, capture_output=True
        )
        listed = Path(folder) / "words.txt"
        subprocess.run(
            ["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(listed)],
            check=True,
            capture_output=True,
        )
        text = listed.read_text(encoding="utf-8")
    return {w.lower() for w in WORD.findall(text)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ner-id")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    counts = corpus_words(args.data)
    known = {w for w, n in counts.items() if n >= MIN_COUNT} | gazetteer_words() | country_words()
    for lang in TESSERACT_LANGS:
        known |= tesseract_words(lang)
    words = sorted(w for w in known if wanted(w) and len(w) >= 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the Indonesian PERSON / LOC / ORG model shipped in `extractors/nlp/model/ner-id`.

Reads three public corpora (idner-news-2k, NER UI from IndoLEM, NERGrit from IndoNLU), maps
their labels to PERSON / LOC / ORG, drops every train or dev sentence that also occurs in a
test split, adds ALL CAPS and Title Case copies of a seeded sample of training sentences,
trains with `tools/ner/config.cfg`, scores the best model on each test split separately and
writes the loadable model with `METRICS.json` into the output folder.

    uv run python -m tools.train_ner [--data DIR] [--out DIR] [--max-steps N] [--sample N]

`tools/retrain.py` calls `main` with `extra` sentences (investigators' corrections) added
to the training data.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Example
from spacy.vocab import Vocab

from extractors.nlp.tokens import write_forms

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "tools" / "ner" / "config.cfg"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ner-id"
DEFAULT_OUT = ROOT / "extractors" / "nlp" / "model" / "ner-id"
LABELS = ("PERSON", "LOC", "ORG")
LABEL_MAP = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "PLACE": "LOC",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
}
# Files in the output folder that describe the model rather than being part of it.
KEPT_FILES = ("*.md", "LICENSE*")
# Licence texts the corpora ask to ship with derived works: (file in data folder, name in model).
NOTICE_FILES = (
    ("idner-news-2k/LICENSE", "LICENSE-idner-news-2k-MIT"),
    ("nergrit-indonlu/LICENSE-indonlu-Apache-2.0", "LICENSE-indonlu-Apache-2.0"),
    ("nergrit-indonlu/NERGRIT-CONTRIBUTORS.md", "NERGRIT-CONTRIBUTORS.md"),
)

_NO_SPACE_BEFORE = {",", ".", ":", ";", "!", "?", ")", "]", "}", "%"}
_NO_SPACE_AFTER = {"(", "[", "{"}
_NOT_WORD = re.compile(r"\W+")


@dataclass(frozen=True)
class CorpusFiles:
    """One corpus folder and its split files."""

    name: str
    folder: str
    train: str
    dev: str
    test: str


CORPORA = (
    CorpusFiles("idner-news-2k", "idner-news-2k", "train.txt", "dev.txt", "test.txt"),
    CorpusFiles("nerui-indolem", "nerui-indolem", "train.01.tsv", "dev.01.tsv", "test.01.tsv"),
    CorpusFiles(
        "nergrit-indonlu",
        "nergrit-indonlu",
        "train_preprocess.txt",
        "valid_preprocess.txt",
        "test_preprocess.txt",
    ),
)


@dataclass
class Sentence:
    """Tokens with entity spans as (start, end, label) token offsets; `spaces` (whitespace
    after each token) when known from the text, else guessed."""

    tokens: list[str]
    spans: list[tuple[int, int, str]]
    spaces: list[bool] | None = None


def read_conll(path: Path) -> Iterator[list[tuple[str, str]]]:
    """Yield sentences as (token, IOB tag) pairs; first column token, last column tag."""
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t") if "\t" in line else line.split()
        if not parts or not parts[0].strip():
            if sentence:
                yield sentence
            sentence = []
            continue
        sentence.append((parts[0].strip(), parts[-1].strip()))
    if sentence:
        yield sentence


def iob_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Entity spans from IOB2 tags; an I- tag that does not continue an entity starts one."""
    spans: list[tuple[int, int, str]] = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, raw = tag.partition("-")
        mapped = LABEL_MAP.get(raw)
        continues = prefix == "I" and mapped == label and start is not None
        if continues:
            continue
        if start is not None:
            spans.append((start, i, label))
            start, label = None, None
        if prefix in ("B", "I") and mapped:
            start, label = i, mapped
    return spans


def load_split(path: Path) -> list[Sentence]:
    """All sentences of one split file, labels mapped to PERSON / LOC / ORG."""
    sentences = []
    for rows in read_conll(path):
        tokens = [token for token, _ in rows]
        sentences.append(Sentence(tokens, iob_to_spans([tag for _, tag in rows])))
    return sentences


def sentence_key(tokens: list[str]) -> str:
    """Identity of a sentence for overlap checks: lower-cased letters and digits only."""
    return _NOT_WORD.sub("", "".join(tokens).lower())


def drop_overlap(sentences: list[Sentence], test_keys: set[str]) -> tuple[list[Sentence], int]:
    """Sentences whose key is not in `test_keys`, and how many were dropped."""
    kept = [s for s in sentences if sentence_key(s.tokens) not in test_keys]
    return kept, len(sentences) - len(kept)


def recase(sentence: Sentence, mode: str) -> Sentence:
    """A copy of the sentence in ALL CAPS (`upper`) or Title Case (`title`)."""
    if mode == "upper":
        tokens = [t.upper() for t in sentence.tokens]
    else:
        tokens = [t[:1].upper() + t[1:].lower() for t in sentence.tokens]
    return Sentence(tokens, list(sentence.spans))


def augment_case(sentences: list[Sentence], fraction: float, seed: int) -> list[Sentence]:
    """ALL CAPS copies of one seeded sample and Title Case copies of another, each `fraction`."""
    rng = random.Random(seed)
    order = list(range(len(sentences)))
    rng.shuffle(order)
    size = int(len(sentences) * fraction)
    upper = [recase(sentences[i], "upper") for i in order[:size]]
    title = [recase(sentences[i], "title") for i in order[size : 2 * size]]
    return upper + title


def guess_spaces(tokens: list[str]) -> list[bool]:
    """Whitespace after each token as running text would have it (no space before a comma)."""
    spaces = []
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        glued = following is None or following in _NO_SPACE_BEFORE or token in _NO_SPACE_AFTER
        spaces.append(not glued)
    return spaces


def to_doc(vocab: Vocab, sentence: Sentence) -> Doc:
    """A gold Doc with natural spacing, so training sees the tokenizer's own tokens."""
    spaces = sentence.spaces if sentence.spaces is not None else guess_spaces(sentence.tokens)
    doc = Doc(vocab, words=sentence.tokens, spaces=spaces)
    doc.ents = [Span(doc, start, end, label=label) for start, end, label in sentence.spans]
    return doc


def write_docbin(sentences: list[Sentence], path: Path) -> None:
    """Store sentences as a spaCy DocBin file."""
    vocab = spacy.blank("id").vocab
    DocBin(docs=(to_doc(vocab, s) for s in sentences), store_user_data=False).to_disk(path)


def load_corpora(data: Path) -> tuple[dict[str, dict[str, list[Sentence]]], dict[str, dict]]:
    """Every split of every corpus, with train/dev sentences that occur in a test split removed."""
    splits = {
        c.name: {
            "train": load_split(data / c.folder / c.train),
            "dev": load_split(data / c.folder / c.dev),
            "test": load_split(data / c.folder / c.test),
        }
        for c in CORPORA
    }
    test_keys = {sentence_key(s.tokens) for parts in splits.values() for s in parts["test"]}
    stats: dict[str, dict] = {}
    for name, parts in splits.items():
        stats[name] = {}
        for split in ("train", "dev"):
            kept, dropped = drop_overlap(parts[split], test_keys)
            parts[split] = kept
            stats[name][f"{split}_sentences"] = len(kept)
            stats[name][f"{split}_dropped_test_overlap"] = dropped
        stats[name]["test_sentences"] = len(parts["test"])
    return splits, stats


def sample_splits(
    splits: dict[str, dict[str, list[Sentence]]], size: int, seed: int
) -> dict[str, dict[str, list[Sentence]]]:
    """At most `size` sentences of every split of every corpus, a seeded sample in order."""
    rng = random.Random(seed)
    return {
        name: {
            split: [sentences[i] for i in sorted(rng.sample(range(len(sentences)), size))]
            if len(sentences) > size
            else sentences
            for split, sentences in parts.items()
        }
        for name, parts in splits.items()
    }


def score_split(nlp: Language, sentences: list[Sentence]) -> dict:
    """Entity P/R/F1 overall and per label, on the model's own tokenization of the text."""
    examples = [
        Example(nlp.make_doc(ref.text), ref) for ref in (to_doc(nlp.vocab, s) for s in sentences)
    ]
    scores = nlp.evaluate(examples)
    per_type = scores.get("ents_per_type") or {}
    return {
        "sentences": len(sentences),
        "precision": round(scores["ents_p"], 4),
        "recall": round(scores["ents_r"], 4),
        "f1": round(scores["ents_f"], 4),
        "per_label": {
            label: {k: round(v, 4) for k, v in per_type.get(label, {}).items()} for label in LABELS
        },
    }


def install_model(best: Path, out: Path) -> None:
    """Replace the model files in `out` with `best`, keeping its notices and README."""
    out.mkdir(parents=True, exist_ok=True)
    kept = {p for pattern in KEPT_FILES for p in out.glob(pattern)}
    for path in out.iterdir():
        if path in kept:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    for path in best.iterdir():
        if path.is_dir():
            shutil.copytree(path, out / path.name)
        else:
            shutil.copy2(path, out / path.name)


def copy_notices(data: Path, out: Path) -> None:
    """Copy the corpora's licence and contributor files beside the model."""
    for source, name in NOTICE_FILES:
        shutil.copyfile(data / source, out / name)


def describe_model(out: Path) -> None:
    """Name the model and its sources in meta.json; drop temporary corpus paths from its config."""
    config = spacy.util.load_config(out / "config.cfg", interpolate=False)
    config["paths"]["train"] = None
    config["paths"]["dev"] = None
    config.to_disk(out / "config.cfg")
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(
        name="pantau_ner_id",
        version="1.0.0",
        description="Indonesian PERSON / LOC / ORG recogniser trained by tools/train_ner.py.",
        license="See NOTICE.md (MIT, Apache-2.0, CC BY 4.0 corpora)",
        sources=[{"name": c.name} for c in CORPORA],
    )
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the corpora")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model folder to write")
    parser.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument(
        "--augment", type=float, default=0.15, help="fraction of train sentences per case copy"
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=None,
        help="at most N sentences of each split of each corpus (quick trial runs only)",
    )
    return parser.parse_args(argv)


def train_and_score(
    splits: dict[str, dict[str, list[Sentence]]], train: list[Sentence], args: argparse.Namespace
) -> tuple[dict[str, dict], float]:
    """Train on `train`, pick the best checkpoint on the dev union, score it, install it."""
    dev = [s for parts in splits.values() for s in parts["dev"]]
    overrides: dict[str, object] = {}
    if args.max_steps is not None:
        overrides["training.max_steps"] = args.max_steps
    with tempfile.TemporaryDirectory(prefix="pantau-ner-") as tmp:
        work = Path(tmp)
        write_docbin(train, work / "train.spacy")
        write_docbin(dev, work / "dev.spacy")
        overrides["paths.train"] = str(work / "train.spacy")
        overrides["paths.dev"] = str(work / "dev.spacy")
        started = time.monotonic()
        spacy_train(CONFIG, work / "output", overrides=overrides)
        seconds = time.monotonic() - started
        nlp = spacy.load(work / "output" / "model-best")
        metrics = {name: score_split(nlp, parts["test"]) for name, parts in splits.items()}
        install_model(work / "output" / "model-best", args.out)
    return metrics, seconds


def main(argv: list[str] | None = None, *, extra: Sequence[Sentence] = ()) -> int:
    """Convert, train, evaluate per test split, install the model and write METRICS.json.

    `extra` sentences are added to the training data as they are (no case copies).
    """
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    splits, stats = load_corpora(args.data)
    seed = int(spacy.util.load_config(CONFIG)["system"]["seed"])
    if args.sample is not None:
        splits = sample_splits(splits, args.sample, seed)
    train = [s for parts in splits.values() for s in parts["train"]]
    augmented = augment_case(train, args.augment, seed)
    metrics, seconds = train_and_score(splits, train + augmented + list(extra), args)
    describe_model(args.out)
    write_forms(args.out)  # lets the pipeline load the tokenizer without working them out
    copy_notices(args.data, args.out)
    report = {
        "command": " ".join(["uv run python -m tools.train_ner", *map(shlex.quote, argv)]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "spacy_version": spacy.__version__,
        "config": str(CONFIG.relative_to(ROOT)),
        "seed": seed,
        "training_seconds": round(seconds, 1),
        "train_sentences": len(train),
        "case_augmented_sentences": len(augmented),
        "extra_sentences": len(extra),
        "sample": args.sample,
        "dev_sentences": sum(len(parts["dev"]) for parts in splits.values()),
        "data": stats,
        "test": metrics,
    }
    (args.out / "METRICS.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for name, scores in metrics.items():
        print(f"{name}: P={scores['precision']:.3f} R={scores['recall']:.3f} F1={scores['f1']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

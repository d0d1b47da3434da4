"""The shipped statistical Indonesian NER (PERSON / LOC / ORG) and how to load it.

The model lives in the repository (`extractors/nlp/model/ner-id`), is trained by
`tools/train_ner.py` and is loaded from that path only, so nothing is downloaded at run time.
Its entities go into `doc.ents`; rule components add their results as span groups.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry

from extractors.nlp.tokens import read_tokenizer
from models.errors import SetupError

NER_MODEL_PATH = Path(__file__).parent / "model" / "ner-id"
NER_LABELS = ("PERSON", "LOC", "ORG")
TRAIN_COMMAND = "uv run python -m tools.train_ner"


# The model folder holds its tokenizer (the Indonesian rules and their 16,000 special cases).
# Building spaCy's default tokenizer first, only for the folder's copy to replace it, would
# cost the special cases twice; this one starts empty, and `open_model` reads the folder's
# (`extractors.nlp.tokens`).
EMPTY_TOKENIZER = {"nlp": {"tokenizer": {"@tokenizers": "pantau.empty_tokenizer.v1"}}}


@registry.tokenizers("pantau.empty_tokenizer.v1")
def empty_tokenizer() -> Callable[[Language], Tokenizer]:
    """A tokenizer without rules, for a model folder that brings its own."""

    def make(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return make


def check_model(path: Path | None = None) -> None:
    """Raise a SetupError naming the training command when the model folder is missing."""
    path = NER_MODEL_PATH if path is None else path
    if not (path / "config.cfg").is_file():
        raise SetupError(
            f"The Indonesian NER model is missing from {path}. "
            f"Train it with `{TRAIN_COMMAND}` from the repository root."
        )


def open_model(path: Path | None = None) -> Language:
    """A new copy of the model (tokenizer, tok2vec, ner) read from its folder: the shipped
    one, or the model folder `path` (a retrained model being measured)."""
    path = NER_MODEL_PATH if path is None else path
    check_model(path)
    try:
        nlp = spacy.load(path, config=EMPTY_TOKENIZER, exclude=["tokenizer"])
        nlp.tokenizer = read_tokenizer(nlp.vocab, path / "tokenizer")
        return nlp
    except (OSError, ValueError) as e:
        raise SetupError(
            f"The Indonesian NER model in {path} cannot be loaded ({e}). "
            f"Retrain it with `{TRAIN_COMMAND}` from the repository root."
        ) from e


@cache
def load_ner() -> Language:
    """The trained Indonesian NER pipeline (tokenizer, tok2vec, ner), loaded once per process."""
    return open_model()


def entities(text: str) -> list[tuple[str, str]]:
    """(text, label) of every entity the shipped model finds in `text`."""
    return [(ent.text, ent.label_) for ent in load_ner()(text).ents]

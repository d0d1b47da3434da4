"""The shipped statistical Indonesian NER (PERSON / LOC / ORG) and how to load it.

The model lives in the repository (`extractors/nlp/model/ner-id`), is trained by
`tools/train_ner.py` and is loaded from that path only, so nothing is downloaded at run time.
Its entities go into `doc.ents`; rule components add their results as span groups.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language

from models.errors import SetupError

NER_MODEL_PATH = Path(__file__).parent / "model" / "ner-id"
NER_LABELS = ("PERSON", "LOC", "ORG")
TRAIN_COMMAND = "uv run python -m tools.train_ner"


@cache
def load_ner() -> Language:
    """The trained Indonesian NER pipeline (tokenizer, tok2vec, ner), loaded once per process."""
    if not (NER_MODEL_PATH / "config.cfg").is_file():
        raise SetupError(
            f"The Indonesian NER model is missing from {NER_MODEL_PATH}. "
            f"Train it with `{TRAIN_COMMAND}` from the repository root."
        )
    try:
        return spacy.load(NER_MODEL_PATH)
    except (OSError, ValueError) as e:
        raise SetupError(
            f"The Indonesian NER model in {NER_MODEL_PATH} cannot be loaded ({e}). "
            f"Retrain it with `{TRAIN_COMMAND}` from the repository root."
        ) from e


def entities(text: str) -> list[tuple[str, str]]:
    """(text, label) of every entity the shipped model finds in `text`."""
    return [(ent.text, ent.label_) for ent in load_ner()(text).ents]

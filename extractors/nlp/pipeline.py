"""The whole Indonesian extraction pipeline, assembled from `pipeline.cfg`.

The trained NER (tokenizer, tok2vec, ner) comes from the shipped model folder; every
other step is a Pantau component registered with `Language.factory`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import spacy
from spacy.language import Language

# Importing the modules registers their factories.
from extractors.nlp import (  # noqa: F401
    dates,
    identifiers,
    incidents,
    letter,
    nationality,
    organisations,
    people,
    place_mentions,
    places,
    records,
)
from extractors.nlp.ner import open_model

CONFIG_PATH = Path(__file__).with_name("pipeline.cfg")
SOURCED = ("tok2vec", "ner")  # the trained components, taken from the model folder

_lock = threading.Lock()
_loaded: Language | None = None


def load_pipeline() -> Language:
    """The pipeline of `pipeline.cfg`, built once per process (thread-safe); no network.

    The model folder is read once, tokenizer included; the rule components follow in the
    config's order, each built by its factory with its default settings.
    """
    global _loaded
    with _lock:
        if _loaded is None:
            _loaded = assemble()
        return _loaded


@contextmanager
def using_model(path: Path) -> Iterator[Language]:
    """Inside the block, `load_pipeline` gives the pipeline built on the NER model folder
    `path` instead of the shipped one; the previous pipeline comes back after it.

    For tools that measure a retrained model (`tools/retrain.py`); it changes the whole
    process, so nothing else may be extracting meanwhile.
    """
    global _loaded
    nlp = assemble(path)
    with _lock:
        previous, _loaded = _loaded, nlp
    try:
        yield nlp
    finally:
        with _lock:
            _loaded = previous


def assemble(model: Path | None = None) -> Language:
    """Build the pipeline: the trained model (the shipped one, or the folder `model`), then
    the components of the config file."""
    config = spacy.util.load_config(CONFIG_PATH)
    names = list(config["nlp"]["pipeline"])
    if names[: len(SOURCED)] != list(SOURCED):
        raise ValueError(f"{CONFIG_PATH} must start with the trained components {SOURCED}")
    nlp = open_model(model)
    if nlp.pipe_names != list(SOURCED):
        raise ValueError(f"the model folder holds {nlp.pipe_names}, not {list(SOURCED)}")
    for name in names[len(SOURCED) :]:
        block = dict(config["components"][name])
        factory = block.pop("factory")
        nlp.add_pipe(factory, name=name, config=block)
    return nlp

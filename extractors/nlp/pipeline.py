"""The whole Indonesian extraction pipeline, assembled from `pipeline.cfg`.

The trained NER (tok2vec + ner) is sourced from the shipped model folder; every
other step is a Pantau component registered with `Language.factory`.
"""

from __future__ import annotations

from functools import lru_cache
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
from extractors.nlp.ner import NER_MODEL_PATH, load_ner

CONFIG_PATH = Path(__file__).with_name("pipeline.cfg")


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """Build the pipeline from its config file (cached per process); no network."""
    load_ner()  # a clear SetupError when the model folder is missing
    config = spacy.util.load_config(CONFIG_PATH, overrides={"paths.ner_model": str(NER_MODEL_PATH)})
    return spacy.util.load_model_from_config(config, auto_fill=True, validate=True)

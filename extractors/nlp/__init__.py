"""Indonesian extraction: spaCy components and the shipped NER model."""

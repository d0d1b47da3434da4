"""Readable labels for facet values: region codes with their names, countries by name.

Codes stay visible beside the name ("Bali (51)", "Kab. Badung (51.03)", "Tiongkok (CN)")
because investigators type and quote them.
"""

from __future__ import annotations

from functools import cache

import babel

from extractors.nlp.region_names import region_name
from models.records import Facet

LEVEL_PREFIX = {"regency": "Kab. ", "city": "Kota "}
FACET_TITLES = {
    Facet.NATIONALITY.value: "Nationality",
    Facet.PROVINCE.value: "Province",
    Facet.REGENCY.value: "Regency / city",
    Facet.INCIDENT.value: "Incident",
    Facet.STATUS.value: "Incident status",
    Facet.KIND.value: "Document kind",
    Facet.AGENCY.value: "Agency",
    Facet.MONTH.value: "Month",
    Facet.SENDER.value: "Sender",
    Facet.LETTER_NUMBER.value: "Letter number",
}


@cache
def country_names() -> dict[str, str]:
    """Indonesian country names by ISO 3166-1 alpha-2 code."""
    territories = babel.Locale("id").territories
    return {code: name for code, name in territories.items() if len(code) == 2}


def region_label(code: str) -> str:
    """ "Bali (51)", "Kab. Badung (51.03)", "Kota Denpasar (51.71)"; the bare code if unknown."""
    found = region_name(code)
    if found is None:
        return code
    return f"{LEVEL_PREFIX.get(found.level, '')}{found.name} ({code})"


def nationality_label(code: str) -> str:
    """ "Tiongkok (CN)"; the bare code if unknown."""
    name = country_names().get(code)
    return f"{name} ({code})" if name else code


def facet_label(facet: str, value: str) -> str:
    """How one facet value is shown."""
    if facet == Facet.NATIONALITY:
        return nationality_label(value)
    if facet in (Facet.PROVINCE, Facet.REGENCY):
        return region_label(value)
    if facet in (Facet.INCIDENT, Facet.STATUS):
        return value.replace("_", " ")
    return value

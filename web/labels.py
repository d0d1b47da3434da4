"""Readable labels for facet values: region codes with their names, countries by name.

Codes stay visible beside the name ("Bali (51)", "Kab. Badung (51.03)", "Tiongkok (CN)")
because investigators type and quote them.
"""

from __future__ import annotations

from functools import cache

import babel

from extractors.nlp.region_names import region_name
from models.i18n import N_, _
from models.records import Facet

LEVEL_PREFIX = {"regency": "Kab. ", "city": "Kota "}
# Shown with _() where the page is made.
FACET_TITLES = {
    Facet.NATIONALITY.value: N_("Nationality"),
    Facet.PROVINCE.value: N_("Province"),
    Facet.REGENCY.value: N_("Regency / city"),
    Facet.INCIDENT.value: N_("Incident"),
    Facet.STATUS.value: N_("Incident status"),
    Facet.KIND.value: N_("Document kind"),
    Facet.AGENCY.value: N_("Agency"),
    Facet.MONTH.value: N_("Month"),
    Facet.SENDER.value: N_("Sender"),
    Facet.LETTER_NUMBER.value: N_("Letter number"),
}
# The names shown for incident labels, incident statuses and document kinds (the values
# themselves stay in addresses and filters). Each English name is the value with spaces
# for underscores, as shown before names were translated.
VALUE_NAMES = {
    Facet.INCIDENT.value: {
        "overstay": N_("overstay"),
        "permit_misuse": N_("permit misuse"),
        "illegal_work": N_("illegal work"),
        "illegal_entry": N_("illegal entry"),
        "document_fraud": N_("document fraud"),
        "arrest": N_("arrest"),
        "detention": N_("detention"),
        "deportation": N_("deportation"),
        "blacklist": N_("blacklist"),
        "criminal": N_("criminal"),
        "public_order": N_("public order"),
        "refugee": N_("refugee"),
        "joint_operation": N_("joint operation"),
    },
    Facet.STATUS.value: {
        "hypothetical": N_("hypothetical"),
        "negated": N_("negated"),
        "planned": N_("planned"),
        "reported": N_("reported"),
    },
    Facet.KIND.value: {
        "letter": N_("letter"),
        "minutes": N_("minutes"),
        "news": N_("news"),
    },
}
# The levels of places and regions, as shown.
LEVEL_NAMES = {
    "province": N_("province"),
    "regency": N_("regency"),
    "city": N_("city"),
    "region": N_("region"),
}
# Codes the templates show with _() on the value itself (underscores as spaces): they come
# from fixed enums, so these are all their names.
DOCUMENT_STATUS_NAMES = (
    N_("pending"),
    N_("processed"),
    N_("partial"),
    N_("failed"),
    N_("duplicate"),
)
FACT_KIND_NAMES = (
    N_("foreign national"),
    N_("official"),
    N_("other person"),
    N_("nationality"),
    N_("location"),
    N_("organisation"),
    N_("incident"),
    N_("date"),
    N_("identifier"),
    N_("document field"),
)


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
    if value in VALUE_NAMES.get(facet, {}):
        return value_name(facet, value)
    if facet in (Facet.INCIDENT, Facet.STATUS):
        return value.replace("_", " ")
    return value


def level_name(level: str) -> str:
    """A place's level (province, regency, city) in the current language; else as it is."""
    name = LEVEL_NAMES.get(level)
    return _(name) if name is not None else level


def value_name(facet: str, value: str) -> str:
    """The name of an incident label, incident status or document kind in the current
    language; any other value as it is."""
    name = VALUE_NAMES.get(facet, {}).get(value)
    return _(name) if name is not None else value
